"""The 2017 wave completes in 2018 (issue 9): every step left at 15/12/2017 is done during 2018,
by the commune officer or the consultant, and every one of the 45 communes announces its QMS.

The story of each commune after 15/12/2017: its corrective actions still open are done and
verified first (no commune announces over an open finding, QĐ 19/2014 Art. 4.2.b), then its
remaining steps one after the other, each a little shorter than planned; the internal audit
leaves findings, the corrective step resolves them, the announcement is recorded through
``audits.services.announcement_record`` (the annex is the scope of that day). Illustrative, from
a seeded generator per commune. The announcement's decision number is not known to the project:
the model requires one, so the demo writes the blank of the official form ("…/QĐ-UBND") for the
user to complete, never an invented number.

The services record their changes as of now; the demo dates each record on the day it happened
in the story (``_redate``), as the 2017 part does with ``at=``.
"""

import datetime
import random

from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from audits.services import (
    announcement_record,
    audit_record,
    corrective_action_mark_done,
    corrective_action_verify,
    finding_close,
)
from roadmap.models import Milestone, Participation, ParticipationKind, RoadmapStep, Standard
from roadmap.services import milestone_update_status
from roadmap.totals import totals_refresh

RESUMES = datetime.date(2018, 1, 8)  # after the holidays of the year's end
BLANK_NUMBER = ""  # never invented: left for the user to type
BLANK_NUMBER_2 = ""


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _redate(obj, at: datetime.datetime) -> None:
    """Date the latest history record of ``obj`` (written by a service just now) at ``at``."""
    history = type(obj).history
    record = history.filter(id=obj.pk).order_by("-history_id").first()
    history.filter(history_id=record.history_id).update(history_date=at)


def _milestone(m, *, by, status, completed_on, note, at) -> Milestone:
    return milestone_update_status(
        milestone=m,
        by=by,
        status=status,
        completed_on=completed_on,
        note=note,
        expected_version=m.version,
        at=at,
    )


class Completion:
    """The 2018 part of one commune's story."""

    def __init__(self, builder, participation, consultant_user):
        self.builder = builder
        self.participation = participation
        self.commune = participation.commune
        self.officer = User.objects.get(username=f"commune-{self.commune.code}")
        self.consultant = consultant_user
        self.rng = random.Random(int(self.commune.code) * 7 + 2018)
        self.scope = list(self.commune.scope_items.select_related("procedure").order_by("pk"))

    def run(self) -> None:
        remaining = list(
            self.participation.milestones.exclude(status=Milestone.Status.DONE)
            .select_related("step", "participation__programme")
            .order_by("step__order")
        )
        day = RESUMES + datetime.timedelta(days=self.rng.randint(0, 20))
        keys = {m.step.key for m in remaining}
        if "corrective" not in keys:
            day = self.resolve_open(day)  # what the 2017 corrective step left open
        factor = self.rng.uniform(0.5, 1.0)
        for m in remaining:
            days = max(4, round(m.step.duration_days * factor))
            day = self.step(m, day, day + datetime.timedelta(days=days))
            day += datetime.timedelta(days=self.rng.randint(1, 4))
        self.participation.budget_spent = self.participation.budget_allocated
        self.builder._save(self.participation, by=self.builder.actor, at=_at(day, 17))

    def step(self, m, start, done) -> datetime.date:
        by = self.officer if self.rng.random() < 0.6 else self.consultant
        if m.status != Milestone.Status.IN_PROGRESS:
            note = "Đã bố trí cán bộ, tiếp tục thực hiện." if m.status == "blocked" else ""
            m = _milestone(
                m, by=by, status="in_progress", completed_on=None, note=note, at=_at(start, 8)
            )
        key = m.step.key
        if key == "corrective":
            done = max(done, self.resolve_open(start))
        if key == RoadmapStep.ANNOUNCEMENT:
            done = max(done, self.resolve_open(start, observations=True))
            self.announce(m, done)
            return done
        m = _milestone(m, by=by, status="done", completed_on=done, note="", at=_at(done, 16))
        if key == "internal-audit":
            self.internal_audit(m, done)
        else:
            self.builder.after_step(self.participation, m, done, self.rng, self.scope)
        return done

    def internal_audit(self, m, done) -> None:
        from demo.builder import FINDINGS

        audit = audit_record(
            commune=self.commune,
            by=m.updated_by,
            kind=Audit.Kind.INTERNAL_AUDIT,
            date=done,
            lead=self.participation.qms_representative,
            summary="Đánh giá nội bộ toàn bộ HTQLCL theo kế hoạch.",
        )
        at = _at(done, 15)
        _redate(audit, at)
        for clause, severity, text in self.rng.sample(FINDINGS, self.rng.randint(1, 3)):
            finding = self.builder._get(
                Finding,
                {"audit": audit, "clause": clause},
                {"severity": severity, "description": text},
                by=m.updated_by,
                at=at,
            )
            if severity != Finding.Severity.OBSERVATION:
                self.builder._get(
                    CorrectiveAction,
                    {"finding": finding},
                    {
                        "description": "Khắc phục: " + text[0].lower() + text[1:],
                        "owner": self.participation.iso_secretary,
                        "due_date": done + datetime.timedelta(days=14),
                    },
                    by=m.updated_by,
                    at=at,
                )

    def resolve_open(self, day, *, observations=False) -> datetime.date:
        """The commune's open corrective actions done, verified by the consultant, the findings
        closed; with ``observations``, the open observations closed too. Returns the last day."""
        actions = CorrectiveAction.objects.filter(
            finding__audit__commune=self.commune, verified_at__isnull=True
        ).order_by("pk")
        last = day
        for action in actions:
            done_on = max(day, action.finding.audit.date) + datetime.timedelta(
                days=self.rng.randint(0, 3)
            )
            action = corrective_action_mark_done(action=action, by=self.officer, done_on=done_on)
            _redate(action, _at(done_on, 16))
            verified = _at(done_on + datetime.timedelta(days=1), 10)
            action = corrective_action_verify(action=action, by=self.consultant, at=verified)
            _redate(action, verified)
            finding = Finding.objects.get(pk=action.finding_id)
            if finding.closed_on == verified.date():
                _redate(finding, verified)
            last = max(last, verified.date())
        if observations:
            for finding in Finding.objects.filter(audit__commune=self.commune).open():
                finding = finding_close(finding=finding, by=self.consultant, on=last)
                _redate(finding, _at(last, 11))
        return last

    def announce(self, m, done) -> None:
        extension = self.participation.kind == ParticipationKind.EXTENSION
        announcement = announcement_record(
            commune=self.commune,
            by=self.officer,
            decision_number=BLANK_NUMBER,
            decision_date=done,
            standard=Standard.ISO_2008,
            kind=Announcement.Kind.REANNOUNCEMENT if extension else Announcement.Kind.FIRST,
            scope_size=len(self.scope),
            signer_title="Chủ tịch UBND",
            posted_at_office_on=done + datetime.timedelta(days=2),
            posted_online_on=done + datetime.timedelta(days=5),
        )
        self.builder.created += 1
        at = _at(done, 15)
        _redate(announcement, at)
        m.refresh_from_db()
        _redate(m, at)
        Milestone.objects.filter(pk=m.pk).update(updated_at=at)
        totals_refresh([m.participation_id])


