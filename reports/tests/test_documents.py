"""The official documents of the yearly cycle, read back from the files: every element of the
form of Nghị định 30/2020/NĐ-CP, in the PDF (pypdf) and in the Word file (python-docx); and the
annual report's figures equal the dashboard's for that year."""

import datetime
import io
import re

import pytest
from docx import Document
from docx.shared import Pt
from pypdf import PdfReader

from audits.models import Art36, Audit, InspectionPlan, PlannedInspection
from audits.services import inspection_minutes_record
from audits.tests.factories import AnnouncementFactory, AuditFactory
from procedures.models import ScopeItem
from procedures.tests.factories import ScopeItemFactory
from reports.models import AnnualReport
from roadmap.models import BudgetLine

D = datetime.date
TODAY = D(2021, 3, 1)
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"
    settings.QMS_ISSUER_PARENT = "UBND TỈNH BẾN TRE"
    settings.QMS_ISSUER = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    settings.QMS_ISSUER_PLACE = "Bến Tre"


@pytest.fixture
def plan(world):
    plan = InspectionPlan.objects.create(
        province=world["province"],
        year=2020,
        budget=20_000_000,
        number="",
        issued_on=D(2020, 3, 5),
        period_start=D(2020, 4, 1),
        period_end=D(2020, 10, 30),
        signer_title="KT. Giám đốc\nPhó Giám đốc".replace("\n", " "),
        signer_name="Nguyễn Văn Ký",
        recipients="UBND tỉnh (b/c)\nUBND các xã\nLưu: VT, TĐC",
    )
    onsite = PlannedInspection.objects.create(
        plan=plan,
        commune=world["commune"],
        form="onsite",
        decision_number="45/QĐ-SKHCN",
        decision_date=D(2020, 5, 4),
        planned_on=D(2020, 5, 20),
        team_lead="Trần Văn Trưởng",
        team_members="Lê Thị Một\nPhạm Văn Hai",
    )
    PlannedInspection.objects.create(plan=plan, commune=world["neighbour_commune"], form="records")
    PlannedInspection.objects.create(plan=plan, commune=world["other_commune"], form="records")
    answers = [(key, "conforms", "") for key in Art36.values]
    answers[10] = ("2d", "does_not", "Quy trình khai sinh chưa cập nhật")
    inspection_minutes_record(
        item=onsite,
        by=None,
        date=D(2020, 5, 20),
        lead="Trần Văn Trưởng",
        summary="Cơ bản đáp ứng yêu cầu.",
        commune_representative="Võ Văn Chủ Tịch",
        answers=answers,
    )
    return plan


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def docx_text(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return document, "\n".join(parts)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


FORM = [
    MOTTO,
    SLOGAN,
    "UBND TỈNH BẾN TRE",
    "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
]


def assert_form(text, *, number, date, kind, subject, signer, recipients):
    text = squash(text)
    for element in [*FORM, number, date, kind, subject, *signer, *recipients]:
        assert element in text, element


def test_the_plan_as_pdf_carries_every_element_of_the_form(client, dost_staff, plan):
    client.force_login(dost_staff)
    response = client.get(f"/inspections/{plan.pk}/plan.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="ke-hoach-kiem-tra-2020.pdf"' in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    assert len(pages) >= 2
    assert_form(
        "\n".join(pages),
        number="Số: ……/KH-SKHCN",  # not issued yet: dots for the number, never invented
        date="Bến Tre, ngày 05 tháng 3 năm 2020",
        kind="KẾ HOẠCH",
        subject="Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ký"],
        recipients=["Nơi nhận:", "- UBND tỉnh (b/c);", "- Lưu: VT, TĐC."],
    )
    text = squash("\n".join(pages))
    # The bodies inspected are People's Committees: "UBND xã …" (issue 21's glossary).
    for name in ("UBND xã Phú Phụng", "UBND xã Sơn Định", "UBND xã Phong Nẫm", "20.000.000 đồng"):
        assert name in text
    assert "Kiểm tra tại trụ sở cơ quan" in text and "Kiểm tra qua hồ sơ, báo cáo" in text


def page_number_positions(content: bytes) -> list[list[tuple[str, float, float]]]:
    """Per page, the short numeric strings and where they are (x, y in points)."""
    found = []
    for page in PdfReader(io.BytesIO(content)).pages:
        spots = []

        def visit(text, cm, tm, font, size, spots=spots):
            if text.strip().isdigit() and len(text.strip()) <= 2:
                spots.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

        page.extract_text(visitor_text=visit)
        found.append(spots)
    return found


def test_the_pdf_numbers_pages_from_the_second_at_the_top_centre(client, dost_staff, plan):
    client.force_login(dost_staff)
    content = client.get(f"/inspections/{plan.pk}/plan.pdf").content
    reader = PdfReader(io.BytesIO(content))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4
    spots = page_number_positions(content)
    top = [s for s in spots[0] if s[2] > height - 20 / 25.4 * 72]
    assert top == []  # no number on page 1
    (number,) = [s for s in spots[1] if s[2] > height - 20 / 25.4 * 72]
    assert number[0] == "2"
    # Centred between the margins (30 mm left, 15 mm right).
    centre = (30 + (210 - 15)) / 2 / 25.4 * 72
    assert abs(number[1] - centre) < 10


def test_the_pdf_embeds_the_shipped_times_compatible_serif(client, dost_staff, plan):
    client.force_login(dost_staff)
    reader = PdfReader(io.BytesIO(client.get(f"/inspections/{plan.pk}/plan.pdf").content))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("Liberation-Serif" in name for name in fonts)


def test_the_plan_as_word_carries_every_element_and_the_decrees_page(client, dost_staff, plan):
    plan.number = "12/KH-SKHCN"
    plan.save()
    client.force_login(dost_staff)
    response = client.get(f"/inspections/{plan.pk}/plan.docx")
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document, text = docx_text(response.content)
    assert_form(
        text,
        number="Số: 12/KH-SKHCN",
        date="Bến Tre, ngày 05 tháng 3 năm 2020",
        kind="KẾ HOẠCH",
        subject="Kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ký"],
        recipients=["Nơi nhận:", "- UBND các xã;", "- Lưu: VT, TĐC."],
    )
    section = document.sections[0]
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm, 1) for m in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer
    header_xml = section.header._element.xml
    assert "PAGE" in header_xml and "w:fldChar" in header_xml
    assert section.first_page_header.paragraphs[0].text == ""
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))


