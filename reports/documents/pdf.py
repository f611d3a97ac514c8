"""PDF with WeasyPrint: the printed progress reports and the official documents.

The one place WeasyPrint is set up, once per process and reused by every render:
- its logging (it logs every layout step at INFO; the documents need its warnings only);
- one :class:`FontConfiguration` holding the shipped fonts (``static/fonts/``, loaded by
  ``@font-face`` in the stylesheets of :data:`~reports.documents.base.STYLESHEETS`), so fonts
  are parsed once;
- each stylesheet parsed once (``print.css`` for the reports, ``official.css`` for the official
  documents, both kept small);
- the base URL (the static folder) and a URL fetcher that reads ``/static/...`` and ``file:`` URLs
  inside the static folder from disk and refuses everything else, so a render never goes over
  the network.

The HTML is cleaned once (:func:`~reports.documents.base.clean`) before WeasyPrint reads it. A
summary report's annexes are pages of text written straight to PDF after WeasyPrint's
(:mod:`reports.documents.pdftext`).
"""

import logging
import threading
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.formats import localize, number_format
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from reports import charts
from reports.documents.base import STATIC_DIR, STYLESHEETS, clean
from reports.documents.official import OfficialDocument
from reports.documents.pdftext import Block, append_pages

for _name in ("weasyprint", "weasyprint.progress"):
    logging.getLogger(_name).setLevel(logging.WARNING)

BASE_URL = path2url(str(STATIC_DIR)) + "/"


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
            raise ValueError(f"Documents load static files only, not {url}")
        path = path.resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"Not a static file: {url}")
        return URLFetcherResponse(path2url(str(path)), path.read_bytes())


_lock = threading.Lock()
_shared: dict = {}


def _resources() -> dict:
    """The font configuration, the parsed stylesheets and the fetcher, built on first use."""
    if not _shared:
        with _lock:
            if not _shared:
                fetcher = StaticFileFetcher(STATIC_DIR)
                fonts = FontConfiguration()
                stylesheets = {
                    name: CSS(filename=str(path), font_config=fonts, url_fetcher=fetcher)
                    for name, path in STYLESHEETS.items()
                }
                _shared.update(fetcher=fetcher, fonts=fonts, stylesheets=stylesheets)
    return _shared


def html_to_pdf(html: str, *, stylesheet: str = "report") -> bytes:
    """An HTML document (a template's output) as PDF bytes, with the stylesheet ``stylesheet``
    (a key of :data:`~reports.documents.base.STYLESHEETS`); a control character of stored text
    is left out (it has no glyph)."""
    res = _resources()
    document = HTML(string=clean(html), base_url=BASE_URL, url_fetcher=res["fetcher"])
    return document.write_pdf(
        stylesheets=[res["stylesheets"][stylesheet]], font_config=res["fonts"]
    )


def report_pdf(context: dict) -> bytes:
    """A progress report (its context: :func:`reports.services.report_context`) as PDF:
    ``templates/reports/pdf/progress_report.html`` with its charts, then, in a summary, the
    annexes as pages of text, every page numbered."""
    figures = context["figures"]
    context = {
        **context,
        "progress_svg": charts.progress_curve_svg(figures),
        "stages_svg": charts.stage_chart_svg(figures),
    }
    document = html_to_pdf(render_to_string("reports/pdf/progress_report.html", context))
    if context.get("summary"):
        document = append_pages(document, annex_blocks(context), footer_label=_("Page"))
    return document


def official_pdf(doc: OfficialDocument) -> bytes:
    """An official document as PDF (``templates/reports/official/document.html``)."""
    html = render_to_string("reports/official/document.html", {"doc": doc})
    return html_to_pdf(html, stylesheet="official")


def annex_blocks(context: dict) -> list[Block]:
    """The annexes of a summary report as pages of text (:mod:`reports.documents.pdftext`): one
    per unit of :func:`reports.services.district_annexes`, then the announcements of conformity
    when there are some."""
    blocks = []
    for n, annex in enumerate(context["annexes"], start=1):
        unit = annex["unit"]
        heading = _("Annex %(n)s: %(name)s (%(count)s communes)") % {
            "n": n,
            "name": unit.name,
            "count": localize(unit.communes),
        }
        note = " · ".join(
            [
                f"{_('Progress (%)')}: {number_format(unit.progress, 1)}",
                f"{_('Overdue milestones')}: {localize(unit.counts.overdue)}",
                f"{_('Open findings')}: {localize(unit.open_findings)}",
                f"{_('Overdue actions')}: {localize(unit.overdue_actions)}",
            ]
        )
        blocks.append(Block(heading, note, annex["header"], annex["lines"]))
    if context["announcements"]:
        header, *lines = context["announcements_text"].split("\n")
        title = _("Annex %(n)s: announcements of conformity (%(count)s)") % {
            "n": len(blocks) + 1,
            "count": localize(len(lines)),
        }
        blocks.append(Block(title, "", header, lines))
    return blocks
