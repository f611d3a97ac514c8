"""Roadmap workflows that write several rows or record history."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import clock
from roadmap.models import Evidence, Milestone, Participation, RoadmapTemplate, Standard
from roadmap.totals import deferred, totals_refresh

logger = logging.getLogger(__name__)


class MilestoneConflict(Exception):
    """Someone else changed the milestone since the editor loaded it."""

    def __init__(self, current: Milestone):
        super().__init__("milestone changed by someone else")
        self.current = current


def milestone_rule_errors(
    *,
    status: str,
    completed_on: datetime.date | None,
    note: str,
    starts: datetime.date | None = None,
) -> dict[str, str]:
    """The rules a milestone change must follow, as {field: message}; empty when it is fine.
    ``starts``: the programme's start, before which no step can have been done."""
    errors: dict[str, str] = {}
    if status == Milestone.Status.DONE:
        if completed_on is None:
            errors["completed_on"] = _("A done step needs its actual completion date.")
        elif completed_on > clock.today():
            errors["completed_on"] = _("A step cannot be done on a day still to come.")
        elif starts and completed_on < starts:
            errors["completed_on"] = _(
                "The programme started on %(date)s; a step cannot be done before it."
            ) % {"date": starts.strftime("%d/%m/%Y")}
    elif completed_on is not None:
        errors["completed_on"] = _("Only a done step has an actual completion date.")
    if status == Milestone.Status.BLOCKED and not (note or "").strip():
        errors["note"] = _("A blocked step needs a note saying why.")
    return errors


