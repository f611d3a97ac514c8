"""Every role, every page type, in the browser: the title and the main heading name what the
page shows for that user's scope (the commune, the district, the consulting organisation or the
province), never "the whole province" to someone who sees one commune; on a phone the lists are
cards whose status and actions stay in view."""

import datetime

import pytest
from playwright.sync_api import expect

from roadmap.tests.factories import MilestoneFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)


# persona -> (the name its pages carry, the pages it opens: dashboard, lists, its unit's page)
PAGES = ["/dashboard/", "/milestones/", "/communes/", "/findings/", "/corrective-actions/"]
ROLES = {
    "dost_staff": (None, [*PAGES, "/programmes/", "/districts/832/0/", "/communes/28873/0/"]),
    "manager": (None, [*PAGES, "/programmes/"]),
    "district_officer": ("Huyện Chợ Lách", [*PAGES, "/districts/832/0/"]),
    "commune_officer": ("Xã Phú Phụng", [*PAGES, "/communes/28873/0/"]),
    "consultant": ("Công ty Tư vấn A", [*PAGES, "/programmes/"]),
}


@pytest.mark.parametrize("persona", list(ROLES))
def test_every_page_type_is_titled_for_the_users_scope(
    page, live_server, login, world, request, persona
):
    name, urls = ROLES[persona]
    name = name or world["province"].name
    login(page, request.getfixturevalue(persona))
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        heading = page.locator("main h1").first
        unit_page = url.startswith(("/districts/", "/communes/2"))
        expected = {"/districts/832/0/": "Huyện Chợ Lách", "/communes/28873/0/": "Xã Phú Phụng"}
        wanted = expected.get(url, name)
        expect(heading).to_contain_text(wanted)
        assert wanted in page.title(), (url, page.title())
        assert "toàn tỉnh" not in heading.inner_text().lower() or persona in (
            "dost_staff",
            "manager",
        )
        if not unit_page and persona not in ("dost_staff", "manager"):
            assert world["province"].name not in heading.inner_text(), url
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("main h1").inner_text().startswith("Tổng quan") or persona == "consultant"


def test_on_a_phone_a_list_row_is_a_card_with_its_status_and_action_in_view(
    mobile_page, live_server, login, world, commune_officer
):
    MilestoneFactory(participation=world["participation"])
    login(mobile_page, commune_officer)
    mobile_page.goto(f"{live_server.url}/milestones/")
    row = mobile_page.locator("#results tbody tr").first
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    status = row.locator("td[data-label]").nth(2)
    assert status.evaluate("e => getComputedStyle(e, '::before').content").startswith('"Trạng thái')
    for cell in (status, row.locator("a.btn")):
        cell_box = cell.bounding_box()
        assert cell_box["x"] + cell_box["width"] <= 375, cell_box
    header = mobile_page.locator("#results thead").bounding_box()
    assert header["height"] <= 1  # the column headers stay for screen readers, out of sight
