"""The lists of findings and corrective actions: scope, filters, search, order, 1-vs-N queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, Finding
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory

TODAY = datetime.date(2017, 12, 15)
FINDINGS = "/findings/"
ACTIONS = "/corrective-actions/"


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = TODAY
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def records(world, dost_staff):
    """A: an internal audit (open minor finding, overdue action; closed finding, verified action).
    C: a DOST inspection with an open major finding and an action not yet due."""
    audit_a = AuditFactory(commune=world["commune"], date=datetime.date(2017, 11, 20))
    open_a = FindingFactory(audit=audit_a, clause="4.2.3", description="Tài liệu chưa kiểm soát")
    closed_a = FindingFactory(
        audit=audit_a,
        clause="8.5.2",
        description="Phiếu khắc phục chưa đóng",
        status=Finding.Status.CLOSED,
        closed_on=datetime.date(2017, 12, 10),
    )
    audit_c = AuditFactory(
        commune=world["other_commune"],
        kind=Audit.Kind.INSPECTION_ONSITE,
        date=datetime.date(2017, 12, 5),
    )
    major_c = FindingFactory(
        audit=audit_c,
        clause="7.5.1",
        severity=Finding.Severity.MAJOR,
        description="Hồ sơ trễ hạn không có văn bản xin lỗi",
    )
    return {
        "open_a": open_a,
        "closed_a": closed_a,
        "major_c": major_c,
        "overdue_a": CorrectiveActionFactory(
            finding=open_a,
            description="Cập nhật danh mục tài liệu",
            owner="Thư ký ISO",
            due_date=datetime.date(2017, 12, 5),
        ),
        "verified_a": CorrectiveActionFactory(
            finding=closed_a,
            description="Đóng phiếu khắc phục",
            due_date=datetime.date(2017, 12, 8),
            done_on=datetime.date(2017, 12, 7),
            verified_by=dost_staff,
            verified_at=timezone.now(),
        ),
        "later_c": CorrectiveActionFactory(
            finding=major_c,
            description="Gửi văn bản xin lỗi",
            owner="Công chức một cửa",
            due_date=datetime.date(2018, 1, 10),
        ),
    }


def finding_ids(response):
    return [f.pk for f in response.context["findings"]]


def action_ids(response):
    return [a.pk for a in response.context["actions"]]


@pytest.mark.parametrize("url", [FINDINGS, ACTIONS])
def test_anonymous_is_sent_to_the_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    "persona, sees_a, sees_c",
    [
        ("dost_staff", True, True),
        ("manager", True, True),
        ("district_officer", True, False),
        ("commune_officer", True, False),
        ("other_commune_officer", False, True),
        ("consultant", True, False),
    ],
)
def test_each_role_sees_the_records_of_its_scope(
    client, personas, records, persona, sees_a, sees_c
):
    client.force_login(personas[persona])
    findings = finding_ids(client.get(FINDINGS))
    actions = action_ids(client.get(ACTIONS))
    assert (records["open_a"].pk in findings) is sees_a
    assert (records["major_c"].pk in findings) is sees_c
    assert (records["overdue_a"].pk in actions) is sees_a
    assert (records["later_c"].pk in actions) is sees_c


def test_findings_newest_audit_first(client, dost_staff, records):
    client.force_login(dost_staff)
    ids = finding_ids(client.get(FINDINGS))
    assert ids == [records["major_c"].pk, records["open_a"].pk, records["closed_a"].pk]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "open"}, ["major_c", "open_a"]),
        ({"status": "closed"}, ["closed_a"]),
        ({"severity": "major"}, ["major_c"]),
        ({"kind": "inspection_onsite"}, ["major_c"]),
        ({"district": "832"}, ["open_a", "closed_a"]),
        ({"overdue": "1"}, ["open_a"]),
        ({"q": "tai lieu"}, ["open_a"]),
        ({"q": "phong nam"}, ["major_c"]),
        ({"q": "7.5.1"}, ["major_c"]),
    ],
)
def test_finding_filters_and_search(client, dost_staff, records, params, expected):
    client.force_login(dost_staff)
    assert finding_ids(client.get(FINDINGS, params)) == [records[k].pk for k in expected]


def test_actions_by_due_date(client, dost_staff, records):
    client.force_login(dost_staff)
    response = client.get(ACTIONS)
    assert action_ids(response) == [
        records["overdue_a"].pk,
        records["verified_a"].pk,
        records["later_c"].pk,
    ]
    assert response.content.decode().count('class="row-overdue"') == 1


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"overdue": "1"}, ["overdue_a"]),
        ({"status": "open"}, ["overdue_a", "later_c"]),
        ({"status": "verified"}, ["verified_a"]),
        ({"status": "done"}, []),
        ({"district": "834"}, ["later_c"]),
        ({"q": "cong chuc mot cua"}, ["later_c"]),  # the owner, without accents
        ({"q": "DANH MUC"}, ["overdue_a"]),
    ],
)
def test_action_filters_and_search(client, dost_staff, records, params, expected):
    client.force_login(dost_staff)
    assert action_ids(client.get(ACTIONS, params)) == [records[k].pk for k in expected]


def test_htmx_gets_only_the_results(client, dost_staff, records):
    client.force_login(dost_staff)
    for url in (FINDINGS, ACTIONS):
        html = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert html.lstrip().startswith('<div id="results">') and "<html" not in html


def add_findings(world, n):
    for i in range(n):
        finding = FindingFactory(audit=AuditFactory(commune=world["commune"]), clause=f"8.{i}")
        CorrectiveActionFactory(finding=finding)


@pytest.mark.parametrize("url, rows", [(FINDINGS, "findings"), (ACTIONS, "actions")])
def test_the_same_queries_for_1_and_20_rows(client, dost_staff, world, url, rows):
    client.force_login(dost_staff)
    add_findings(world, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert len(response.context[rows]) == 1
    add_findings(world, 19)
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(url)
    assert len(response.context[rows]) == 20
    assert len(twenty) == len(one)
