"""The inspection trail (TT 26/2014/TT-BKHCN Arts. 34–38) as official documents, on the frame of
:mod:`reports.documents.official` (Nghị định 30/2020/NĐ-CP), each built from the page that holds
its data and written by :func:`reports.documents.render`:

- of a year's plan: the Sở's plan (Art. 34, Mẫu 19. KHKT); the plan as the province's People's
  Committee approves it (its own Kế hoạch, or its decision approving the Sở's); the Sở's request
  for the bodies' reports (Art. 35.2); the November summary of the results (Art. 38);
- of one body's inspection: the decision (Art. 35, Mẫu 20. QĐKT) and the minutes of announcing it
  (Art. 37.2.a) for a visit; the minutes (Art. 37.2.b, Mẫu 21. BBKT) of a visit, with its hours,
  place and the people present; for a check of records, the letter asking the body to fix what
  was found (Art. 37.1.a); the Sở's answer to the body's corrective actions (Art. 37.2.d).

The legal bases each document cites are those in force on its date
(:meth:`audits.models.LegalBasisQuerySet.in_force_on`); the subject line names the edition of
TCVN ISO 9001 the bodies run. Numbers and dates not typed stay blank (never invented).
"""

import datetime

from django.conf import settings

from audits import inspections
from audits.models import (
    Answer,
    Art36,
    ChecklistAnswer,
    CorrectiveAction,
    FollowUp,
    LegalBasis,
    PlannedInspection,
    commune_standard_on,
)
from core import clock
from reports.documents.official import (
    BLANK,
    Block,
    OfficialDocument,
    Signer,
    _date,
    _frame,
    _paragraphs,
    _signer,
    _vnd,
    issuer_name,
)
from roadmap.models import Standard

QMS = "Hệ thống quản lý chất lượng"
# The legal wording, whatever the page's language (TT 26/2014 Arts. 33, 36).
FORMS = {
    PlannedInspection.Form.RECORDS: "Kiểm tra qua hồ sơ, báo cáo",
    PlannedInspection.Form.ONSITE: "Kiểm tra tại trụ sở cơ quan",
}
FORMS_SHORT = {
    PlannedInspection.Form.RECORDS: "Qua hồ sơ, báo cáo",
    PlannedInspection.Form.ONSITE: "Tại trụ sở",
}
RESULTS = {
    ChecklistAnswer.Result.CONFORMS: "Phù hợp",
    ChecklistAnswer.Result.DOES_NOT: "Không phù hợp",
    ChecklistAnswer.Result.NOT_APPLICABLE: "Không áp dụng",
}
ANSWERS = {Answer.ACCEPTED: "Chấp nhận", Answer.REFUSED: "Chưa chấp nhận", "": "Chưa trả lời"}
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


# What every document of the trail shares -------------------------------------------------------


def bases(day: datetime.date | None, *topics) -> list[Block]:
    """The "Căn cứ" lines: the acts of ``topics`` in force on ``day`` (today when the document is
    not dated yet), as recorded (audits.LegalBasis)."""
    topics = topics or (LegalBasis.Topic.QMS, LegalBasis.Topic.PROVINCE)
    acts = LegalBasis.objects.in_force_on(day or clock.today()).cited_as(*topics)
    return [Block("para", f"Căn cứ {act.citation};") for act in acts]


def acts_named(day: datetime.date | None) -> str:
    """ "Quyết định số 19/2014/QĐ-TTg, Thông tư số 26/2014/TT-BKHCN và ": the QMS acts in force
    on ``day``, named in running text before what follows."""
    acts = LegalBasis.objects.in_force_on(day or clock.today()).cited_as(LegalBasis.Topic.QMS)
    names = [f"{act.kind} số {act.number}" for act in acts]
    return f"{', '.join(names)} và " if names else ""


def funding_acts(day: datetime.date | None) -> str:
    acts = LegalBasis.objects.in_force_on(day or clock.today()).cited_as(LegalBasis.Topic.FUNDING)
    return ", ".join(f"{act.kind} số {act.number}" for act in acts)


def edition(standards) -> str:
    """ "theo TCVN ISO 9001:2015" (or both editions when the bodies run both); the bare name
    when no edition is known."""
    labels = [Standard(s).label for s in sorted({s for s in standards if s})]
    return f"theo {' và '.join(labels)}" if labels else "theo TCVN ISO 9001"


