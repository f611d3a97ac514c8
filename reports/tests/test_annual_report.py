"""The annual report's money, bodies, cut-off day and two documents (issue 20), through the pages
users touch: the money page and the register of bodies (who may read, who may write, every bad
input refused in Vietnamese, nothing half-saved), the dashboard's year tables, the report's page
and its PDF and Word files read back."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from communes.models import Body
from reports.models import AnnualReport
from roadmap.models import BudgetLine

D = datetime.date
TODAY = D(2021, 3, 1)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "vi"
    settings.QMS_ISSUER_PARENT = "UBND TỈNH BẾN TRE"
    settings.QMS_ISSUER = "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    settings.QMS_ISSUER_PLACE = "Bến Tre"


def _at(day: D, hour: int = 9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _line(day: D, **fields) -> BudgetLine:
    """A line recorded on ``day`` (its history says so)."""
    line = BudgetLine(**fields)
    line._history_date = _at(day)
    line.save()
    return line


def table_values(html: str, table_id: str) -> list[int]:
    table = re.search(rf'<table [^>]*id="{table_id}">(.*?)</table>', html, re.S)
    return [int(v) for v in re.findall(r'data-value="(-?\d+)"', table.group(1))]


def docx_tables(content: bytes) -> tuple[Document, str]:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return document, re.sub(r"\s+", " ", "\n".join(parts))


def pdf_text(content: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    return re.sub(r"\s+", " ", "\n".join(pages))


def _numbers(row) -> list[int]:
    """A row's figures: the cells after its number (STT) and its label."""
    return [int(c.text.replace(".", "")) for c in row.cells[2:]]


# The money page --------------------------------------------------------------------------------


def test_the_money_page_is_read_by_the_province_roles_and_written_by_dost_staff(
    client, dost_staff, manager, commune_officer, world
):
    assert client.get("/money/").status_code == 302  # anonymous: to the sign-in
    client.force_login(commune_officer)
    assert client.get("/money/?year=2020").status_code == 403
    client.force_login(manager)
    assert client.get("/money/?year=2020").status_code == 200
    data = {"province": world["province"].pk, "year": 2020, "line": "inspection"}
    assert client.post("/money/?year=2020", {**data, "allocated": 1, "spent": 0}).status_code == 403
    line = _line(TODAY, province=world["province"], year=2020, line="inspection", allocated=5)
    assert client.get(f"/money/{line.pk}/").status_code == 403
    assert not BudgetLine.objects.filter(allocated=1).exists()


