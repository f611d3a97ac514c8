"""The demo's annual reports of 2018–2024 (issue 20): each year's money by line, the provincial
bodies counted, and every figure equal to the dashboard's year tables of the report's cut-off
day, read back from both documents as Word and PDF. The demo is built once (conftest.py)."""

import datetime
import io
import re

import pytest
from docx import Document
from pypdf import PdfReader

from accounts.models import User
from reports.models import AnnualReport
from roadmap.models import BudgetLine

D = datetime.date
TODAY = D(2026, 12, 6)
YEARS = [2018, 2020, 2022, 2024]
pytestmark = pytest.mark.django_db  # heavy (the demo): listed in conftest.py SCALE


@pytest.fixture(scope="module")
def demo(demo_plain):
    return demo_plain


@pytest.fixture
def reader(demo, client, settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "vi"
    client.force_login(User.objects.get(username="dost"))
    return client


def table_values(html: str, table_id: str) -> list[int]:
    table = re.search(rf'<table [^>]*id="{table_id}">(.*?)</table>', html, re.S)
    return [int(v) for v in re.findall(r'data-value="(-?\d+)"', table.group(1))]


def _vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _cells(table, first: int) -> list[int]:
    return [int(c.text.replace(".", "")) for row in table.rows[1:] for c in row.cells[first:]]


@pytest.mark.parametrize("year", YEARS)
def test_the_years_report_equals_the_dashboard_of_its_cut_off_day(reader, year):
    report = AnnualReport.objects.get(year=year)
    day = report.cut_off
    assert day == D(year, 12, 10)  # made in December, not "as of 31/12"
    page = reader.get(f"/dashboard/?year={year}&as_of={day:%d/%m/%Y}").content.decode()
    table, bodies, money = (
        table_values(page, name) for name in ("year-table", "year-bodies", "year-money")
    )
    for url in (f"/reports/annual/{report.pk}.docx", f"/reports/annual/{report.pk}/province.docx"):
        document = Document(io.BytesIO(reader.get(url).content))
        assert _cells(document.tables[1], 2) == bodies
        assert _cells(document.tables[2], 2) == table
        assert _cells(document.tables[3], 2) == money
    # The money of this year, line by line: maintenance and inspection, never the 2017 wave's
    # total repeated; the provincial departments counted.
    consultancy, own, maintenance, inspection, total = (money[i : i + 2] for i in range(0, 10, 2))
    assert maintenance[0] > 0 and inspection[0] > 0 and total[0] != 2_030_000_000
    assert total == [sum(v[0] for v in money_rows(money)), sum(v[1] for v in money_rows(money))]
    assert bodies[0] >= 5  # provincial departments and agencies
    for url in (f"/reports/annual/{report.pk}.pdf", f"/reports/annual/{report.pk}/province.pdf"):
        pages = PdfReader(io.BytesIO(reader.get(url).content)).pages
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))
        assert f"Số liệu tính đến ngày {day:%d/%m/%Y}." in text
        assert f"Duy trì, cải tiến HTQLCL {_vn(maintenance[0])} {_vn(maintenance[1])}" in text
        assert f"Hoạt động kiểm tra của Sở KH&CN {_vn(inspection[0])} {_vn(inspection[1])}" in text
        assert f"Sở, ban, ngành cấp tỉnh {bodies[0]} {bodies[1]} {bodies[2]}" in text
        assert "2.030.000.000" not in text


def money_rows(money: list[int]) -> list[list[int]]:
    return [money[i : i + 2] for i in range(0, 8, 2)]


def test_the_years_have_their_own_money_within_the_ceilings(reader):
    for year in YEARS:
        page = reader.get(f"/dashboard/?year={year}").content.decode()
        lines = BudgetLine.objects.filter(year=year)
        expected = [
            sum(lines.values_list("allocated", flat=True)),
            sum(lines.values_list("spent", flat=True)),
        ]
        assert table_values(page, "year-money")[8:] == expected  # this year's lines only
    # TT 116/2015 Art. 4: a commune's consultancy within 80% of 33 million, maintenance 15.
    lines = BudgetLine.objects.filter(commune__isnull=False)
    assert not lines.filter(line="maintenance", allocated__gt=15_000_000).exists()
    assert not lines.filter(line="consultancy", allocated__gt=26_400_000).exists()
    assert not lines.filter(line="own_work", allocated__gt=32_000_000).exists()
    # The 2017 wave's consultancy and own work: 2017's and 2018's lines add up to its budget.
    wave = BudgetLine.objects.filter(year__in=[2017, 2018], line__in=["consultancy", "own_work"])
    spent = sum(wave.values_list("spent", flat=True))
    assert spent == 2_030_000_000
    inspection = BudgetLine.objects.get(year=2018, line="inspection")
    assert inspection.allocated % 1_000_000 == 0  # a budget, not a computed 17.666.666
