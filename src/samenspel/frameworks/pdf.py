"""Render an HTML page as a tagged PDF (PDF/UA-1) with WeasyPrint, reading only static files."""

from __future__ import annotations

import functools
import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

# WeasyPrint takes most of a second to import (its text and font libraries): it is loaded the
# first time a PDF is made, not by every command and every worker that never makes one.


@functools.cache
def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """Serve the app's own static files to WeasyPrint and refuse every other address.

        The PDF must never reach out to the network or to arbitrary files on disk: framework
        text is data, and a link in it must not become a request from the server.
        """

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = unquote(urlsplit(url).path)
            prefix = str(settings.STATIC_URL)
            if not path.startswith(prefix):
                raise ValueError(f"only static files are available to the PDF, not {url!r}")
            relative = posixpath.normpath(path.removeprefix(prefix))
            if relative.startswith(("..", "/")):
                raise ValueError(f"not a static file: {url!r}")
            found = finders.find(relative)
            if not isinstance(found, str):
                raise ValueError(f"no static file {relative!r}")
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, Path(found).read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticOnlyFetcher


def __getattr__(name: str) -> Any:
    """Give `StaticOnlyFetcher` on first use (it subclasses a WeasyPrint class)."""
    if name == "StaticOnlyFetcher":
        return _fetcher_class()
    raise AttributeError(name)


def render_pdf(html: str, *, base_url: str) -> bytes:
    """Return `html` as a tagged, accessible PDF (PDF/UA-1)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher_class()())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise TypeError("WeasyPrint returned no bytes")
    return pdf
