"""The commune list, the commune page and the district page.

Reading pages: every role may read within its scope, so there is no 403 here; out of scope is
404 (the URL walk in accounts/tests/test_url_access.py covers every persona).
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from communes.tests.factories import CommuneFactory
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory
from reports.metrics.compute import forget_recent
from roadmap.models import Milestone
from roadmap.services import milestone_update_status
from roadmap.tests.factories import (
    MilestoneFactory,
    ParticipationFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

TODAY = datetime.date(2017, 12, 15)
LIST = "/communes/"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def steps(db):
    template = RoadmapTemplateFactory(kind="new")
    return [
        RoadmapStepFactory(template=template, order=i, name=name)
        for i, name in enumerate(["Khảo sát", "Đào tạo nhận thức", "Ban hành tài liệu"], 1)
    ]


def roadmap(participation, steps, *, overdue=False):
    """Step 1 done, step 2 in progress (overdue when asked), step 3 not started, due later."""
    participation.template = steps[0].template
    participation.save()
    due2 = datetime.date(2017, 12, 1) if overdue else datetime.date(2017, 12, 30)
    return [
        MilestoneFactory(
            participation=participation,
            step=steps[0],
            planned_start=datetime.date(2017, 8, 8),
            due_date=datetime.date(2017, 8, 22),
            status=Milestone.Status.DONE,
            completed_on=datetime.date(2017, 8, 25),
        ),
        MilestoneFactory(
            participation=participation,
            step=steps[1],
            planned_start=datetime.date(2017, 8, 22),
            due_date=due2,
            status=Milestone.Status.IN_PROGRESS,
        ),
        MilestoneFactory(
            participation=participation,
            step=steps[2],
            planned_start=datetime.date(2018, 1, 1),
            due_date=datetime.date(2018, 1, 20),
        ),
    ]


def codes(response):
    return [r.code for r in response.context["page"]]


# The list -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, world):
    for url in (LIST, "/communes/28873/0/", "/districts/832/0/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona, expected",
    [
        ("dost_staff", ["28987", "28873", "28876"]),
        ("manager", ["28987", "28873", "28876"]),
        ("district_officer", ["28873", "28876"]),
        ("commune_officer", ["28873"]),
        ("other_commune_officer", ["28987"]),
        ("consultant", ["28873", "28876"]),
    ],
)
def test_each_role_lists_the_communes_it_may_see(client, personas, persona, expected):
    client.force_login(personas[persona])
    response = client.get(LIST)
    assert response.status_code == 200
    # Vietnamese order by name without the kind: Phong Nẫm, Phú Phụng, Sơn Định.
    assert codes(response) == expected


def test_the_list_is_in_vietnamese_alphabetical_order(client, dost_staff, world):
    names = ["Xã Đa Phước", "Thị trấn Dân Thành", "Xã Ân Hòa", "Xã An Hiệp", "Xã Ăn Thới"]
    for name in names:
        ParticipationFactory(
            programme=world["programme"],
            commune=CommuneFactory(district=world["district"], name=name),
        )
    client.force_login(dost_staff)
    response = client.get(LIST)
    ordered = [r.name for r in response.context["page"]]
    assert ordered[:5] == [
        "Xã An Hiệp",
        "Xã Ăn Thới",
        "Xã Ân Hòa",
        "Thị trấn Dân Thành",
        "Xã Đa Phước",
    ]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("phu phung", ["28873"]),
        ("PHÚ PHỤNG", ["28873"]),
        ("son dinh", ["28876"]),  # "d" finds "Đ"
        ("giong trom", ["28987"]),  # the district's name
        ("28987", ["28987"]),
        ("nowhere", []),
    ],
)
def test_search_ignores_accents_and_case(client, dost_staff, query, expected):
    client.force_login(dost_staff)
    assert codes(client.get(LIST, {"q": query})) == expected


def test_filters_by_district_kind_stage_and_overdue(client, dost_staff, world, steps):
    roadmap(world["participation"], steps, overdue=True)
    roadmap(world["other_participation"], steps)
    world["neighbour_participation"].kind = "extension"
    world["neighbour_participation"].save()
    client.force_login(dost_staff)
    assert codes(client.get(LIST, {"district": "832"})) == ["28873", "28876"]
    assert codes(client.get(LIST, {"kind": "extension"})) == ["28876"]
    assert codes(client.get(LIST, {"stage": "building"})) == ["28987", "28873"]
    assert codes(client.get(LIST, {"overdue": "1"})) == ["28873"]
    assert codes(client.get(LIST, {"overdue": "1", "district": "834"})) == []


def test_pagination_keeps_the_filters(client, dost_staff, world):
    for i in range(30):
        ParticipationFactory(
            programme=world["programme"],
            commune=CommuneFactory(district=world["district"], name=f"Xã Thử {i:02d}"),
        )
    client.force_login(dost_staff)
    response = client.get(LIST, {"district": "832", "q": "thu"})
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"]) == 25
    html = response.content.decode()
    assert "?district=832&amp;q=thu&amp;page=2" in html
    page2 = client.get(LIST, {"district": "832", "q": "thu", "page": 2})
    assert len(page2.context["page"]) == 5


def test_htmx_gets_only_the_results(client, dost_staff, world):
    client.force_login(dost_staff)
    response = client.get(LIST, {"q": "phu"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert "<html" not in html and "Xã Phú Phụng" in html


def test_the_list_runs_the_same_queries_for_1_and_20_communes(client, dost_staff, world, steps):
    client.force_login(dost_staff)
    client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for _i in range(20):
        p = ParticipationFactory(
            programme=world["programme"], commune=CommuneFactory(district=world["district"])
        )
        roadmap(p, steps, overdue=True)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(response.context["page"]) == 23
    assert len(many) == len(one)


# The commune page ------------------------------------------------------------------------------


def detail(code="28873"):
    return reverse("reports:commune_detail", args=[code, "0"])


@pytest.fixture
def commune_a(world, steps, dost_staff):
    """Commune A with a roadmap, a change in its history, scope, an audit and an announcement."""
    p = world["participation"]
    p.qms_representative = "Phan Thị Dũng (Phó Chủ tịch UBND)"
    p.iso_secretary = "Lê Thanh Mai"
    p.save()
    milestones = roadmap(p, steps, overdue=True)
    milestone_update_status(
        milestone=milestones[1],
        by=dost_staff,
        status=Milestone.Status.BLOCKED,
        completed_on=None,
        note="Chờ quyết định của Chủ tịch",
        expected_version=milestones[1].version,
    )
    amended = ProcedureFactory(name="Đăng ký kết hôn", amended_on=datetime.date(2017, 6, 1))
    ScopeItemFactory(
        commune=world["commune"],
        procedure=amended,
        process_code="QT-HT-02",
        state="issued",
        issued_on=datetime.date(2016, 5, 1),
    )
    ScopeItemFactory(commune=world["commune"], state="applied", issued_on=datetime.date(2017, 9, 1))
    finding = FindingFactory(
        audit=AuditFactory(commune=world["commune"]),
        description="Hồ sơ lưu chưa đủ thành phần",
    )
    CorrectiveActionFactory(finding=finding, description="Bổ sung hồ sơ lưu")
    AnnouncementFactory(commune=world["commune"], decision_number="331/QĐ-UBND")
    return milestones


def test_out_of_scope_commune_is_404(client, other_commune_officer, commune_a):
    client.force_login(other_commune_officer)
    assert client.get(detail()).status_code == 404
    assert client.get(detail("99999")).status_code == 404


def test_the_commune_page_shows_roadmap_scope_audits_people_history(
    client, commune_officer, commune_a
):
    client.force_login(commune_officer)
    response = client.get(detail())
    assert response.status_code == 200
    html = response.content.decode()
    # Roadmap with planned and actual dates, the overdue step marked.
    assert "22/08/2017" in html and "25/08/2017" in html
    assert html.count('class="row-overdue"') == 1
    assert html.count('class="timeline-bar"') == 3
    # QMS people.
    assert "Phan Thị Dũng (Phó Chủ tịch UBND)" in html and "Lê Thanh Mai" in html
    # Scope: 2 issued processes of 2 procedures in force, one needing revision.
    assert response.context["figures"].scope_covered == 2
    assert [i.process_code for i in response.context["needing_revision"]] == ["QT-HT-02"]
    assert "Đăng ký kết hôn" in html
    # Audits, findings, corrective actions, announcements.
    assert "Hồ sơ lưu chưa đủ thành phần" in html and "Bổ sung hồ sơ lưu" in html
    assert "331/QĐ-UBND" in html
    # History: who, from → to.
    changes = response.context["changes"]
    assert len(changes) == 1
    assert changes[0]["before"].status == Milestone.Status.IN_PROGRESS
    assert changes[0]["row"].status == Milestone.Status.BLOCKED
    assert "In progress → <strong>Blocked</strong>" in html


def test_update_links_only_for_who_may_edit(
    client, commune_officer, manager, dost_staff, commune_a
):
    """Each role reads its own roadmaps, kept for it while they stand (the page keeps them by
    role and scope; the Sở's staff and its managers share a scope, not the right to update):
    with the update links, without, and with them again."""
    edit = reverse("roadmap:milestone_update", args=[commune_a[0].pk])
    for user, offered in ((commune_officer, True), (manager, False), (dost_staff, True)) * 2:
        client.force_login(user)
        assert (edit in client.get(detail()).content.decode()) is offered


def test_a_communes_roadmap_shows_an_update_at_the_next_request(
    client, commune_officer, commune_a, django_capture_on_commit_callbacks
):
    client.force_login(commune_officer)
    assert "Chờ văn bản mới" not in client.get(detail()).content.decode()
    client.get(detail())  # kept
    milestone = Milestone.objects.get(pk=commune_a[2].pk)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update_status(
            milestone=milestone,
            by=commune_officer,
            status=Milestone.Status.BLOCKED,
            completed_on=None,
            note="Chờ văn bản mới",
            expected_version=milestone.version,
        )
    html = client.get(detail()).content.decode()
    row = html[html.index(commune_a[2].step.name) :]
    assert "Chờ văn bản mới" in row[: row.index("</tr>")]


# session, user, commune, participations (with the first programme's year: the years offered),
# metrics.compute without the grid, the chart and the records the page lists itself (2: the
# participations with their maintained sums, then their maintained days; the scope's
# coverage), milestones, history, audits
# with findings and corrective actions (3), scope items needing revision, announcements; the
# year's maintenance duties (issue 10): metrics.year_compliance (3: the communes with their
# audits, the scope, the announcements; annexes and inspection findings only when there are
# some); lineage: predecessors and successors in one query (one more per earlier generation).
# 31 before issue 22.
COMMUNE_PAGE_QUERIES = 18


def test_the_commune_page_query_count_is_pinned(
    client, commune_officer, commune_a, django_assert_num_queries
):
    client.force_login(commune_officer)
    with django_assert_num_queries(COMMUNE_PAGE_QUERIES):
        assert client.get(detail()).status_code == 200


def test_the_commune_page_does_not_query_per_milestone(client, dost_staff, world, commune_a):
    client.force_login(dost_staff)
    client.get(detail())
    forget_recent()  # both pages computed, not kept
    with CaptureQueriesContext(connection) as few:
        client.get(detail())
    template = RoadmapTemplateFactory(kind="new")
    for order in range(4, 24):
        MilestoneFactory(
            participation=world["participation"],
            step=RoadmapStepFactory(template=template, order=order),
        )
    forget_recent()
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail())
    assert sum(len(r["rows"]) for r in response.context["roadmaps"]) == 23
    assert len(many) == len(few)


# The district page -----------------------------------------------------------------------------


def test_the_district_page_of_another_district_is_404(client, other_commune_officer, world):
    client.force_login(other_commune_officer)
    assert client.get(reverse("reports:district_detail", args=["832", "0"])).status_code == 404


def test_the_district_page_lists_its_communes_with_their_people(
    client, district_officer, commune_a, world, steps
):
    # An overdue step of a commune of another district, listed only on that district's page.
    roadmap(world["other_participation"], steps, overdue=True)
    client.force_login(district_officer)
    response = client.get(reverse("reports:district_detail", args=["832", "0"]))
    assert response.status_code == 200
    assert [c.row.code for c in response.context["communes"]] == ["28873", "28876"]
    html = response.content.decode()
    assert "Lê Thanh Mai" in html
    assert "Xã Phong Nẫm" not in html  # another district
    # The overdue step and the grid cell marked.
    assert [m.step.name for m in response.context["overdue"]] == ["Đào tạo nhận thức"]
    assert [m.participation.commune.code for m in response.context["overdue"]] == ["28873"]
    assert len(re.findall(r'class="cell st-blocked is-overdue"', html)) == 1


def test_a_district_officer_lands_on_their_district(client, district_officer):
    client.force_login(district_officer)
    response = client.get("/")
    assert response["Location"] == reverse("reports:district_detail", args=["832", "0"])


@pytest.mark.parametrize(
    "persona, target",
    [
        ("dost_staff", "/dashboard/"),
        ("manager", "/dashboard/"),
        ("commune_officer", "/communes/28873/0/"),
        ("other_commune_officer", "/communes/28987/0/"),
        ("consultant", "/communes/"),
    ],
)
def test_each_role_lands_on_its_start_page(client, personas, persona, target):
    client.force_login(personas[persona])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_a_communes_records_are_kept_until_they_change(
    client, commune_officer, consultant, world, django_capture_on_commit_callbacks
):
    """The commune page's audits, announcements, scope to revise and lineage are read once,
    then kept while nothing but the milestones changes; a record committed shows at the next
    request, to every role that sees the commune."""
    commune = world["commune"]
    page = commune.get_absolute_url()

    def records_read(client) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200
        tables = ("audits_audit", "audits_announcement", "procedures_scopeitem")
        return sum(
            any(t in q["sql"] for t in tables) for q in queries.captured_queries
        ), response.text

    for user in (commune_officer, consultant):
        client.force_login(user)
        assert records_read(client)[0] > 0
        assert records_read(client)[0] == 0  # kept
    with django_capture_on_commit_callbacks(execute=True):
        AuditFactory(commune=commune, lead="Trưởng đoàn Mới")
        AnnouncementFactory(commune=commune, decision_number="999/QĐ-TEST")
    for user in (commune_officer, consultant):
        client.force_login(user)
        reads, text = records_read(client)
        assert reads > 0
        assert "Trưởng đoàn Mới" in text and "999/QĐ-TEST" in text
