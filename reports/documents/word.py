"""Word (python-docx): an official document (:class:`~reports.documents.official.OfficialDocument`)
as a file the office can edit before signing.

The form of Nghị định 30/2020/NĐ-CP Phụ lục I: Times New Roman (:data:`~reports.documents.base.
OFFICIAL_FONT`, which the office's computers have) 13–14 pt; page numbers centred in the top
margin from page 2; margins top 20, bottom 20, left 30, right 15 mm (as
``static/css/official.css`` for the PDF).
"""

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.documents.base import OFFICIAL_FONT as FONT
from reports.documents.base import clean
from reports.documents.official import MOTTO, SLOGAN, Block, OfficialDocument

SIZE = 14  # pt, the body (NĐ 30/2020: 13 to 14)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}


def _run(paragraph, text: str, *, bold=False, italic=False, size=SIZE, underline=False):
    run = paragraph.add_run(clean(text))  # stored text may hold a character Word refuses
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


def _fixed_widths(table, widths_mm: list[float]) -> None:
    """Column widths that Word and LibreOffice both keep: a fixed layout, the grid, each cell."""
    table.autofit = False
    total = OxmlElement("w:tblW")
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(int(sum(Mm(w).twips for w in widths_mm))))
    for old in table._tbl.tblPr.findall(qn("w:tblW")):
        table._tbl.tblPr.remove(old)
    table._tbl.tblPr.append(total)
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(int(Mm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _no_cell_margins(table) -> None:
    """The masthead's lines use the whole width of their column (as the PDF's)."""
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _keep_rows_together(table) -> None:
    """A row never splits across pages and each row stays with the next (the signatures)."""
    for row in table.rows:
        row_pr = row._tr.get_or_add_trPr()
        row_pr.append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


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
    _no_cell_margins(table)
    _fixed_widths(table, [71, 94])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    left.paragraphs[0].alignment = center
    if doc.parent_body:
        _run(left.paragraphs[0], doc.parent_body.upper(), size=12)
        _para(left, doc.issuing_body.upper(), align=center, after=0, bold=True, size=12)
    else:  # the province's People's Committee has no parent line
        _run(left.paragraphs[0], doc.issuing_body.upper(), bold=True, size=12)
    _para(left, "―――――", align=center, after=4, size=8)
    _para(left, doc.number_line, align=center, after=0, size=13)
    if not doc.kind:  # a letter (công văn): its "V/v" subject under its number
        _para(left, doc.subject, align=center, after=0, size=12)
    right.paragraphs[0].alignment = center
    _run(right.paragraphs[0], MOTTO, bold=True, size=12)
    _para(right, SLOGAN, align=center, after=0, bold=True, size=14)
    _para(right, "――――――――――", align=center, after=4, size=8)
    _para(right, doc.date_line, align=center, after=0, italic=True, size=14)


def _body(document, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(document, "", after=6)
    if doc.kind:
        _para(document, doc.kind.upper(), align=center, after=0, bold=True)
        _para(document, doc.subject, align=center, after=0, bold=True)
        _para(document, "―――――", align=center, after=8, size=8)
    for block in doc.blocks:
        if block.kind == "heading":
            heading = _para(document, block.text, after=3, indent=False, bold=True)
            heading.paragraph_format.keep_with_next = True
        elif block.kind == "center":
            _para(document, block.text, align=center, after=6, bold=True)
        elif block.kind == "list":
            for item in block.items:
                _para(document, f"- {item}", after=2)
        elif block.kind == "table":
            _table(document, block)
        else:
            _para(document, block.text, after=3)
    # The last paragraph stays on the page of the signatures (no signature alone on a page).
    document.paragraphs[-1].paragraph_format.keep_with_next = True


def _table(document, block: Block) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=12)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for row in block.rows:
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            _run(merged.paragraphs[0], row, bold=True, size=12)
            continue
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.paragraphs[0].alignment = (
                WD_ALIGN_PARAGRAPH.RIGHT if _numeric(index, text) else WD_ALIGN_PARAGRAPH.LEFT
            )
            _run(cell.paragraphs[0], str(text), size=12)
    if block.widths:
        _fixed_widths(table, block.widths)
    _para(document, "", after=3)


def _numeric(index: int, text) -> bool:
    """A figure (right-aligned): not the first column, digits with grouping dots."""
    return index > 0 and str(text).replace(".", "").isdigit()


def _signatures(document, doc: OfficialDocument) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed_widths(table, [80, 85])
    left, right = table.rows[0].cells
    if len(doc.signers) > 1:
        slots = [(left, doc.signers[0]), (right, doc.signers[1])]
    else:
        slots = [(right, doc.signers[0])] if doc.signers else []
        _recipients(left, doc.recipients)
    for cell, signer in slots:
        lines = ([signer.caption.upper()] if signer.caption else []) + signer.title_lines
        first = cell.paragraphs[0]
        first.alignment = center
        _run(first, lines[0] if lines else "", bold=True, size=13)
        for line in lines[1:]:
            _para(cell, line, align=center, after=0, bold=True, size=13)
        _para(cell, "", align=center, after=60)
        _para(cell, signer.name, align=center, after=0, bold=True)
    _keep_rows_together(table)
    _para(document, "", after=0)


def _recipients(cell, recipients: list[str]) -> None:
    first = cell.paragraphs[0]
    _run(first, "Nơi nhận:", bold=True, italic=True, size=12)
    for index, line in enumerate(recipients):
        end = "." if index == len(recipients) - 1 else ";"
        _para(cell, f"- {line.rstrip(';.')}{end}", align=WD_ALIGN_PARAGRAPH.LEFT, after=0, size=11)


def official_docx(doc: OfficialDocument) -> bytes:
    """The document as a Word file the office can edit before signing."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(SIZE)
    style.paragraph_format.space_before = style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.15
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