def test_the_decision_and_the_minutes(client, dost_staff, plan):
    onsite = plan.items.get(form="onsite")
    client.force_login(dost_staff)
    decision = squash(
        "\n".join(pdf_pages(client.get(f"/inspections/visits/{onsite.pk}/decision.pdf").content))
    )
    assert_form(
        decision,
        number="Số: 45/QĐ-SKHCN",
        date="Bến Tre, ngày 04 tháng 5 năm 2020",
        kind="QUYẾT ĐỊNH",
        subject="Về việc kiểm tra",
        signer=["Nguyễn Văn Ký"],
        recipients=["Nơi nhận:"],
    )
    assert "Ông/Bà Trần Văn Trưởng" in decision and "– Trưởng đoàn" in decision
    assert "Ông/Bà Phạm Văn Hai" in decision and "– Thành viên" in decision
    assert "Điều 36 Thông tư số 26/2014/TT-BKHCN" in decision
    _, minutes = docx_text(client.get(f"/inspections/visits/{onsite.pk}/minutes.docx").content)
    minutes = squash(minutes)
    assert_form(
        minutes,
        number="Số: ……/BB-ĐKT",
        date="Bến Tre, ngày 20 tháng 5 năm 2020",
        kind="BIÊN BẢN KIỂM TRA",
        subject="Ủy ban nhân dân xã Phú Phụng",
        signer=["TRƯỞNG ĐOÀN", "Trần Văn Trưởng", "Võ Văn Chủ Tịch"],
        recipients=[],
    )
    assert "Quy trình khai sinh chưa cập nhật" in minutes
    assert "Không phù hợp" in minutes or "Does not conform" not in minutes
    assert "02 tháng" in minutes


