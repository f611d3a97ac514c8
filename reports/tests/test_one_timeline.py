"""One timeline: on the demo, a day, a unit and a figure mean the same thing on every page.

For five days from 2017 to today, as the DOST staff read them: every headline figure of the
dashboard equals the row count of the list it links to (communes, milestones, findings,
corrective actions, announcements), the card's progress equals the chart's, the districts add up
to the province, the district and commune pages repeat the dashboard's rows, the province's Excel
report says the same, and every commune link of a day's picture opens the unit it names. The
demo is built once for the module (seconds) and flushed after it.
"""

import datetime
import re
from io import BytesIO

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import User
from communes.models import Commune

D = datetime.date
TODAY = D(2026, 12, 6)
DAYS = [D(2017, 12, 15), D(2018, 6, 30), D(2019, 12, 31), D(2024, 12, 31), TODAY]
pytestmark = pytest.mark.django_db  # heavy (the demo): listed in conftest.py SCALE


@pytest.fixture(scope="module")
def demo(demo_plain):
    """The demo, built once for this module and demo/tests/test_demo.py (conftest.py)."""
    return demo_plain


@pytest.fixture
def reader(demo, client, settings):
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = "86"
    settings.QMS_PROVINCE_PREDECESSORS = ["83"]
    client.force_login(User.objects.get(username="dost"))
    return client


def _day(day: D) -> str:
    return f"{day:%d/%m/%Y}"


FIGURE = re.compile(r'<a href="([^"]+)" class="figure-link" data-figure="(\w+)">([\d.]+)</a>')


def _linked_figures(html: str) -> dict[str, tuple[int, str]]:
    """The dashboard's linked figures: name -> (value, the list's URL)."""
    found = {}
    for url, name, value in FIGURE.findall(html):
        found[name] = (int(value.replace(".", "")), url.replace("&amp;", "&"))
    return found


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_every_linked_figure_is_the_row_count_of_its_list(reader, day):
    response = reader.get("/dashboard/", {"as_of": _day(day)})
    figures = response.context["figures"]
    linked = _linked_figures(response.content.decode())
    assert set(linked) >= {
        "total",
        "stage_announced",
        "stage_reannounced",
        "decisions_total",
        "milestones_overdue",
        "findings_open",
        "actions_open",
        "actions_overdue",
    }
    assert linked["total"][0] == figures.total
    assert linked["milestones_overdue"][0] == figures.counts.overdue
    assert linked["findings_open"][0] == figures.findings_open
    for name, (value, url) in linked.items():
        listed = reader.get(url)
        assert listed.status_code == 200, url
        assert listed.context["page"].paginator.count == value, (name, day, url)
        assert f"as_of={_day(day)}".replace("/", "%2F") in url


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_lists_behind_the_figures_agree_with_the_figures_they_do_not_link(reader, day):
    figures = reader.get("/dashboard/", {"as_of": _day(day)}).context["figures"]
    as_of = {"as_of": _day(day)}
    communes = reader.get("/communes/", {**as_of, "overdue": "1"}).context["page"].paginator
    assert communes.count == sum(1 for row in figures.communes if row.counts.overdue)
    milestones = reader.get("/milestones/", as_of).context["page"].paginator
    assert milestones.count == figures.counts.total
    done = reader.get("/milestones/", {**as_of, "status": "done"}).context["page"].paginator
    assert done.count == figures.counts.done_on_time + figures.counts.done_late
    for stage in ("planned", "building", "announced", "reannounced"):
        listed = reader.get("/communes/", {**as_of, "stage": stage}).context["page"].paginator
        assert listed.count == figures.by_stage.get(stage, 0), (stage, day)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_the_card_the_chart_and_the_districts_tell_one_progress(reader, day):
    response = reader.get("/dashboard/", {"as_of": _day(day)})
    figures = response.context["figures"]
    html = response.content.decode()
    shown = f"{figures.progress:.1f}".replace(".", ",")
    assert f"{shown} / " in html  # the card
    if figures.curve:
        last = [actual for point, _plan, actual in figures.curve if point <= day][-1]
        assert last == figures.progress  # the chart's point of the day, rounded the same way
    if figures.districts and any(d.code for d in figures.districts):
        assert sum(d.communes for d in figures.districts) == figures.total
        assert sum(d.counts.overdue for d in figures.districts) == figures.counts.overdue
        assert sum(d.open_findings for d in figures.districts) == figures.findings_open
        exact = sum(c.progress_exact for c in figures.communes) / figures.total
        assert round(exact, 1) == figures.progress