def test_dost_staff_add_and_edit_a_years_lines(client, dost_staff, world):
    client.force_login(dost_staff)
    base = {"province": world["province"].pk, "year": 2020, "note": ""}
    response = client.post(
        "/money/?year=2020",
        {
            **base,
            "line": "maintenance",
            "commune": world["commune"].pk,
            "allocated": "12000000",
            "spent": "9500000",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/money/?year=2020"
    line = BudgetLine.objects.get()
    assert (line.year, line.allocated, line.spent) == (2020, Decimal(12_000_000), 9_500_000)
    page = client.get("/money/?year=2020").content.decode()
    assert table_values(page, "money-totals") == [
        0,
        0,
        0,
        0,
        12_000_000,
        9_500_000,
        0,
        0,
        12_000_000,
        9_500_000,
    ]
    edit = {
        **base,
        "line": "maintenance",
        "commune": world["commune"].pk,
        "allocated": "12000000",
        "spent": "12000000",
    }
    assert client.post(f"/money/{line.pk}/", edit).status_code == 302
    line.refresh_from_db()
    assert line.spent == 12_000_000 and line.history.count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"line": "maintenance", "commune": "C", "allocated": "-1", "spent": "0"}, "không được âm"),
        (
            {"line": "maintenance", "commune": "C", "allocated": "5", "spent": "6"},
            "Kinh phí đã sử dụng không được lớn hơn kinh phí phân bổ.",
        ),
        (
            {"line": "inspection", "commune": "C", "allocated": "5", "spent": "0"},
            "Kinh phí kiểm tra là của Sở",
        ),
        (
            {"line": "consultancy", "allocated": "5", "spent": "0"},
            "Chọn một đơn vị cấp xã hoặc một cơ quan",
        ),
        (
            {"line": "maintenance", "commune": "C", "allocated": "5", "spent": "0", "year": "1999"},
            "1999",
        ),
    ],
    ids=["negative", "overspent", "inspection-of-a-commune", "nobody", "year"],
)
def test_a_bad_line_is_refused_in_vietnamese_and_nothing_is_saved(
    client, dost_staff, world, fields, message
):
    client.force_login(dost_staff)
    data = {"province": world["province"].pk, "year": "2020", "note": "", **fields}
    if data.get("commune") == "C":
        data["commune"] = world["commune"].pk
    response = client.post("/money/?year=2020", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BudgetLine.objects.exists()


def test_a_second_line_of_the_same_kind_for_the_same_body_is_refused(client, dost_staff, world):
    _line(
        TODAY,
        province=world["province"],
        year=2020,
        line="maintenance",
        commune=world["commune"],
        allocated=5,
    )
    client.force_login(dost_staff)
    data = {
        "province": world["province"].pk,
        "year": "2020",
        "line": "maintenance",
        "commune": world["commune"].pk,
        "allocated": "7",
        "spent": "0",
        "note": "",
    }
    response = client.post("/money/?year=2020", data)
    assert "Đơn vị này đã có nội dung chi này trong năm." in response.content.decode()
    assert BudgetLine.objects.count() == 1


# The year's figures: money by line and bodies by level -----------------------------------------


def test_the_year_adds_up_its_own_lines_as_recorded_by_the_day(client, dost_staff, world):
    province = world["province"]
    body = Body.objects.create(
        province=province,
        name="Sở Tư pháp",
        level="provincial",
        applying_since=D(2015, 4, 1),
        edition="2015",
        announced_on=D(2015, 11, 20),
    )
    _line(
        D(2019, 8, 1),
        province=province,
        year=2019,
        line="consultancy",
        commune=world["commune"],
        allocated=26_400_000,
        spent=26_400_000,
    )
    maintenance = _line(
        D(2020, 2, 15),
        province=province,
        year=2020,
        line="maintenance",
        commune=world["commune"],
        allocated=15_000_000,
    )
    maintenance.spent = 14_000_000
    maintenance._history_date = _at(D(2020, 11, 30))
    maintenance.save()
    _line(
        D(2020, 2, 15),
        province=province,
        year=2020,
        line="maintenance",
        body=body,
        allocated=10_000_000,
        spent=8_000_000,
    )
    _line(
        D(2020, 3, 5),
        province=province,
        year=2020,
        line="inspection",
        allocated=18_000_000,
        spent=16_000_000,
    )
    client.force_login(dost_staff)
    page = client.get("/dashboard/?year=2020").content.decode()
    # consultancy, own work, maintenance, inspection, total; never 2019's wave money
    assert table_values(page, "year-money") == [
        0,
        0,
        0,
        0,
        25_000_000,
        22_000_000,
        18_000_000,
        16_000_000,
        43_000_000,
        38_000_000,
    ]
    before = client.get("/dashboard/?year=2020&as_of=10/11/2020").content.decode()
    assert table_values(before, "year-money")[4:6] == [25_000_000, 8_000_000]  # not spent yet
    page_2019 = client.get("/dashboard/?year=2019").content.decode()
    assert table_values(page_2019, "year-money")[:2] == [26_400_000, 26_400_000]


def test_the_bodies_are_counted_by_level_as_they_stood_on_the_day(client, dost_staff, world):
    province = world["province"]
    so = Body.objects.create(
        province=province,
        name="Sở Khoa học và Công nghệ",
        level="provincial",
        applying_since=D(2015, 3, 2),
        edition="2015",
        announced_on=D(2015, 9, 15),
    )
    Body.objects.create(
        province=province, name="Sở Y tế", level="provincial", applying_since=D(2020, 6, 1)
    )
    Body.objects.create(
        province=province,
        name="Sở Kế hoạch và Đầu tư",
        level="provincial",
        valid_until=D(2019, 12, 31),
        applying_since=D(2016, 1, 1),
    )
    Body.objects.create(
        province=province,
        name="Chi cục Tiêu chuẩn Đo lường Chất lượng",
        level="sub_department",
        parent=so,
        applying_since=D(2015, 3, 2),
        edition="2015",
        announced_on=D(2020, 9, 1),
    )
    Body.objects.create(
        province=province,
        name="Ủy ban nhân dân huyện Chợ Lách",
        level="district",
        district=world["district"],
        applying_since=D(2016, 1, 4),
    )
    client.force_login(dost_staff)
    page = client.get("/dashboard/?year=2020&as_of=15/07/2020").content.decode()
    # (bodies, applying, announced): provincial, sub-department, district, communes, total
    assert table_values(page, "year-bodies") == [2, 2, 1, 1, 1, 0, 1, 1, 0, 3, 3, 0, 7, 7, 1]
    page = client.get("/dashboard/?year=2019&as_of=31/12/2019").content.decode()
    assert table_values(page, "year-bodies")[:6] == [3, 2, 1, 1, 1, 0]
    assert "Cấp huyện (đến 30/6/2025)" in page


def test_the_register_of_bodies_lists_the_days_bodies_and_refuses_bad_ones(
    client, dost_staff, manager, commune_officer, world
):
    so = Body.objects.create(province=world["province"], name="Sở Nội vụ", level="provincial")
    Body.objects.create(
        province=world["province"],
        name="Sở đã giải thể",
        level="provincial",
        valid_until=D(2018, 1, 1),
    )
    client.force_login(commune_officer)
    assert client.get("/bodies/").status_code == 403
    client.force_login(manager)
    page = client.get("/bodies/").content.decode()
    assert "Sở Nội vụ" in page and "Sở đã giải thể" not in page
    assert client.post("/bodies/", {"name": "X"}).status_code == 403
    assert "Sở đã giải thể" in client.get("/bodies/?as_of=01/01/2017").content.decode()
    client.force_login(dost_staff)
    bad = {
        "province": world["province"].pk,
        "name": "Chi cục Văn thư - Lưu trữ",
        "level": "sub_department",
        "announced_on": "01/02/2020",
        "edition": "2015",
    }
    page = client.post("/bodies/", bad).content.decode()
    assert "Chi cục trực thuộc một sở: hãy chọn sở đó." in page
    assert "Cơ quan đã công bố HTQLCL thì đã áp dụng" in page
    assert Body.objects.count() == 2
    good = {**bad, "parent": so.pk, "applying_since": "06/02/2017"}
    assert client.post("/bodies/", good).status_code == 302
    assert Body.objects.get(name="Chi cục Văn thư - Lưu trữ").parent == so


# The report: its cut-off day and its two documents ---------------------------------------------


@pytest.fixture
def report(world):
    return AnnualReport.objects.create(
        province=world["province"],
        year=2020,
        signer_title="Giám đốc",
        signer_name="Nguyễn Văn Ký",
        province_signer_title="TM. Ủy ban nhân dân\nKT. Chủ tịch\nPhó Chủ tịch",
        province_signer_name="Trần Văn Tỉnh",
    )


def _form(report, **changes) -> dict:
    data = {
        "figures_on": "",
        "achievements": "Tốt",
        "problems": "",
        "proposals": "",
        "number": "",
        "issued_on": "",
        "signer_title": report.signer_title,
        "signer_name": report.signer_name,
        "recipients": "",
        "province_number": "",
        "province_issued_on": "",
        "province_signer_title": report.province_signer_title,
        "province_signer_name": report.province_signer_name,
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"figures_on": "15/01/2021"}, "Ngày chốt số liệu phải thuộc năm báo cáo (2020)."),
        (
            {"figures_on": "10/12/2020", "issued_on": "05/12/2020"},
            "Ngày ban hành báo cáo không được trước ngày chốt số liệu (10/12/2020).",
        ),
        (
            {
                "figures_on": "10/12/2020",
                "issued_on": "12/12/2020",
                "province_issued_on": "11/12/2020",
            },
            "Báo cáo của UBND tỉnh được lập sau báo cáo của Sở (12/12/2020)",
        ),
    ],
    ids=["other-year", "issued-before-cut-off", "ubnd-before-so"],
)
def test_a_bad_cut_off_day_is_refused_in_vietnamese(client, dost_staff, report, changes, message):
    client.force_login(dost_staff)
    response = client.post(f"/reports/annual/{report.pk}/", _form(report, **changes))
    assert response.status_code == 200 and message in response.content.decode()
    report.refresh_from_db()
    assert report.figures_on is None and report.achievements == ""


