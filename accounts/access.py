"""Who may see and do what. Every view goes through this module; none checks a role by hand.

Seeing is decided once, by ``User.scope`` (``accounts/models.py``), and applied by the scoped
QuerySet base of ``core/querysets.py``: lists use ``Model.objects.visible_to(user)``; single
objects come from a ``get_<thing>_for_user`` helper here, which raises 404 outside the user's
scope and 403 for a write the role may not do.

Doing (given the object is within the user's scope):
- milestones: DOST staff, the commune's officer, the programme's consultant;
- QMS scope, audits, findings, corrective actions (recording, verifying): DOST staff and the
  consultant serving the commune;
- marking a corrective action done: also the commune's officer;
- programmes (creating waves, adding communes, assigning officers), imports, inspections: DOST
  staff only;
- managers and district officers read.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from audits.models import Audit, CorrectiveAction, Finding, InspectionPlan, PlannedInspection
from communes.models import Commune, District, Province
from procedures.models import ScopeItem
from reports.models import AnnualReport
from roadmap.models import Evidence, Milestone, Participation, Programme

Role = User.Role


def _is(user, *roles) -> bool:
    """True for an active, signed-in user holding one of ``roles``."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in roles
    )


# What a role may do ------------------------------------------------------------------------


def _serves(user, commune) -> bool:
    """True when ``user`` is a consultant whose organisation serves ``commune``."""
    return (
        _is(user, Role.CONSULTANT)
        and commune.participations.filter(programme__consultant_id=user.consultant_id).exists()
    )


def can_edit_milestone(user, milestone) -> bool:
    if _is(user, Role.DOST_STAFF):
        return True
    if _is(user, Role.COMMUNE_OFFICER):
        return user.commune_id == milestone.participation.commune_id
    if _is(user, Role.CONSULTANT):
        return milestone.participation.programme.consultant_id == user.consultant_id
    return False


def can_manage_quality_records(user, commune) -> bool:
    """Scope, audits, findings, verifying corrective actions, announcements."""
    return _is(user, Role.DOST_STAFF) or _serves(user, commune)


def can_mark_action_done(user, action) -> bool:
    commune = action.finding.audit.commune
    if _is(user, Role.COMMUNE_OFFICER):
        return user.commune_id == commune.pk
    return can_manage_quality_records(user, commune)


def can_manage_programmes(user) -> bool:
    return _is(user, Role.DOST_STAFF)


def can_import(user) -> bool:
    """Spreadsheet imports (milestones in bulk, catalogues, units, programme communes): DOST staff."""
    return _is(user, Role.DOST_STAFF)


def can_record_inspection(user) -> bool:
    """DOST inspections are the DOST's own: only DOST staff record them."""
    return _is(user, Role.DOST_STAFF)


def can_download_province_report(user) -> bool:
    """The province progress report: the province-wide roles (DOST staff, managers)."""
    return _is(user, Role.DOST_STAFF, Role.MANAGER)


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``."""
    if not allowed:
        raise PermissionDenied


# Objects for a user ------------------------------------------------------------------------


def get_commune_for_user(user, code: str, *, write: bool = False, on=None) -> Commune:
    """The unit with GSO ``code`` in force on ``on`` (default today), else the one that carried
    the code last."""
    commune = (
        Commune.objects.visible_to(user).select_related("district", "province").by_code(code, on=on)
    )
    if commune is None:
        raise Http404
    if write:
        require(can_manage_quality_records(user, commune))
    return commune


def get_province_for_user(user, code: str, *, on=None) -> Province:
    """The province with GSO ``code`` in force on ``on`` (a national deployment's drill-down);
    404 outside what the user may see."""
    province = Province.objects.visible_to(user).by_code(code, on=on)
    if province is None:
        raise Http404
    return province


def get_district_for_user(user, code: str) -> District:
    district = District.objects.visible_to(user).select_related("province").by_code(code)
    if district is None:
        raise Http404
    return district


def get_participation_for_user(user, pk: int) -> Participation:
    return get_object_or_404(
        Participation.objects.visible_to(user).with_list_related().select_related("template"),
        pk=pk,
    )


def get_milestone_for_user(user, pk: int, *, write: bool = False) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.visible_to(user).with_list_related(), pk=pk)
    if write:
        require(can_edit_milestone(user, milestone))
    return milestone


def get_audit_for_user(user, pk: int, *, write: bool = False) -> Audit:
    audit = get_object_or_404(
        Audit.objects.visible_to(user).select_related("commune__district"), pk=pk
    )
    if write:
        require(can_manage_quality_records(user, audit.commune))
    return audit


def get_finding_for_user(user, pk: int, *, write: bool = False) -> Finding:
    finding = get_object_or_404(
        Finding.objects.visible_to(user).select_related("audit__commune__district", "procedure"),
        pk=pk,
    )
    if write:
        require(can_manage_quality_records(user, finding.audit.commune))
    return finding


def get_corrective_action_for_user(
    user, pk: int, *, write: bool = False, verify: bool = False
) -> CorrectiveAction:
    """``write``: mark it done (the commune's officer may); ``verify``: DOST staff or consultant."""
    action = get_object_or_404(
        CorrectiveAction.objects.visible_to(user).select_related(
            "finding__audit__commune__district", "verified_by"
        ),
        pk=pk,
    )
    if verify:
        require(can_manage_quality_records(user, action.finding.audit.commune))
    elif write:
        require(can_mark_action_done(user, action))
    return action


def get_scope_item_for_user(user, pk: int, *, write: bool = False) -> ScopeItem:
    item = get_object_or_404(
        ScopeItem.objects.visible_to(user).select_related("commune__district", "procedure__field"),
        pk=pk,
    )
    if write:
        require(can_manage_quality_records(user, item.commune))
    return item


def get_programme_for_user(user, pk: int, *, write: bool = False) -> Programme:
    programme = get_object_or_404(
        Programme.objects.visible_to(user).select_related("consultant", "province"), pk=pk
    )
    if write:
        require(can_manage_programmes(user))
    return programme


def get_evidence_for_user(user, pk: int) -> Evidence:
    """An evidence file of a milestone ``user`` may see (404 otherwise)."""
    return get_object_or_404(
        Evidence.objects.filter(milestone__in=Milestone.objects.visible_to(user)).select_related(
            "milestone__participation__commune"
        ),
        pk=pk,
    )


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) and its official documents ------------


def can_manage_inspections(user) -> bool:
    """Inspection plans, decisions, minutes, the November summary, the annual report: DOST staff."""
    return can_record_inspection(user)


def get_inspection_plan_for_user(user, pk: int, *, write: bool = False):
    """A year's inspection plan: the province-wide roles see it (404 otherwise), DOST staff edit."""
    plan = get_object_or_404(
        InspectionPlan.objects.visible_to(user).select_related("province"), pk=pk
    )
    if write:
        require(can_manage_inspections(user))
    return plan


def get_planned_inspection_for_user(user, pk: int, *, write: bool = False):
    """One commune's inspection in a plan, within the user's scope (the commune sees its own)."""
    item = get_object_or_404(
        PlannedInspection.objects.visible_to(user)
        .with_list_related()
        .select_related("plan__province", "commune__province"),
        pk=pk,
    )
    if write:
        require(can_manage_inspections(user))
    return item


def get_annual_report_for_user(user, pk: int, *, write: bool = False):
    """A year's report to the Ministry: province-wide roles read it, DOST staff write it."""
    report = get_object_or_404(
        AnnualReport.objects.visible_to(user).select_related("province"), pk=pk
    )
    if write:
        require(can_manage_inspections(user))
    return report
