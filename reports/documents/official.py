"""The official documents the product writes, as content: the frame every one shares (Nghị định
30/2020/NĐ-CP) and the documents of the yearly cycle built on it. The writers of the package turn
an :class:`OfficialDocument` into PDF (:mod:`reports.documents.pdf`, the template
``templates/reports/official/document.html``) or Word (:mod:`reports.documents.word`).

The frame (NĐ 30/2020 Art. 8 and Phụ lục I): the national motto and slogan; the issuing body under
its parent; the number and symbol (typed by the user as issued, never invented: left blank before
the slash until then); place and date; the kind of document and its subject line (trích yếu); the
body; the signer's title and name; the recipients (Nơi nhận). A document is an
:class:`OfficialDocument` of :class:`Block` s.

The documents of the yearly cycle: the inspection plan (TT 26/2014 Art. 34, Mẫu 19. KHKT), the
inspection decision (Art. 35, Mẫu 20. QĐKT), the minutes (Art. 37.2.b, Mẫu 21. BBKT), the November
summary of the inspections (Art. 38) and the annual report (QĐ 19/2014 Art. 12.6, Phụ lục II;
TT 26/2014 Art. 42.4).

The documents are Vietnamese administrative texts whatever the language of the page: their fixed
wording is written here in Vietnamese, and the figure labels are rendered in Vietnamese. Numbers,
dates, names typed by the user are printed as typed; what is not typed stays blank (never
invented). The forms themselves are not in the legal compilation the project holds: the
structure follows the content each article lists.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format

from audits import inspections
from audits.models import Art36, ChecklistAnswer, PlannedInspection

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
DOTS = "……"  # what the office fills in by hand: a number, a day


@dataclass
class Block:
    """A piece of the body: ``heading``, ``center`` (a centred bold line), ``para``, ``list``
    (``items``), or ``table`` (``headers``, ``rows``; ``widths`` in mm, optional)."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str] | str] = field(default_factory=list)  # a str: a bold row across
    widths: list[int] = field(default_factory=list)

    @property
    def percents(self) -> list[float]:
        """The column widths as shares of the table (the PDF's ``<col>``)."""
        total = sum(self.widths) or 1
        return [round(100 * w / total, 1) for w in self.widths]


@dataclass
class Signer:
    title: str
    name: str
    caption: str = ""  # above the title in two-signer documents (minutes): who signs for whom

    @property
    def title_lines(self) -> list[str]:
        """The title as printed, one authority a line (NĐ 30/2020 Phụ lục I): "KT. GIÁM ĐỐC" then
        "PHÓ GIÁM ĐỐC". A title typed on one line ("KT. Giám đốc Phó Giám đốc") is split
        before the deputy's title; TM./TL./TUQ. titles are split where the user broke the line."""
        title = (self.title or "").strip()
        lines = [line.strip() for line in title.splitlines() if line.strip()]
        if len(lines) == 1 and re.match(r"(?i)^KT\.", title):
            lines = [part.strip() for part in re.split(r"\s(?=Phó\s)", title, maxsplit=1)]
        return [line.upper() for line in lines]


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
        """ "Số: 12/KH-SKHCN" as typed; before it is issued "Số: ……/KH-SKHCN" (never invented)."""
        number = (self.number or "").strip()
        if number.lower().startswith("số"):
            number = number[2:].lstrip(" :")
        return f"Số: {number}" if number else f"Số: {DOTS}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return f"{self.place}, {vietnamese_date(self.date, self.year)}"


def vietnamese_date(day: datetime.date | None, year: int | None = None) -> str:
    """ "ngày 05 tháng 3 năm 2024" (NĐ 30/2020 Phụ lục I: a 0 before days 1–9 and months 1–2);
    dots for the office to fill when the date is not known yet."""
    if day is None:
        return f"ngày {DOTS} tháng {DOTS} năm {year or DOTS}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# The documents of the yearly cycle --------------------------------------------------------------

