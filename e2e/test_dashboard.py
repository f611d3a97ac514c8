"""Browser journeys of the reading pages: DOST staff read the dashboard, a manager finds the
overdue communes, and axe-core finds no serious or critical violation on any page visited.

The assertions look at structure (ids, classes, links), not at words: the UI is Vietnamese by
default and its catalogue grows while the English source strings stay put.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

pytestmark = pytest.mark.browser

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY


@pytest.fixture
def rollout(world):
    """Commune A: a step overdue; commune B: on track; commune C: a step overdue, a finding."""
    template = RoadmapTemplateFactory(name="Xây dựng mới", kind="new")
    steps = [
        RoadmapStepFactory(template=template, order=i, name=name, key=key)
        for i, (key, name) in enumerate(
            [("survey", "Khảo sát"), ("training", "Đào tạo nhận thức"), ("issuing", "Ban hành")],
            1,
        )
    ]
    plans = {
        "participation": ["done", "in_progress", "not_started"],
        "neighbour_participation": ["done", "done", "in_progress"],
        "other_participation": ["done", "not_started", "not_started"],
    }
    dues = [datetime.date(2017, 9, 1), datetime.date(2017, 11, 20), datetime.date(2018, 1, 15)]
    for name, statuses in plans.items():
        participation = world[name]
        participation.template = template
        participation.iso_secretary = "Lê Thanh Mai"
        participation.save()
        for step, status, due in zip(steps, statuses, dues, strict=True):
            MilestoneFactory(
                participation=participation,
                step=step,
                planned_start=due - datetime.timedelta(days=14),
                due_date=due,
                status=status,
                completed_on=due if status == Milestone.Status.DONE else None,
            )
    finding = FindingFactory(audit=AuditFactory(commune=world["other_commune"]))
    CorrectiveActionFactory(finding=finding)
    return world


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_dost_staff_read_the_dashboard(
    page, live_server, login, dost_staff, rollout, assert_accessible
):
    login(page, dost_staff)
    # DOST staff land on the dashboard.
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("#headline-title")).to_have_count(1)
    # Three server-rendered charts, each with a title for screen readers.
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(3)
    for i in range(3):
        expect(charts.nth(i).locator("title")).not_to_be_empty()
    # The district table links to both districts; the grid marks the two overdue steps.
    expect(page.locator('#districts-title ~ div a[href="/districts/832/0/"]')).to_have_count(1)
    expect(page.locator('#districts-title ~ div a[href="/districts/834/0/"]')).to_have_count(1)
    overdue = page.locator("table.step-grid td.is-overdue")
    expect(overdue).to_have_count(2)
    expect(overdue.first).to_have_text(re.compile(r"!"))
    expect(overdue.first.locator(".visually-hidden")).not_to_be_empty()
    assert_accessible(page)

    # From the grid to a commune, then its district.
    page.locator("table.step-grid a", has_text="Xã Phong Nẫm").click()
    expect(page).to_have_url(re.compile(r"/communes/28987/0/$"))
    expect(page.locator("h1")).to_have_text("Xã Phong Nẫm")
    expect(page.locator("tr.row-overdue")).to_have_count(1)
    assert_accessible(page)
    page.locator("nav ol.breadcrumb a", has_text="Huyện Giồng Trôm").click()
    expect(page).to_have_url(re.compile(r"/districts/834/0/$"))
    assert_accessible(page)


def test_a_manager_finds_the_overdue_communes(
    page, live_server, login, manager, rollout, assert_accessible
):
    login(page, manager)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    page.goto(f"{live_server.url}/milestones/")
    expect(page.locator("#results tbody tr")).to_have_count(9)
    assert_accessible(page)

    # Live filtering (htmx): ticking "overdue" narrows the list and the URL keeps the filter.
    page.check("#f-overdue")
    expect(page.locator("#results tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"overdue=1"))
    communes = page.locator("#results tbody th a").all_inner_texts()
    assert communes == ["Xã Phong Nẫm", "Xã Phú Phụng"]  # Vietnamese order
    expect(page.locator("#results tr.row-overdue")).to_have_count(2)

    # Accent-insensitive search on top of the filter, then the plain form (no JavaScript path).
    page.fill("#f-q", "phu phung")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.reload()
    expect(page.locator("#f-overdue")).to_be_checked()
    expect(page.locator("#f-q")).to_have_value("phu phung")
    expect(page.locator("#results tbody tr")).to_have_count(1)

    # The commune list filters the same way.
    page.goto(f"{live_server.url}/communes/?overdue=1")
    assert page.locator("#results tbody th a").all_inner_texts() == ["Xã Phong Nẫm", "Xã Phú Phụng"]
    assert_accessible(page)


def test_the_lists_are_accessible(page, live_server, login, dost_staff, rollout, assert_accessible):
    login(page, dost_staff)
    for path in ("/communes/", "/findings/", "/corrective-actions/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#results table")).to_have_count(1)
        assert_accessible(page)
    expect(page.locator("#results tbody tr")).to_have_count(1)


def test_the_reading_pages_fit_a_phone(
    mobile_page, live_server, login, district_officer, rollout, assert_accessible
):
    page = mobile_page
    login(page, district_officer)
    # A district officer lands on their district.
    assert page.url.endswith("/districts/832/0/")
    assert no_horizontal_scroll(page)
    assert_accessible(page)
    for path in ("/dashboard/", "/communes/28873/0/", "/milestones/?overdue=1", "/findings/"):
        page.goto(f"{live_server.url}{path}")
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at 375px"
        assert_accessible(page)
