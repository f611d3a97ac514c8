"""Audit workflows that write several rows or store files: recording audits, closing corrective
actions and their findings, announcing conformity (which completes the roadmap's step)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Announcement, AnnouncementItem, Audit, CorrectiveAction, Finding
from core import clock
from core.uploads import check_upload, stored_name
from procedures.models import ScopeItem
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


def _keep_annex(announcement: Announcement, annex: list) -> None:
    """The scope items of the decision date, copied as the announcement's annex."""
    AnnouncementItem.objects.bulk_create(
        AnnouncementItem(
            announcement=announcement,
            procedure=item.procedure,
            procedure_name=item.procedure.name,
            process_code=item.process_code,
        )
        for item in annex
    )


def _refuse_over_open_major(commune, decision_date, override_reason: str) -> list:
    """QĐ 19/2014 Art. 4.2.b: nonconformities are corrected before the announcement."""
    blocking = open_major_findings(commune, decision_date)
    if blocking and not override_reason.strip():
        raise ValidationError(
            _(
                "The last internal audit (%(date)s) has %(n)s open major finding(s): correct "
                "them before announcing, or let DOST staff record why."
            )
            % {"date": blocking[0].audit.date.strftime("%d/%m/%Y"), "n": len(blocking)}
        )
    return blocking


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
    signer_title: str = "",
    signer_name: str = "",
    posted_at_office_on: datetime.date | None = None,
    posted_online_on: datetime.date | None = None,
    override_reason: str = "",
) -> Announcement:
    """Record the chairman's decision announcing conformity (QĐ 19/2014 Art. 4.3, Phụ lục I) with
    its annex, the scope on the decision date kept as a snapshot; and complete the roadmap's
    announcement step (done on the decision date) through ``milestone_update_status``, so the
    change lands in the milestone's history like any other.

    Refused while a major finding of the commune's last internal audit is open (the QMS is
    announced once nonconformities are corrected, Art. 4.2.b), unless ``override_reason`` says
    why (the view lets DOST staff only give one)."""
    blocking = _refuse_over_open_major(commune, decision_date, override_reason)
    with transaction.atomic():
        annex = list(
            ScopeItem.objects.filter(commune=commune)
            .in_scope_on(decision_date)
            .select_related("procedure")
        )
        announcement = Announcement(
            commune=commune,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            standard=standard,
            kind=kind,
            scope_size=len(annex) or scope_size,
            sent_to_dost_on=sent_to_dost_on,
            signer_title=signer_title,
            signer_name=signer_name,
            posted_at_office_on=posted_at_office_on,
            posted_online_on=posted_online_on,
            override_reason=override_reason.strip() if blocking else "",
            recorded_by=by,
        )
        announcement._history_user = by
        announcement.full_clean()
        announcement.save()
        _keep_annex(announcement, annex)
        milestone = announcement_milestone(commune)
        if milestone is not None and milestone.status != Milestone.Status.DONE:
            note = milestone.note or _("Decision %(number)s of %(date)s") % {
                "number": announcement.decision_number or "……",
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


def open_major_findings(commune, on: datetime.date) -> list[Finding]:
    """The open major findings of ``commune``'s last internal audit held by ``on``."""
    last = (
        Audit.objects.filter(commune=commune, kind=Audit.Kind.INTERNAL_AUDIT, date__lte=on)
        .order_by("-date", "-pk")
        .first()
    )
    if last is None:
        return []
    return list(
        last.findings.open().filter(severity=Finding.Severity.MAJOR).select_related("audit")
    )


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


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) ---------------------------------------


def inspection_plan_set_items(*, plan, by, forms: dict[int, str]) -> None:
    """Set the communes of ``plan`` and the form of each one's check (``forms``: commune id ->
    ``records``, ``onsite`` or empty to leave it out). A commune whose inspection is recorded stays."""
    from audits.models import PlannedInspection

    with transaction.atomic():
        items = {i.commune_id: i for i in plan.items.select_for_update()}
        for commune_id, form in forms.items():
            item = items.get(commune_id)
            if not form:
                if item is not None and item.audit_id is None:
                    item.delete()
                continue
            if item is None:
                item = PlannedInspection(plan=plan, commune_id=commune_id, form=form)
            elif item.form == form or item.audit_id is not None:
                continue
            item.form = form
            if form == PlannedInspection.Form.RECORDS:
                item.decision_number, item.decision_date = "", None
            item._history_user = by
            item.full_clean()
            item.save()