BASES = [
    "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc áp dụng "
    "Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001 vào hoạt động của các cơ "
    "quan, tổ chức thuộc hệ thống hành chính nhà nước;",
    "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014 của Bộ trưởng Bộ Khoa học và Công nghệ "
    "quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg;",
]
QMS = "Hệ thống quản lý chất lượng theo TCVN ISO 9001"
BLANK = "…………"
# The legal wording, whatever the page's language (TT 26/2014 Arts. 33, 36).
FORMS = {
    PlannedInspection.Form.RECORDS: "Kiểm tra qua hồ sơ, báo cáo",
    PlannedInspection.Form.ONSITE: "Kiểm tra tại trụ sở cơ quan",
}
RESULTS = {
    ChecklistAnswer.Result.CONFORMS: "Phù hợp",
    ChecklistAnswer.Result.DOES_NOT: "Không phù hợp",
    ChecklistAnswer.Result.NOT_APPLICABLE: "Không áp dụng",
}
# Art. 36 as the law words it: its two parts, then each item with its letter.
ART36_PARTS = {
    "1": "Việc xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng theo yêu cầu "
    "của Tiêu chuẩn quốc gia TCVN ISO 9001",
    "2": "Việc tuân thủ các quy định tại Quyết định số 19/2014/QĐ-TTg",
}
ART36 = {
    Art36.SCOPE: "Phạm vi áp dụng bao gồm toàn bộ hoạt động liên quan đến thực hiện thủ tục "
    "hành chính thuộc thẩm quyền giải quyết của cơ quan",
    Art36.DISSEMINATION: "Hoạt động phổ biến, hướng dẫn áp dụng hệ thống tài liệu, quy trình giải "
    "quyết công việc cho toàn bộ cán bộ, công chức trong phạm vi áp dụng",
    Art36.STANDARD: "Sự tuân thủ các yêu cầu của tiêu chuẩn, chính sách, mục tiêu, quy trình, thủ "
    "tục và các yêu cầu pháp luật liên quan",
    Art36.PROCESSES: "Việc thực hiện các quá trình giải quyết công việc và các quá trình được xác "
    "định trong Hệ thống quản lý chất lượng",
    Art36.AUDIT_REVIEW: "Hoạt động xem xét của Lãnh đạo, đánh giá nội bộ, thực hiện hành động "
    "khắc phục các điểm không phù hợp",
    Art36.COMPLAINTS: "Hoạt động xử lý các khiếu nại liên quan đến lĩnh vực áp dụng (nếu có)",
    Art36.IMPROVEMENT: "Hoạt động cải tiến trong Hệ thống quản lý chất lượng",
    Art36.LEADERSHIP: "Việc bảo đảm sự tham gia của Lãnh đạo, các đơn vị và cá nhân có liên quan "
    "trong quá trình xây dựng và áp dụng",
    Art36.EFFECTIVENESS: "Việc Người đứng đầu cơ quan xác nhận hiệu lực của Hệ thống quản lý chất "
    "lượng",
    Art36.ANNOUNCEMENT: "Việc công bố, thông báo bằng văn bản đến đơn vị chủ trì; niêm yết tại trụ "
    "sở cơ quan và đăng tải trên trang thông tin điện tử",
    Art36.LEGAL_UPDATES: "Việc cập nhật các thay đổi của văn bản quy phạm pháp luật vào Hệ thống "
    "quản lý chất lượng",
    Art36.REANNOUNCEMENT: "Việc công bố lại khi có sự điều chỉnh, mở rộng, thu hẹp phạm vi áp dụng",
    Art36.CONSULTANT: "Việc lựa chọn tổ chức tư vấn, chuyên gia tư vấn độc lập (nếu có)",
}


def art36_letter(key: str) -> str:
    """ "a" … "g" of an item ("1dd" is "đ")."""
    return key[1:].replace("dd", "đ")


def art36_outline() -> list[tuple[str, list[str]]]:
    """The two parts of Art. 36, each "1. …:" with its items "a) …;" (the last ends with ".")."""
    outline = []
    for part, title in ART36_PARTS.items():
        keys = [key for key in Art36.values if key.startswith(part)]
        items = [f"{art36_letter(key)}) {ART36[Art36(key)]}" for key in keys]
        items = [f"{item};" for item in items[:-1]] + [f"{items[-1]}."]
        outline.append((f"{part}. {title}:", items))
    return outline


def issuer(province) -> dict:
    """The issuing body of a document about ``province`` (a :class:`~communes.models.Province`
    or ``None``): its parent, the People's Committee of the province ("UBND TỈNH VĨNH LONG"),
    itself, its place (the province's name without its kind). ``QMS_ISSUER_PARENT`` and
    ``QMS_ISSUER_PLACE`` override the derived values when set."""
    return {
        "parent_body": settings.QMS_ISSUER_PARENT
        or (province.people_committee if province else ""),
        "issuing_body": settings.QMS_ISSUER,
        "place": settings.QMS_ISSUER_PLACE or (province.short_name if province else ""),
    }


def _frame(province, **kwargs) -> dict:
    """What every document of the DOST shares: its parent, itself, its place."""
    return {**issuer(province), **kwargs}


def issuer_name() -> str:
    """The issuing body's name in running text, with normal Vietnamese capitals ("Sở Khoa học và
    Công nghệ"); the masthead prints it in capitals."""
    return settings.QMS_ISSUER_NAME


