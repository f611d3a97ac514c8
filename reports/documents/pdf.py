"""PDF rendering with WeasyPrint: the printed pages of the progress reports.

What makes it quick, built once per process and reused by every render:
- the :class:`FontConfiguration` that holds the shipped font (``static/fonts/``, loaded by
  ``@font-face`` in ``static/css/print.css``), so fonts are parsed once;
- the parsed print stylesheet (``print.css``, kept small);
- a URL fetcher that reads ``/static/...`` and ``file:`` URLs inside the static folder from disk and
  refuses everything else, so a render never goes over the network.
"""

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from core.text import clean_text

# WeasyPrint logs every layout step at INFO; the reports need its warnings only.
for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.WARNING)

STATIC_DIR = Path(settings.BASE_DIR) / "static"
STYLESHEET = STATIC_DIR / "css" / "print.css"


class StaticFileFetcher(URLFetcher):
    """Serves ``/static/...`` and ``file:`` URLs within the static folder from disk, nothing else."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=["file"])
        self.root = root.resolve()

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(URLFetcherResponse(url).path)
        elif url.startswith("/static/"):
            path = self.root / url.removeprefix("/static/").split("?")[0]
        else:
            raise ValueError(f"Reports load static files only, not {url}")
        path = path.resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Not a static file: {url}")
        return URLFetcherResponse(path2url(str(path)), path.read_bytes())


_lock = threading.Lock()
_shared = {}


def _resources():
    """The font configuration, the parsed stylesheet and the fetcher, built on first use."""
    if not _shared:
        with _lock:
            if not _shared:
                fetcher = StaticFileFetcher(STATIC_DIR)
                font_config = FontConfiguration()
                stylesheet = CSS(
                    filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher
                )
                _shared.update(font_config=font_config, stylesheet=stylesheet, fetcher=fetcher)
    return _shared


def html_to_pdf(html: str) -> bytes:
    """Render an HTML document (the report template's output) to PDF bytes; a control character
    of stored text is left out (it has no glyph)."""
    res = _resources()
    document = HTML(
        string=clean_text(html),
        base_url=path2url(str(STATIC_DIR)) + "/",
        url_fetcher=res["fetcher"],
    )
    return document.write_pdf(stylesheets=[res["stylesheet"]], font_config=res["font_config"])


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` (under ``templates/reports/pdf/``) with ``context`` to PDF."""
    return html_to_pdf(render_to_string(template_name, context))