def _check_minutes_date(item, date: datetime.date) -> None:
    """The minutes are dated within the plan's year, not before the visit's decision."""
    errors = []
    if date.year != item.plan.year:
        errors.append(
            _("The inspection is dated %(date)s, outside the plan's year %(year)s.")
            % {"date": date.strftime("%d/%m/%Y"), "year": item.plan.year}
        )
    if item.decision_date and date < item.decision_date:
        errors.append(
            _("The inspection (%(date)s) cannot come before its decision (%(decision)s).")
            % {
                "date": date.strftime("%d/%m/%Y"),
                "decision": item.decision_date.strftime("%d/%m/%Y"),
            }
        )
    if errors:
        raise ValidationError(errors)


def inspection_minutes_record(
    *,
    item,
    by,
    date: datetime.date,
    lead: str,
    summary: str,
    commune_representative: str,
    answers: list[tuple[str, str, str]],
    visit: dict | None = None,
) -> Audit:
    """Record an inspection's minutes (TT 26/2014 Art. 37, Mẫu 21. BBKT): the inspection as an
    audit of the commune, the Art. 36 checklist (item, result, note), and a finding for each item
    that does not conform. Its corrective actions are due within two months (Art. 37.2.c)."""
    from audits.models import ChecklistAnswer

    _check_minutes_date(item, date)
    with transaction.atomic():
        audit = item.audit or Audit(commune=item.commune, kind=item.audit_kind, created_by=by)
        audit.date, audit.lead, audit.summary = date, lead, summary
        audit._history_user = by
        audit.full_clean()
        audit.save()
        audit.checklist.all().delete()
        existing = set(audit.findings.values_list("clause", flat=True))
        for key, result, note in answers:
            answer = ChecklistAnswer(audit=audit, item=key, result=result, note=note.strip())
            answer.full_clean()
            answer.save()
            clause = f"TT 26/2014 Đ.36 {answer.get_item_display().split(' ', 1)[0]}"
            if result == ChecklistAnswer.Result.DOES_NOT and clause not in existing:
                finding = Finding(
                    audit=audit,
                    clause=clause[:20],
                    severity=Finding.Severity.MINOR,
                    description=answer.note,
                )
                finding._history_user = by
                finding.save()
        item.audit = audit
        item.commune_representative = commune_representative
        # A visit's minutes (Mẫu 21): the posts, the place, the hours, the people present.
        for name, value in (visit or {}).items():
            if name in VISIT_FIELDS:
                setattr(item, name, value)
        item._history_user = by
        item.full_clean(exclude=["plan", "commune", "audit"])
        item.save()
    return audit


VISIT_FIELDS = {
    "team_lead_post",
    "commune_representative_post",
    "attendees",
    "place",
    "started_at",
    "ended_at",
}


def inspection_answer_record(
    *, item, by, number: str, date: datetime.date, answers: dict[int, tuple[str, str]]
) -> list[CorrectiveAction]:
    """The Sở answers a body's corrective actions after an inspection (TT 26/2014 Art. 37.2.d):
    the letter's number and date on the inspection; each action accepted (it is verified then,
    and its finding closed once all its actions are) or not accepted, with the reason. An action
    left without an answer keeps the one it had."""
    from audits.models import Answer

    changed = []
    with transaction.atomic():
        actions = CorrectiveAction.objects.select_for_update().filter(
            finding__audit_id=item.audit_id, pk__in=list(answers)
        )
        for action in actions:
            answer, note = answers[action.pk]
            if not answer:
                continue
            action.answer, action.answered_on = answer, date
            action.answer_note = note.strip() if answer == Answer.REFUSED else ""
            action._history_user = by
            action.full_clean(exclude=["finding", "evidence"])
            action.save()
            if answer == Answer.ACCEPTED and action.verified_at is None:
                at = timezone.make_aware(datetime.datetime.combine(date, datetime.time(10)))
                action = corrective_action_verify(action=action, by=by, at=at)
            changed.append(action)
        item.answer_number, item.answer_date = number.strip(), date
        item._history_user = by
        item.save()
    return changed
