"""Who may see and do what. Every view goes through this module; none checks a role by hand.

Seeing: DOST staff and managers see the whole province; a district officer their district; a
commune officer their commune; a consultant the communes of the programmes their organisation
serves. Lists use ``Model.objects.visible_to(user)`` (which calls :func:`scope_q`); single objects
come from a ``get_<thing>_for_user`` helper that raises 404 outside the user's scope and 403 for a
write the role may not do.

Doing:
- milestones: DOST staff, the commune's officer, the programme's consultant;
- QMS scope, audits, findings, corrective actions (recording, verifying): DOST staff and the
  consultant serving the commune;
- marking a corrective action done: also the commune's officer;
- programmes (creating waves, adding communes, assigning officers): DOST staff only;
- managers and district officers read.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

Role = User.Role


def consultant_commune_ids(consultant_id):
    """A subquery: the communes of the programmes a consulting organisation serves."""
    from communes.models import Commune

    return Commune.objects.filter(participations__programme__consultant_id=consultant_id).values(
        "pk"
    )


def scope_q(user, commune_path: str) -> Q:
    """A filter that keeps the rows whose commune (reached by ``commune_path``) ``user`` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.role in (Role.DOST_STAFF, Role.MANAGER):
        return Q()
    if user.role == Role.DISTRICT_OFFICER:
        return Q(**{f"{commune_path}__district_id": user.district_id})
    if user.role == Role.COMMUNE_OFFICER:
        return Q(**{f"{commune_path}_id": user.commune_id})
    if user.role == Role.CONSULTANT:
        return Q(**{f"{commune_path}_id__in": consultant_commune_ids(user.consultant_id)})
    return Q(pk__in=[])


def visible_communes(user):
    from communes.models import Commune

    if not getattr(user, "is_authenticated", False):
        return Commune.objects.none()
    if user.is_province_wide:
        return Commune.objects.all()
    if user.role == Role.DISTRICT_OFFICER:
        return Commune.objects.filter(district_id=user.district_id)
    if user.role == Role.COMMUNE_OFFICER:
        return Commune.objects.filter(pk=user.commune_id)
    return Commune.objects.filter(pk__in=consultant_commune_ids(user.consultant_id))


def visible_districts(user):
    from communes.models import District

    if not getattr(user, "is_authenticated", False):
        return District.objects.none()
    if user.is_province_wide:
        return District.objects.all()
    if user.role == Role.DISTRICT_OFFICER:
        return District.objects.filter(pk=user.district_id)
    return District.objects.filter(communes__in=visible_communes(user)).distinct()


# What a role may do, given the object is already within its scope ---------------------------


def _serves(user, commune) -> bool:
    """True when ``user`` is a consultant whose organisation serves ``commune``."""
    return (
        user.role == Role.CONSULTANT
        and commune.participations.filter(programme__consultant_id=user.consultant_id).exists()
    )


def can_edit_milestone(user, milestone) -> bool:
    if user.role == Role.DOST_STAFF:
        return True
    commune_id = milestone.participation.commune_id
    if user.role == Role.COMMUNE_OFFICER:
        return user.commune_id == commune_id
    if user.role == Role.CONSULTANT:
        return milestone.participation.programme.consultant_id == user.consultant_id
    return False


def can_manage_quality_records(user, commune) -> bool:
    """Scope, audits, findings, verifying corrective actions, announcements."""
    return user.role == Role.DOST_STAFF or _serves(user, commune)


def can_mark_action_done(user, action) -> bool:
    commune = action.finding.audit.commune
    if user.role == Role.COMMUNE_OFFICER:
        return user.commune_id == commune.pk
    return can_manage_quality_records(user, commune)