def test_a_cut_off_day_after_today_is_refused(client, dost_staff, world, settings):
    settings.QMS_AS_OF = D(2020, 12, 5)
    report = AnnualReport.objects.create(province=world["province"], year=2020)
    client.force_login(dost_staff)
    response = client.post(f"/reports/annual/{report.pk}/", _form(report, figures_on="10/12/2020"))
    assert "Ngày chốt số liệu không được sau hôm nay (05/12/2020)" in response.content.decode()


def test_a_report_opened_while_its_year_runs_is_as_of_that_day(client, dost_staff, world, settings):
    settings.QMS_AS_OF = D(2020, 12, 4)
    client.force_login(dost_staff)
    client.post("/reports/annual/", {"province": world["province"].pk, "year": 2020})
    client.post("/reports/annual/", {"province": world["province"].pk, "year": 2019})
    assert AnnualReport.objects.get(year=2020).figures_on == D(2020, 12, 4)
    assert AnnualReport.objects.get(year=2019).figures_on == D(2019, 12, 31)


def test_both_documents_say_the_chosen_day_and_the_dashboards_figures_of_it(
    client, dost_staff, report, world
):
    province = world["province"]
    Body.objects.create(
        province=province,
        name="Sở Tư pháp",
        level="provincial",
        applying_since=D(2015, 4, 1),
        edition="2015",
        announced_on=D(2015, 11, 2),
    )
    _line(
        D(2020, 2, 1),
        province=province,
        year=2020,
        line="maintenance",
        commune=world["commune"],
        allocated=12_000_000,
        spent=11_500_000,
    )
    _line(D(2020, 3, 1), province=province, year=2020, line="inspection", allocated=18_000_000)
    client.force_login(dost_staff)
    assert (
        client.post(
            f"/reports/annual/{report.pk}/", _form(report, figures_on="10/12/2020")
        ).status_code
        == 302
    )
    dashboard = client.get("/dashboard/?year=2020&as_of=10/12/2020").content.decode()
    expected = {
        name: table_values(dashboard, name) for name in ("year-table", "year-bodies", "year-money")
    }
    for url in (f"/reports/annual/{report.pk}.docx", f"/reports/annual/{report.pk}/province.docx"):
        document, text = docx_tables(client.get(url).content)
        assert "Số liệu tính đến ngày 10/12/2020." in text
        bodies, figures, money = document.tables[1:4]
        assert [n for row in bodies.rows[1:] for n in _numbers(row)] == expected["year-bodies"]
        assert [int(r.cells[2].text.replace(".", "")) for r in figures.rows[1:]] == expected[
            "year-table"
        ]
        assert [n for row in money.rows[1:] for n in _numbers(row)] == expected["year-money"]
    assert expected["year-money"][4:8] == [12_000_000, 11_500_000, 18_000_000, 0]
    assert expected["year-bodies"][:3] == [1, 1, 1]
    pdf = pdf_text(client.get(f"/reports/annual/{report.pk}.pdf").content)
    assert "Số liệu tính đến ngày 10/12/2020." in pdf
    assert "Duy trì, cải tiến HTQLCL 12.000.000 11.500.000" in pdf
    assert "Sở, ban, ngành cấp tỉnh 1 1 1" in pdf
    assert "Hoạt động kiểm tra của Sở KH&CN 18.000.000 0" in pdf