def test_the_art36_items_are_numbered_as_vietnamese_documents_number_them(client, dost_staff, plan):
    onsite = plan.items.get(form="onsite")
    client.force_login(dost_staff)
    _, text = docx_text(client.get(f"/inspections/{plan.pk}/plan.docx").content)
    text = squash(text)
    assert "1. Việc xây dựng, áp dụng, duy trì và cải tiến Hệ thống quản lý chất lượng" in text
    assert "a) Phạm vi áp dụng" in text and "đ) Việc công bố lại" in text
    assert "2. Việc tuân thủ các quy định tại Quyết định số 19/2014/QĐ-TTg:" in text
    assert "1.a." not in text and "- 1." not in text
    minutes = squash(
        "\n".join(pdf_pages(client.get(f"/inspections/visits/{onsite.pk}/minutes.pdf").content))
    )
    assert "d) Việc cập nhật các thay đổi" in minutes and "1.a." not in minutes
    decision = squash(
        docx_text(client.get(f"/inspections/visits/{onsite.pk}/decision.docx").content)[1]
    )
    assert "- Như Điều 3;" in decision and "UBND các xã" not in decision


def test_the_november_summary_is_a_document_in_the_decrees_form(client, dost_staff, plan):
    plan.summary_number = "150/BC-SKHCN"
    plan.summary_on = D(2020, 11, 20)
    plan.summary = "Các xã cơ bản duy trì hệ thống.\nĐề nghị tăng cường kiểm tra tại trụ sở."
    plan.save()
    client.force_login(dost_staff)
    page = client.get(f"/inspections/{plan.pk}/").content.decode()
    assert f"/inspections/{plan.pk}/summary.pdf" in page
    assert f"/inspections/{plan.pk}/summary.docx" in page
    response = client.get(f"/inspections/{plan.pk}/summary.pdf")
    assert response["Content-Disposition"].endswith('bao-cao-ket-qua-kiem-tra-2020.pdf"')
    pages = pdf_pages(response.content)
    pdf = squash("\n".join(pages))
    assert_form(
        pdf,
        number="Số: 150/BC-SKHCN",
        date="Bến Tre, ngày 20 tháng 11 năm 2020",
        kind="BÁO CÁO",
        subject="Kết quả kiểm tra việc xây dựng, áp dụng, duy trì và cải tiến",
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Ký"],
        recipients=["- Ủy ban nhân dân tỉnh;", "- Lưu: VT."],
    )
    assert "Đề nghị tăng cường kiểm tra tại trụ sở." in pdf and len(pages) >= 1
    _, word = docx_text(client.get(f"/inspections/{plan.pk}/summary.docx").content)
    word = squash(word)
    assert "Số: 150/BC-SKHCN" in word and "UBND xã Phú Phụng" in word and "Chưa kiểm tra" in word
    assert "Điều 38 Thông tư số 26/2014/TT-BKHCN" in word
    assert "Đã kiểm tra 1/3 cơ quan" in word  # one set of minutes recorded of three planned
    assert "12 nội dung phù hợp, 1 nội dung không phù hợp; 1 vấn đề tồn tại" in word


def test_the_documents_are_linked_where_dost_staff_look(client, dost_staff, plan):
    onsite = plan.items.get(form="onsite")
    client.force_login(dost_staff)
    plans = client.get("/inspections/").content.decode()
    for url in (f"/inspections/{plan.pk}/plan.docx", f"/inspections/{plan.pk}/summary.pdf"):
        assert f'href="{url}"' in plans
    # The commune page lists the inspection as an audit; its page leads to the documents.
    commune = client.get(
        f"/communes/{onsite.commune.code}/{onsite.commune.since_key}/"
    ).content.decode()
    assert f'href="/audits/{onsite.audit_id}/"' in commune
    audit = client.get(f"/audits/{onsite.audit_id}/").content.decode()
    assert f'href="/inspections/visits/{onsite.pk}/"' in audit
    # The inspection's page, which holds their data, offers its documents.
    page = client.get(f"/inspections/visits/{onsite.pk}/").content.decode()
    for url in ("decision.pdf", "decision.docx", "minutes.pdf", "minutes.docx"):
        assert f'href="/inspections/visits/{onsite.pk}/{url}"' in page


def test_documents_outside_the_users_reach(client, commune_officer, dost_staff, plan, world):
    records = plan.items.get(commune=world["other_commune"])
    onsite = plan.items.get(form="onsite")
    client.force_login(commune_officer)
    assert client.get(f"/inspections/{plan.pk}/plan.pdf").status_code == 404
    assert client.get(f"/inspections/{plan.pk}/summary.docx").status_code == 404
    assert client.get(f"/inspections/visits/{records.pk}/minutes.pdf").status_code == 404
    assert client.get(f"/inspections/visits/{onsite.pk}/minutes.pdf").status_code == 200
    client.force_login(dost_staff)
    assert client.get(f"/inspections/visits/{records.pk}/decision.pdf").status_code == 404
    assert client.get(f"/inspections/visits/{records.pk}/minutes.docx").status_code == 404