def _vnd(amount) -> str:
    return f"{_number(int(amount or 0))} đồng"


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else BLANK


def _signer(source) -> list[Signer]:
    return [Signer(title=source.signer_title or "", name=source.signer_name or "")]


# The inspection plan (Mẫu 19. KHKT) -----------------------------------------------------------


def plan_document(plan) -> OfficialDocument:
    """The year's plan: the bodies, the inspecting unit, the time, the form, the budget
    (TT 26/2014 Art. 34.2 a–đ)."""
    items = list(plan.items.select_related("commune__district").order_by("commune__name"))
    onsite = sum(1 for i in items if i.is_onsite)
    rows = [
        [str(n), i.commune.committee_name, FORMS[i.form], _date(i.planned_on)]
        for n, i in enumerate(items, 1)
    ]
    period = f"từ {_date(plan.period_start)} đến {_date(plan.period_end)}"
    blocks = [
        Block("heading", "I. MỤC ĐÍCH, YÊU CẦU"),
        Block(
            "para",
            f"Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} tại các cơ quan trên địa "
            "bàn tỉnh theo Điều 33 Thông tư số 26/2014/TT-BKHCN; bảo đảm chính xác, khách quan, "
            "trung thực, công khai, minh bạch.",
        ),
        Block("heading", "II. NỘI DUNG KIỂM TRA"),
        Block("para", "Theo các nội dung quy định tại Điều 36 Thông tư số 26/2014/TT-BKHCN:"),
        *_art36_blocks(),
        Block("heading", "III. CƠ QUAN CHỊU SỰ KIỂM TRA, HÌNH THỨC VÀ THỜI GIAN KIỂM TRA"),
        Block(
            "para",
            f"Tổng số {len(items)} cơ quan được kiểm tra qua hồ sơ, báo cáo; trong đó {onsite} "
            f"cơ quan được kiểm tra tại trụ sở cơ quan. Thời gian kiểm tra: {period}.",
        ),
        Block(
            "table",
            headers=["STT", "Cơ quan chịu sự kiểm tra", "Hình thức kiểm tra", "Thời gian dự kiến"],
            rows=rows,
            widths=[12, 66, 55, 32],
        ),
        Block("heading", "IV. ĐƠN VỊ KIỂM TRA"),
        Block("para", f"{plan.inspecting_unit} chủ trì thực hiện kiểm tra."),
        Block("heading", "V. KINH PHÍ KIỂM TRA"),
        Block("para", f"Kinh phí thực hiện: {_vnd(plan.budget)} (Thông tư số 116/2015/TT-BTC)."),
    ]
    if plan.approval_number:
        blocks.append(
            Block(
                "para",
                f"Kế hoạch được Ủy ban nhân dân tỉnh phê duyệt tại văn bản số "
                f"{plan.approval_number} ngày {_date(plan.approval_date)}.",
            )
        )
    return OfficialDocument(
        **_frame(plan.province),
        number=plan.number,
        symbol="KH-SKHCN",
        date=plan.issued_on,
        year=plan.year,
        kind="Kế hoạch",
        subject=f"Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} năm {plan.year}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=plan.recipient_lines,
        filename=f"ke-hoach-kiem-tra-{plan.year}",
    )


def _art36_blocks() -> list[Block]:
    blocks = []
    for part, items in art36_outline():
        blocks += [Block("para", part), *[Block("para", item) for item in items]]
    return blocks


# The inspection decision (Mẫu 20. QĐKT) -------------------------------------------------------