def plan_edition(plan, day=None) -> str:
    """The editions the plan's bodies run on ``day`` (default: the plan's date or its year's)."""
    day = day or plan.issued_on or datetime.date(plan.year, 12, 31)
    items = plan.items.values_list("commune_id", flat=True)
    return edition(commune_standard_on(pk, day) for pk in items)


def body_edition(item, day=None) -> str:
    day = (
        day or (item.audit.date if item.audit_id else None) or datetime.date(item.plan.year, 12, 31)
    )
    return edition([commune_standard_on(item.commune_id, day)])


def body_name(commune) -> str:
    """ "Ủy ban nhân dân xã Phú Phụng": the kind of unit in lower case in running text."""
    return f"Ủy ban nhân dân {commune.name_in_text}"


def plan_ref(plan) -> str:
    """The plan as the documents after it cite it: approved by the People's Committee when it
    was, else the Sở's."""
    if plan.approval_kind == "plan":
        return (
            f"Kế hoạch số {plan.approval_number or BLANK} ngày {_date(plan.approval_date)} của Ủy "
            "ban nhân dân tỉnh"
        )
    if plan.approval_kind == "decision":
        return (
            f"Kế hoạch kiểm tra năm {plan.year} được phê duyệt tại Quyết định số "
            f"{plan.approval_number or BLANK} ngày {_date(plan.approval_date)} của Ủy ban nhân "
            "dân tỉnh"
        )
    own = f"số {plan.number} " if plan.number else ""
    return f"Kế hoạch kiểm tra {own}năm {plan.year} đã được phê duyệt"


def team_lines(item) -> list[str]:
    team = item.team
    if not team:
        return [f"Trưởng đoàn: {BLANK}"]
    lines = [f"Ông/Bà {team[0].name}, {team[0].post or BLANK} – Trưởng đoàn"]
    return lines + [f"Ông/Bà {p.name}, {p.post or BLANK} – Thành viên" for p in team[1:]]


def present_lines(item) -> list[str]:
    present = item.present
    if not present:
        return [f"Đại diện cơ quan: {BLANK}"]
    return [f"Ông/Bà {p.name}, {p.post or BLANK}" for p in present]


def _plan_rows(items) -> list[list[str]]:
    return [
        [str(n), i.commune.committee_name, FORMS[i.form], _date(i.planned_on)]
        for n, i in enumerate(items, 1)
    ]


def _plan_table(items) -> Block:
    return Block(
        "table",
        headers=["STT", "Cơ quan chịu sự kiểm tra", "Hình thức kiểm tra", "Thời gian dự kiến"],
        rows=_plan_rows(items),
        widths=[12, 66, 55, 32],
    )


def _art36_blocks() -> list[Block]:
    blocks = []
    for part, items in art36_outline():
        blocks += [Block("para", part), *[Block("para", item) for item in items]]
    return blocks


def _items(plan):
    return list(plan.items.select_related("commune__district").order_by("commune__name"))


# The inspection plan (Mẫu 19. KHKT) -----------------------------------------------------------


def plan_body(plan, items) -> list[Block]:
    """The plan's content (TT 26/2014 Art. 34.2 a–đ), the same in the Sở's plan and in the
    People's Committee's."""
    onsite = sum(1 for i in items if i.is_onsite)
    period = f"từ {_date(plan.period_start)} đến {_date(plan.period_end)}"
    funding = funding_acts(plan.issued_on)
    return [
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
        _plan_table(items),
        Block("heading", "IV. ĐƠN VỊ KIỂM TRA"),
        Block("para", f"{plan.inspecting_unit} chủ trì thực hiện kiểm tra."),
        Block("heading", "V. KINH PHÍ KIỂM TRA"),
        Block(
            "para",
            f"Kinh phí thực hiện: {_vnd(plan.budget)}" + (f" ({funding})." if funding else "."),
        ),
    ]


def plan_document(plan) -> OfficialDocument:
    """The Sở's plan of the year, submitted to the People's Committee (Art. 34.1.b)."""
    items = _items(plan)
    return OfficialDocument(
        **_frame(plan.province),
        number=plan.number,
        symbol="KH-SKHCN",
        date=plan.issued_on,
        year=plan.year,
        kind="Kế hoạch",
        subject=f"Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} "
        f"{plan_edition(plan)} năm {plan.year}",
        blocks=[*bases(plan.issued_on), *plan_body(plan, items)],
        signers=_signer(plan),
        recipients=plan.recipient_lines,
        filename=f"ke-hoach-kiem-tra-{plan.year}",
    )


