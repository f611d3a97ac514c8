import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core import clock
from core.asof import ReadOnDay
from core.limits import DESCRIPTION_MAX, max_length_check
from core.querysets import ScopedQuerySet, in_force_q
from core.scope import Scope
from core.search import FoldedBulkWrites, FoldedText
from core.text import fold
from roadmap.clauses import clause_belongs, clause_range
from roadmap.models import Participation, Standard


class AuditQuerySet(ScopedQuerySet):
    commune_path = "commune"

    def held_by(self, day):
        """Audits held on or before ``day``: what a page of that day may show."""
        return self.filter(date__lte=day)


def audit_report_path(instance, filename):
    return f"audits/{instance.commune.code}/{filename}"


class Audit(models.Model):
    """An internal audit, a management review, a DOST inspection or a consultant's assessment."""

    class Kind(models.TextChoices):
        INTERNAL_AUDIT = "internal_audit", _("Internal audit")
        MANAGEMENT_REVIEW = "management_review", _("Management review")
        INSPECTION_ONSITE = "inspection_onsite", _("DOST inspection on site")
        INSPECTION_RECORDS = "inspection_records", _("DOST inspection by records")
        CONSULTANT_ASSESSMENT = "consultant_assessment", _("Consultant assessment")

    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="audits",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    date = models.DateField(_("date"))
    lead = models.CharField(_("lead"), max_length=120)
    summary = models.TextField(_("summary"), max_length=DESCRIPTION_MAX, blank=True)
    report = models.FileField(_("report file"), upload_to=audit_report_path, blank=True)
    corrections_due = models.DateField(
        _("corrective actions reported by"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Two months after an inspection (TT 26/2014 Art. 37.2.c); set on save."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AuditQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        ordering = ["-date", "commune__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "internal_audit",
                        "management_review",
                        "inspection_onsite",
                        "inspection_records",
                        "consultant_assessment",
                    ]
                ),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of audit."),
            ),
            models.CheckConstraint(
                condition=~Q(lead=""),
                name="%(app_label)s_%(class)s_lead_required",
                violation_error_message=_("Name who led it."),
            ),
            max_length_check("summary", DESCRIPTION_MAX),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.commune} – {self.date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        """An inspection's corrective actions are reported within two months of it."""
        self.corrections_due = add_months(self.date, 2) if self.is_inspection else None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "corrections_due"}
        super().save(*args, **kwargs)

    @property
    def is_inspection(self) -> bool:
        return self.kind in (self.Kind.INSPECTION_ONSITE, self.Kind.INSPECTION_RECORDS)

    @cached_property
    def standard(self) -> str | None:
        """The edition of TCVN ISO 9001 the commune's QMS followed on the audit's date: that of
        its latest announcement, unless a programme it joined since then works towards another
        (a conversion to 2015 is audited on 2015); None when neither is known."""
        return commune_standard_on(self.commune_id, self.date)

    def clean(self):
        """An audit is held while its commune exists (a merged commune's ended the day before)."""
        super().clean()
        commune = self.commune if self.commune_id else None
        if commune is None or self.date is None:
            return
        if commune.valid_from and self.date < commune.valid_from:
            raise ValidationError(
                {
                    "date": _(
                        "%(commune)s did not exist yet on %(date)s: it was created on %(start)s."
                    )
                    % {
                        "commune": commune.name,
                        "date": self.date.strftime("%d/%m/%Y"),
                        "start": commune.valid_from.strftime("%d/%m/%Y"),
                    }
                }
            )
        if commune.valid_until and self.date > commune.valid_until:
            raise ValidationError(
                {
                    "date": _("%(commune)s no longer existed on %(date)s: it ended on %(end)s.")
                    % {
                        "commune": commune.name,
                        "date": self.date.strftime("%d/%m/%Y"),
                        "end": commune.valid_until.strftime("%d/%m/%Y"),
                    }
                }
            )


def commune_standard_on(commune_id: int | None, day: datetime.date | None) -> str | None:
    """See :attr:`Audit.standard`. Two queries."""
    if commune_id is None or day is None:
        return None
    announced = (
        Announcement.objects.filter(commune_id=commune_id, decision_date__lte=day)
        .order_by("-decision_date", "-pk")
        .values_list("decision_date", "standard")
        .first()
    )
    joined = (
        Participation.objects.filter(commune_id=commune_id, start_date__lte=day)
        .order_by("-start_date", "-pk")
        .values_list("start_date", "programme__standard")
        .first()
    )
    latest = max([x for x in (announced, joined) if x], default=None, key=lambda x: x[0])
    return latest[1] if latest else None


