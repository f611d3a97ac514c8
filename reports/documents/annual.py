"""The annual report on the QMS of the province's bodies (QĐ 19/2014 Art. 12.6, Phụ lục II; TT
26/2014 Art. 42.4), as its two documents on the frame of :mod:`reports.documents.official`:

- the Sở's report to the province's People's Committee (:func:`annual_report_document`);
- the People's Committee's report to the Ministry of Science and Technology, which the Sở drafts
  (:func:`province_report_document`).

Both print the same figures, computed as of the report's cut-off day (``AnnualReport.cut_off``)
by :func:`reports.metrics.year_figures`, whose tables the dashboard's year section shows: the
bodies by level, the year's figures, and the year's money by line of TT 116/2015 Art. 4.

The recipients follow the structure of the document's date: from 2025 the national standards
committee (Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia, Nghị định 55/2025/NĐ-CP) replaces the
general department (Tổng cục Tiêu chuẩn Đo lường Chất lượng); a document of 2025 or later is
never addressed to the latter.
"""

import datetime

from django.conf import settings
from django.utils import translation

from reports import metrics
from reports.documents.official import (
    QMS,
    Block,
    OfficialDocument,
    Signer,
    _date,
    _frame,
    _number,
    _paragraphs,
    _signer,
    issuer_name,
)
from reports.documents.trail import edition

MINISTRY = "Bộ Khoa học và Công nghệ"
# The national body for standards, metrology and quality, by the date of the document.
COMMITTEE_FROM = datetime.date(2025, 1, 1)
COMMITTEE = "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia"
GENERAL_DEPARTMENT = "Tổng cục Tiêu chuẩn Đo lường Chất lượng"
SO_RECIPIENTS = ["Ủy ban nhân dân tỉnh", "Lưu: VT, Chi cục TĐC"]


def national_recipients(day: datetime.date) -> list[str]:
    """The Ministry, then its standards body as it was on ``day``."""
    return [MINISTRY, COMMITTEE if day >= COMMITTEE_FROM else GENERAL_DEPARTMENT]


def _figure_blocks(figures: metrics.YearFigures) -> list[Block]:
    """Section I: the bodies by level, the year's figures, the money by line."""
    with translation.override("vi"):
        levels = metrics.bodies_table(figures)
        table = metrics.year_table(figures)
        money = metrics.money_table(figures)
    level_rows = [
        [str(n) if n < len(levels) else "", label, *(_number(v) for v in values)]
        for n, (label, *values) in enumerate(levels, 1)
    ]
    rows = [[str(n), label, _number(value)] for n, (label, value) in enumerate(table, 1)]
    money_rows = [
        [str(n) if n < len(money) else "", label, _number(a), _number(s)]
        for n, (label, a, s) in enumerate(money, 1)
    ]
    return [
        Block("heading", "I. SỐ LIỆU"),
        Block("para", f"Số liệu tính đến ngày {_date(figures.as_of)}."),
        Block(
            "para",
            "1. Các cơ quan hành chính nhà nước trên địa bàn tỉnh (Khoản 1 Điều 2 Quyết định số "
            "19/2014/QĐ-TTg), theo cấp:",
        ),
        Block(
            "table",
            headers=["STT", "Cấp", "Số cơ quan", "Đang áp dụng HTQLCL", "Đã công bố"],
            rows=level_rows,
            widths=[12, 71, 26, 30, 26],
        ),
        Block("para", "2. Tình hình xây dựng, áp dụng, duy trì và cải tiến trong năm:"),
        Block("table", headers=["STT", "Nội dung", "Số liệu"], rows=rows, widths=[12, 118, 35]),
        Block(
            "para",
            "3. Kinh phí trong năm theo nội dung chi (Điều 4 Thông tư số 116/2015/TT-BTC), đồng:",
        ),
        Block(
            "table",
            headers=["STT", "Nội dung chi", "Kinh phí phân bổ", "Kinh phí đã sử dụng"],
            rows=money_rows,
            widths=[12, 83, 35, 35],
        ),
    ]