def dashboard_values(html: str) -> list[int]:
    table = re.search(
        r'<table class="table table-sm small" id="year-table">(.*?)</table>', html, re.S
    )
    return [int(v) for v in re.findall(r'data-value="(-?\d+)"', table.group(1))]


def test_the_annual_reports_figures_equal_the_dashboards_for_that_year(
    client, dost_staff, plan, world
):
    a, c = world["commune"], world["other_commune"]
    ScopeItemFactory(commune=a, state=ScopeItem.State.APPLIED, issued_on=D(2019, 1, 5))
    AnnouncementFactory(commune=a, decision_date=D(2019, 2, 1), scope_size=1, standard="2015")
    AnnouncementFactory(commune=c, decision_date=D(2018, 2, 1), scope_size=0)
    AnnouncementFactory(commune=c, decision_date=D(2020, 6, 1), kind="re", scope_size=0)
    AuditFactory(commune=c, kind=Audit.Kind.INTERNAL_AUDIT, date=D(2020, 9, 1))
    BudgetLine.objects.create(
        province=world["province"], year=2020, line="inspection", allocated=20_000_000
    )
    report = AnnualReport.objects.create(
        province=world["province"],
        year=2020,
        achievements="Các xã duy trì tốt.",
        problems="Cán bộ thay đổi.",
        proposals="Tăng kinh phí.",
        signer_title="Giám đốc",
        signer_name="Nguyễn Văn Ký",
        recipients="Bộ Khoa học và Công nghệ\nLưu: VT",
    )
    client.force_login(dost_staff)
    expected = dashboard_values(client.get("/dashboard/?year=2020").content.decode())
    assert expected[:3] == [3, 1, 2] and sum(expected) > 6
    document, text = docx_text(client.get(f"/reports/annual/{report.pk}.docx").content)
    figures = document.tables[2]  # after the masthead and the bodies by level
    values = [int(row.cells[2].text.replace(".", "")) for row in figures.rows[1:]]
    assert values == expected
    assert_form(
        squash(text),
        number="Số: ……/BC-SKHCN",
        date="Bến Tre, ngày …… tháng …… năm 2020",  # not dated yet: dots for the office
        kind="BÁO CÁO",
        subject="năm 2020",
        signer=["GIÁM ĐỐC", "Nguyễn Văn Ký"],
        recipients=["- Bộ Khoa học và Công nghệ;", "- Lưu: VT."],  # as typed
    )
    for narrative in ("Các xã duy trì tốt.", "Cán bộ thay đổi.", "Tăng kinh phí."):
        assert narrative in text
    assert "Số liệu tính đến ngày 31/12/2020" in text
    # The issuer's real name in running text (not "Sở Khoa Học Và Công Nghệ").
    assert "Sở Khoa học và Công nghệ báo cáo Ủy ban nhân dân tỉnh tình hình" in squash(text)
    pdf = squash("\n".join(pdf_pages(client.get(f"/reports/annual/{report.pk}.pdf").content)))
    assert "BÁO CÁO" in pdf and "20.000.000" in pdf and "Tăng kinh phí." in pdf


def test_the_narrative_is_written_in_the_page_by_dost_staff_only(
    client, dost_staff, manager, world
):
    client.force_login(dost_staff)
    response = client.post("/reports/annual/", {"province": world["province"].pk, "year": 2020})
    report = AnnualReport.objects.get()
    assert response["Location"] == f"/reports/annual/{report.pk}/"
    data = {"achievements": "Tốt", "problems": "", "proposals": "", "number": "", "recipients": ""}
    assert client.post(f"/reports/annual/{report.pk}/", data).status_code == 302
    report.refresh_from_db()
    assert report.achievements == "Tốt"
    client.force_login(manager)
    assert client.get(f"/reports/annual/{report.pk}/").status_code == 200
    assert client.post(f"/reports/annual/{report.pk}/", data).status_code == 403
