"""Document output: the progress reports and the official documents as PDF, Word and Excel, behind
one entry point, :func:`render`. What a document holds is decided elsewhere (a progress report's
context: :func:`reports.services.report_context`; the figures: :mod:`reports.metrics`); this
package writes it.

- ``base.py``: the one setup every writer shares: static and font paths, the fonts, the content
  types, the text cleaning of everything written (:func:`~reports.documents.base.clean`);
- ``official.py``: what an official document says (the Nghị định 30/2020 frame, and the plan,
  decision, minutes, November summary and annual report built on it);
- ``pdf.py``: WeasyPrint, set up once (fonts, stylesheets, base URL, static file fetching,
  logging): the progress report and the official documents as PDF;
- ``pdftext.py``: pages of plain lines written straight to PDF (a summary report's annexes);
- ``textlayout.py``: the fixed-width text of the printed report (grid, roadmaps, annex tables);
- ``word.py``: an official document as Word (python-docx);
- ``excel.py``: a progress report as an Excel workbook (XlsxWriter, constant memory).
"""

from reports.documents import excel, pdf, word
from reports.documents.base import CONTENT_TYPES
from reports.documents.official import OfficialDocument

__all__ = ["CONTENT_TYPES", "render"]

WRITERS = {
    ("official", "pdf"): pdf.official_pdf,
    ("official", "docx"): word.official_docx,
    ("report", "pdf"): pdf.report_pdf,
    ("report", "xlsx"): excel.report_workbook,
}


def render(source: OfficialDocument | dict, fmt: str) -> bytes:
    """``source`` as the bytes of a ``fmt`` file: an :class:`OfficialDocument` as ``"pdf"`` or
    ``"docx"``; a progress report (its context, :func:`reports.services.report_context`) as
    ``"pdf"`` or ``"xlsx"``."""
    kind = "official" if isinstance(source, OfficialDocument) else "report"
    writer = WRITERS.get((kind, fmt))
    if writer is None:
        raise ValueError(f"No {fmt!r} writer for a {kind}")
    return writer(source)
