"""The province dashboard: who sees it, what it counts, its charts, and its pinned query count."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from communes.tests.factories import CommuneFactory
from core.generation import data_changed
from reports import charts, metrics
from roadmap.models import Milestone
from roadmap.services import milestone_update_status
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
    update_milestone,
)

TODAY = datetime.date(2017, 12, 15)
URL = "/dashboard/"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


def add_roadmap(participation, template, statuses):
    """Milestones for ``participation``, one per step of ``template``: (status, due, completed)."""
    milestones = []
    for step, (status, due, completed) in zip(template.steps.all(), statuses, strict=True):
        milestones.append(
            MilestoneFactory(
                participation=participation,
                step=step,
                planned_start=due - datetime.timedelta(days=10),
                due_date=due,
                status=status,
                completed_on=completed,
                note="chờ" if status == Milestone.Status.BLOCKED else "",
            )
        )
    return milestones


def complete(milestone, by, *, on=datetime.date(2017, 12, 14), note: str = "") -> None:
    """``milestone`` (as it now stands) marked done ``on``, by ``by``, through the service."""
    update_milestone(milestone, by, Milestone.Status.DONE, completed_on=on, note=note)
    milestone.refresh_from_db()


@pytest.fixture
def template(db):
    template = RoadmapTemplateFactory(name="Xây dựng mới", kind="new")
    for order, name in enumerate(["Khảo sát", "Đào tạo", "Ban hành"], start=1):
        RoadmapStepFactory(template=template, order=order, name=name, offset_days=order * 10)
    return template


@pytest.fixture
def roadmaps(world, template):
    """Commune A: done on time, done late, overdue. Commune C: done on time, overdue twice."""
    for p in (world["participation"], world["other_participation"]):
        p.template = template
        p.save()
    a = add_roadmap(
        world["participation"],
        template,
        [
            ("done", datetime.date(2017, 9, 1), datetime.date(2017, 8, 30)),
            ("done", datetime.date(2017, 10, 1), datetime.date(2017, 10, 9)),
            ("in_progress", datetime.date(2017, 12, 1), None),
        ],
    )
    c = add_roadmap(
        world["other_participation"],
        template,
        [
            ("done", datetime.date(2017, 9, 1), datetime.date(2017, 9, 1)),
            ("blocked", datetime.date(2017, 11, 1), None),
            ("not_started", datetime.date(2017, 12, 10), None),
        ],
    )
    return {"a": a, "c": c}


def test_anonymous_is_sent_to_the_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_dost_staff_see_the_figures_of_the_whole_province(client, dost_staff, roadmaps):
    client.force_login(dost_staff)
    response = client.get(URL)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures.total == 3  # A, B (no roadmap) and C
    assert figures.counts.done_on_time == 2
    assert figures.counts.done_late == 1
    assert figures.counts.overdue == 3
    html = response.content.decode()
    assert "Xã Phú Phụng" in html and "Xã Phong Nẫm" in html
    assert reverse("reports:district_detail", args=["832", "0"]) in html


def test_a_commune_officer_sees_only_their_commune(client, other_commune_officer, roadmaps):
    client.force_login(other_commune_officer)
    response = client.get(URL)
    assert response.status_code == 200
    figures = response.context["figures"]
    assert [c.code for c in figures.communes] == ["28987"]
    assert figures.counts.overdue == 2
    assert "Xã Phú Phụng" not in response.content.decode()


def test_the_programme_filter_narrows_the_figures(client, manager, world, roadmaps):
    client.force_login(manager)
    response = client.get(URL, {"programme": world["other_programme"].pk})
    assert response.context["programme"] == world["other_programme"]
    assert [c.code for c in response.context["figures"].communes] == ["28987"]


def test_a_programme_the_user_cannot_see_is_ignored(client, commune_officer, world, roadmaps):
    client.force_login(commune_officer)
    response = client.get(URL, {"programme": world["other_programme"].pk})
    assert response.context["programme"] is None
    assert [c.code for c in response.context["figures"].communes] == ["28873"]


def test_the_grid_marks_overdue_cells_with_a_symbol_and_text(client, dost_staff, roadmaps):
    client.force_login(dost_staff)
    response = client.get(URL)
    html = response.content.decode()
    grid = response.context["grids"]
    assert [g["kind"] for g in grid] == ["new"]
    row_a = next(cells for commune, cells in grid[0]["rows"] if commune.code == "28873")
    assert [c["overdue"] for c in row_a] == [False, False, True]
    assert [c.get("late") for c in row_a] == [False, True, False]
    # Overdue cells: a class, a visible "!" and a text for screen readers (not colour alone).
    overdue_cells = re.findall(r'<td class="cell st-\w+ is-overdue"[^>]*>(.*?)</td>', html, re.S)
    assert len(overdue_cells) == 3
    assert all("!" in cell and "overdue" in cell for cell in overdue_cells)


def _grid_html(html: str) -> str:
    return html[
        html.index('id="grid-title"') : html.index("</section>", html.index('id="grid-title"'))
    ]


def test_the_grid_rows_kept_on_a_page_are_written_again_when_a_commune_changes(
    client, dost_staff, roadmaps, django_capture_on_commit_callbacks
):
    """A row's cells and ``<tr>`` are kept between pages (reports.dashboard._html_table): after
    an update, and in another language, the grid is the one written from scratch."""
    client.force_login(dost_staff)
    before = _grid_html(client.get(URL).content.decode())
    assert len(re.findall(r'<td class="cell [^"]*is-overdue"', before)) == 3
    with django_capture_on_commit_callbacks(execute=True):  # the figures' generation moves on
        complete(roadmaps["a"][2], dost_staff)
    after = _grid_html(client.get(URL).content.decode())
    assert len(re.findall(r'<td class="cell [^"]*is-overdue"', after)) == 2
    assert after.count('title="3. Ban hành: Done, done late (due 01/12/2017)"') == 1
    metrics.forget_recent()  # nothing kept: every row written again
    assert _grid_html(client.get(URL).content.decode()) == after
    client.cookies["django_language"] = "vi"
    vietnamese = _grid_html(client.get(URL).content.decode())
    assert "(due " not in vietnamese and "(hạn 01/12/2017)" in vietnamese
    assert 'title="3. Ban hành: Hoàn thành' in vietnamese


def test_the_html_kept_on_a_row_is_never_pickled(client, dost_staff, roadmaps):
    import pickle

    from core.rows import KEPT_HTML

    client.force_login(dost_staff)
    response = client.get(URL)
    row = response.context["grids"][0]["rows"][0][0]
    assert KEPT_HTML in row.__dict__
    copy = pickle.loads(pickle.dumps(row))  # noqa: S301 (our own bytes)
    assert KEPT_HTML not in copy.__dict__ and copy == row


def test_the_headline_shows_overdue_findings_and_announcements(client, dost_staff, roadmaps):
    client.force_login(dost_staff)
    html = client.get(URL).content.decode()
    headline = html[html.index('id="headline-title"') : html.index('id="charts-title"')]
    assert re.search(
        r'Overdue</dt><dd[^>]*><strong><a href="/milestones/\?as_of=[^"]+&amp;overdue=1" '
        r'class="figure-link" data-figure="milestones_overdue">3</a></strong>',
        headline,
    )
    assert "Open findings" in headline and "Overdue corrective actions" in headline


def test_silent_communes_are_listed(client, dost_staff, roadmaps, settings):
    settings.QMS_SILENT_DAYS = 30
    client.force_login(dost_staff)
    response = client.get(URL)
    # Nobody changed a milestone through the application: every commune is silent.
    assert {c.code for c in response.context["figures"].silent} == {"28873", "28876", "28987"}


def test_recent_changes_show_who_and_from_to(client, dost_staff, roadmaps):
    complete(roadmaps["a"][2], dost_staff)
    client.force_login(dost_staff)
    response = client.get(URL)
    recent = response.context["recent"]
    assert len(recent) == 1
    assert recent[0]["row"].history_user == dost_staff
    assert recent[0]["before"].status == Milestone.Status.IN_PROGRESS
    assert recent[0]["row"].status == Milestone.Status.DONE
    html = response.content.decode()
    assert "In progress → <strong>Done</strong>" in html


def test_the_charts_are_inline_svg_with_text_values(client, dost_staff, roadmaps):
    client.force_login(dost_staff)
    html = client.get(URL).content.decode()
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3
    assert "Planned: " in html and "Actual: " in html


# The pinned query count -----------------------------------------------------------------------

# session, user, visible programmes (with the first programme's year: the years offered); 5 for
# metrics.compute today (the participations with their maintained sums, the curve from the
# maintained days, the grid's cells with its steps, findings and corrective actions in one union,
# audits, announcements, scope and procedures in one); recent changes and the rows before them.
# The year section (issue 10): metrics.year_figures (the communes with their audits, the scope,
# the announcements; the annexes and the inspections' findings only when there are some; the
# inspections, findings, the communes on TCVN ISO 9001:2008 after their Sở's date and the bodies
# by level (issue 20) in one; the year's money by line). The title's province name (one query);
# the dashboard's list of the communes on 2008 after their Sở's date (issue 20). The procedure
# catalogue in force (issue 21) is a subquery of the count of the procedures in force.
# 28 before issue 22: the milestones and curve added up from every milestone, the steps, the
# quality records' counts and the year's counts one query each. 18 since the maintained days are
# added up in a query of their own (grouped on the days alone: a join with the participations
# grouped by all their columns took 60 ms at 1,000 communes, 150 at 10,000). 19 cold since a
# small scope's figures are kept by the revisions of its sums (one query, the page's only one
# for its figures when they are kept: an update elsewhere leaves them). 20 cold since its latest
# changes are kept the same way (the revisions of all its participations, in force or not: one
# query, where the two of the changes ran at every request).
DASHBOARD_QUERIES = 20


def test_the_dashboard_query_count_is_pinned(
    client, dost_staff, roadmaps, django_assert_num_queries
):
    milestone = roadmaps["c"][1]
    milestone_update_status(
        milestone=milestone,
        by=dost_staff,
        status=Milestone.Status.IN_PROGRESS,
        completed_on=None,
        note="",
        expected_version=milestone.version,
    )
    client.force_login(dost_staff)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["recent"]) == 1


def test_the_dashboard_query_count_does_not_grow_with_communes(
    client, dost_staff, world, template, django_assert_num_queries
):
    """1 vs 20 communes: the same number of queries."""

    def add_communes(n):
        for _i in range(n):
            p = ParticipationFactory(
                programme=world["programme"],
                commune=CommuneFactory(district=world["district"]),
                template=template,
            )
            add_roadmap(
                p,
                template,
                [
                    ("done", datetime.date(2017, 9, 1), datetime.date(2017, 9, 2)),
                    ("in_progress", datetime.date(2017, 10, 1), None),
                    ("not_started", datetime.date(2018, 1, 1), None),
                ],
            )

    client.force_login(dost_staff)
    add_communes(1)
    client.get(URL)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Both computed, not read from the cache: a write's commit starts a new data generation
    # (reports/signals.py); a test's writes are never committed, so the test starts it.
    data_changed()
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    add_communes(19)
    data_changed()
    with django_assert_num_queries(len(one)):
        response = client.get(URL)
    assert response.context["figures"].total == 23


# Charts as pure functions -----------------------------------------------------------------------


@pytest.fixture
def figures(roadmaps, world):
    from roadmap.models import Participation

    return metrics.compute(Participation.objects.all(), as_of=TODAY)


@pytest.mark.parametrize(
    "render", [charts.progress_curve_svg, charts.stage_chart_svg, charts.milestone_chart_svg]
)
def test_each_chart_is_self_contained_svg(figures, render):
    svg = str(render(figures))
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("width") and root.get("height") and root.get("viewBox")
    assert root.find("{http://www.w3.org/2000/svg}title").text
    assert root.find("{http://www.w3.org/2000/svg}desc").text
    # No external resource, no script.
    assert "href" not in svg.replace("url(#", "") and "<script" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_stage_chart_writes_each_value_and_uses_patterns(figures):
    svg = str(charts.stage_chart_svg(figures))
    # 3 communes: B has no roadmap (planned), A and C are building.
    assert ">2 (66.7 %)<" in svg and ">1 (33.3 %)<" in svg
    assert svg.count("<pattern ") == len(charts.BAR_STYLES)


def test_the_curve_says_its_last_values(figures):
    svg = str(charts.progress_curve_svg(figures))
    assert f"Planned: {figures.planned_progress:.1f} %" in svg
    assert "stroke-dasharray" in svg  # the planned line is dashed, not only grey


def test_the_curve_of_no_roadmap_says_so(world):
    from roadmap.models import Participation

    svg = str(charts.progress_curve_svg(metrics.compute(Participation.objects.none(), as_of=TODAY)))
    assert "No roadmap yet." in svg