class FindingQuerySet(FoldedBulkWrites, ScopedQuerySet):
    commune_path = "audit__commune"

    def open(self):
        return self.filter(status=Finding.Status.OPEN)

    @staticmethod
    def closed_by_q(day) -> Q:
        """Closed on or before ``day`` (a finding closed later was still open then)."""
        return Q(status=Finding.Status.CLOSED) & (Q(closed_on__isnull=True) | Q(closed_on__lte=day))

    def raised_by(self, day):
        """Findings of audits held on or before ``day``."""
        return self.filter(audit__date__lte=day)

    def as_of(self, day):
        """The picture of ``day``: the findings of the units in force then, raised by then, each
        with its status of that day (:meth:`with_status_on`); ``with_list_related(day)`` brings
        its corrective actions as they stood then."""
        return self.of_units_in_force(day).raised_by(day).with_status_on(day)

    def with_status_on(self, day):
        """The findings annotated with ``status_then`` and ``closed_then``: their status and
        closing date at the end of ``day``."""
        return self.annotate(
            status_then=Case(
                When(self.closed_by_q(day), then=Value(Finding.Status.CLOSED)),
                default=Value(Finding.Status.OPEN),
                output_field=models.CharField(),
            ),
            closed_then=Case(
                When(self.closed_by_q(day), then=F("closed_on")),
                default=None,
                output_field=models.DateField(),
            ),
        )

    def with_list_related(self, day=None):
        """With what a list shows: the commune, the procedure, the corrective actions (as they
        stood on ``day`` when given, :meth:`CorrectiveActionQuerySet.with_state_on`)."""
        actions = CorrectiveAction.objects.with_state_on(day) if day else None
        return self.select_related("audit__commune__district", "procedure").prefetch_related(
            Prefetch("corrective_actions", queryset=actions)
        )


class Finding(ReadOnDay, FoldedText, models.Model):
    """A finding of an audit against an ISO clause: a nonconformity or an observation."""

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")
        OBSERVATION = "observation", _("Observation")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("finding status", "Open")
        CLOSED = "closed", pgettext_lazy("finding status", "Closed")

    audit = models.ForeignKey(
        Audit,
        verbose_name=_("audit"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    clause = models.CharField(_("ISO clause"), max_length=20)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
    )
    severity = models.CharField(_("severity"), max_length=12, choices=Severity)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX)
    status = models.CharField(_("status"), max_length=8, choices=Status, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    search_text = models.TextField(_("folded clause and description"), blank=True, editable=False)

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])
    folded_fields = ("search_text",)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["audit__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=["major", "minor", "observation"]),
                name="%(app_label)s_%(class)s_severity_valid",
                violation_error_message=_("Unknown severity."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed"]),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_on__isnull=False))
                | (~Q(status="closed") & Q(closed_on__isnull=True)),
                name="%(app_label)s_%(class)s_closed_has_date",
                violation_error_message=_("A closed finding has a closing date, an open one none."),
            ),
            models.CheckConstraint(
                condition=~Q(description=""),
                name="%(app_label)s_%(class)s_description_required",
                violation_error_message=_("Describe the finding."),
            ),
            max_length_check("description", DESCRIPTION_MAX),
        ]

    def __str__(self):
        return f"{self.clause} – {self.get_severity_display()}"

    def clean(self):
        """A finding cites a clause of its audit's edition; it is closed only once each of its
        corrective actions is verified."""
        super().clean()
        self._check_clause()
        unverified = self.pk and self.corrective_actions.filter(verified_at__isnull=True)
        if self.status == self.Status.CLOSED and unverified and unverified.exists():
            raise ValidationError(
                {"status": _("Verify every corrective action before closing the finding.")}
            )

    def _check_clause(self) -> None:
        standard = self.audit.standard if self.audit_id else None
        if self.clause and not clause_belongs(standard, self.clause):
            raise ValidationError({"clause": clause_error(standard, self.clause)})

    def fill_sort_fields(self) -> None:
        self.search_text = fold(f"{self.clause} {self.description}")

    def take_status_on(self, day) -> "Finding":
        """This finding as it stood at the end of ``day`` (the annotations of
        :meth:`FindingQuerySet.with_status_on`), and its corrective actions too when they were
        loaded with it (``with_list_related(day)``: never a query per finding)."""
        self.status, self.closed_on = self.status_then, self.closed_then
        self.read_on = day
        if "corrective_actions" in getattr(self, "_prefetched_objects_cache", {}):
            for action in self.corrective_actions.all():  # as with_list_related(day) loaded them
                action.take_state_on(day)
        return self


def clause_error(standard: str | None, clause: str) -> str:
    """Why ``clause`` cannot be cited (in the page's language)."""
    if standard:
        return _(
            "“%(clause)s” is not a clause of %(standard)s, the edition of this commune's QMS on "
            "the audit's date: cite one of its clauses %(range)s (for example 7 or 7.5.1)."
        ) % {
            "clause": clause,
            "standard": Standard(standard).label,
            "range": clause_range(standard),
        }
    return _(
        "“%(clause)s” is not a clause of TCVN ISO 9001: cite a clause number such as 7 or 7.5.1."
    ) % {"clause": clause}


class FollowUp(models.TextChoices):
    """Where a corrective action stands in the two months after an inspection."""

    FIXED = "fixed", _("Fixed within two months (accepted by the Sở)")
    ACCEPTED_LATE = "accepted_late", _("Accepted, reported after two months")
    REFUSED = "refused", _("Not accepted by the Sở")
    PENDING = "pending", _("Within its two months, no answer yet")
    LATE = "late", _("Two months over, not accepted")