def complete_2017_wave(builder, programme, consultant_user) -> None:
    """Finish, in 2018, what the 2017 wave left undone (nothing once it is all done)."""
    unfinished = Participation.objects.filter(
        programme=programme,
        pk__in=Milestone.objects.filter(participation__programme=programme)
        .exclude(status=Milestone.Status.DONE)
        .values("participation"),
    )
    for participation in unfinished.select_related("commune").order_by("commune__code"):
        Completion(builder, participation, consultant_user).run()


# (commune code, decision date): a few communes convert their QMS to TCVN ISO 9001:2015 in
# 2019–2020, before the 2008 edition's announcements lapse (illustrative choice and dates).
CONVERSIONS = [
    ("28870", datetime.date(2019, 9, 20)),
    ("28924", datetime.date(2019, 11, 15)),
    ("29011", datetime.date(2020, 6, 12)),
    ("28888", datetime.date(2020, 10, 23)),
]


def _settle(commune, officer, consultant, day) -> datetime.date:
    """The commune's actions not yet verified: done (if not yet) on ``day``, verified by the
    consultant the day after; their findings closed then. Returns the day all is settled."""
    last = day
    actions = CorrectiveAction.objects.filter(
        finding__audit__commune=commune, verified_at__isnull=True
    ).order_by("pk")
    for action in actions:
        if action.done_on is None:
            action = corrective_action_mark_done(action=action, by=officer, done_on=day)
            _redate(action, _at(day, 16))
        verified = _at(max(action.done_on, day) + datetime.timedelta(days=1), 10)
        action = corrective_action_verify(action=action, by=consultant, at=verified)
        _redate(action, verified)
        finding = Finding.objects.get(pk=action.finding_id)
        if finding.closed_on == verified.date():
            _redate(finding, verified)
        last = max(last, verified.date())
    return last


def convert_to_2015(year: int, conversions=None) -> int:
    """The conversions of ``year`` (``conversions``, default ``CONVERSIONS``): the open
    corrective actions settled, the internal audit and the management review on the 2015
    edition, then the re-announcement (kind ``conversion``) with its annex. Returns the rows."""
    created = 0
    consultant = User.objects.get(username="consultant")
    for code, planned in CONVERSIONS if conversions is None else conversions:
        commune = builder_commune(code)
        if planned.year != year or commune is None:
            continue
        if commune.announcements.filter(standard=Standard.ISO_2015).exists():
            continue
        officer = User.objects.get(username=f"commune-{code}")
        settled = _settle(commune, officer, consultant, planned - datetime.timedelta(days=60))
        # Findings the Sở closed itself (its inspections' actions, demo/cycle.py) count too.
        closed = Finding.objects.filter(audit__commune=commune).aggregate(last=Max("closed_on"))
        settled = max(settled, closed["last"] or settled)
        decided = max(planned, settled + datetime.timedelta(days=45))
        for kind, before in ((Audit.Kind.INTERNAL_AUDIT, 40), (Audit.Kind.MANAGEMENT_REVIEW, 15)):
            day = decided - datetime.timedelta(days=before)
            audit = audit_record(
                commune=commune,
                by=officer,
                kind=kind,
                date=day,
                lead="Thư ký ISO",
                summary="Chuyển đổi HTQLCL sang TCVN ISO 9001:2015.",
            )
            _redate(audit, _at(day, 15))
        announcement = announcement_record(
            commune=commune,
            by=officer,
            decision_number=BLANK_NUMBER_2,
            decision_date=decided,
            standard=Standard.ISO_2015,
            kind=Announcement.Kind.CONVERSION,
            scope_size=0,
            sent_to_dost_on=decided + datetime.timedelta(days=7),
            signer_title="Chủ tịch UBND",
            posted_at_office_on=decided + datetime.timedelta(days=2),
            posted_online_on=decided + datetime.timedelta(days=5),
        )
        _redate(announcement, _at(decided, 15))
        created += 3
    return created


def builder_commune(code):
    from communes.models import Commune

    return Commune.objects.filter(code=code, valid_from=None).first()
