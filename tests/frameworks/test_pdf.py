"""The printable course of action as a tagged PDF (PDF/UA-1)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from samenspel.frameworks import services
from samenspel.frameworks.pdf import StaticOnlyFetcher
from samenspel.testing import Cast, force_verified_login
from tests.conftest import require_or_skip

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()


@pytest.fixture
def pdf(cast: Cast, client: Client, caplog: pytest.LogCaptureFixture) -> bytes:
    version = services.load_version(MINIMAL, source_name="minimal.yaml", by=cast.national_admin)
    services.publish_version(version, by=cast.national_admin)
    force_verified_login(client, cast.case_manager)
    response = client.get("/kader/handelingsperspectief/PH-2/pdf/?organisatie=police")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "handelingsperspectief-PH-2-police.pdf" in response["Content-Disposition"]
    content = response.content
    # WeasyPrint logs what it cannot use (an unknown CSS rule, a missing font or file).
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    if folder := os.environ.get("SAMENSPEL_SCREENSHOTS"):
        Path(folder, "handelingsperspectief.pdf").write_bytes(content)
    return content


def test_the_course_of_action_is_a_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_the_pdf_is_tagged_and_has_its_title(pdf: bytes, tmp_path: Path) -> None:
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        require_or_skip("pdf", "pdfinfo and pdftotext (poppler-utils) are not installed")
    file = tmp_path / "course.pdf"
    file.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    assert "Handelingsperspectief: Ernstig geradicaliseerd" in info.stdout  # the title
    meta = subprocess.run(["pdfinfo", "-meta", str(file)], capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta  # declared PDF/UA-1 in the XMP metadata
    text = subprocess.run(
        ["pdftotext", "-layout", str(file), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Uitvoeren: Meldplicht" in text
    assert "Onzeker (GK?): controleren" in text
    assert "Testkader, versie t.1" in text  # in the body and in the page margin
    assert "Pagina 1 van" in text


def test_the_pdf_needs_a_verified_login(cast: Cast) -> None:
    response = Client(REMOTE_ADDR="127.0.0.1").get("/kader/handelingsperspectief/PH-2/pdf/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_the_pdf_renderer_reads_static_files_only() -> None:
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch("http://testserver/static/samenspel/frameworks.css")
    assert css.content_type == "text/css"
    for url in (
        "http://example.org/anything",
        "file:///etc/passwd",
        "http://testserver/static/../settings.py",
        "http://testserver/static/missing.css",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