# The plan as the People's Committee approves it (Art. 34.1.b) ----------------------------------


def _committee(province) -> dict:
    """The People's Committee of the province as the issuing body (no parent above it)."""
    frame = _frame(province)
    name = province.name.upper() if province else ""
    return {**frame, "parent_body": "", "issuing_body": f"ỦY BAN NHÂN DÂN\n{name}".strip()}


def approval_document(plan) -> OfficialDocument:
    """The People's Committee's own Kế hoạch (``approval_kind`` "plan"), or its decision approving
    the Sở's plan ("decision"): number, date and signer as typed."""
    items = _items(plan)
    subject = (
        f"Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} {plan_edition(plan)} năm "
        f"{plan.year}"
    )
    signer = [Signer(title=plan.approval_signer_title, name=plan.approval_signer_name)]
    common = {
        **_committee(plan.province),
        "number": plan.approval_number,
        "date": plan.approval_date,
        "year": plan.year,
        "signers": signer,
    }
    if plan.approval_kind == "plan":
        return OfficialDocument(
            **common,
            symbol="KH-UBND",
            kind="Kế hoạch",
            subject=subject,
            blocks=[*bases(plan.approval_date), *plan_body(plan, items)],
            recipients=[
                f"{issuer_name()} (thực hiện)",
                "UBND các xã có tên trong Kế hoạch",
                "Lưu: VT",
            ],
            filename=f"ke-hoach-ubnd-kiem-tra-{plan.year}",
        )
    own = f"số {plan.number} ngày {_date(plan.issued_on)}" if plan.number else f"năm {plan.year}"
    blocks = [
        Block("center", f"CHỦ TỊCH ỦY BAN NHÂN DÂN {plan.province.name.upper()}"),
        *bases(plan.approval_date),
        Block("para", f"Xét đề nghị của Giám đốc {issuer_name()} tại Kế hoạch {own},"),
        Block("center", "QUYẾT ĐỊNH:"),
        Block(
            "para",
            f"Điều 1. Phê duyệt Kế hoạch kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến "
            f"{QMS} năm {plan.year} tại {len(items)} cơ quan, trong đó "
            f"{sum(1 for i in items if i.is_onsite)} cơ quan được kiểm tra tại trụ sở, thời gian "
            f"từ {_date(plan.period_start)} đến {_date(plan.period_end)}, kinh phí "
            f"{_vnd(plan.budget)} (danh sách kèm theo).",
        ),
        _plan_table(items),
        Block(
            "para",
            f"Điều 2. Giao {issuer_name()} chủ trì, phối hợp với các cơ quan có liên quan tổ "
            "chức thực hiện Kế hoạch; tổng hợp, báo cáo kết quả kiểm tra theo Điều 38 Thông tư "
            "số 26/2014/TT-BKHCN.",
        ),
        Block(
            "para",
            f"Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc {issuer_name()}, Chủ tịch "
            "Ủy ban nhân dân các xã có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
        ),
    ]
    return OfficialDocument(
        **common,
        symbol="QĐ-UBND",
        kind="Quyết định",
        subject=f"Về việc phê duyệt Kế hoạch {subject[0].lower()}{subject[1:]}",
        blocks=blocks,
        recipients=["Như Điều 3", "Lưu: VT"],
        filename=f"quyet-dinh-phe-duyet-ke-hoach-{plan.year}",
    )


# The request for the bodies' reports (Art. 35.2) -----------------------------------------------


