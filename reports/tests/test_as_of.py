"""Figures as of any date (``?as_of=dd/mm/yyyy``): milestones as their history shows them on the
day, the form on every figure page, the report downloads that carry the date, and the district
column, filter and table only where units have districts."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import User
from accounts.tests.factories import UserFactory
from communes.tests.factories import CommuneFactory, ProvinceFactory
from core.generation import data_changed
from reports import metrics
from roadmap.models import Milestone, Participation
from roadmap.services import milestone_update_status
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

D = datetime.date
TODAY = D(2019, 1, 15)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"
    cache.clear()


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def _change(m, by, status, day, completed_on=None, note=""):
    return milestone_update_status(
        milestone=m,
        by=by,
        status=status,
        completed_on=completed_on,
        note=note or ("chờ cán bộ" if status == Milestone.Status.BLOCKED else ""),
        expected_version=m.version,
        at=_at(day),
    )


@pytest.fixture
def story(world, dost_staff):
    """Commune A's roadmap, changed on past days:
    step 1 (due 31/10/2017): in progress on 5/9/2017, done on 10/11/2017 (late);
    step 2 (due 30/6/2018): blocked on 1/10/2017, in progress on 10/1/2018;
    step 3 (due 31/12/2017): never touched (its only record is its creation, today)."""
    template = RoadmapTemplateFactory(kind="new")
    steps = [RoadmapStepFactory(template=template, order=i, offset_days=i) for i in (1, 2, 3)]
    p = world["participation"]
    dates = [
        (D(2017, 9, 1), D(2017, 10, 31)),
        (D(2017, 9, 1), D(2018, 6, 30)),
        (D(2017, 11, 1), D(2017, 12, 31)),
    ]
    m1, m2, m3 = (
        MilestoneFactory(participation=p, step=s, planned_start=a, due_date=b)
        for s, (a, b) in zip(steps, dates, strict=True)
    )
    m1 = _change(m1, dost_staff, Milestone.Status.IN_PROGRESS, D(2017, 9, 5))
    _change(m1, dost_staff, Milestone.Status.DONE, D(2017, 11, 10), completed_on=D(2017, 11, 10))
    m2 = _change(m2, dost_staff, Milestone.Status.BLOCKED, D(2017, 10, 1))
    _change(m2, dost_staff, Milestone.Status.IN_PROGRESS, D(2018, 1, 10))
    return p


def _counts(p, as_of):
    c = metrics.compute(Participation.objects.filter(pk=p.pk), as_of=as_of).counts
    return {
        "on_time": c.done_on_time,
        "late": c.done_late,
        "overdue": c.overdue,
        "in_progress": c.in_progress,
        "blocked": c.blocked,
        "not_started": c.not_started,
    }


def test_milestones_count_as_their_history_shows_them_on_the_day(story):
    zero = dict.fromkeys(["on_time", "late", "overdue", "in_progress", "blocked", "not_started"], 0)
    # Before anything happened: the steps' records come later, the dates say not started.
    assert _counts(story, D(2017, 8, 20)) == {**zero, "not_started": 3}
    assert _counts(story, D(2017, 10, 15)) == {
        **zero,
        "in_progress": 1,
        "blocked": 1,
        "not_started": 1,
    }
    # Step 1 past its due date and not yet done: overdue (still counted as in progress).
    assert _counts(story, D(2017, 11, 5)) == {
        **zero,
        "overdue": 1,
        "in_progress": 1,
        "blocked": 1,
        "not_started": 1,
    }
    # Done on 10/11/2017, the end of that day included.
    assert _counts(story, D(2017, 11, 10)) == {**zero, "late": 1, "blocked": 1, "not_started": 1}
    assert _counts(story, D(2018, 1, 20)) == {
        **zero,
        "late": 1,
        "in_progress": 1,
        "overdue": 1,
        "not_started": 1,
    }
    # Today: the current statuses, step 2 now past its due date too.
    assert _counts(story, TODAY) == {**_counts(story, D(2018, 1, 20)), "overdue": 2}


def test_a_completion_back_dated_before_the_day_counts_and_one_after_it_does_not(world, dost_staff):
    m = MilestoneFactory(
        participation=world["participation"],
        planned_start=D(2017, 9, 1),
        due_date=D(2017, 10, 31),
    )
    # Recorded in 2018 (an import), done on 20/10/2017.
    _change(m, dost_staff, Milestone.Status.DONE, D(2018, 3, 1), completed_on=D(2017, 10, 20))
    assert _counts(world["participation"], D(2017, 10, 25))["on_time"] == 1
    # Before its completion date: no record then, past its planned start: in progress.
    assert _counts(world["participation"], D(2017, 10, 1))["in_progress"] == 1


def test_the_past_costs_the_same_queries_as_today_for_1_and_for_20_milestones(
    world, dost_staff, story
):
    def queries(as_of):
        with CaptureQueriesContext(connection) as ctx:
            metrics.compute(Participation.objects.all(), as_of=as_of)
        return len(ctx)

    one = queries(D(2017, 11, 5))
    today = queries(TODAY)
    for i in range(20):
        MilestoneFactory(participation=world["other_participation"], due_date=D(2018, 1, i + 1))
    # Today the participations are read with their maintained sums, and their maintained days
    # added up in one query more (issue 22); a past day adds its milestones up from the history
    # in one query: the same count.
    assert queries(D(2017, 11, 5)) == one == today
    assert queries(TODAY) == today


# The pages ----------------------------------------------------------------------------------


def test_the_dashboard_counts_as_of_the_date_in_the_url_in_both_formats(client, dost_staff, story):
    client.force_login(dost_staff)
    for asked in ("5/11/2017", "05/11/2017", "2017-11-05"):
        response = client.get("/dashboard/", {"as_of": asked})
        figures = response.context["figures"]
        assert figures.as_of == D(2017, 11, 5)
        assert (figures.counts.overdue, figures.counts.blocked) == (1, 1)
        assert 'value="05/11/2017"' in response.content.decode()
    today = client.get("/dashboard/").context["figures"]
    assert today.as_of == TODAY and today.counts.done_late == 1


def test_the_home_page_keeps_the_date_on_its_way_to_the_dashboard(client, dost_staff, story):
    client.force_login(dost_staff)
    response = client.get("/?as_of=15/10/2017", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/?as_of=15%2F10%2F2017"
    assert response.context["figures"].as_of == D(2017, 10, 15)


@pytest.mark.parametrize("path", ["/dashboard/", "/districts/832/0/", "/communes/28873/0/"])
def test_an_unreadable_date_says_dd_mm_yyyy_is_expected_and_shows_today(
    client, dost_staff, story, path
):
    client.force_login(dost_staff)
    for wrong in ("31/02/2017", "2017", "15-12-2017x"):
        response = client.get(path, {"as_of": wrong})
        assert response.status_code == 200
        assert response.context["figures"].as_of == TODAY
        html = response.content.decode()
        assert 'id="as-of-error"' in html and "dd/mm/yyyy" in html
        assert 'aria-invalid="true"' in html
    assert 'id="as-of-error"' not in client.get(path, {"as_of": "1/11/2017"}).content.decode()


@pytest.mark.parametrize(
    ("path", "report"),
    [
        ("/dashboard/", "/reports/province.xlsx"),
        ("/districts/832/0/", "/reports/districts/832/0.xlsx"),
        ("/communes/28873/0/", "/reports/communes/28873/0.xlsx"),
    ],
)
def test_district_and_commune_pages_and_their_reports_count_as_of_the_date(
    client, dost_staff, story, path, report
):
    client.force_login(dost_staff)
    page = client.get(path, {"as_of": "5/11/2017"})
    assert page.context["figures"].as_of == D(2017, 11, 5)
    assert page.context["figures"].counts.overdue == 1
    link = f"{report}?as_of=05%2F11%2F2017"
    assert f'href="{link}"' in page.content.decode()
    past = client.get(link)
    assert past["X-Report-Cache"] == "miss"
    assert "-05-11-2017." in past["Content-Disposition"]
    wb = load_workbook(BytesIO(past.content))
    assert wb.worksheets[0]["B6"].value.date() == D(2017, 11, 5)
    overdue = {row[0].value for row in wb["Overdue milestones"].iter_rows(min_row=2)}
    assert overdue == {"Xã Phú Phụng"}
    # Today's report is another file (the date is in the cache key), with nothing overdue
    # in Phú Phụng but step 3.
    today = client.get(report)
    assert today["X-Report-Cache"] == "miss"
    assert load_workbook(BytesIO(today.content)).worksheets[0]["B6"].value.date() == TODAY
    assert client.get(link)["X-Report-Cache"] == "hit"


def test_a_report_built_by_the_worker_keeps_its_date(
    client, manager, story, monkeypatch, settings, tmp_path
):
    from reports import views
    from reports.tasks import build_report

    monkeypatch.setattr(views, "DIRECT_MAX_COMMUNES", 1)
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(manager)
    queued = client.get("/reports/province.xlsx", {"as_of": "05/11/2017"})
    assert queued.status_code == 302
    task_url = queued["Location"]
    assert task_url.endswith("&as_of=05%2F11%2F2017")
    task_id = task_url.split("task=")[1].split("&")[0]
    assert build_report.get_result(task_id).kwargs["as_of"] == "2017-11-05"
    # The same task asked for with another date is not this report.
    assert client.get(f"/reports/province.xlsx?task={task_id}").status_code == 404
    assert client.get(task_url).status_code == 200


# District column, filter and table only where units have districts ---------------------------


@pytest.fixture
def without_districts(db):
    """A province of 2025: two units, no district, a participation each, and its DOST user."""
    province = ProvinceFactory(code="86", name="Tỉnh Vĩnh Long")
    programme = ProgrammeFactory(province=province, year_start=2025, year_end=2026)
    for code, name in (("80001", "Xã Lương Hòa"), ("80002", "Xã Phước Long")):
        commune = CommuneFactory(code=code, name=name, district=None, province=province)
        MilestoneFactory(participation=ParticipationFactory(programme=programme, commune=commune))
    return UserFactory(username="dost-2025", role=User.Role.DOST_STAFF)


def test_the_dashboard_has_a_district_table_only_where_there_are_districts(
    client, dost_staff, story, without_districts
):
    client.force_login(dost_staff)
    html = client.get("/dashboard/").content.decode()
    assert 'id="districts-title"' in html and "Huyện Chợ Lách" in html
    Participation.objects.filter(commune__district__isnull=False).delete()
    data_changed()  # what the commit of a write does (reports/signals.py)
    html = client.get("/dashboard/").content.decode()
    assert 'id="districts-title"' not in html
    assert "No district" not in html and "Xã Lương Hòa" in html


def test_the_commune_list_has_a_district_column_and_filter_only_where_there_are_districts(
    client, dost_staff, story, without_districts
):
    client.force_login(dost_staff)
    html = client.get(reverse("reports:commune_list")).content.decode()
    assert 'id="f-district"' in html and '<th scope="col">District</th>' in html
    # Once the districts ended (30/6/2025), and with them their communes: none to show.
    from communes.models import Commune, District

    District.objects.update(valid_until=D(2018, 6, 30))
    Commune.objects.filter(district__isnull=False).update(valid_until=D(2018, 6, 30))
    data_changed()  # what code writing in bulk does (reports/signals.py)
    response = client.get(reverse("reports:commune_list"))
    html = response.content.decode()
    assert 'id="f-district"' not in html and '<th scope="col">District</th>' not in html
    assert {r.name for r in response.context["page"]} == {"Xã Lương Hòa", "Xã Phước Long"}
    # As of 2017 the districts are back.
    past = client.get(reverse("reports:commune_list"), {"as_of": "15/12/2017"})
    assert 'id="f-district"' in past.content.decode()
    assert "Xã Phú Phụng" in {r.name for r in past.context["page"]}


def test_the_reports_have_district_sheets_and_columns_only_where_there_are_districts(
    client, dost_staff, story, without_districts
):
    client.force_login(dost_staff)
    with_d = load_workbook(BytesIO(client.get("/reports/province.xlsx").content))
    assert "Districts" in with_d.sheetnames
    assert with_d["Communes"]["C1"].value == "District"
    pdf = PdfReader(BytesIO(client.get("/reports/province.pdf").content))
    assert "By district" in "".join(page.extract_text() for page in pdf.pages)

    Participation.objects.filter(commune__district__isnull=False).delete()
    cache.clear()
    without = load_workbook(BytesIO(client.get("/reports/province.xlsx").content))
    assert "Districts" not in without.sheetnames
    headers = [c.value for c in without["Communes"][1]]
    assert "District" not in headers and headers[:2] == ["GSO code", "Commune"]
    assert "District" not in [c.value for c in without["Overdue milestones"][1]]
    pdf = PdfReader(BytesIO(client.get("/reports/province.pdf").content))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "By district" not in text and "2. Communes and roadmap steps" in text


def test_recent_changes_as_of_a_past_day_stop_at_that_day(client, dost_staff, story):
    client.force_login(dost_staff)
    recent = client.get("/dashboard/", {"as_of": "15/10/2017"}).context["recent"]
    assert sorted(c["row"].history_date.date() for c in recent) == [D(2017, 9, 5), D(2017, 10, 1)]
    assert len(client.get("/dashboard/").context["recent"]) == 4


def test_the_yearly_cycle_of_the_dashboard_follows_the_as_of_date(client, dost_staff, story):
    client.force_login(dost_staff)
    ctx = client.get("/dashboard/", {"as_of": "15/10/2017"}).context
    assert (ctx["year"], ctx["years"][0]) == (2017, 2017)
    assert ctx["year_figures"].as_of == D(2017, 10, 15)
    assert client.get("/dashboard/").context["year_figures"].as_of == TODAY


def test_the_commune_roadmap_shows_each_step_as_it_stood_on_the_day(client, dost_staff, story):
    client.force_login(dost_staff)
    response = client.get("/communes/28873/0/", {"as_of": "5/11/2017"})
    rows = [r for roadmap in response.context["roadmaps"] for r in roadmap["rows"]]
    states = [(r["milestone"].status, r["overdue"], r["days_overdue"]) for r in rows]
    assert states == [("in_progress", True, 5), ("blocked", False, 0), ("not_started", False, 0)]
    assert not any(r["milestone"].editable for r in rows)
    today = client.get("/communes/28873/0/").context["roadmaps"][0]["rows"]
    assert [r["milestone"].status for r in today] == ["done", "in_progress", "not_started"]
    assert all(r["milestone"].editable for r in today)


def test_the_commune_page_maintenance_year_follows_the_as_of_date(client, dost_staff, story):
    client.force_login(dost_staff)
    ctx = client.get("/communes/28873/0/", {"as_of": "15/10/2017"}).context
    assert (ctx["year"], max(ctx["years"])) == (2017, 2017)
    assert client.get("/communes/28873/0/").context["year"] == TODAY.year
