"""The audits, findings, corrective actions and the DOST's inspection plans a user may open (404
outside ``User.scope``) and may change (403 unless the role may, ``accounts/access.py``)."""

from django.shortcuts import get_object_or_404

from accounts.access import (
    can_manage_inspections,
    can_manage_quality_records,
    can_mark_action_done,
    require,
)
from audits.models import Audit, CorrectiveAction, Finding, InspectionPlan, PlannedInspection


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
