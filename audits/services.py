"""Audit workflows that write several rows or store files: recording audits, closing corrective
actions and their findings, announcing conformity (which completes the roadmap's step)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from core.uploads import check_upload, stored_name
from qms_rollout import clock
from roadmap.models import Milestone, RoadmapStep
from roadmap.services import milestone_update_status


def _store(field_file, upload) -> None:
    """Save ``upload`` (checked by content) into ``field_file`` under a name nobody can guess."""
    getattr(upload, "checked_content_type", None) or check_upload(upload)
    field_file.save(stored_name(upload.name or ""), upload, save=False)


def audit_record(
    *,
    commune,
    by,
    kind: str,
    date: datetime.date,
    lead: str,
    summary: str = "",
    report=None,
) -> Audit:
    """Record an audit, review or inspection held at ``commune``, with its report file if any."""
    audit = Audit(commune=commune, kind=kind, date=date, lead=lead, summary=summary, created_by=by)
    audit._history_user = by
    with transaction.atomic():
        if report is not None:
            _store(audit.report, report)
        audit.full_clean()
        audit.save()
    return audit


def corrective_action_mark_done(
    *, action: CorrectiveAction, by, done_on: datetime.date, evidence=None
) -> CorrectiveAction:
    """The owner says the action is done (on ``done_on``), with the evidence file.

    A new "done" clears an earlier verification: what is verified is the latest evidence.
    """
    with transaction.atomic():
        action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        if evidence is not None:
            _store(action.evidence, evidence)
        action.done_on = done_on
        action.verified_by = None
        action.verified_at = None
        action._history_user = by
        action.save()
    return action


def corrective_action_verify(
    *, action: CorrectiveAction, by, at: datetime.datetime | None = None
) -> CorrectiveAction:
    """DOST staff or the consultant verify a done action; when every action of the finding is
    verified, the finding is closed (on the day of the last verification)."""
    at = at or timezone.now()
    with transaction.atomic():
        action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
        if action.done_on is None:
            raise ValidationError(_("Only a done action can be verified."))
        action.verified_by = by
        action.verified_at = at
        action._history_user = by
        action.save()
        finding = Finding.objects.select_for_update().get(pk=action.finding_id)
        unverified = finding.corrective_actions.filter(verified_at__isnull=True).exists()
        if not unverified and finding.status == Finding.Status.OPEN:
            finding.status = Finding.Status.CLOSED
            finding.closed_on = min(clock.today(), timezone.localdate(at))
            finding._history_user = by
            finding.save()
    return action


def announcement_milestone(commune) -> Milestone | None:
    """The roadmap step an announcement completes: the open ``announcement`` step of the
    commune's latest participation (or, when none is open, the latest one)."""
    milestones = (
        Milestone.objects.filter(participation__commune=commune, step__key=RoadmapStep.ANNOUNCEMENT)
        .select_related("participation__programme", "step")
        .order_by("-participation__start_date", "-pk")
    )
    return milestones.open().first() or milestones.first()


def announcement_record(
    *,
    commune,
    by,
    decision_number: str,
    decision_date: datetime.date,
    standard: str,
    kind: str,
    scope_size: int,
    sent_to_dost_on: datetime.date | None = None,
) -> Announcement:
    """Record the chairman's decision announcing conformity, and complete the roadmap's
    announcement step (done on the decision date) through ``milestone_update_status``, so the
    change lands in the milestone's history like any other."""
    with transaction.atomic():
        announcement = Announcement(
            commune=commune,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            standard=standard,
            kind=kind,
            scope_size=scope_size,
            sent_to_dost_on=sent_to_dost_on,
        )
        announcement._history_user = by
        announcement.full_clean()
        announcement.save()
        milestone = announcement_milestone(commune)
        if milestone is not None and milestone.status != Milestone.Status.DONE:
            note = milestone.note or _("Decision %(number)s of %(date)s") % {
                "number": announcement.decision_number,
                "date": decision_date.strftime("%d/%m/%Y"),
            }
            milestone_update_status(
                milestone=milestone,
                by=by,
                status=Milestone.Status.DONE,
                completed_on=decision_date,
                note=note,
                expected_version=milestone.version,
            )
    return announcement


def finding_close(*, finding: Finding, by, on: datetime.date | None = None) -> Finding:
    """Close a finding by hand: one with no corrective action (an observation, say), or whose
    actions are all verified. Refused while an action is not verified."""
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.corrective_actions.filter(verified_at__isnull=True).exists():
            raise ValidationError(_("Verify every corrective action before closing the finding."))
        if finding.status == Finding.Status.OPEN:
            finding.status = Finding.Status.CLOSED
            finding.closed_on = on or clock.today()
            finding._history_user = by
            finding.save()
    return finding