def request_document(plan) -> OfficialDocument:
    """The Sở's letter (công văn) asking the bodies of the plan to report on their QMS under the
    headings of Art. 36, with their evidence, by the date typed."""
    items = _items(plan)
    due = _date(plan.request_due)
    blocks = [
        Block("center", "Kính gửi: Ủy ban nhân dân các xã có tên trong danh sách kèm theo."),
        Block(
            "para",
            f"Căn cứ {acts_named(plan.request_date)}{plan_ref(plan)}, "
            f"{issuer_name()} đề nghị Ủy ban nhân dân các xã báo cáo tình hình xây dựng, áp dụng, "
            f"duy trì và cải tiến {QMS} năm {plan.year} theo các nội dung sau (Điều 36 Thông tư số "
            "26/2014/TT-BKHCN):",
        ),
        *_art36_blocks(),
        Block(
            "para",
            "Báo cáo kèm theo các tài liệu, bằng chứng liên quan (nếu có), gửi về "
            f"{issuer_name()} ({plan.inspecting_unit}) trước ngày {due}. Kết quả kiểm tra qua hồ "
            "sơ, báo cáo là căn cứ để kiểm tra tại trụ sở cơ quan theo Kế hoạch.",
        ),
        Block("para", "Danh sách cơ quan được đề nghị báo cáo:"),
        _plan_table(items),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number=plan.request_number,
        symbol="SKHCN-TĐC",
        date=plan.request_date,
        year=plan.year,
        kind="",
        subject=f"V/v báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến {QMS} "
        f"{plan_edition(plan)} năm {plan.year}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=["Như trên", "UBND tỉnh (b/c)", "Lưu: VT, Chi cục TĐC"],
        filename=f"de-nghi-bao-cao-{plan.year}",
    )


# The decision to inspect a body at its office (Mẫu 20. QĐKT) -----------------------------------


