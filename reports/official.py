"""The frame of every official document the product writes: the inspection plan, the inspection
decision, the minutes and the annual report, as PDF (WeasyPrint) and as Word (python-docx).

The form follows Nghị định 30/2020/NĐ-CP (Art. 8 and Phụ lục I): the national motto and slogan;
the issuing body under its parent; the number and symbol (typed by the user as issued, never
invented: left blank before the slash until then); place and date; the kind of document and its
subject line (trích yếu); the body; the signer's title and name; the recipients (Nơi nhận). Times
New Roman 13–14 pt (the PDF embeds Liberation Serif, metric-compatible, from static/fonts; the
Word file names Times New Roman, which the office's computers have); page numbers centred in the
top margin from page 2; margins top 20, bottom 20, left 30, right 15 mm.

A document is an :class:`OfficialDocument` of :class:`Block` s; builders of each kind are in
:mod:`reports.documents`.
"""

import datetime
import io
import threading
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import path2url

from core.filenames import download_name
from reports.pdf import STATIC_DIR, StaticFileFetcher

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
SIZE = 14  # pt, the body (NĐ 30/2020: 13 to 14)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
STYLESHEET = STATIC_DIR / "css" / "official.css"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Block:
    """A piece of the body: ``heading``, ``center`` (a centred bold line), ``para``, ``list``
    (``items``), or ``table`` (``headers``, ``rows``; ``widths`` in mm, optional)."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)


@dataclass
class Signer:
    title: str
    name: str
    caption: str = ""  # above the title in two-signer documents (minutes): who signs for whom


@dataclass
class OfficialDocument:
    parent_body: str
    issuing_body: str
    number: str
    symbol: str
    place: str
    date: datetime.date | None
    year: int
    kind: str
    subject: str
    blocks: list[Block]
    signers: list[Signer]
    recipients: list[str]
    filename: str

    motto = MOTTO
    slogan = SLOGAN

    @property
    def number_line(self) -> str:
        """ "Số: 12/KH-SKHCN" as typed; before it is issued "Số:      /KH-SKHCN" (never invented)."""
        number = (self.number or "").strip()
        if number.lower().startswith("số"):
            number = number[2:].lstrip(" :")
        return f"Số: {number}" if number else f"Số:{' ' * 6}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return f"{self.place}, {vietnamese_date(self.date, self.year)}"


def vietnamese_date(day: datetime.date | None, year: int | None = None) -> str:
    """ "ngày 05 tháng 3 năm 2024" (NĐ 30/2020 Phụ lục I: a 0 before days 1–9 and months 1–2);
    blanks for the office to fill when the date is not known yet."""
    if day is None:
        return f"ngày{' ' * 5}tháng{' ' * 5}năm {year or ''}".rstrip()
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# PDF -----------------------------------------------------------------------------------------

_lock = threading.Lock()
_shared: dict = {}


def _pdf_resources() -> dict:
    if not _shared:
        with _lock:
            if not _shared:
                fetcher = StaticFileFetcher(STATIC_DIR)
                fonts = FontConfiguration()
                css = CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=fetcher)
                _shared.update(fetcher=fetcher, fonts=fonts, css=css)
    return _shared


def render_pdf(doc: OfficialDocument) -> bytes:
    """The document as PDF bytes (templates/reports/official/document.html)."""
    html = render_to_string("reports/official/document.html", {"doc": doc})
    res = _pdf_resources()
    document = HTML(
        string=html, base_url=path2url(str(STATIC_DIR)) + "/", url_fetcher=res["fetcher"]
    )
    return document.write_pdf(stylesheets=[res["css"]], font_config=res["fonts"])


# Word ----------------------------------------------------------------------------------------


def _run(paragraph, text: str, *, bold=False, italic=False, size=SIZE, underline=False):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _para(container, text="", *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=3, indent=True, **run):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    if indent and align == WD_ALIGN_PARAGRAPH.JUSTIFY:
        fmt.first_line_indent = Mm(10)
    if text:
        _run(paragraph, text, **run)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _page_number_header(section) -> None:
    """Page numbers centred in the top margin, none on the first page (NĐ 30/2020)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = _run(paragraph, "", size=13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _masthead(document, doc: OfficialDocument) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(72), Mm(93)
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].alignment = center
    _run(left.paragraphs[0], doc.parent_body.upper(), size=12)
    _para(left, doc.issuing_body.upper(), align=center, after=0, bold=True, size=12)
    _para(left, "―――――", align=center, after=4, size=8)
    _para(left, doc.number_line, align=center, after=0, size=13)
    right.paragraphs[0].alignment = center
    _run(right.paragraphs[0], MOTTO, bold=True, size=12)
    _para(right, SLOGAN, align=center, after=0, bold=True, size=14)
    _para(right, "――――――――――", align=center, after=4, size=8)
    _para(right, doc.date_line, align=center, after=0, italic=True, size=14)


def _body(document, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "", after=6)
    _para(document, doc.kind.upper(), align=center, after=0, bold=True)
    _para(document, doc.subject, align=center, after=0, bold=True)
    _para(document, "―――――", align=center, after=8, size=8)
    for block in doc.blocks:
        if block.kind == "heading":
            _para(document, block.text, after=3, indent=False, bold=True)
        elif block.kind == "center":
            _para(document, block.text, align=center, after=6, bold=True)
        elif block.kind == "list":
            for item in block.items:
                _para(document, f"- {item}", after=2)
        elif block.kind == "table":
            _table(document, block)
        else:
            _para(document, block.text, after=3)


def _table(document, block: Block) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=12)
    for row in block.rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            numeric = index > 0 and str(text).replace(".", "").isdigit()
            cell.paragraphs[0].alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT
            )
            _run(cell.paragraphs[0], str(text), size=12)
    for index, width in enumerate(block.widths):
        for row in table.rows:
            row.cells[index].width = Mm(width)
    _para(document, "", after=3)


def _signatures(document, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    if len(doc.signers) > 1:
        slots = [(left, doc.signers[0]), (right, doc.signers[1])]
    else:
        slots = [(right, doc.signers[0])] if doc.signers else []
        _recipients(left, doc.recipients)
    for cell, signer in slots:
        first = cell.paragraphs[0]
        first.alignment = center
        if signer.caption:
            _run(first, signer.caption.upper(), bold=True, size=13)
            _para(cell, signer.title.upper(), align=center, after=0, bold=True, size=13)
        else:
            _run(first, signer.title.upper(), bold=True, size=13)
        _para(cell, "", align=center, after=60)
        _para(cell, signer.name, align=center, after=0, bold=True)


def _recipients(cell, recipients: list[str]) -> None:
    first = cell.paragraphs[0]
    _run(first, "Nơi nhận:", bold=True, italic=True, size=12)
    for index, line in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        _para(cell, f"- {line.rstrip(';.')}{end}", align=WD_ALIGN_PARAGRAPH.LEFT, after=0, size=11)


def render_docx(doc: OfficialDocument) -> bytes:
    """The document as a Word file the office can edit before signing."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(SIZE)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    _page_number_header(section)
    _masthead(document, doc)
    _body(document, doc)
    _signatures(document, doc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render(doc: OfficialDocument, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of ``doc`` as ``pdf`` or ``docx``."""
    if fmt == "pdf":
        return render_pdf(doc), PDF, download_name(doc.filename, ext="pdf")
    return render_docx(doc), DOCX, download_name(doc.filename, ext="docx")
