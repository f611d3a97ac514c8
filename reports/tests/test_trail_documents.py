"""The documents of the inspection trail (TT 26/2014 Arts. 34–38) read back from the files (pypdf,
python-docx): the plan as the People's Committee approves it (both ways), the request for reports,
the minutes of announcing a decision, the minutes of a visit with its hours, place and people, the
letter after a check of records, the answer on the corrective actions, the summary counting only
what the Sở accepted; the legal bases each cites are those in force on its date."""

import datetime
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from audits.models import Art36, CorrectiveAction, InspectionPlan, LegalBasis, PlannedInspection
from audits.services import inspection_minutes_record
from reports import metrics

D = datetime.date
TODAY = D(2020, 12, 20)

pytestmark = pytest.mark.usefixtures("legal_bases")


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"
    settings.QMS_ISSUER_PARENT = "UBND TỈNH BẾN TRE"
    settings.QMS_ISSUER = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    settings.QMS_ISSUER_PLACE = "Bến Tre"


@pytest.fixture
def trail(world):
    plan = InspectionPlan.objects.create(
        province=world["province"],
        year=2020,
        budget=20_000_000,
        issued_on=D(2020, 3, 5),
        signer_title="KT. Giám đốc\nPhó Giám đốc",
        signer_name="Nguyễn Văn Ký",
        approval_kind="decision",
        approval_date=D(2020, 3, 16),
        approval_signer_title="KT. Chủ tịch\nPhó Chủ tịch",
        approval_signer_name="Lê Văn Duyệt",
        request_date=D(2020, 3, 23),
        request_due=D(2020, 4, 30),
    )
    visit = PlannedInspection.objects.create(
        plan=plan,
        commune=world["commune"],
        form="onsite",
        decision_date=D(2020, 5, 4),
        planned_on=D(2020, 5, 20),
        team_lead="Trần Văn Trưởng",
        team_lead_post="Phó Chi cục trưởng",
        team_members="Lê Thị Một – Chuyên viên Chi cục TĐC",
        announced_on=D(2020, 5, 20),
        announced_at=datetime.time(8, 0),
        place="Phòng họp Ủy ban nhân dân xã Phú Phụng",
        commune_representative_post="Phó Chủ tịch UBND xã",
        attendees="Phạm Thị Thư – Thư ký ISO",
    )
    records = PlannedInspection.objects.create(
        plan=plan, commune=world["other_commune"], form="records"
    )
    for item, failing in ((visit, "2d"), (records, "1dd")):
        answers = [
            (key, "does_not", f"Ghi chú {key}") if key == failing else (key, "conforms", "")
            for key in Art36.values
        ]
        inspection_minutes_record(
            item=item,
            by=None,
            date=D(2020, 5, 20),
            lead="Trần Văn Trưởng",
            summary="Cơ bản đáp ứng.",
            commune_representative="Võ Văn Chủ",
            answers=answers,
            visit={"started_at": datetime.time(8, 30), "ended_at": datetime.time(11, 15)}
            if item.is_onsite
            else {},
        )
    for item, answer, done, answered in (
        (visit, "accepted", D(2020, 7, 1), D(2020, 7, 8)),
        (records, "refused", D(2020, 7, 1), D(2020, 7, 8)),
    ):
        item.refresh_from_db()
        finding = item.audit.findings.get()
        finding.corrective_actions.create(
            description=f"Khắc phục {finding.description}",
            owner="Thư ký ISO",
            due_date=D(2020, 7, 20),
            done_on=done,
            answer=answer,
            answered_on=answered,
            answer_note="Chưa có bằng chứng" if answer == "refused" else "",
        )
        item.answer_date = answered
        item.save()
    return {"plan": plan, "visit": visit, "records": records}