def decision_document(item) -> OfficialDocument:
    """The decision to inspect one body at its office (TT 26/2014 Art. 35)."""
    plan, commune = item.plan, item.commune
    plan_ref = f"số {plan.number}" if plan.number else f"năm {plan.year}"
    members = item.team_member_lines
    blocks = [
        Block("center", f"GIÁM ĐỐC {settings.QMS_ISSUER.upper()}"),
        *[Block("para", text) for text in BASES],
        Block("para", f"Căn cứ Kế hoạch kiểm tra {plan_ref} đã được phê duyệt;"),
        Block("para", f"Theo đề nghị của {plan.inspecting_unit},"),
        Block("center", "QUYẾT ĐỊNH:"),
        Block(
            "para",
            f"Điều 1. Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} tại Ủy ban "
            f"nhân dân {commune.name_in_text}. Hình thức: kiểm tra tại trụ sở cơ quan. Thời gian: "
            f"{_date(item.planned_on)}. Nội dung kiểm tra theo Điều 36 Thông tư số "
            "26/2014/TT-BKHCN.",
        ),
        Block("para", "Điều 2. Thành lập Đoàn kiểm tra gồm:"),
        Block(
            "list",
            items=[f"Trưởng đoàn: {item.team_lead or BLANK}"]
            + [f"Thành viên: {m}" for m in members],
        ),
        Block(
            "para",
            "Đoàn kiểm tra có trách nhiệm lập Biên bản kiểm tra theo Mẫu 21. BBKT và báo cáo kết "
            "quả kiểm tra; cơ quan chịu sự kiểm tra thực hiện hành động khắc phục và báo cáo trong "
            "thời gian không quá 02 tháng kể từ ngày ký Biên bản kiểm tra.",
        ),
        Block(
            "para",
            f"Điều 3. {plan.inspecting_unit}, Chủ tịch Ủy ban nhân dân {commune.name_in_text} và các "
            "thành viên Đoàn kiểm tra chịu trách nhiệm thi hành Quyết định này./.",
        ),
    ]
    recipients = ["Như Điều 3", "Lưu: VT"]  # the decision goes to those who carry it out
    return OfficialDocument(
        **_frame(plan.province),
        number=item.decision_number,
        symbol="QĐ-SKHCN",
        date=item.decision_date,
        year=plan.year,
        kind="Quyết định",
        subject=f"Về việc kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} tại "
        f"Ủy ban nhân dân {commune.name_in_text}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=recipients,
        filename=f"Quyết định kiểm tra {commune.name} {plan.year}",
    )


# The minutes (Mẫu 21. BBKT) -------------------------------------------------------------------