def decision_document(item) -> OfficialDocument:
    """The decision to inspect one body at its office (TT 26/2014 Art. 35), the team by name
    and post."""
    plan, commune = item.plan, item.commune
    blocks = [
        Block("center", f"GIÁM ĐỐC {settings.QMS_ISSUER.upper()}"),
        *bases(item.decision_date),
        Block("para", f"Căn cứ {plan_ref(plan)};"),
        Block("para", f"Theo đề nghị của {plan.inspecting_unit},"),
        Block("center", "QUYẾT ĐỊNH:"),
        Block(
            "para",
            f"Điều 1. Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} "
            f"{body_edition(item)} tại {body_name(commune)}. Hình thức: kiểm tra tại trụ sở cơ "
            f"quan. Thời gian: {_date(item.planned_on)}. Nội dung kiểm tra theo Điều 36 Thông tư "
            "số 26/2014/TT-BKHCN.",
        ),
        Block("para", "Điều 2. Thành lập Đoàn kiểm tra gồm:"),
        Block("list", items=team_lines(item)),
        Block(
            "para",
            "Đoàn kiểm tra có trách nhiệm công bố Quyết định kiểm tra, lập Biên bản kiểm tra theo "
            "Mẫu 21. BBKT và báo cáo kết quả kiểm tra; cơ quan chịu sự kiểm tra thực hiện hành "
            "động khắc phục và báo cáo trong thời gian không quá 02 tháng kể từ ngày ký Biên bản "
            "kiểm tra.",
        ),
        Block(
            "para",
            f"Điều 3. {plan.inspecting_unit}, Chủ tịch {body_name(commune)} và các thành viên "
            "Đoàn kiểm tra chịu trách nhiệm thi hành Quyết định này./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number=item.decision_number,
        symbol="QĐ-SKHCN",
        date=item.decision_date,
        year=plan.year,
        kind="Quyết định",
        subject=f"Về việc kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} "
        f"{body_edition(item)} tại {body_name(commune)}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=["Như Điều 3", "Lưu: VT"],
        filename=f"Quyết định kiểm tra {commune.name} {plan.year}",
    )


def _two_signers(item, lead_name: str = "") -> list[Signer]:
    return [
        Signer(
            caption="Đại diện cơ quan chịu sự kiểm tra",
            title=item.commune_representative_post or f"UBND {item.commune.name}",
            name=item.commune_representative,
        ),
        Signer(caption="Đoàn kiểm tra", title="Trưởng đoàn", name=lead_name or item.team_lead),
    ]


def _hour(value) -> str:
    return f"{value:%H} giờ {value:%M}" if value else BLANK


# The minutes of announcing the decision (Art. 37.2.a) ------------------------------------------


def announcement_document(item) -> OfficialDocument:
    """The minutes of the team announcing the decision to the body: day, hour, place, present."""
    plan, commune = item.plan, item.commune
    blocks = [
        Block(
            "para",
            f"Căn cứ Quyết định số {item.decision_number or BLANK} ngày {_date(item.decision_date)} "
            f"của Giám đốc {issuer_name()} về việc kiểm tra việc xây dựng, áp dụng, duy trì và "
            f"cải tiến {QMS} tại {body_name(commune)};",
        ),
        Block(
            "para",
            f"Vào lúc {_hour(item.announced_at)}, ngày {_date(item.announced_on)}, tại "
            f"{item.place or BLANK}, Đoàn kiểm tra công bố Quyết định kiểm tra với "
            f"{body_name(commune)}.",
        ),
        Block("heading", "I. THÀNH PHẦN"),
        Block("para", "1. Đoàn kiểm tra:"),
        Block("list", items=team_lines(item)),
        Block("para", "2. Cơ quan chịu sự kiểm tra:"),
        Block("list", items=present_lines(item)),
        Block("heading", "II. NỘI DUNG"),
        Block(
            "para",
            "Trưởng đoàn kiểm tra công bố toàn văn Quyết định kiểm tra; thông báo nội dung kiểm "
            "tra theo Điều 36 Thông tư số 26/2014/TT-BKHCN, thời gian và chương trình làm việc của "
            "Đoàn; đề nghị cơ quan chịu sự kiểm tra cung cấp kịp thời, đầy đủ, chính xác thông tin, "
            "tài liệu theo yêu cầu của Đoàn kiểm tra.",
        ),
        Block(
            "para",
            "Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, cơ quan chịu sự kiểm tra "
            "giữ 01 bản, Đoàn kiểm tra giữ 01 bản./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number="",
        symbol="BB-ĐKT",
        date=item.announced_on,
        year=plan.year,
        kind="Biên bản",
        subject=f"Công bố Quyết định kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} "
        f"{body_edition(item)} tại {body_name(commune)}",
        blocks=blocks,
        signers=_two_signers(item),
        recipients=[],
        filename=f"Biên bản công bố quyết định {commune.name} {plan.year}",
    )


# The minutes of a visit (Mẫu 21. BBKT) ---------------------------------------------------------


def minutes_document(item) -> OfficialDocument:
    """The minutes of a visit against the Art. 36 checklist (Art. 37.2.b): its hours and place,
    the team and the body's people by name and post; an answer "Phù hợp" the records contradict
    carries the records' note for the team to settle before signing."""
    audit, plan, commune = item.audit, item.plan, item.commune
    answers = {a.item: a for a in audit.checklist.all()}
    known = inspections.known_answers(commune, audit.date)
    flagged = inspections.contradicted({k: a.result for k, a in answers.items()}, known)
    findings = [f.description for f in audit.findings.all()]
    blocks = [
        Block(
            "para",
            f"Căn cứ Quyết định kiểm tra số {item.decision_number or BLANK} ngày "
            f"{_date(item.decision_date)} của Giám đốc {issuer_name()};",
        ),
        Block(
            "para",
            f"Hôm nay, từ {_hour(item.started_at)} đến {_hour(item.ended_at)}, ngày "
            f"{_date(audit.date)}, tại {item.place or BLANK}, Đoàn kiểm tra tiến hành kiểm tra "
            f"tại trụ sở {body_name(commune)}.",
        ),
        Block("heading", "I. THÀNH PHẦN"),
        Block("para", "1. Đoàn kiểm tra:"),
        Block("list", items=team_lines(item)),
        Block("para", "2. Cơ quan chịu sự kiểm tra:"),
        Block("list", items=present_lines(item)),
        Block("heading", "II. NỘI DUNG VÀ KẾT QUẢ KIỂM TRA (Điều 36 Thông tư số 26/2014/TT-BKHCN)"),
        Block(
            "table",
            headers=["Nội dung kiểm tra", "Kết quả", "Ghi chú"],
            rows=checklist_rows(answers, flagged),
            widths=[95, 25, 45],
        ),
        Block("heading", "III. CÁC VẤN ĐỀ TỒN TẠI"),
        Block("list", items=findings) if findings else Block("para", "Không có."),
        Block("heading", "IV. KẾT LUẬN VÀ KIẾN NGHỊ"),
        *_paragraphs(audit.summary),
        Block(
            "para",
            "Cơ quan chịu sự kiểm tra thực hiện hành động khắc phục các vấn đề tồn tại và báo cáo "
            f"Đoàn kiểm tra trước ngày {_date(audit.corrections_due)} (không quá 02 tháng kể từ "
            "ngày ký Biên bản này). Biên bản được lập thành 02 bản có giá trị pháp lý như nhau, cơ "
            "quan chịu sự kiểm tra giữ 01 bản, Đoàn kiểm tra giữ 01 bản./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number="",
        symbol="BB-ĐKT",
        date=audit.date,
        year=plan.year,
        kind="Biên bản kiểm tra",
        subject=f"Việc xây dựng, áp dụng, duy trì và cải tiến {QMS} {body_edition(item)} tại "
        f"{body_name(commune)}",
        blocks=blocks,
        signers=_two_signers(item, audit.lead),
        recipients=[],
        filename=f"Biên bản kiểm tra {commune.name} {plan.year}",
    )


def checklist_rows(answers: dict, flagged: dict | None = None) -> list:
    """The Art. 36 table: a bold row for each part, then its items; an item ``flagged`` (the
    records contradict its "Phù hợp") carries the records' note."""
    flagged = flagged or {}
    rows = []
    for part, title in ART36_PARTS.items():
        rows.append(f"{part}. {title}")
        for key in [key for key in Art36.values if key.startswith(part)]:
            answer = answers.get(key)
            result = RESULTS[answer.result] if answer else BLANK
            note = answer.note if answer else ""
            if key in flagged:
                note = f"{note} Lưu ý (theo dữ liệu của Sở): {flagged[key].evidence}".strip()
            rows.append([f"{art36_letter(key)}) {ART36[Art36(key)]}", result, note])
    return rows


# The letter after a check of records (Art. 37.1.a) ---------------------------------------------


def letter_document(item) -> OfficialDocument:
    """The Sở's letter asking a body checked through its records to carry out or fix what does
    not meet the requirements; the next inspections check them."""
    audit, plan, commune = item.audit, item.plan, item.commune
    answers = {a.item: a for a in audit.checklist.all()}
    failing = [
        f"{ART36[Art36(key)]}: {a.note}"
        for key, a in answers.items()
        if a.result == ChecklistAnswer.Result.DOES_NOT
    ]
    blocks = [
        Block("center", f"Kính gửi: {body_name(commune)}."),
        Block(
            "para",
            f"Thực hiện {plan_ref(plan)}, căn cứ báo cáo tình hình xây dựng, áp dụng, duy trì và "
            f"cải tiến {QMS} của {body_name(commune)} và các tài liệu, bằng chứng kèm theo, "
            f"{issuer_name()} đã kiểm tra qua hồ sơ, báo cáo ngày {_date(audit.date)} theo các nội "
            "dung quy định tại Điều 36 Thông tư số 26/2014/TT-BKHCN.",
        ),
        Block(
            "para",
            f"Đề nghị {body_name(commune)} thực hiện hoặc khắc phục các nội dung chưa đáp ứng yêu "
            "cầu sau:"
            if failing
            else "Các nội dung kiểm tra cơ bản đáp ứng yêu cầu.",
        ),
        *([Block("list", items=failing)] if failing else []),
        Block(
            "para",
            f"Kết quả thực hiện đề nghị báo cáo về {issuer_name()} ({plan.inspecting_unit}) trước "
            f"ngày {_date(audit.corrections_due)}. {issuer_name()} sẽ kiểm tra các nội dung này "
            "trong các cuộc kiểm tra tiếp theo (Điểm a Khoản 1 Điều 37 Thông tư số "
            "26/2014/TT-BKHCN)./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number=item.letter_number,
        symbol="SKHCN-TĐC",
        date=item.letter_date,
        year=plan.year,
        kind="",
        subject=f"V/v khắc phục các nội dung chưa đáp ứng yêu cầu của {QMS} {body_edition(item)}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=["Như trên", "Lưu: VT, Chi cục TĐC"],
        filename=f"Văn bản đề nghị khắc phục {commune.name} {plan.year}",
    )


# The Sở's answer to a body's corrective actions (Art. 37.2.d) ----------------------------------


def answer_actions(item):
    """The corrective actions after the inspection, with their finding, in order."""
    return (
        CorrectiveAction.objects.after_inspections()
        .filter(finding__audit_id=item.audit_id)
        .select_related("finding")
        .order_by("finding_id", "pk")
    )


def answer_document(item) -> OfficialDocument:
    """The letter accepting, or not yet accepting, each corrective action the body reported."""
    audit, plan, commune = item.audit, item.plan, item.commune
    actions = list(answer_actions(item))
    rows = [
        [
            str(n),
            a.finding.description,
            f"{a.description} (báo cáo ngày {_date(a.done_on)})" if a.done_on else a.description,
            ANSWERS[a.answer] + (f": {a.answer_note}" if a.answer_note else ""),
        ]
        for n, a in enumerate(actions, 1)
    ]
    refused = sum(1 for a in actions if a.answer == Answer.REFUSED)
    blocks = [
        Block("center", f"Kính gửi: {body_name(commune)}."),
        Block(
            "para",
            f"Căn cứ kết quả kiểm tra ngày {_date(audit.date)} và báo cáo thực hiện hành động "
            f"khắc phục của {body_name(commune)}, {issuer_name()} có ý kiến về từng hành động khắc "
            "phục như sau (Điểm d Khoản 2 Điều 37 Thông tư số 26/2014/TT-BKHCN):",
        ),
        Block(
            "table",
            headers=["STT", "Vấn đề tồn tại", "Hành động khắc phục", "Ý kiến của Sở"],
            rows=rows,
            widths=[12, 55, 58, 40],
        ),
        Block(
            "para",
            f"Đề nghị {body_name(commune)} tiếp tục thực hiện các hành động khắc phục chưa được "
            f"chấp nhận và báo cáo về {issuer_name()}."
            if refused
            else "",
        ),
        Block(
            "para",
            f"{issuer_name()} sẽ kiểm tra tính hiệu lực của các hành động khắc phục trong các cuộc "
            "kiểm tra tiếp theo./.",
        ),
    ]
    return OfficialDocument(
        **_frame(plan.province),
        number=item.answer_number,
        symbol="SKHCN-TĐC",
        date=item.answer_date,
        year=plan.year,
        kind="",
        subject=f"V/v kết quả thực hiện hành động khắc phục sau kiểm tra {QMS} {body_edition(item)}",
        blocks=[b for b in blocks if b.text or b.kind != "para"],
        signers=_signer(plan),
        recipients=["Như trên", "Lưu: VT, Chi cục TĐC"],
        filename=f"Văn bản trả lời hành động khắc phục {commune.name} {plan.year}",
    )


# The November summary of the inspections (Art. 38) ---------------------------------------------


def summary_document(plan) -> OfficialDocument:
    """The report of the year's inspection results to the province's People's Committee, made in
    November (TT 26/2014 Art. 38.1): what was inspected, the results by body, the corrective
    actions in their two-month follow-up (fixed only once the Sở accepted them), and the
    proposals written on the plan's page."""
    rows, totals = inspections.plan_results(plan, plan.summary_on)
    blocks = [
        Block(
            "para",
            f"Thực hiện {plan_ref(plan)} và Điều 38 Thông tư số 26/2014/TT-BKHCN, "
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
            f"{totals['findings']} vấn đề tồn tại được ghi nhận.",
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
                "Tồn tại",
                "Khắc phục trong 2 tháng",
            ],
            rows=_summary_rows(rows),
            widths=[11, 40, 26, 23, 15, 17, 15, 18],
        ),
        Block(
            "para",
            "Hành động khắc phục (báo cáo trong 02 tháng và được Sở chấp nhận, Điều 37): "
            f"{totals['actions_fixed']} khắc phục trong 2 tháng; {totals['actions_accepted_late']} "
            f"được chấp nhận nhưng báo cáo sau 2 tháng; {totals['actions_refused']} chưa được chấp "
            f"nhận; {totals['actions_pending']} đang trong thời hạn; {totals['actions_late']} quá "
            "hạn chưa được chấp nhận.",
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
        subject=f"Kết quả kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến {QMS} "
        f"{plan_edition(plan, plan.summary_on)} năm {plan.year}",
        blocks=blocks,
        signers=_signer(plan),
        recipients=recipients or ["Ủy ban nhân dân tỉnh", "Lưu: VT"],
        filename=f"bao-cao-ket-qua-kiem-tra-{plan.year}",
    )


def _summary_rows(rows) -> list[list[str]]:
    return [
        [
            str(n),
            r.item.commune.committee_name,
            FORMS_SHORT[r.item.form],
            _date(r.item.audit.date) if r.item.audit_id else "Chưa kiểm tra",
            str(r.conforms),
            str(r.does_not),
            str(r.findings),
            str(r.actions[FollowUp.FIXED]),
        ]
        for n, r in enumerate(rows, 1)
    ]


# The builders by name (which can be made now: audits.inspections.plan_documents, ...) -----------

PLAN_DOCUMENTS = {
    "plan": plan_document,
    "approval": approval_document,
    "request": request_document,
    "summary": summary_document,
}
INSPECTION_DOCUMENTS = {
    "decision": decision_document,
    "announcement": announcement_document,
    "minutes": minutes_document,
    "letter": letter_document,
    "answer": answer_document,
}
