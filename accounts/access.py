"""What a role may do: the ``can_*`` rules and ``require``. No view checks a role by hand.

Seeing is decided once, by ``User.scope`` (``accounts/models.py``), and applied by the scoped
QuerySet base of ``core/querysets.py``: lists use ``Model.objects.visible_to(user)``; single
objects come from the ``get_<thing>_for_user`` helpers of each app's ``access.py``
(``communes``, ``procedures``, ``roadmap``, ``audits``, ``reports``), which raise 404 outside the
user's scope and 403 for a write the role may not do (by the rules here).

The rules take the object they judge and read what they need of it (``milestone.participation``,
``commune.participations``): this module imports no model of an app after ``accounts``.

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

from accounts.models import User

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


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) and its official documents ------------


def can_manage_inspections(user) -> bool:
    """Inspection plans, decisions, minutes, the November summary, the annual report: DOST staff."""
    return can_record_inspection(user)