def test_the_so_reports_to_the_province_and_the_province_to_the_ministry(
    client, dost_staff, report
):
    client.force_login(dost_staff)
    _document, so = docx_tables(client.get(f"/reports/annual/{report.pk}.docx").content)
    assert "UBND TỈNH BẾN TRE SỞ KHOA HỌC VÀ CÔNG NGHỆ" in so
    assert "Số: ……/BC-SKHCN" in so  # blank until the user types it
    assert "báo cáo Ủy ban nhân dân tỉnh tình hình" in so
    assert "- Ủy ban nhân dân tỉnh; - Lưu: VT, Chi cục TĐC." in so
    assert "GIÁM ĐỐC Nguyễn Văn Ký" in so
    document, ubnd = docx_tables(client.get(f"/reports/annual/{report.pk}/province.docx").content)
    masthead = re.sub(r"\s+", " ", document.tables[0].rows[0].cells[0].text)
    assert masthead.startswith("ỦY BAN NHÂN DÂN TỈNH BẾN TRE") and "SỞ" not in masthead
    assert "Số: ……/BC-UBND" in ubnd
    assert "Ủy ban nhân dân tỉnh Bến Tre báo cáo Bộ Khoa học và Công nghệ" in ubnd
    assert "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in ubnd and "Trần Văn Tỉnh" in ubnd
    # Dated in 2020: the general department of the time, not the committee of 2025.
    assert "- Bộ Khoa học và Công nghệ; - Tổng cục Tiêu chuẩn Đo lường Chất lượng;" in ubnd
    assert "Ủy ban Tiêu chuẩn" not in ubnd
    pdf = pdf_text(client.get(f"/reports/annual/{report.pk}/province.pdf").content)
    assert "ỦY BAN NHÂN DÂN TỈNH BẾN TRE" in pdf and "Số: ……/BC-UBND" in pdf


