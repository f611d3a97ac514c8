"""The access helpers for every role: who sees which communes, milestones, audits; who may write."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts import access
from audits.access import get_audit_for_user, get_corrective_action_for_user, get_finding_for_user
from audits.models import Audit, CorrectiveAction, Finding
from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from communes.access import get_commune_for_user, get_district_for_user
from communes.models import Commune, District
from roadmap.access import (
    get_milestone_for_user,
    get_participation_for_user,
    get_programme_for_user,
)
from roadmap.models import Milestone, Participation, Programme
from roadmap.tests.factories import MilestoneFactory

# Which of the world's communes (a, b in district 1 and the consultant's programme; c in
# district 2 and another programme) each persona sees.
EXPECTED = {
    "dost_staff": {"a", "b", "c"},
    "manager": {"a", "b", "c"},
    "district_officer": {"a", "b"},
    "commune_officer": {"a"},
    "other_commune_officer": {"c"},
    "consultant": {"a", "b"},
}


@pytest.fixture
def rows(world):
    by_letter = {
        "a": world["participation"],
        "b": world["neighbour_participation"],
        "c": world["other_participation"],
    }
    out = {}
    for letter, participation in by_letter.items():
        milestone = MilestoneFactory(participation=participation)
        audit = AuditFactory(commune=participation.commune)
        finding = FindingFactory(audit=audit)
        action = CorrectiveActionFactory(finding=finding)
        out[letter] = {
            "commune": participation.commune,
            "participation": participation,
            "milestone": milestone,
            "audit": audit,
            "finding": finding,
            "action": action,
        }
    return out


def _letters(rows, kind, pks):
    return {letter for letter, r in rows.items() if r[kind].pk in pks}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_exactly_its_communes(persona, request, rows):
    user = request.getfixturevalue(persona)
    expected = EXPECTED[persona]
    visible = set(Commune.objects.visible_to(user).values_list("pk", flat=True))
    assert _letters(rows, "commune", visible) == expected
    for kind, model in [
        ("participation", Participation),
        ("milestone", Milestone),
        ("audit", Audit),
        ("finding", Finding),
        ("action", CorrectiveAction),
    ]:
        pks = set(model.objects.visible_to(user).values_list("pk", flat=True))
        assert _letters(rows, kind, pks) == expected, kind


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_get_helpers_raise_404_outside_the_scope(persona, request, rows):
    user = request.getfixturevalue(persona)
    for letter, r in rows.items():
        calls = [
            lambda r=r: get_commune_for_user(user, *r["commune"].url_args),
            lambda r=r: get_milestone_for_user(user, r["milestone"].pk),
            lambda r=r: get_audit_for_user(user, r["audit"].pk),
            lambda r=r: get_finding_for_user(user, r["finding"].pk),
            lambda r=r: get_corrective_action_for_user(user, r["action"].pk),
            lambda r=r: get_participation_for_user(user, r["participation"].pk),
        ]
        for call in calls:
            if letter in EXPECTED[persona]:
                assert call() is not None
            else:
                with pytest.raises(Http404):
                    call()


MILESTONE_WRITERS = {"dost_staff": {"a", "b", "c"}, "commune_officer": {"a"}}
MILESTONE_WRITERS["consultant"] = {"a", "b"}
MILESTONE_WRITERS["other_commune_officer"] = {"c"}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_milestone_writes_need_the_right_role(persona, request, rows):
    user = request.getfixturevalue(persona)
    for letter in EXPECTED[persona]:
        pk = rows[letter]["milestone"].pk
        if letter in MILESTONE_WRITERS.get(persona, set()):
            assert get_milestone_for_user(user, pk, write=True)
        else:
            with pytest.raises(PermissionDenied):
                get_milestone_for_user(user, pk, write=True)


def _commune_to_write(user, code: str):
    """What the pages writing a commune's quality records check: the commune within the user's
    scope (404), then the role (403)."""
    commune = get_commune_for_user(user, code)
    access.require(access.can_manage_quality_records(user, commune))
    return commune


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_quality_records_are_written_by_dost_and_the_serving_consultant(persona, request, rows):
    user = request.getfixturevalue(persona)
    writers = {"dost_staff": {"a", "b", "c"}, "consultant": {"a", "b"}}
    for letter in EXPECTED[persona]:
        r = rows[letter]
        allowed = letter in writers.get(persona, set())
        for call in [
            lambda r=r: get_audit_for_user(user, r["audit"].pk, write=True),
            lambda r=r: (
                access.require(access.can_manage_quality_records(user, r["commune"])) or True
            ),
            lambda r=r: get_corrective_action_for_user(user, r["action"].pk, verify=True),
        ]:
            if allowed:
                assert call()
            else:
                with pytest.raises(PermissionDenied):
                    call()


def test_commune_officer_marks_own_corrective_action_done_but_cannot_verify(commune_officer, rows):
    pk = rows["a"]["action"].pk
    assert get_corrective_action_for_user(commune_officer, pk, write=True)
    with pytest.raises(PermissionDenied):
        get_corrective_action_for_user(commune_officer, pk, verify=True)


def test_officer_cannot_see_another_communes_milestone(commune_officer, rows):
    with pytest.raises(Http404):
        get_milestone_for_user(commune_officer, rows["b"]["milestone"].pk, write=True)


def test_only_dost_staff_manage_programmes(personas, world):
    for name, user in personas.items():
        assert access.can_manage_programmes(user) == (name == "dost_staff")
        if name == "dost_staff":
            assert get_programme_for_user(user, world["programme"].pk, write=True)
        elif name != "other_commune_officer":
            with pytest.raises(PermissionDenied):
                get_programme_for_user(user, world["programme"].pk, write=True)


def test_programmes_visible_per_role(personas, world):
    programme, other = world["programme"], world["other_programme"]
    expected = {
        "dost_staff": {programme, other},
        "manager": {programme, other},
        "district_officer": {programme},
        "commune_officer": {programme},
        "other_commune_officer": {other},
        "consultant": {programme},
    }
    for name, user in personas.items():
        assert set(Programme.objects.visible_to(user)) == expected[name], name


def test_anonymous_and_inactive_users_see_nothing(world, commune_officer):
    anonymous = AnonymousUser()
    assert not Commune.objects.visible_to(anonymous).exists()
    assert not Milestone.objects.visible_to(anonymous).exists()
    commune_officer.is_active = False
    assert not Participation.objects.visible_to(commune_officer).exists()
    assert Commune.objects.count() == 3


def test_district_officer_sees_only_their_district(district_officer, world):
    assert list(District.objects.visible_to(district_officer)) == [world["district"]]
    with pytest.raises(Http404):
        get_district_for_user(district_officer, *world["other_district"].url_args)


@pytest.mark.parametrize("role", ["district_officer", "commune_officer", "consultant", "auditor"])
def test_a_role_without_its_unit_or_an_unknown_role_sees_nothing(world, role):
    """Every list and every helper follow ``User.scope``: no role falls through to "all"."""
    from accounts.tests.factories import UserFactory

    user = UserFactory.build(role=role)
    assert not user.is_province_wide
    assert not Commune.objects.visible_to(user).exists()
    assert not District.objects.visible_to(user).exists()
    assert not Programme.objects.visible_to(user).exists()
    assert not access.can_manage_programmes(user)
    with pytest.raises(Http404):
        get_commune_for_user(user, *world["commune"].url_args)


def test_an_inactive_dost_user_may_do_nothing(dost_staff, world):
    dost_staff.is_active = False
    assert not dost_staff.is_province_wide
    assert not access.can_manage_programmes(dost_staff)
    assert not access.can_import(dost_staff)
    assert not Programme.objects.visible_to(dost_staff).exists()


def test_a_reused_code_finds_the_current_unit(dost_staff, world, settings):
    """A code carried by an ended unit and by its successor leads to the unit current today."""
    import datetime

    from communes.tests.factories import CommuneFactory

    settings.QMS_AS_OF = datetime.date(2026, 1, 1)
    old = world["other_commune"]
    old.valid_until = datetime.date(2025, 6, 30)
    old.save()
    new = CommuneFactory(
        code=old.code,
        name="Xã Lương Hòa",
        province=world["province"],
        district=None,
        valid_from=datetime.date(2025, 7, 1),
    )
    # One address, one unit: the code and the period key name each of them, on any day.
    assert get_commune_for_user(dost_staff, *new.url_args) == new
    assert get_commune_for_user(dost_staff, *old.url_args) == old
    assert new.url_args == [old.code, "2025-07-01"] and old.url_args == [old.code, "0"]


def test_the_territory_limits_what_dost_staff_and_managers_see(
    dost_staff, manager, world, settings
):
    """A deployment names its province and its predecessors; nothing else is visible."""
    from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
    from roadmap.tests.factories import ParticipationFactory, ProgrammeFactory

    elsewhere = ProvinceFactory(code="01", name="Thành phố Hà Nội")
    outside = CommuneFactory(
        district=DistrictFactory(province=elsewhere, code="001"), code="00004", name="Phường X"
    )
    ParticipationFactory(programme=ProgrammeFactory(province=elsewhere), commune=outside)
    predecessor = ProvinceFactory(code="84", name="Tỉnh Trà Vinh")
    inherited = CommuneFactory(
        district=DistrictFactory(province=predecessor, code="842"), code="29300", name="Xã Y"
    )
    ours = {world["commune"], world["neighbour_commune"], world["other_commune"]}

    settings.QMS_PROVINCE = ""
    assert Commune.objects.visible_to(dost_staff).count() == 5

    settings.QMS_PROVINCE = world["province"].code
    settings.QMS_PROVINCE_PREDECESSORS = ["84"]
    for user in (dost_staff, manager):
        assert set(Commune.objects.visible_to(user)) == ours | {inherited}
        assert elsewhere.pk not in set(
            District.objects.visible_to(user).values_list("province_id", flat=True)
        )
        assert set(Programme.objects.visible_to(user)) == {
            world["programme"],
            world["other_programme"],
        }
        assert not Participation.objects.visible_to(user).filter(commune=outside).exists()
        with pytest.raises(Http404):
            get_commune_for_user(user, *outside.url_args)
    assert get_commune_for_user(dost_staff, *inherited.url_args) == inherited