class CorrectiveActionQuerySet(FoldedBulkWrites, ScopedQuerySet):
    commune_path = "finding__audit__commune"

    @staticmethod
    def overdue_q(as_of) -> Q:
        """Not done by ``as_of`` and due before it: :func:`corrective_action_overdue` in SQL,
        for filters and for counts (``Count(..., filter=overdue_q(as_of))``)."""
        return Q(due_date__lt=as_of) & (Q(done_on__isnull=True) | Q(done_on__gt=as_of))

    def overdue(self, as_of=None):
        return self.filter(self.overdue_q(as_of or clock.today()))

    @staticmethod
    def open_q(day) -> Q:
        """Not done by ``day`` (an action done later was still open then)."""
        return Q(done_on__isnull=True) | Q(done_on__gt=day)

    def raised_by(self, day):
        """Actions on findings of audits held on or before ``day``."""
        return self.filter(finding__audit__date__lte=day)

    def with_state_on(self, day):
        """The actions annotated with ``done_then`` and ``verified_then`` (the day they were done
        and the instant they were verified, when by the end of ``day``; else None). Today (or
        later) these are the stored values, as for :meth:`MilestoneQuerySet.with_status_on`."""
        if not clock.is_past(day):  # today: what is stored is what holds
            return self.annotate(done_then=F("done_on"), verified_then=F("verified_at"))
        verified_by_then = Q(verified_at__isnull=False, verified_at__lt=clock.end_of(day))
        return self.annotate(
            done_then=Case(
                When(done_on__lte=day, then=F("done_on")),
                default=None,
                output_field=models.DateField(),
            ),
            verified_then=Case(
                When(verified_by_then, then=F("verified_at")),
                default=None,
                output_field=models.DateTimeField(),
            ),
        )

    def as_of(self, day):
        """The picture of ``day``: the actions of the units in force then, on findings raised by
        then, each as it stood that day (:meth:`with_state_on`)."""
        return self.of_units_in_force(day).raised_by(day).with_state_on(day)

    def with_list_related(self, day=None):
        return self.select_related("finding__audit__commune__district", "verified_by")

    # The two months after an inspection (TT 26/2014 Art. 37.2.c–d) ---------------------------

    def after_inspections(self):
        """Actions on the nonconformities of the Sở's inspections (observations aside)."""
        return self.filter(
            finding__audit__kind__in=[Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS]
        ).exclude(finding__severity=Finding.Severity.OBSERVATION)

    @staticmethod
    def answered_q(answer: str, day) -> Q:
        """The Sở's answer ``answer`` given on or before ``day``."""
        return Q(answer=answer, answered_on__isnull=False, answered_on__lte=day)

    @classmethod
    def fixed_in_time_q(cls, day) -> Q:
        """The one rule of "khắc phục trong 2 tháng" on ``day``: the body reported the action
        within two months of the inspection (Art. 37.2.c, ``Audit.corrections_due``) and the Sở
        accepted it by ``day`` (Art. 37.2.d). Until the Sở answers, the follow-up is open."""
        return cls.answered_q(Answer.ACCEPTED, day) & Q(
            done_on__lte=F("finding__audit__corrections_due")
        )

    def with_follow_up_on(self, day):
        """The actions annotated with ``follow_up``, their state in the two-month follow-up at the
        end of ``day`` (:class:`FollowUp`)."""
        return self.annotate(
            follow_up=Case(
                When(self.fixed_in_time_q(day), then=Value(FollowUp.FIXED)),
                When(self.answered_q(Answer.ACCEPTED, day), then=Value(FollowUp.ACCEPTED_LATE)),
                When(self.answered_q(Answer.REFUSED, day), then=Value(FollowUp.REFUSED)),
                When(finding__audit__corrections_due__gte=day, then=Value(FollowUp.PENDING)),
                default=Value(FollowUp.LATE),
                output_field=models.CharField(),
            )
        )

    def fixed_in_time(self, day):
        """The actions of :meth:`fixed_in_time_q`: what the figures count as fixed in time."""
        return self.filter(self.fixed_in_time_q(day))

    def follow_up_counts(self, day) -> dict[str, int]:
        """How many actions stand in each state of the follow-up on ``day`` (one query):
        ``{FollowUp.FIXED: 20, ...}``, every state present."""
        rows = self.with_follow_up_on(day).values("follow_up").annotate(n=models.Count("pk"))
        counts = dict.fromkeys(FollowUp.values, 0)
        counts.update({r["follow_up"]: r["n"] for r in rows.order_by()})
        return counts


def corrective_action_overdue(done_on, due_date, as_of) -> bool:
    """The one definition of an overdue corrective action: not done by ``as_of``, due before
    it (an action done later was still overdue on a past ``as_of``)."""
    return (done_on is None or done_on > as_of) and due_date < as_of


def corrective_action_path(instance, filename):
    return f"corrective-actions/{instance.finding.audit.commune.code}/{filename}"


class Answer(models.TextChoices):
    """The Sở's answer to a corrective action reported after an inspection (TT 26/2014
    Art. 37.2.d)."""

    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Not accepted")