def _narrative(report) -> list[Block]:
    return [
        Block("heading", "II. KẾT QUẢ ĐẠT ĐƯỢC"),
        *_paragraphs(report.achievements),
        Block("heading", "III. KHÓ KHĂN, VƯỚNG MẮC"),
        *_paragraphs(report.problems),
        Block("heading", "IV. KIẾN NGHỊ, ĐỀ XUẤT"),
        *_paragraphs(report.proposals),
    ]


def _subject(report, figures: metrics.YearFigures) -> str:
    """The subject names the editions the bodies run (a body on each: both)."""
    editions = edition(s for s, n in figures.by_standard.items() if n)
    return f"Tình hình xây dựng, áp dụng, duy trì và cải tiến {QMS} {editions} năm {report.year}"


def annual_report_document(report, figures: metrics.YearFigures) -> OfficialDocument:
    """The Sở's report to the province's People's Committee (TT 26/2014 Art. 42.4)."""
    intro = (
        f"Thực hiện Khoản 4 Điều 12 Quyết định số 19/2014/QĐ-TTg và Khoản 4 Điều 42 Thông tư số "
        f"26/2014/TT-BKHCN, {issuer_name()} báo cáo Ủy ban nhân dân tỉnh tình hình xây dựng, áp "
        f"dụng, duy trì và cải tiến {QMS} tại các cơ quan, đơn vị năm {report.year} như sau:"
    )
    return OfficialDocument(
        **_frame(report.province),
        number=report.number,
        symbol="BC-SKHCN",
        date=report.issued_on,
        year=report.year,
        kind="Báo cáo",
        subject=_subject(report, figures),
        blocks=[Block("para", intro), *_figure_blocks(figures), *_narrative(report)],
        signers=_signer(report),
        recipients=report.recipient_lines or SO_RECIPIENTS,
        filename=f"bao-cao-htqlcl-{report.year}-so-khcn",
    )


def province_body(province) -> str:
    """The People's Committee as the issuing body: "Ủy ban nhân dân tỉnh Bến Tre"."""
    if province is None:
        return settings.QMS_ISSUER_PARENT
    name = province.name
    return f"Ủy ban nhân dân {name[:1].lower()}{name[1:]}"


def province_report_document(report, figures: metrics.YearFigures) -> OfficialDocument:
    """The People's Committee's report to the Ministry (QĐ 19/2014 Art. 12.6; TT 26/2014 Art.
    42.4), drafted by the Sở: the same figures, its own number, date and signer."""
    body = province_body(report.province)
    intro = (
        f"Thực hiện Khoản 6 Điều 12 Quyết định số 19/2014/QĐ-TTg và Khoản 4 Điều 42 Thông tư số "
        f"26/2014/TT-BKHCN, {body} báo cáo Bộ Khoa học và Công nghệ tình hình xây dựng, áp dụng, "
        f"duy trì và cải tiến {QMS} tại các cơ quan, đơn vị trên địa bàn tỉnh năm {report.year} "
        "như sau:"
    )
    day = report.province_issued_on or report.cut_off
    frame = _frame(report.province)
    return OfficialDocument(
        parent_body="",
        # Two lines in the masthead: "ỦY BAN NHÂN DÂN" over "TỈNH BẾN TRE".
        issuing_body=body.replace("Ủy ban nhân dân ", "Ủy ban nhân dân\n", 1),
        place=frame["place"],
        number=report.province_number,
        symbol="BC-UBND",
        date=report.province_issued_on,
        year=report.year,
        kind="Báo cáo",
        subject=_subject(report, figures),
        blocks=[Block("para", intro), *_figure_blocks(figures), *_narrative(report)],
        signers=[Signer(title=report.province_signer_title, name=report.province_signer_name)],
        recipients=[*national_recipients(day), issuer_name(), "Lưu: VT"],
        filename=f"bao-cao-htqlcl-{report.year}-ubnd-tinh",
    )