def can_manage_programmes(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == Role.DOST_STAFF


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``."""
    if not allowed:
        raise PermissionDenied


# Objects for a user -------------------------------------------------------------------------


def get_commune_for_user(user, code: str, *, write: bool = False):

    qs = visible_communes(user).select_related("district", "province")
    commune = qs.filter(code=code).order_by("valid_until").first()
    if commune is None:
        raise Http404
    if write:
        require(can_manage_quality_records(user, commune))
    return commune


def get_district_for_user(user, code: str):
    district = visible_districts(user).select_related("province").filter(code=code).first()
    if district is None:
        raise Http404
    return district


def get_participation_for_user(user, pk: int):
    from roadmap.models import Participation

    return get_object_or_404(
        Participation.objects.visible_to(user).with_list_related().select_related("template"),
        pk=pk,
    )


def get_milestone_for_user(user, pk: int, *, write: bool = False):
    from roadmap.models import Milestone

    milestone = get_object_or_404(Milestone.objects.visible_to(user).with_list_related(), pk=pk)
    if write:
        require(can_edit_milestone(user, milestone))
    return milestone


def get_audit_for_user(user, pk: int, *, write: bool = False):
    from audits.models import Audit

    audit = get_object_or_404(
        Audit.objects.visible_to(user).select_related("commune__district"), pk=pk
    )
    if write:
        require(can_manage_quality_records(user, audit.commune))
    return audit


def get_finding_for_user(user, pk: int, *, write: bool = False):
    from audits.models import Finding

    finding = get_object_or_404(
        Finding.objects.visible_to(user).select_related("audit__commune__district", "procedure"),
        pk=pk,
    )
    if write:
        require(can_manage_quality_records(user, finding.audit.commune))
    return finding


def get_corrective_action_for_user(user, pk: int, *, write: bool = False, verify: bool = False):
    """``write``: mark it done (the commune's officer may); ``verify``: DOST staff or consultant."""
    from audits.models import CorrectiveAction

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


def get_scope_item_for_user(user, pk: int, *, write: bool = False):
    from procedures.models import ScopeItem

    item = get_object_or_404(
        ScopeItem.objects.visible_to(user).select_related("commune__district", "procedure__field"),
        pk=pk,
    )
    if write:
        require(can_manage_quality_records(user, item.commune))
    return item


def visible_programmes(user):
    """Province-wide roles see every programme; others those their communes take part in."""
    from roadmap.models import Programme

    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    if user.is_province_wide:
        return Programme.objects.all()
    if user.role == Role.CONSULTANT:
        return Programme.objects.filter(consultant_id=user.consultant_id)
    return Programme.objects.filter(
        pk__in=Programme.objects.filter(participations__commune__in=visible_communes(user)).values(
            "pk"
        )
    )


def get_programme_for_user(user, pk: int, *, write: bool = False):
    programme = get_object_or_404(
        visible_programmes(user).select_related("consultant", "province"), pk=pk
    )
    if write:
        require(can_manage_programmes(user))
    return programme


def can_import(user) -> bool:
    """Spreadsheet imports (milestones in bulk, catalogues, units, programme communes): DOST staff."""
    return getattr(user, "is_authenticated", False) and user.role == Role.DOST_STAFF


def get_evidence_for_user(user, pk: int):
    """An evidence file of a milestone ``user`` may see (404 otherwise)."""
    from roadmap.models import Evidence, Milestone

    return get_object_or_404(
        Evidence.objects.filter(milestone__in=Milestone.objects.visible_to(user)).select_related(
            "milestone__participation__commune"
        ),
        pk=pk,
    )


def can_record_inspection(user) -> bool:
    """DOST inspections are the DOST's own: only DOST staff record them."""
    return getattr(user, "is_authenticated", False) and user.role == Role.DOST_STAFF


def can_download_province_report(user) -> bool:
    """The province progress report: the province-wide roles (DOST staff, managers)."""
    return getattr(user, "is_authenticated", False) and user.is_province_wide


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) and its official documents ------------


def can_manage_inspections(user) -> bool:
    """Inspection plans, decisions, minutes, the November summary, the annual report: DOST staff."""
    return can_record_inspection(user)


def get_inspection_plan_for_user(user, pk: int, *, write: bool = False):
    """A year's inspection plan: the province-wide roles see it (404 otherwise), DOST staff edit."""
    from audits.models import InspectionPlan

    plan = get_object_or_404(
        InspectionPlan.objects.visible_to(user).select_related("province"), pk=pk
    )
    if write:
        require(can_manage_inspections(user))
    return plan


def get_planned_inspection_for_user(user, pk: int, *, write: bool = False):
    """One commune's inspection in a plan, within the user's scope (the commune sees its own)."""
    from audits.models import PlannedInspection

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
    from reports.models import AnnualReport

    report = get_object_or_404(
        AnnualReport.objects.visible_to(user).select_related("province"), pk=pk
    )
    if write:
        require(can_manage_inspections(user))
    return report