@pytest.mark.parametrize("day", DAYS[:4], ids=str)
def test_district_and_commune_pages_repeat_the_dashboards_rows(reader, day):
    figures = reader.get("/dashboard/", {"as_of": _day(day)}).context["figures"]
    communes = {row.participation_id: row for row in figures.communes}
    for district in figures.districts:
        page = reader.get(f"/districts/{district.code}/0/", {"as_of": _day(day)})
        mine = page.context["figures"]
        assert (mine.total, mine.counts.overdue, mine.findings_open) == (
            district.communes,
            district.counts.overdue,
            district.open_findings,
        )
        assert mine.progress == district.progress
    for row in list(communes.values())[::6]:  # a sample of the 45, every day
        page = reader.get(row.url, {"as_of": _day(day)})
        assert page.status_code == 200
        mine = page.context["row"]
        assert (mine.stage, mine.progress, mine.counts.overdue) == (
            row.stage,
            row.progress,
            row.counts.overdue,
        )
        assert page.context["commune"].name == row.name


@pytest.mark.parametrize("day", [DAYS[0], DAYS[3]], ids=str)
def test_the_province_report_says_what_the_dashboard_says(reader, day):
    figures = reader.get("/dashboard/", {"as_of": _day(day)}).context["figures"]
    response = reader.get("/reports/province.xlsx", {"as_of": _day(day)})
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    by_label = {row[0].value: row[1].value for row in sheet.iter_rows() if len(row) > 1}
    with translation.override("vi"):
        expected = {
            _("Communes in the report"): figures.total,
            _("Mean progress (%)"): figures.progress,
            _("Milestones done on time"): figures.counts.done_on_time,
            _("Milestones done late"): figures.counts.done_late,
            _("Milestones overdue"): figures.counts.overdue,
            _("Findings open"): figures.findings_open,
            _("Corrective actions open"): figures.actions_open,
            _("Budget spent (VND)"): figures.budget_spent,
        }
    assert {label: by_label.get(label) for label in expected} == expected


@pytest.mark.parametrize("day", [DAYS[0], TODAY], ids=str)
def test_every_commune_link_of_a_days_picture_opens_the_unit_it_names(reader, day):
    html = reader.get("/dashboard/", {"as_of": _day(day)}).content.decode()
    links = set(re.findall(r'<a href="(/communes/\d+/[\d-]+/)">([^<]+)</a>', html))
    assert links
    for url, name in links:
        page = reader.get(url, {"as_of": _day(day)})
        assert page.context["commune"].name == name.strip(), url
        code, since = url.strip("/").split("/")[1:]
        assert page.context["commune"] == Commune.objects.by_key(code, since)


def test_the_2017_picture_names_the_province_of_its_day(reader):
    assert (
        "Tỉnh Bến Tre"
        in reader.get("/dashboard/", {"as_of": "15/12/2017"}).context["dashboard_title"]
    )
    assert "Tỉnh Vĩnh Long" in reader.get("/dashboard/").context["dashboard_title"]


def test_a_district_officer_starts_on_the_history_of_the_abolished_district(demo, client, settings):
    settings.QMS_AS_OF = TODAY
    client.force_login(User.objects.get(username="district-832"))
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/districts/832/0/?as_of=30%2F06%2F2025")
    assert response.context["figures"].total == 11
    html = response.content.decode()
    assert 'class="alert alert-warning ended-unit"' in html
    assert "30/06/2025" in html


def test_a_district_pages_linked_figures_are_its_lists_row_counts(reader):
    day = DAYS[0]
    response = reader.get("/districts/832/0/", {"as_of": _day(day)})
    linked = _linked_figures(response.content.decode())
    assert linked["total"][0] == response.context["figures"].total == 11
    for name, (value, url) in linked.items():
        assert "district=832" in url
        assert reader.get(url).context["page"].paginator.count == value, name