def read(client, url) -> tuple[str, str]:
    """The text of the PDF and of the Word file at ``url`` (.pdf and .docx), spaces squashed."""
    pdf = client.get(f"{url}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(pdf.content)).pages
    docx = Document(io.BytesIO(client.get(f"{url}.docx").content))
    parts = [p.text for p in docx.paragraphs]
    for table in docx.tables:
        parts += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    squash = lambda text: re.sub(r"\s+", " ", text)  # noqa: E731
    return squash(" ".join(p.extract_text() for p in pages)), squash(" ".join(parts))


def both(texts, *expected):
    for text in texts:
        for element in expected:
            assert element in text, (element, text[text.find(element[:12]) :][:200])


def test_the_plan_approved_by_a_decision_then_as_the_committees_own_plan(client, dost_staff, trail):
    plan = trail["plan"]
    client.force_login(dost_staff)
    texts = read(client, f"/inspections/{plan.pk}/approval")
    both(
        texts,
        "ỦY BAN NHÂN DÂN",
        "Số: ……/QĐ-UBND",  # typed by the user, never invented
        "ngày 16 tháng 3 năm 2020",
        "QUYẾT ĐỊNH",
        "Về việc phê duyệt Kế hoạch kiểm tra",
        "Căn cứ Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ",
        "Căn cứ Thông tư số 26/2014/TT-BKHCN ngày 10/10/2014",
        "Điều 1. Phê duyệt Kế hoạch",
        "UBND xã Phú Phụng",  # the body as the documents name it (issue 21)
        "PHÓ CHỦ TỊCH",
        "Lê Văn Duyệt",
    )
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ Số" not in texts[0]  # the committee issues it, not the Sở
    plan.approval_kind, plan.approval_number = "plan", "45/KH-UBND"
    plan.save()
    both(
        read(client, f"/inspections/{plan.pk}/approval"),
        "Số: 45/KH-UBND",
        "KẾ HOẠCH",
        "V. KINH PHÍ",
    )
    plan.approval_kind = ""
    plan.save()
    assert client.get(f"/inspections/{plan.pk}/approval.pdf").status_code == 404


def test_the_request_for_reports_names_the_approved_plan_and_the_due_date(
    client, dost_staff, trail
):
    client.force_login(dost_staff)
    texts = read(client, f"/inspections/{trail['plan'].pk}/request")
    both(
        texts,
        "Số: ……/SKHCN-TĐC",
        "V/v báo cáo tình hình xây dựng, áp dụng, duy trì và cải tiến",
        "theo TCVN ISO 9001",
        "ngày 23 tháng 3 năm 2020",
        "Kính gửi:",
        "được phê duyệt tại Quyết định số ………… ngày 16/03/2020 của Ủy ban nhân dân tỉnh",
        "trước ngày 30/04/2020",
        "a) Phạm vi áp dụng",
        "Nguyễn Văn Ký",
    )


def test_the_announcement_and_the_minutes_of_a_visit_say_when_where_and_who(
    client, dost_staff, trail
):
    visit = trail["visit"]
    client.force_login(dost_staff)
    texts = read(client, f"/inspections/visits/{visit.pk}/announcement")
    both(
        texts,
        "BIÊN BẢN",
        "Công bố Quyết định kiểm tra",
        "Vào lúc 08 giờ 00, ngày 20/05/2020, tại Phòng họp Ủy ban nhân dân xã Phú Phụng",
        "Ông/Bà Trần Văn Trưởng, Phó Chi cục trưởng – Trưởng đoàn",
        "Ông/Bà Lê Thị Một, Chuyên viên Chi cục TĐC – Thành viên",
        "Ông/Bà Võ Văn Chủ, Phó Chủ tịch UBND xã",
        "Ông/Bà Phạm Thị Thư, Thư ký ISO",
    )
    texts = read(client, f"/inspections/visits/{visit.pk}/minutes")
    both(
        texts,
        "BIÊN BẢN KIỂM TRA",
        "từ 08 giờ 30 đến 11 giờ 15, ngày 20/05/2020, tại Phòng họp Ủy ban nhân dân xã Phú Phụng",
        "Ông/Bà Phạm Thị Thư, Thư ký ISO",
        "Ghi chú 2d",
        "trước ngày 20/07/2020",
        "TRƯỞNG ĐOÀN",
        "Võ Văn Chủ",
    )


def test_a_check_of_records_gives_a_letter_and_the_answer_refuses_with_its_reason(
    client, dost_staff, trail
):
    records = trail["records"]
    client.force_login(dost_staff)
    assert client.get(f"/inspections/visits/{records.pk}/minutes.pdf").status_code == 404
    assert client.get(f"/inspections/visits/{records.pk}/decision.docx").status_code == 404
    both(
        read(client, f"/inspections/visits/{records.pk}/letter"),
        "V/v khắc phục các nội dung chưa đáp ứng yêu cầu",
        "Kính gửi: Ủy ban nhân dân xã Phong Nẫm.",
        "Đề nghị Ủy ban nhân dân xã Phong Nẫm thực hiện hoặc khắc phục",
        "Ghi chú 1dd",
        "Điểm a Khoản 1 Điều 37",
    )
    both(
        read(client, f"/inspections/visits/{records.pk}/answer"),
        "V/v kết quả thực hiện hành động khắc phục",
        "Chưa chấp nhận: Chưa có bằng chứng",
        "ngày 08 tháng 7 năm 2020",
    )
    both(read(client, f"/inspections/visits/{trail['visit'].pk}/answer"), "Chấp nhận")


def test_the_summary_and_the_years_figures_count_only_what_the_sở_accepted(
    client, dost_staff, trail, world
):
    client.force_login(dost_staff)
    both(
        read(client, f"/inspections/{trail['plan'].pk}/summary"),
        "1 khắc phục trong 2 tháng; 0 được chấp nhận nhưng báo cáo sau 2 tháng; 1 chưa được chấp "
        "nhận",
        "Khắc phục trong 2 tháng",
    )
    participations = metrics.participations_in_scope(dost_staff)
    figures = metrics.year_figures(participations, 2020)
    assert (figures.actions_on_time, figures.actions_late) == (1, 1)  # the refused one is late
    CorrectiveAction.objects.filter(answer="refused").update(answer="", answered_on=None)
    figures = metrics.year_figures(participations, 2020)
    assert figures.actions_on_time == 1  # reported in time but never answered: not fixed


def test_a_document_cites_the_acts_in_force_on_its_date(client, dost_staff, trail):
    visit = trail["visit"]
    visit.decision_number = "45/QĐ-SKHCN"
    visit.save()
    LegalBasis.objects.create(
        number="12/2020/QĐ-UBND",
        kind="Quyết định",
        title="quy định chức năng của Sở Khoa học và Công nghệ",
        issuer="Ủy ban nhân dân tỉnh",
        signed_on=D(2020, 1, 2),
        in_force_from=D(2020, 1, 15),
        topic="province",
    )
    LegalBasis.objects.create(
        number="99/2020/QĐ-UBND",
        kind="Quyết định",
        signed_on=D(2020, 6, 1),
        in_force_from=D(2020, 6, 15),  # after the decision's date: not cited
        topic="province",
    )
    client.force_login(dost_staff)
    pdf, word = read(client, f"/inspections/visits/{visit.pk}/decision")
    for text in (pdf, word):
        assert (
            "Căn cứ Quyết định số 12/2020/QĐ-UBND ngày 02/1/2020 của Ủy ban nhân dân tỉnh" in text
        )
        assert "99/2020/QĐ-UBND" not in text
        assert "30/2020/NĐ-CP" not in text  # the decree's dates are not typed: not cited
    LegalBasis.objects.filter(number="12/2020/QĐ-UBND").update(in_force_until=D(2020, 5, 1))
    assert "12/2020/QĐ-UBND" not in read(client, f"/inspections/visits/{visit.pk}/decision")[0]
