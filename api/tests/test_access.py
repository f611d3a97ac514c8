"""Per role, a token sees exactly what the pages list (``Model.objects.visible_to(user)``), gets
404 outside its scope, 403 for a write its role may not do, and 401 without credentials."""

import pytest

from api.tests.conftest import TODAY
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import Commune
from roadmap.models import Milestone, Participation, Programme

PERSONAS = [
    "dost_staff",
    "manager",
    "district_officer",
    "commune_officer",
    "other_commune_officer",
    "consultant",
]
LISTS = {
    "/api/v1/milestones/": lambda u: Milestone.objects.visible_to(u).as_of(TODAY),
    "/api/v1/findings/": lambda u: Finding.objects.visible_to(u).as_of(TODAY),
    "/api/v1/corrective-actions/": lambda u: CorrectiveAction.objects.visible_to(u).as_of(TODAY),
    "/api/v1/announcements/": lambda u: Announcement.objects.visible_to(u).as_of(TODAY),
    "/api/v1/audits/": lambda u: Audit.objects.visible_to(u).held_by(TODAY),
    "/api/v1/participations/": lambda u: Participation.objects.visible_to(u),
    "/api/v1/programmes/": lambda u: Programme.objects.visible_to(u),
    "/api/v1/units/": lambda u: Commune.objects.visible_to(u).current(TODAY),
}


def _ids(client, url) -> list[int]:
    response = client.get(url, {"limit": 500})
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", list(LISTS))
def test_a_token_lists_exactly_what_the_pages_list(api_world, personas, as_user, persona, url):
    user = personas[persona]
    expected = sorted(LISTS[url](user).values_list("pk", flat=True))
    assert expected, "every persona sees something of each list in this world"
    assert _ids(as_user(user), url) == expected


def test_the_officer_sees_only_their_communes_milestones(api_world, commune_officer, as_user):
    mine = {m.pk for m in api_world["milestones"]["participation"]}
    assert set(_ids(as_user(commune_officer), "/api/v1/milestones/")) == mine


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/milestones/{m}/",
        "/api/v1/findings/{f}/",
        "/api/v1/corrective-actions/{a}/",
        "/api/v1/audits/{audit}/",
        "/api/v1/announcements/{ann}/",
        "/api/v1/participations/{p}/",
        "/api/v1/units/28987/0/",
    ],
)
def test_an_object_outside_the_scope_is_404(api_world, commune_officer, as_user, url):
    other = api_world["other_commune"]
    finding = Finding.objects.get(audit__commune=other)
    ids = {
        "m": api_world["milestones"]["other_participation"][0].pk,
        "f": finding.pk,
        "a": finding.corrective_actions.get().pk,
        "audit": finding.audit_id,
        "ann": Announcement.objects.get(commune=other).pk,
        "p": api_world["other_participation"].pk,
    }
    response = as_user(commune_officer).get(url.format(**ids))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_the_same_object_inside_the_scope_is_200(api_world, dost_staff, as_user):
    milestone = api_world["milestones"]["other_participation"][0]
    assert as_user(dost_staff).get(f"/api/v1/milestones/{milestone.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["manager", "district_officer", "other_commune_officer"])
def test_a_role_that_may_not_edit_the_milestone_gets_403_or_404_outside_its_scope(
    api_world, personas, as_user, persona
):
    milestone = api_world["milestones"]["participation"][0]
    response = as_user(personas[persona]).patch(
        f"/api/v1/milestones/{milestone.pk}/",
        {"status": "in_progress"},
        content_type="application/json",
        headers={"If-Match": f'"{milestone.version}"'},
    )
    expected = 404 if persona == "other_commune_officer" else 403
    assert response.status_code == expected
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_a_commune_officer_may_not_record_an_audit(api_world, commune_officer, as_user):
    response = as_user(commune_officer).post(
        "/api/v1/audits/",
        {
            "commune_code": "28873",
            "commune_since": "0",
            "kind": "internal_audit",
            "date": "2017-12-01",
            "lead": "A",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert Audit.objects.filter(commune=api_world["commune"]).count() == 1


def test_a_commune_officer_may_not_record_a_finding(api_world, commune_officer, as_user):
    audit = Audit.objects.get(commune=api_world["commune"])
    response = as_user(commune_officer).post(
        f"/api/v1/audits/{audit.pk}/findings/",
        {"clause": "7", "severity": "minor", "description": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert audit.findings.count() == 1


@pytest.mark.parametrize("url", list(LISTS) + ["/api/v1/figures/", "/api/v1/notifications/"])
def test_without_credentials_the_answer_is_401_not_a_redirect(api_world, client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_401(api_world, client):
    response = client.get("/api/v1/milestones/", headers={"Authorization": "Bearer qms_nope"})
    assert response.status_code == 401