def milestone_update_status(
    *,
    milestone: Milestone,
    by,
    status: str,
    completed_on: datetime.date | None,
    note: str,
    expected_version: int,
    at: datetime.datetime | None = None,
) -> Milestone:
    """Change a milestone's status, date and note if nobody changed it since ``expected_version``.

    Raises :class:`MilestoneConflict` (with the current row) when the version moved on, and
    ``ValidationError`` when the change breaks a rule. The change lands in the history with who
    and when; ``at`` back-dates it (imports and the demo replay past changes).
    """
    errors = milestone_rule_errors(
        status=status,
        completed_on=completed_on,
        note=note,
        starts=milestone.participation.programme.start_date,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != expected_version:
            raise MilestoneConflict(current)
        if (current.status, current.completed_on, current.note) == (status, completed_on, note):
            return current
        current.status = status
        current.completed_on = completed_on
        current.note = (note or "").strip()
        current.updated_by = by
        current.version += 1
        current._history_user = by
        if at is not None:
            current._history_date = at
        current.save()
        if at is not None:
            Milestone.objects.filter(pk=current.pk).update(updated_at=at)
            current.updated_at = at
            totals_refresh([current.participation_id])  # the last change is ``at``
    return current


def template_edition_error(template: RoadmapTemplate, standard: str) -> str:
    return _("The template “%(template)s” is for %(its)s; the programme follows %(standard)s.") % {
        "template": template.name,
        "its": template.get_standard_display(),
        "standard": Standard(standard).label,
    }


def participation_apply_template(
    *,
    participation: Participation,
    template: RoadmapTemplate,
    by=None,
    at: datetime.datetime | None = None,
) -> list[Milestone]:
    """Create the participation's milestones from ``template``, dated from its start date.

    Steps that already have a milestone are left alone, so applying twice changes nothing.
    ``at`` back-dates the creation (the demo replays 2017).
    """
    standard = participation.programme.standard
    if not template.fits(standard):
        raise ValidationError(template_edition_error(template, standard))
    existing = set(participation.milestones.values_list("step_id", flat=True))
    created = []
    with transaction.atomic(), deferred():  # the sums refreshed once, at the end
        if participation.template_id != template.pk:
            participation.template = template
            participation.save(update_fields=["template"])
        for step in template.steps.all():
            if step.pk in existing:
                continue
            start = participation.start_date + datetime.timedelta(days=step.offset_days)
            milestone = Milestone(
                participation=participation,
                step=step,
                planned_start=start,
                due_date=start + datetime.timedelta(days=step.duration_days),
                updated_by=by,
            )
            milestone._history_user = by
            if at is not None:
                milestone._history_date = at
            milestone.save()
            created.append(milestone)
        if at is not None and created:
            Milestone.objects.filter(pk__in=[m.pk for m in created]).update(updated_at=at)
            totals_refresh([participation.pk])
    return created


def evidence_add(*, milestone: Milestone, by, upload) -> Evidence:
    """Store ``upload`` (already checked by :func:`core.uploads.check_upload`) as evidence.

    The file is stored under a name nobody can guess; the name the user gave is kept for display
    and download.
    """
    from core.uploads import check_upload, display_name, stored_name

    content_type = getattr(upload, "checked_content_type", None) or check_upload(upload)
    original = display_name(upload.name or "", Evidence._meta.get_field("original_name").max_length)
    evidence = Evidence(
        milestone=milestone,
        original_name=original,
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    with transaction.atomic():
        evidence.file.save(stored_name(original), upload, save=False)
        evidence.save()
    return evidence


def milestone_record_update(
    *,
    milestone: Milestone,
    by,
    status: str,
    completed_on: datetime.date | None,
    note: str,
    expected_version: int,
    upload=None,
) -> Milestone:
    """What the milestone page saves: the status change and, if given, an evidence file, together.

    Raises :class:`MilestoneConflict` (nothing saved, the file neither) when someone else
    changed the milestone since ``expected_version``.
    """
    with transaction.atomic():
        current = milestone_update_status(
            milestone=milestone,
            by=by,
            status=status,
            completed_on=completed_on,
            note=note,
            expected_version=expected_version,
        )
        if upload is not None:
            evidence_add(milestone=current, by=by, upload=upload)
    return current


def programme_apply_template(*, programme, template: RoadmapTemplate, by) -> dict[str, int]:
    """Apply ``template`` to every participation of ``programme`` of the template's kind.

    Participations that already follow another template are left alone (counted as skipped);
    applying twice changes nothing. Returns the counts: participations, milestones created,
    participations skipped.
    """
    result = {"participations": 0, "milestones": 0, "skipped": 0}
    with transaction.atomic():
        for participation in programme.participations.filter(kind=template.kind).order_by("pk"):
            if participation.template_id not in (None, template.pk):
                result["skipped"] += 1
                continue
            created = participation_apply_template(
                participation=participation, template=template, by=by
            )
            result["participations"] += 1
            result["milestones"] += len(created)
    return result


def officer_assign(
    *,
    commune,
    by,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
):
    """Make ``username`` the officer of ``commune``: create the account, or move an existing one.

    A new account gets a random password nobody sees, and a welcome mail to ``email`` with a link
    to choose their own. Returns ``(user, welcome)``: ``welcome`` is None when an existing
    commune officer was moved, else whether the mail went out (when it did not, "Forgot your
    password?" on the sign-in page sends a new link). Only commune officers can be moved.
    """
    import secrets

    from accounts.models import User
    from accounts.services import user_send_welcome

    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is not None:
            if user.role != User.Role.COMMUNE_OFFICER:
                raise ValidationError(
                    _("This user name belongs to someone who is not a commune officer.")
                )
            user.commune = commune
            user.is_active = True
            for name, value in (
                ("first_name", first_name),
                ("last_name", last_name),
                ("email", email),
            ):
                if value:
                    setattr(user, name, value)
            user.save()
            return user, None
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            role=User.Role.COMMUNE_OFFICER,
            commune=commune,
        )
        user.set_password(secrets.token_urlsafe(24))
        user.full_clean(exclude=["password"])
        user.save()
    try:
        user_send_welcome(user=user)
    except OSError:
        logger.exception("The welcome mail to %s could not be sent", email)
        return user, False
    return user, True


def programme_add_communes(
    *,
    programme,
    communes,
    by,
    kind: str,
    start_date: datetime.date,
    budget_allocated=0,
) -> list[Participation]:
    """Add several communes to ``programme`` at once, with the same kind, start date and budget.

    Communes already in the programme are left alone. The QMS representative and the ISO
    secretary are filled in later, commune by commune.
    """
    already = set(programme.participations.values_list("commune_id", flat=True))
    created = []
    with transaction.atomic():
        for commune in communes:
            if commune.pk in already:
                continue
            participation = Participation(
                programme=programme,
                commune=commune,
                kind=kind,
                start_date=start_date,
                budget_allocated=budget_allocated,
            )
            participation._history_user = by
            participation.full_clean()
            participation.save()
            created.append(participation)
    return created


# A starting point (see roadmap.successors.StartingPoint.kind) -> what the unit does in the wave.
KIND_OF_STARTING_POINT = {
    "consolidate": Participation.Kind.EXTENSION,
    "extend": Participation.Kind.EXTENSION,
    "new": Participation.Kind.NEW_BUILD,
}


@transaction.atomic
def programme_create_for_successors(*, programme, points, templates: dict, by) -> int:
    """Save ``programme`` (unsaved) and enrol every unit of ``points`` (starting points of new
    units), with the template chosen for its starting point; returns how many were enrolled."""
    programme.save()
    for point in points:
        participation = Participation.objects.create(
            programme=programme,
            commune=point.commune,
            kind=KIND_OF_STARTING_POINT[point.kind],
            start_date=programme.start_date,
        )
        participation_apply_template(
            participation=participation, template=templates[point.kind], by=by
        )
    return len(points)