def test_a_document_of_2025_or_later_goes_to_the_national_committee(
    client, dost_staff, report, settings
):
    settings.QMS_AS_OF = D(2025, 3, 10)
    client.force_login(dost_staff)
    changes = {
        "figures_on": "10/12/2020",
        "issued_on": "15/12/2020",
        "province_number": "210/BC-UBND",
        "province_issued_on": "05/01/2025",
    }
    assert client.post(f"/reports/annual/{report.pk}/", _form(report, **changes)).status_code == 302
    _document, text = docx_tables(client.get(f"/reports/annual/{report.pk}/province.docx").content)
    assert "Số: 210/BC-UBND" in text and "ngày 05 tháng 01 năm 2025" in text
    assert "- Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia;" in text
    assert "Tổng cục" not in text


# 1 vs N: the lists cost the same whatever their length ------------------------------------------


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_money_page_costs_the_same_for_1_and_20_lines(client, dost_staff, world):
    from communes.tests.factories import CommuneFactory

    client.force_login(dost_staff)
    province = world["province"]
    _line(TODAY, province=province, year=2020, line="inspection", allocated=5)
    _queries(client, "/money/?year=2020")  # the signed-in user read, then kept
    one = _queries(client, "/money/?year=2020")
    for _i in range(19):
        commune = CommuneFactory(district=world["district"])
        _line(TODAY, province=province, year=2020, line="maintenance", commune=commune, allocated=5)
    assert _queries(client, "/money/?year=2020") == one


def test_the_register_of_bodies_costs_the_same_for_1_and_20_bodies(client, dost_staff, world):
    client.force_login(dost_staff)
    so = Body.objects.create(province=world["province"], name="Sở Nội vụ", level="provincial")
    _queries(client, "/bodies/")  # the signed-in user read, then kept
    one = _queries(client, "/bodies/")
    for n in range(19):
        Body.objects.create(
            province=world["province"], name=f"Chi cục {n}", level="sub_department", parent=so
        )
    assert _queries(client, "/bodies/") == one
