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
def pdf(cast: Cast, client: Client) -> bytes:
    version = services.load_version(MINIMAL, source_name="minimal.yaml", by=cast.national_admin)
    services.publish_version(version, by=cast.national_admin)
    force_verified_login(client, cast.case_manager)
    response = client.get("/kader/handelingsperspectief/PH-2/pdf/?organisatie=police")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "handelingsperspectief-PH-2-police.pdf" in response["Content-Disposition"]
    content = response.content
    if folder := os.environ.get("SAMENSPEL_SCREENSHOTS"):
        Path(folder, "handelingsperspectief.pdf").write_bytes(content)
    return content


def test_the_course_of_action_is_a_pdf(pdf: bytes) -> None:
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")


def test_the_pdf_is_tagged_and_has_its_title(pdf: bytes, tmp_path: Path) -> None:
    if not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdffonts")):
        require_or_skip("pdf", "pdfinfo, pdftotext and pdffonts (poppler-utils) are not installed")
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
    assert_styled_as_printed(file)


def assert_styled_as_printed(file: Path) -> None:
    """Check the stylesheet took effect: A4 pages, and only the vendored font, embedded.

    The stylesheet names the vendored Noto Sans files "Samenspel PDF" (@font-face). A
    stylesheet or font file the renderer could not load shows here: another page size, or a
    system font (DejaVu, a Noto of the system) in the list instead of a subset of that font.
    """
    info = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True)
    assert "(A4)" in info.stdout
    fonts = subprocess.run(["pdffonts", str(file)], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]  # after the header and its rule
    assert rows, fonts.stdout
    for row in rows:
        name, *_rest = row.split()
        assert name.split("+")[-1] in {"Samenspel-PDF", "Samenspel-PDF-Bold"}, row
        assert " yes yes yes " in row, row  # embedded, as a subset, with its Unicode map


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