class CorrectiveAction(ReadOnDay, FoldedText, models.Model):
    """What the commune does about a finding; done by its owner, then verified by DOST or the consultant."""

    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="corrective_actions",
    )
    description = models.TextField(_("action"), max_length=DESCRIPTION_MAX)
    owner = models.CharField(_("owner"), max_length=120)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.FileField(_("evidence"), upload_to=corrective_action_path, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The Sở's answer to the body's report after an inspection (TT 26/2014 Art. 37.2.d): it
    # accepts the action, or writes that it does not accept it yet.
    answer = models.CharField(
        _("the Sở's answer"), max_length=8, choices=Answer, blank=True, default=""
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer_note = models.TextField(_("reason given"), max_length=DESCRIPTION_MAX, blank=True)
    search_text = models.TextField(_("folded action and owner"), blank=True, editable=False)

    objects = CorrectiveActionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])
    folded_fields = ("search_text",)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | Q(done_on__isnull=False),
                name="%(app_label)s_%(class)s_verified_only_when_done",
                violation_error_message=_("Only a done action can be verified."),
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True, verified_by__isnull=True)
                | Q(verified_at__isnull=False, verified_by__isnull=False),
                name="%(app_label)s_%(class)s_verification_complete",
                violation_error_message=_("A verification names who verified and when."),
            ),
            models.CheckConstraint(
                condition=~Q(owner=""),
                name="%(app_label)s_%(class)s_owner_required",
                violation_error_message=_("Name the owner of the action."),
            ),
            max_length_check("description", DESCRIPTION_MAX),
            models.CheckConstraint(
                condition=Q(answer__in=["", "accepted", "refused"]),
                name="%(app_label)s_%(class)s_answer_valid",
                violation_error_message=_("Unknown answer."),
            ),
            models.CheckConstraint(
                condition=(Q(answer="") & Q(answered_on__isnull=True))
                | (~Q(answer="") & Q(answered_on__isnull=False) & Q(done_on__isnull=False)),
                name="%(app_label)s_%(class)s_answer_dated_after_report",
                violation_error_message=_(
                    "The Sở answers a reported action, and its answer has a date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(answer="refused") | ~Q(answer_note=""),
                name="%(app_label)s_%(class)s_refusal_has_reason",
                violation_error_message=_("Say why the action is not accepted."),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def fill_sort_fields(self) -> None:
        self.search_text = fold(f"{self.description} {self.owner}")

    def take_state_on(self, day) -> "CorrectiveAction":
        """This action as it stood at the end of ``day`` (the annotations of
        :meth:`CorrectiveActionQuerySet.with_state_on`), overdue counted on that day."""
        self.done_on, self.verified_at = self.done_then, self.verified_then
        if self.verified_at is None:
            self.verified_by = None
        self.read_on = day
        return self

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(self.read_on or clock.today())

    def is_overdue_on(self, as_of) -> bool:
        return corrective_action_overdue(self.done_on, self.due_date, as_of)


class AnnouncementQuerySet(ScopedQuerySet):
    commune_path = "commune"

    def decided_by(self, day):
        """Announcements decided on or before ``day``."""
        return self.filter(decision_date__lte=day)

    def as_of(self, day):
        """The picture of ``day``: the decisions of the units in force then, taken by then (the
        dashboard's "announcement decisions on record" counts the same rows)."""
        return self.of_units_in_force(day).decided_by(day)

    def with_list_related(self, day=None):
        return self.select_related("commune__district", "recorded_by")


class Announcement(models.Model):
    """A commune chairman's decision announcing the QMS conforms to TCVN ISO 9001 (công bố)."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First announcement")
        REANNOUNCEMENT = "re", _("Re-announcement")
        CONVERSION = "conversion", _("Conversion to the 2015 edition")

    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    # Blank only where the number is not known (the demo never invents one); the form asks for it.
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"))
    standard = models.CharField(_("standard"), max_length=4, choices=Standard)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.FIRST)
    scope_size = models.PositiveSmallIntegerField(_("procedures in scope"))
    sent_to_dost_on = models.DateField(_("sent to the DOST on"), null=True, blank=True)
    # QĐ 19/2014 Art. 4.3 and Phụ lục I: who signed, where it was posted.
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    posted_at_office_on = models.DateField(_("posted at the office on"), null=True, blank=True)
    posted_online_on = models.DateField(_("posted on the website on"), null=True, blank=True)
    override_reason = models.TextField(
        _("why it is recorded despite an open major finding"), blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AnnouncementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("announcement of conformity")
        verbose_name_plural = _("announcements of conformity")
        ordering = ["-decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "decision_number"],
                condition=~Q(decision_number=""),
                name="%(app_label)s_%(class)s_decision_unique_in_commune",
                violation_error_message=_("This commune already has a decision with this number."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["first", "re", "conversion"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of announcement."),
            ),
            models.CheckConstraint(
                condition=Q(standard__in=["2008", "2015"]),
                name="%(app_label)s_%(class)s_standard_valid",
                violation_error_message=_("Unknown standard version."),
            ),
            models.CheckConstraint(
                condition=Q(sent_to_dost_on__isnull=True)
                | Q(sent_to_dost_on__gte=F("decision_date")),
                name="%(app_label)s_%(class)s_sent_after_decision",
                violation_error_message=_("It cannot be sent before the decision is signed."),
            ),
        ]

    def __str__(self):
        return f"{self.decision_number} – {self.commune}"


class AnnouncementItem(models.Model):
    """A procedure of an announcement's annex (QĐ 19/2014 Phụ lục I): the scope as it was on the
    decision date, kept as a snapshot so a later scope change shows as a difference."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="annex",
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="announcement_items",
    )
    procedure_name = models.CharField(_("procedure as named then"), max_length=400)
    process_code = models.CharField(_("process code"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("procedure of an announcement")
        verbose_name_plural = _("annex of procedures")
        ordering = ["announcement", "process_code", "procedure_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "procedure"],
                name="%(app_label)s_%(class)s_procedure_once",
                violation_error_message=_("This procedure is already in the annex."),
            ),
        ]

    def __str__(self):
        return self.procedure_name


# The DOST's yearly inspections (TT 26/2014/TT-BKHCN Arts. 33–39) -----------------------------

FIRST_YEAR = 2000


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the month's last day when it has fewer days):
    the deadlines of three months (QĐ 19/2014 Art. 4.4.a) and two months (TT 26/2014 Art. 37.2.c)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


PERSON_SEPARATORS = ("–", "—", " - ", ",")


@dataclass(frozen=True)
class Person:
    """Someone named in a document: a name and a post (chức vụ)."""

    name: str
    post: str = ""

    def __str__(self):
        return f"{self.name} – {self.post}" if self.post else self.name


def split_person(line: str) -> Person:
    """ "Nguyễn Văn A – Chuyên viên" as a :class:`Person` (a dash, or a comma, separates the
    name from the post; without one the line is a name)."""
    for sep in PERSON_SEPARATORS:
        if sep in line:
            name, post = line.split(sep, 1)
            return Person(name.strip(), post.strip())
    return Person(line.strip())


def people(text: str) -> list[Person]:
    """The people of a text typed one a line (name – post)."""
    return [split_person(line) for line in (text or "").splitlines() if line.strip()]


class OfficialDocument(models.Model):
    """What every official document of the DOST carries besides its body (Nghị định
    30/2020/NĐ-CP Art. 8): its number and symbol and date, typed as issued (never invented), the
    signer's title and name, and the recipients (Nơi nhận), one a line."""

    number = models.CharField(
        _("number and symbol"),
        max_length=60,
        blank=True,
        help_text=_("As issued by the office, e.g. 12/KH-SKHCN; empty until it is issued."),
    )
    issued_on = models.DateField(_("date of issue"), null=True, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=120, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    recipients = models.TextField(
        _("recipients (Nơi nhận)"), blank=True, help_text=_("One a line.")
    )

    class Meta:
        abstract = True

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class InspectionPlanQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        """Plans cover a whole province: the province-wide roles see them."""
        if scope.everything:
            return Q()
        if scope.province_ids is not None:
            return Q(province_id__in=scope.province_ids)
        return Q(pk__in=[])


class ApprovalKind(models.TextChoices):
    """How the province's People's Committee approves a year's inspection plan (TT 26/2014
    Art. 34.1.b): it issues the plan as its own Kế hoạch, or approves the Sở's by a decision."""

    PLAN = "plan", _("Issued as the People's Committee's plan")
    DECISION = "decision", _("Approved by a decision of the People's Committee")


class InspectionPlan(OfficialDocument):
    """A year's inspection plan (kế hoạch kiểm tra, TT 26/2014 Art. 34, Mẫu 19. KHKT): the
    communes, the form of each check, the period, the budget; approved by the province's People's
    Committee. Its November summary of results (Art. 38) is written on it."""

    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    inspecting_unit = models.CharField(
        _("inspecting unit"),
        max_length=200,
        default="Chi cục Tiêu chuẩn Đo lường Chất lượng",
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    budget = models.DecimalField(_("budget (VND)"), max_digits=15, decimal_places=0, default=0)
    approval_kind = models.CharField(
        _("how the People's Committee approves it"),
        max_length=8,
        choices=ApprovalKind,
        blank=True,
        help_text=_(
            "Its own plan, or a decision approving the Sở's plan (TT 26/2014 Art. 34.1.b)."
        ),
    )
    approval_number = models.CharField(
        _("approving document's number (People's Committee)"), max_length=60, blank=True
    )
    approval_date = models.DateField(_("approved on"), null=True, blank=True)
    approval_signer_title = models.CharField(
        _("People's Committee signer's title"), max_length=120, blank=True
    )
    approval_signer_name = models.CharField(
        _("People's Committee signer's name"), max_length=120, blank=True
    )
    request_number = models.CharField(
        _("request for reports: number and symbol"),
        max_length=60,
        blank=True,
        help_text=_("As issued, e.g. 310/SKHCN-TĐC; empty until it is issued."),
    )
    request_date = models.DateField(_("request for reports dated"), null=True, blank=True)
    request_due = models.DateField(_("reports due by"), null=True, blank=True)
    summary = models.TextField(_("summary of results and proposals"), blank=True)
    summary_on = models.DateField(_("summary dated"), null=True, blank=True)
    summary_number = models.CharField(
        _("summary's number and symbol"),
        max_length=60,
        blank=True,
        help_text=_("As issued by the office, e.g. 150/BC-SKHCN; empty until it is issued."),
    )
    summary_recipients = models.TextField(
        _("summary's recipients (Nơi nhận)"),
        blank=True,
        help_text=_("One a line; empty: the province's People's Committee and the archive."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InspectionPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The province already has an inspection plan this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR),
                name="%(app_label)s_%(class)s_year_from_2000",
                violation_error_message=_(
                    "The year cannot be before 2000: the QMS rules for state bodies date from "
                    "2014 (QĐ 19/2014/QĐ-TTg)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(approval_kind__in=["", "plan", "decision"]),
                name="%(app_label)s_%(class)s_approval_kind_valid",
                violation_error_message=_("Unknown kind of approval."),
            ),
            models.CheckConstraint(
                condition=Q(request_date__isnull=True)
                | Q(request_due__isnull=True)
                | Q(request_due__gt=F("request_date")),
                name="%(app_label)s_%(class)s_request_due_after_request",
                violation_error_message=_("The reports are due after the request is sent."),
            ),
        ]

    def __str__(self):
        return str(_("Inspection plan %(year)s") % {"year": self.year})

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("audits:plan_detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        for name in ("period_start", "period_end"):
            day = getattr(self, name)
            if day and self.year and day.year != self.year:
                errors[name] = _(
                    "The inspection period must fall within the plan's year (%(year)s)."
                ) % {"year": self.year}
        if errors:
            raise ValidationError(errors)


def onsite_required(total: int) -> int:
    """At least one third of the bodies are inspected at their office (TT 26/2014 Art. 33.2.b)."""
    return -(-total // 3)


class PlannedInspectionQuerySet(ScopedQuerySet):
    commune_path = "commune"

    def with_list_related(self):
        return self.select_related("plan", "commune__district", "audit")


class PlannedInspection(models.Model):
    """A commune in a year's inspection plan: the form of its check (TT 26/2014 Art. 33.2, 34.2.d)
    and, for a visit at its office, the inspection decision (Art. 35, Mẫu 20. QĐKT); the minutes
    (Art. 37.2.b, Mẫu 21. BBKT) are the inspection recorded in ``audit``."""

    class Form(models.TextChoices):
        RECORDS = "records", _("Inspection through records and reports")
        ONSITE = "onsite", _("Inspection at the body's office")

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("inspection plan"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="planned_inspections",
    )
    form = models.CharField(_("form of inspection"), max_length=8, choices=Form)
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    decision_number = models.CharField(_("decision number and symbol"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    team_lead = models.CharField(_("head of the inspection team"), max_length=120, blank=True)
    team_lead_post = models.CharField(_("post of the head of the team"), max_length=160, blank=True)
    team_members = models.TextField(
        _("team members"),
        blank=True,
        help_text=_("One a line: name – post, e.g. “Nguyễn Văn A – Chuyên viên Chi cục TĐC”."),
    )
    commune_representative = models.CharField(
        _("representative of the commune"), max_length=120, blank=True
    )
    commune_representative_post = models.CharField(
        _("post of the commune's representative"), max_length=160, blank=True
    )
    attendees = models.TextField(
        _("the body's people present"),
        blank=True,
        help_text=_("One a line: name – post (besides its representative)."),
    )
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where the team met the body, e.g. the meeting room of the People's Committee."
        ),
    )
    announced_on = models.DateField(_("decision announced on"), null=True, blank=True)
    announced_at = models.TimeField(_("announced at (hour)"), null=True, blank=True)
    started_at = models.TimeField(_("inspection began at"), null=True, blank=True)
    ended_at = models.TimeField(_("inspection ended at"), null=True, blank=True)
    letter_number = models.CharField(
        _("letter asking for corrections: number"), max_length=60, blank=True
    )
    letter_date = models.DateField(_("letter asking for corrections: date"), null=True, blank=True)
    answer_number = models.CharField(
        _("answer on the corrective actions: number"), max_length=60, blank=True
    )
    answer_date = models.DateField(
        _("answer on the corrective actions: date"), null=True, blank=True
    )
    audit = models.OneToOneField(
        Audit,
        verbose_name=_("inspection recorded"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned_inspection",
    )

    objects = PlannedInspectionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned inspection")
        verbose_name_plural = _("planned inspections")
        ordering = ["plan", "commune__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "commune"],
                name="%(app_label)s_%(class)s_commune_once_per_plan",
                violation_error_message=_("This commune is already in the plan."),
            ),
            models.CheckConstraint(
                condition=Q(form__in=["records", "onsite"]),
                name="%(app_label)s_%(class)s_form_valid",
                violation_error_message=_("Unknown form of inspection."),
            ),
            models.CheckConstraint(
                condition=Q(form="onsite")
                | (Q(decision_number="") & Q(decision_date__isnull=True)),
                name="%(app_label)s_%(class)s_decision_only_on_site",
                violation_error_message=_(
                    "Only an inspection at the office has a decision (TT 26/2014 Art. 35)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True)
                | Q(ended_at__isnull=True)
                | Q(ended_at__gt=F("started_at")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message=_("The inspection ends after it begins."),
            ),
            models.CheckConstraint(
                condition=Q(form="records") | (Q(letter_number="") & Q(letter_date__isnull=True)),
                name="%(app_label)s_%(class)s_letter_only_for_records",
                violation_error_message=_(
                    "Only a check of records ends with a letter asking for corrections "
                    "(TT 26/2014 Art. 37.1.a); a visit ends with minutes."
                ),
            ),
            models.CheckConstraint(
                condition=Q(form="onsite") | (Q(announced_on__isnull=True) & Q(place="")),
                name="%(app_label)s_%(class)s_announcement_only_on_site",
                violation_error_message=_(
                    "Only an inspection at the office is announced and held at a place."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.plan.year} – {self.commune} – {self.get_form_display()}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("audits:inspection_detail", args=[self.pk])

    @property
    def is_onsite(self) -> bool:
        return self.form == self.Form.ONSITE

    @property
    def team_member_lines(self) -> list[str]:
        return [line.strip() for line in self.team_members.splitlines() if line.strip()]

    @property
    def team(self) -> list["Person"]:
        """The inspection team, its head first: name and post of each."""
        head = [Person(self.team_lead, self.team_lead_post)] if self.team_lead else []
        return head + people(self.team_members)

    @property
    def present(self) -> list["Person"]:
        """The body's people present: its representative first, then the others."""
        rep = self.commune_representative
        head = [Person(rep, self.commune_representative_post)] if rep else []
        return head + people(self.attendees)

    @property
    def audit_kind(self) -> str:
        return Audit.Kind.INSPECTION_ONSITE if self.is_onsite else Audit.Kind.INSPECTION_RECORDS


class Art36(models.TextChoices):
    """What an inspection checks (TT 26/2014 Art. 36): the minutes answer each item."""

    SCOPE = "1a", _("1.a Scope covers every administrative procedure of the body")
    DISSEMINATION = "1b", _("1.b Documents and processes made known to every officer in scope")
    STANDARD = "1c", _("1.c Compliance with the standard, policy, objectives and the law")
    PROCESSES = "1d", _("1.d Work processes carried out as defined in the QMS")
    AUDIT_REVIEW = "1dd", _("1.đ Management review, internal audit, corrective actions")
    COMPLAINTS = "1e", _("1.e Handling of complaints within the QMS scope (if any)")
    IMPROVEMENT = "1g", _("1.g Improvement of the QMS")
    LEADERSHIP = "2a", _("2.a Leaders, units and people involved in building and applying it")
    EFFECTIVENESS = "2b", _("2.b The head confirmed the effectiveness of the QMS")
    ANNOUNCEMENT = "2c", _("2.c Announcement notified to the DOST, posted at the office and online")
    LEGAL_UPDATES = "2d", _("2.d Changes of the law brought into the QMS")
    REANNOUNCEMENT = "2dd", _("2.đ Re-announcement when the scope changed")
    CONSULTANT = "2e", _("2.e Choice of the consulting organisation or expert (if any)")


class ChecklistAnswerQuerySet(ScopedQuerySet):
    commune_path = "audit__commune"


class ChecklistAnswer(models.Model):
    """One item of the Art. 36 checklist in an inspection's minutes: conforms or not, and why."""

    class Result(models.TextChoices):
        CONFORMS = "conforms", _("Conforms")
        DOES_NOT = "does_not", _("Does not conform")
        NOT_APPLICABLE = "na", _("Not applicable")

    audit = models.ForeignKey(
        Audit, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="checklist"
    )
    item = models.CharField(_("item (TT 26/2014 Art. 36)"), max_length=4, choices=Art36)
    result = models.CharField(_("result"), max_length=8, choices=Result)
    note = models.TextField(_("note"), blank=True)

    objects = ChecklistAnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        ordering = ["audit", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "item"],
                name="%(app_label)s_%(class)s_item_once_per_inspection",
                violation_error_message=_("This item is already answered in the minutes."),
            ),
            models.CheckConstraint(
                condition=Q(item__in=Art36.values),
                name="%(app_label)s_%(class)s_item_valid",
                violation_error_message=_("Unknown checklist item."),
            ),
            models.CheckConstraint(
                condition=Q(result__in=["conforms", "does_not", "na"]),
                name="%(app_label)s_%(class)s_result_valid",
                violation_error_message=_("Unknown result."),
            ),
            models.CheckConstraint(
                condition=~Q(result="does_not") | ~Q(note=""),
                name="%(app_label)s_%(class)s_nonconformity_has_note",
                violation_error_message=_("Say what does not conform."),
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()}: {self.get_result_display()}"


# The law as data: the acts documents cite, the Sở's own dates ---------------------------------


class LegalBasisQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The acts in force on ``day``: in force from a known day on or before it, not ended
        before it. An act whose dates are not typed yet is cited by none."""
        return self.filter(in_force_from__isnull=False, in_force_from__lte=day).filter(
            Q(in_force_until__isnull=True) | Q(in_force_until__gte=day)
        )

    def cited_as(self, *topics):
        return self.filter(topic__in=topics)


class LegalBasis(models.Model):
    """A legal act a document of the Sở cites (its "Căn cứ" lines): number, title, issuer, date
    signed, in force from and until. Kept as data, edited in the admin, so that a new decree or a
    province's decision needs no release; a document cites those in force on its date."""

    class Topic(models.TextChoices):
        QMS = "qms", _("The QMS in state bodies (cited by plans and decisions)")
        FUNDING = "funding", _("Funding (cited by the budget)")
        PROVINCE = "province", _("The province's decisions (the Sở's functions, its own rules)")
        DOCUMENTS = "documents", _("Official documents (their form; not cited)")

    number = models.CharField(_("number and symbol"), max_length=60, unique=True)
    kind = models.CharField(_("kind of act"), max_length=40, help_text=_("e.g. Quyết định."))
    title = models.CharField(_("title (trích yếu)"), max_length=400, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    in_force_from = models.DateField(
        _("in force from"),
        null=True,
        blank=True,
        help_text=_("Empty until typed: an act without this date is not cited."),
    )
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    topic = models.CharField(_("cited as"), max_length=10, choices=Topic, default=Topic.QMS)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = LegalBasisQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["position", "signed_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic__in=["qms", "funding", "province", "documents"]),
                name="%(app_label)s_%(class)s_topic_valid",
                violation_error_message=_("Unknown topic."),
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True)
                | (Q(in_force_from__isnull=False) & Q(in_force_until__gte=F("in_force_from"))),
                name="%(app_label)s_%(class)s_period_ordered",
                violation_error_message=_("An act ends after it comes into force."),
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(in_force_from__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_in_force_after_signed",
                violation_error_message=_("An act comes into force on or after it is signed."),
            ),
            models.CheckConstraint(
                condition=~Q(number=""),
                name="%(app_label)s_%(class)s_number_required",
                violation_error_message=_("Type the act's number and symbol."),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.number}".strip()

    @property
    def citation(self) -> str:
        """ "Quyết định số 19/2014/QĐ-TTg ngày 05/3/2014 của Thủ tướng Chính phủ về việc …" as
        a "Căn cứ" line cites it (what is not typed is left out)."""
        text = f"{self.kind} số {self.number}"
        if self.signed_on:
            text += f" ngày {self.signed_on.day:02d}/{self.signed_on.month}/{self.signed_on.year}"
        if self.issuer:
            text += f" của {self.issuer}"
        if self.title:
            text += f" {self.title}"
        return text


class ProvinceDutiesQuerySet(models.QuerySet):
    def for_province(self, province) -> "ProvinceDuties | None":
        return self.filter(province=province).first() if province else None


class ProvinceDuties(models.Model):
    """What a Sở has set for the bodies of its province: the date by which they run TCVN ISO
    9001:2015 (within the Ministry's 30/6/2021, letter 419/BKHCN-TĐC), and the date from which the
    commune-level People's Committees must apply the QMS (empty: they apply it voluntarily,
    QĐ 19/2014 Art. 2.2.c), which decides who counts in the one-third rule (TT 26/2014
    Art. 33.2). Edited by DOST staff and in the admin."""

    province = models.OneToOneField(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="qms_duties",
    )
    edition_deadline = models.DateField(
        _("bodies run TCVN ISO 9001:2015 by"),
        null=True,
        blank=True,
        help_text=_("Empty: no date set; no body is flagged."),
    )
    edition_basis = models.CharField(
        _("set by (document)"),
        max_length=300,
        blank=True,
        help_text=_("e.g. Công văn số 419/BKHCN-TĐC ngày 21/02/2018."),
    )
    communes_obliged_from = models.DateField(
        _("commune-level bodies obliged from"),
        null=True,
        blank=True,
        help_text=_("Empty: communes, wards and towns apply the QMS voluntarily."),
    )

    objects = ProvinceDutiesQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("the Sở's dates for the QMS")
        verbose_name_plural = _("the Sở's dates for the QMS")

    def __str__(self):
        return str(self.province)

    def communes_obliged_on(self, day) -> bool:
        return bool(self.communes_obliged_from and self.communes_obliged_from <= day)


def _on_2008_by(communes, day):
    """``communes`` in force on ``day`` whose latest announcement by then is on TCVN ISO
    9001:2008, annotated with ``standard_then`` and ``announced_then``."""
    latest = Announcement.objects.filter(
        commune=models.OuterRef("pk"), decision_date__lte=day
    ).order_by("-decision_date", "-pk")
    return (
        communes.filter(in_force_q(day))
        .annotate(
            standard_then=models.Subquery(latest.values("standard")[:1]),
            announced_then=models.Subquery(latest.values("decision_date")[:1]),
        )
        .filter(standard_then=Standard.ISO_2008)
    )


def edition_overdue(communes, day, deadline: datetime.date | None):
    """The communes of ``communes`` (a queryset) still on TCVN ISO 9001:2008 on ``day`` although
    the Sở's ``deadline`` has passed: their latest announcement by then is on 2008. Each is
    annotated with ``standard_then`` and ``announced_then``. One query; none when no date is set
    or the day is not past it. The dashboard, the inspection checklist and the annual report ask
    this one rule (:func:`edition_overdue_all` for many provinces)."""
    if deadline is None or day <= deadline:
        return communes.none()
    return _on_2008_by(communes, day)


def edition_overdue_all(communes, day):
    """:func:`edition_overdue` for ``communes`` of any provinces, each against its own Sở's
    date (``ProvinceDuties.edition_deadline``), as one queryset: a count of it folds into
    another query (:func:`core.sql.scalars`)."""
    return _on_2008_by(communes.filter(province__qms_duties__edition_deadline__lt=day), day)


def communes_edition_overdue(communes, day) -> list:
    """The communes of ``communes`` (a queryset, any provinces) flagged on ``day`` for running
    TCVN ISO 9001:2008 after their Sở's date (:func:`edition_overdue_all`), in Vietnamese order:
    what the dashboard lists and the annual report counts. One query."""
    return list(edition_overdue_all(communes, day).select_related("district").order_by("sort_key"))