def minutes_document(item) -> OfficialDocument:
    """The minutes of an inspection against the Art. 36 checklist (TT 26/2014 Art. 37.2.b)."""
    audit, plan, commune = item.audit, item.plan, item.commune
    rows = _checklist_rows({a.item: a for a in audit.checklist.all()})
    findings = [f.description for f in audit.findings.all()]
    decision = (
        f"Căn cứ Quyết định kiểm tra số {item.decision_number or BLANK} ngày "
        f"{_date(item.decision_date)};"
        if item.is_onsite
        else f"Căn cứ Kế hoạch kiểm tra năm {plan.year};"
    )
    place = (
        "tại trụ sở Ủy ban nhân dân" if item.is_onsite else "qua hồ sơ, báo cáo của Ủy ban nhân dân"
    )
    blocks = [
        Block("para", decision),
        Block(
            "para",
            f"Hôm nay, ngày {_date(audit.date)}, Đoàn kiểm tra tiến hành kiểm tra {place} {commune.name_in_text}.",
        ),
        Block("heading", "I. THÀNH PHẦN"),
        Block(
            "list",
            items=[f"Trưởng đoàn kiểm tra: {audit.lead}"]
            + [f"Thành viên: {m}" for m in item.team_member_lines]
            + [f"Đại diện cơ quan chịu sự kiểm tra: {item.commune_representative or BLANK}"],
        ),
        Block("heading", "II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA (Điều 36 Thông tư số 26/2014/TT-BKHCN)"),
        Block(
            "table",
            headers=["Nội dung kiểm tra", "Kết quả", "Ghi chú"],
            rows=rows,
            widths=[100, 27, 38],
        ),
        Block("heading", "III. CÁC VẤN ĐỀ TỒN TẠI"),
        Block("list", items=findings) if findings else Block("para", "Không có."),
        Block("heading", "IV. KẾT LUẬN VÀ KIẾN NGHỊ"),
        Block("para", audit.summary or BLANK),
        Block(
            "para",
            "Cơ quan chịu sự kiểm tra thực hiện hành động khắc phục các vấn đề tồn tại và báo cáo "
            "Đoàn kiểm tra trong thời gian không quá 02 tháng kể từ ngày ký Biên bản này. Biên bản "
            "được lập thành 02 bản có giá trị pháp lý như nhau, cơ quan chịu sự kiểm tra giữ 01 "
            "bản, Đoàn kiểm tra giữ 01 bản./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number="",
        symbol="BB-ĐKT",
        date=audit.date,
        year=plan.year,
        kind="Biên bản kiểm tra",
        subject=f"Việc xây dựng, áp dụng, duy trì và cải tiến {QMS} tại Ủy ban nhân dân "
        f"{commune.name_in_text}",
        blocks=blocks,
        signers=[
            Signer(
                caption="Đại diện cơ quan chịu sự kiểm tra",
                title=commune.committee_name,
                name=item.commune_representative,
            ),
            Signer(caption="Đoàn kiểm tra", title="Trưởng đoàn", name=audit.lead),
        ],
        recipients=[],
        filename=f"Biên bản kiểm tra {commune.name} {plan.year}",
    )


def _checklist_rows(answers: dict) -> list:
    """The Art. 36 table of the minutes: a bold row for each part, then its items."""
    rows = []
    for part, title in ART36_PARTS.items():
        rows.append(f"{part}. {title}")
        for key in [key for key in Art36.values if key.startswith(part)]:
            answer = answers.get(key)
            result = RESULTS[answer.result] if answer else BLANK
            text = f"{art36_letter(key)}) {ART36[Art36(key)]}"
            rows.append([text, result, answer.note if answer else ""])
    return rows


# The November summary of the inspections (TT 26/2014 Art. 38) ---------------------------------

FORMS_SHORT = {
    PlannedInspection.Form.RECORDS: "Qua hồ sơ, báo cáo",
    PlannedInspection.Form.ONSITE: "Tại trụ sở",
}


def summary_document(plan) -> OfficialDocument:
    """The report of the year's inspection results to the province's People's Committee, made in
    November (TT 26/2014 Art. 38.1): what was inspected, the results by commune, the corrective
    actions, and the proposals written in the plan's page."""
    rows, totals = inspections.plan_results(plan)
    plan_ref = f"số {plan.number}" if plan.number else f"năm {plan.year}"
    table = [
        [
            str(n),
            r.item.commune.committee_name,
            FORMS_SHORT[r.item.form],
            _date(r.item.audit.date) if r.item.audit_id else "Chưa kiểm tra",
            str(r.conforms),
            str(r.does_not),
            str(r.findings),
        ]
        for n, r in enumerate(rows, 1)
    ]
    blocks = [
        Block(
            "para",
            f"Thực hiện Kế hoạch kiểm tra {plan_ref} và Điều 38 Thông tư số 26/2014/TT-BKHCN, "
            f"{issuer_name()} báo cáo kết quả kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến "
            f"{QMS} năm {plan.year} như sau:",
        ),
        Block("heading", "I. KẾT QUẢ THỰC HIỆN KẾ HOẠCH KIỂM TRA"),
        Block(
            "para",
            f"Theo Kế hoạch, {totals['planned']} cơ quan được kiểm tra qua hồ sơ, báo cáo, trong "
            f"đó {totals['onsite']} cơ quan được kiểm tra tại trụ sở cơ quan. Đã kiểm tra "
            f"{totals['done']}/{totals['planned']} cơ quan.",
        ),
        Block("heading", "II. KẾT QUẢ KIỂM TRA"),
        Block(
            "para",
            f"Đối chiếu các nội dung quy định tại Điều 36 Thông tư số 26/2014/TT-BKHCN: "
            f"{totals['conforms']} nội dung phù hợp, {totals['does_not']} nội dung không phù hợp; "
            f"{totals['findings']} điểm không phù hợp được ghi nhận.",
        ),
        Block(
            "table",
            headers=[
                "STT",
                "Cơ quan chịu sự kiểm tra",
                "Hình thức",
                "Ngày kiểm tra",
                "Phù hợp",
                "Không phù hợp",
                "Điểm không phù hợp",
            ],
            rows=table,
            widths=[13, 44, 30, 25, 16, 18, 19],
        ),
        Block(
            "para",
            f"Hành động khắc phục (báo cáo trong 02 tháng, Điều 37): {totals['actions_on_time']} "
            f"hoàn thành đúng hạn, {totals['actions_late']} trễ hạn, "
            f"{totals['actions_pending']} đang trong thời hạn.",
        ),
        Block("heading", "III. ĐÁNH GIÁ CHUNG VÀ KIẾN NGHỊ"),
        *_paragraphs(plan.summary),
    ]
    recipients = [line.strip() for line in plan.summary_recipients.splitlines() if line.strip()]
    return OfficialDocument(
        **_frame(plan.province),
        number=plan.summary_number,
        symbol="BC-SKHCN",
        date=plan.summary_on,
        year=plan.year,
        kind="Báo cáo",
        subject=f"Kết quả kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} năm "
        f"{plan.year}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=recipients or ["Ủy ban nhân dân tỉnh", "Lưu: VT"],
        filename=f"bao-cao-ket-qua-kiem-tra-{plan.year}",
    )


# Shared by the documents built on this frame -------------------------------------------------


def _number(value) -> str:
    if not isinstance(value, int):
        return str(value)
    with translation.override("vi"):
        return number_format(value, force_grouping=True)


def _paragraphs(text: str) -> list[Block]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Block("para", line) for line in lines] or [Block("para", BLANK)]
