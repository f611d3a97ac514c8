import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import nfc
from core import clock
from core.asof import ReadOnDay
from core.limits import DESCRIPTION_MAX, NOTE_MAX, max_length_check
from core.querysets import ScopedQuerySet
from core.scope import Scope
from core.search import FoldedText, FoldedTextQuerySet
from core.text import fold


class Standard(models.TextChoices):
    """The edition of TCVN ISO 9001 a QMS follows."""

    ISO_2008 = "2008", "TCVN ISO 9001:2008"
    ISO_2015 = "2015", "TCVN ISO 9001:2015"


class ParticipationKind(models.TextChoices):
    """What a commune does in a programme."""

    NEW_BUILD = "new", _("New build")
    EXTENSION = "extension", _("Extension to all procedures")
    CONVERSION = "conversion", _("Conversion 2008 to 2015")
    # A unit formed by merging others (1/7/2025): one QMS for its territory, its predecessors'
    # consolidated and rebuilt on TCVN ISO 9001:2015, and the new body's first announcement.
    CONSOLIDATION = "consolidation", _("Consolidation and rebuild on TCVN ISO 9001:2015")


# The kinds whose announcement is the body's first (the others re-announce).
FIRST_ANNOUNCEMENT_KINDS = (ParticipationKind.NEW_BUILD, ParticipationKind.CONSOLIDATION)


class ConsultantQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        """The organisations serving a programme the user may see (a consultant: their own);
        every one for a user who sees everything."""
        if scope.everything:
            return Q()
        programmes = Programme.objects.filter(Programme.objects.all().scope_filter(scope))
        return Q(pk__in=programmes.values("consultant_id")) | Q(pk=scope.consultant_id or 0)


class Consultant(models.Model):
    """A consulting organisation that holds a programme's contract and follows the roadmap."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    representative = models.CharField(_("representative"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    objects = ConsultantQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultant")
        verbose_name_plural = _("consultants")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)


class ProgrammeQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        """Province-wide roles see every programme, a consultant their organisation's; others the
        programmes their communes take part in."""
        if scope.everything:
            return Q()
        if scope.consultant_id is not None:
            return Q(consultant_id=scope.consultant_id)
        if scope.province_ids is not None:
            return Q(province_id__in=scope.province_ids)
        return Q(pk__in=Participation.objects.filter(scope.q("commune")).values("programme_id"))

    def with_commune_counts(self):
        """Programmes with ``n_communes``: the communes taking part in each."""
        return self.annotate(n_communes=Count("participations", distinct=True))


class Programme(models.Model):
    """A wave of the provincial rollout: the plan and decision behind it, its standard and budget."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    year_start = models.PositiveSmallIntegerField(_("first year"))
    year_end = models.PositiveSmallIntegerField(_("last year"))
    plan_number = models.CharField(_("plan number"), max_length=50, blank=True)
    plan_date = models.DateField(_("plan date"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    standard = models.CharField(
        _("standard"), max_length=4, choices=Standard, default=Standard.ISO_2015
    )
    consultant = models.ForeignKey(
        Consultant,
        verbose_name=_("consultant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    start_date = models.DateField(_("start date"))
    budget = models.DecimalField(_("budget (VND)"), max_digits=15, decimal_places=0, default=0)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__gte=F("year_start")),
                name="%(app_label)s_%(class)s_years_ordered",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.CheckConstraint(
                condition=Q(year_start__gte=2000),
                name="%(app_label)s_%(class)s_year_from_2000",
                violation_error_message=_(
                    "The year cannot be before 2000: the QMS rules for state bodies date from "
                    "2014 (QĐ 19/2014/QĐ-TTg)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(standard__in=["2008", "2015"]),
                name="%(app_label)s_%(class)s_standard_valid",
                violation_error_message=_("Unknown standard version."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)


class RoadmapTemplateQuerySet(models.QuerySet):
    def for_standard(self, standard: str):
        """The templates a programme on ``standard`` may use: that edition's and the general."""
        return self.filter(Q(standard="") | Q(standard=standard))


class RoadmapTemplate(models.Model):
    """A consultant's sequence of steps for one kind of participation (data, not code), for one
    edition of TCVN ISO 9001 (a 2015 roadmap follows the model framework of QĐ 101/QĐ-BKHCN of
    21/01/2019) or, left empty, for either."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(
        _("for participations of kind"), max_length=13, choices=ParticipationKind
    )
    standard = models.CharField(
        _("standard"),
        max_length=4,
        choices=Standard,
        blank=True,
        help_text=_("Empty: the template serves either edition."),
    )
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)

    objects = RoadmapTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("roadmap template")
        verbose_name_plural = _("roadmap templates")
        ordering = ["name"]
        constraints = [
            max_length_check("description", DESCRIPTION_MAX),
            models.CheckConstraint(
                condition=Q(standard__in=["", "2008", "2015"]),
                name="%(app_label)s_%(class)s_standard_valid",
                violation_error_message=_("Unknown standard version."),
            ),
        ]

    def __str__(self):
        return self.name

    def fits(self, standard: str) -> bool:
        """Whether a programme on ``standard`` may follow this template."""
        return self.standard in ("", standard)

    @property
    def total_days(self) -> int:
        return max((s.offset_days + s.duration_days for s in self.steps.all()), default=0)


class RoadmapStep(FoldedText, models.Model):
    """One ordered step of a roadmap template, with its planned offset, duration and weight.

    ``key`` marks steps the application acts on (``announcement``: recording an announcement of
    conformity completes it).
    """

    ANNOUNCEMENT = "announcement"

    template = models.ForeignKey(
        RoadmapTemplate,
        verbose_name=_("template"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    key = models.SlugField(_("key"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    expected_evidence = models.CharField(_("expected evidence"), max_length=300, blank=True)
    offset_days = models.PositiveSmallIntegerField(_("planned start (days after start)"))
    duration_days = models.PositiveSmallIntegerField(_("planned duration (days)"))
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    search_text = models.TextField(_("folded name"), blank=True, editable=False)

    objects = FoldedTextQuerySet.as_manager()
    folded_fields = ("search_text",)

    class Meta:
        verbose_name = _("roadmap step")
        verbose_name_plural = _("roadmap steps")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "order"],
                name="%(app_label)s_%(class)s_order_unique",
                violation_error_message=_("Two steps of a template cannot share an order."),
            ),
            models.UniqueConstraint(
                fields=["template", "key"],
                condition=~Q(key=""),
                name="%(app_label)s_%(class)s_key_unique",
                violation_error_message=_("Two steps of a template cannot share a key."),
            ),
            models.CheckConstraint(
                condition=Q(duration_days__gte=1),
                name="%(app_label)s_%(class)s_duration_positive",
                violation_error_message=_("A step lasts at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1),
                name="%(app_label)s_%(class)s_weight_positive",
                violation_error_message=_("A step's weight is at least 1."),
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.name}"

    def fill_sort_fields(self) -> None:
        self.search_text = fold(self.name)


class ParticipationQuerySet(ScopedQuerySet):
    commune_path = "commune"

    def with_list_related(self):
        return self.select_related("commune__district", "programme__consultant")

    def with_milestone_counts(self):
        """Participations with ``n_milestones``: the steps on each roadmap."""
        return self.annotate(n_milestones=Count("milestones"))

    def _done_steps(self, key: str | None, on: datetime.date | None):
        """The milestones of the outer participation done on ``on`` (default today; of the step
        ``key`` when given), by :meth:`MilestoneQuerySet.with_status_on`."""
        milestones = Milestone.objects.filter(participation=OuterRef("pk"))
        if key:
            milestones = milestones.filter(step__key=key)
        day = on or clock.today()
        return milestones.with_status_on(day).filter(status_then=Milestone.Status.DONE)

    def with_step_done(self, key: str | None = None, on: datetime.date | None = None):
        """Participations with a milestone done on ``on`` (of the step ``key`` when given)."""
        return self.filter(Exists(self._done_steps(key, on)))

    def without_step_done(self, key: str | None = None, on: datetime.date | None = None):
        """Participations with no milestone done on ``on`` (of the step ``key`` when given)."""
        return self.exclude(Exists(self._done_steps(key, on)))

    def with_budget_on(self, day: datetime.date):
        """Annotated with ``budget_allocated_then`` and ``budget_spent_then``: the amounts the
        participation's history records by the end of ``day`` (0 before any record); today the
        stored ones. The commune page and the figures read the budget of their day."""
        if not clock.is_past(day):
            return self.annotate(
                budget_allocated_then=F("budget_allocated"), budget_spent_then=F("budget_spent")
            )
        records = Participation.history.filter(
            id=OuterRef("pk"), history_date__lt=clock.end_of(day)
        ).order_by("-history_date", "-history_id")
        amount = models.DecimalField(max_digits=15, decimal_places=0)
        return self.annotate(
            budget_allocated_then=Coalesce(
                Subquery(records.values("budget_allocated")[:1]), Value(0), output_field=amount
            ),
            budget_spent_then=Coalesce(
                Subquery(records.values("budget_spent")[:1]), Value(0), output_field=amount
            ),
        )

    def with_overdue_milestones(self, as_of: datetime.date | None = None):
        """Participations with at least one overdue milestone on ``as_of``."""
        overdue = Milestone.objects.filter(participation=OuterRef("pk")).overdue(as_of)
        return self.filter(Exists(overdue))


class Participation(models.Model):
    """A commune taking part in a programme: the kind of work, its budget and its QMS people."""

    Kind = ParticipationKind

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    kind = models.CharField(_("kind"), max_length=13, choices=Kind, default=Kind.NEW_BUILD)
    template = models.ForeignKey(
        RoadmapTemplate,
        verbose_name=_("roadmap template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
    )
    budget_allocated = models.DecimalField(
        _("budget allocated (VND)"), max_digits=15, decimal_places=0, default=0
    )
    budget_spent = models.DecimalField(
        _("budget spent (VND)"), max_digits=15, decimal_places=0, default=0
    )
    start_date = models.DateField(_("start date"))
    qms_representative = models.CharField(_("QMS representative"), max_length=120, blank=True)
    iso_secretary = models.CharField(_("ISO secretary"), max_length=120, blank=True)

    objects = ParticipationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["commune__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "commune"],
                name="%(app_label)s_%(class)s_commune_once_per_programme",
                violation_error_message=_("This commune already takes part in the programme."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["new", "extension", "conversion", "consolidation"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of participation."),
            ),
            models.CheckConstraint(
                condition=Q(budget_allocated__gte=0) & Q(budget_spent__gte=0),
                name="%(app_label)s_%(class)s_budget_not_negative",
                violation_error_message=_("Budgets cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.commune} – {self.programme}"


class MilestoneQuerySet(ScopedQuerySet):
    commune_path = "participation__commune"
    OPEN = ["not_started", "in_progress", "blocked"]

    def with_list_related(self):
        return self.select_related(
            "participation__commune__district",
            "participation__programme",
            "step",
            "updated_by",
        )

    def open(self):
        return self.filter(status__in=self.OPEN)

    def overdue(self, as_of: datetime.date | None = None):
        """Steps not done (nor not applicable) on ``as_of`` whose due date had passed then:
        :func:`milestone_overdue` in SQL on the status of that day (:meth:`with_status_on`; the
        two are tested together, ``reports/tests/test_overdue.py``)."""
        day = as_of or clock.today()
        return self.with_status_on(day).filter(status_then__in=self.OPEN, due_date__lt=day)

    def with_status_on(self, day: datetime.date):
        """The milestones annotated with what they were at the end of ``day``: ``status_then``,
        ``completed_then``, ``note_then`` and ``changed_then`` (the instant of the last change by
        then, None when never changed). The one rule of a step's status on a day, in SQL: every page, list,
        figure, export and reminder asks it (one query, whatever the number of milestones).

        Today (or later) these are the stored values. On a past day: done counts only when
        completed on or before the day (a completion back-dated before it counts, one dated
        after it does not); otherwise the status its history records by the end of the day;
        with no record by then, not started before the planned start and in progress after it
        (a step not started today was not started then; one not applicable stays so)."""
        if not clock.is_past(day):
            return self.annotate(
                status_then=F("status"),
                completed_then=F("completed_on"),
                changed_then=Case(When(version__gt=1, then=F("updated_at")), default=None),
                note_then=F("note"),
            )
        records = Milestone.history.filter(id=OuterRef("pk"), history_date__lt=clock.end_of(day))
        latest = records.order_by("-history_date", "-history_id")
        qs = self.alias(
            past_status=Subquery(latest.values("status")[:1]),
            past_completed_on=Subquery(latest.values("completed_on")[:1]),
        )
        done, in_progress = Milestone.Status.DONE, Milestone.Status.IN_PROGRESS
        NOT_APPLICABLE = Milestone.Status.NOT_APPLICABLE
        done_by = Q(status=done, completed_on__isnull=False, completed_on__lte=day)
        past_done_by = Q(past_status=done, past_completed_on__isnull=False) & Q(
            past_completed_on__lte=day
        )
        return qs.annotate(
            status_then=Case(
                When(done_by, then=Value(done)),
                When(past_done_by, then=Value(done)),
                When(past_status=done, then=Value(in_progress)),
                When(past_status__isnull=False, then=F("past_status")),
                When(status__in=[Milestone.Status.NOT_STARTED, NOT_APPLICABLE], then=F("status")),
                When(planned_start__gt=day, then=Value(Milestone.Status.NOT_STARTED)),
                default=Value(in_progress),
                output_field=models.CharField(),
            ),
            completed_then=Case(
                When(done_by, then=F("completed_on")),
                When(past_done_by, then=F("past_completed_on")),
                default=None,
                output_field=models.DateField(),
            ),
            changed_then=Subquery(latest.filter(history_type="~").values("history_date")[:1]),
            note_then=Coalesce(
                Subquery(latest.values("note")[:1]), Value(""), output_field=models.TextField()
            ),
        )

    def as_of(self, day: datetime.date):
        """The picture of ``day``: the milestones of the units in force then, each with its
        status of that day (:meth:`with_status_on`)."""
        return self.of_units_in_force(day).with_status_on(day)

    def done_on_time(self):
        return self.filter(status=Milestone.Status.DONE, completed_on__lte=F("due_date"))

    def done_late(self):
        return self.filter(status=Milestone.Status.DONE, completed_on__gt=F("due_date"))


def milestone_days_late(status: str, due_date, completed_on, as_of: datetime.date) -> int:
    """Days past the due date: until completion when done, until ``as_of`` when still open
    (:attr:`Milestone.days_late`; the milestone export computes it from ``.values()`` rows)."""
    if status == Milestone.Status.DONE and completed_on:
        return max(0, (completed_on - due_date).days)
    if status in MilestoneQuerySet.OPEN:
        return max(0, (as_of - due_date).days)
    return 0


def milestone_overdue(status: str, due_date: datetime.date, as_of: datetime.date) -> bool:
    """The one definition of an overdue milestone: still open (not done, not applicable) and
    due before ``as_of`` (a step due today is not overdue yet). :meth:`MilestoneQuerySet.overdue`
    is the same rule in SQL; the grid, the figures, the lists and the pages all use one or
    the other."""
    return status in MilestoneQuerySet.OPEN and due_date < as_of


def milestone_done_late(
    status: str, due_date: datetime.date, completed_on: datetime.date | None
) -> bool:
    """Done after its due date (:meth:`MilestoneQuerySet.done_late` in SQL); done on the due
    date is on time."""
    return status == Milestone.Status.DONE and completed_on is not None and completed_on > due_date


class Milestone(ReadOnDay, models.Model):
    """A participation's roadmap step: planned dates, status, and every change in its history.

    ``version`` is the optimistic lock: an update names the version it started from, and is
    refused when someone else changed the row in between.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        BLOCKED = "blocked", _("Blocked")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    step = models.ForeignKey(
        RoadmapStep,
        verbose_name=_("step"),
        on_delete=models.PROTECT,
        related_name="milestones",
    )
    planned_start = models.DateField(_("planned start"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("actual completion date"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["participation__commune__code", "step__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "step"],
                name="%(app_label)s_%(class)s_step_once_per_participation",
                violation_error_message=_("This step is already on the commune's roadmap."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("planned_start")),
                name="%(app_label)s_%(class)s_due_after_start",
                violation_error_message=_("The due date cannot come before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "not_started",
                        "in_progress",
                        "done",
                        "blocked",
                        "not_applicable",
                    ]
                ),
                name="%(app_label)s_%(class)s_status_valid",
                violation_error_message=_("Unknown status."),
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="%(app_label)s_%(class)s_done_has_date",
                violation_error_message=_("A done step needs its actual completion date."),
            ),
            models.CheckConstraint(
                condition=Q(status="done") | Q(completed_on__isnull=True),
                name="%(app_label)s_%(class)s_date_only_when_done",
                violation_error_message=_("Only a done step has an actual completion date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="blocked") | ~Q(note=""),
                name="%(app_label)s_%(class)s_blocked_has_note",
                violation_error_message=_("A blocked step needs a note saying why."),
            ),
            max_length_check("note", NOTE_MAX),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="%(app_label)s_%(class)s_version_positive",
                violation_error_message=_("The version starts at 1."),
            ),
        ]

    def __str__(self):
        return f"{self.participation.commune} – {self.step.name}"

    def get_absolute_url(self):
        return reverse("roadmap:milestone_update", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        """The row, with its place (:attr:`loaded_place`) as read: a save that moves it to
        another step or participation changes the roadmaps' shape (``reports/signals.py``)."""
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance.loaded_place = (
            instance.__dict__.get("step_id"),
            instance.__dict__.get("participation_id"),
        )
        return instance

    @property
    def place(self) -> tuple:
        """(step, participation): where the milestone stands on the roadmaps."""
        return (self.step_id, self.participation_id)

    @property
    def is_open(self) -> bool:
        return self.status in MilestoneQuerySet.OPEN

    def take_status_on(self, day: datetime.date) -> "Milestone":
        """This milestone as it stood at the end of ``day``: its status and completion date of
        that day (the annotations of :meth:`MilestoneQuerySet.with_status_on`), its overdue and
        days late counted on that day. A milestone read for a past day is never saved."""
        self.status, self.completed_on = self.status_then, self.completed_then
        self.note = self.note_then
        self.read_on = day
        return self

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(self.read_on or clock.today())

    def is_overdue_on(self, as_of: datetime.date) -> bool:
        return milestone_overdue(self.status, self.due_date, as_of)

    @property
    def is_done_late(self) -> bool:
        return milestone_done_late(self.status, self.due_date, self.completed_on)

    @property
    def days_late(self) -> int:
        """Days past the due date: until completion when done, until the day it was read for
        (today by default) when still open."""
        day = self.read_on or clock.today()
        return milestone_days_late(self.status, self.due_date, self.completed_on, day)

    def changes(self) -> list[dict]:
        """The history, newest first: who, when, and each field's value before and after.

        One query. Each entry: ``user``, ``date``, ``created`` (the first row) and ``fields``, a
        list of (label, before, after) with display values.
        """
        records = list(
            self.history.select_related("history_user").order_by("history_date", "history_id")
        )
        tracked = [
            ("status", _("Status")),
            ("completed_on", _("Actual completion date")),
            ("note", _("Note")),
            ("due_date", _("Due date")),
        ]

        def show(name, value):
            if name == "status":
                return self.Status(value).label if value in self.Status.values else value
            return value

        entries, previous = [], None
        for record in records:
            fields = []
            for name, label in tracked:
                after = getattr(record, name)
                before = getattr(previous, name) if previous is not None else None
                if previous is None or before != after:
                    if previous is None and name != "status":
                        continue
                    fields.append((label, show(name, before), show(name, after)))
            if previous is None or fields:
                entries.append(
                    {
                        "user": record.history_user,
                        "date": record.history_date,
                        "created": previous is None,
                        "fields": fields,
                    }
                )
            previous = record
        entries.reverse()
        return entries


def evidence_path(instance, filename):
    return f"evidence/{instance.milestone.participation.commune.code}/{instance.milestone_id}/{filename}"


class Evidence(models.Model):
    """A file uploaded as evidence that a milestone's step was carried out."""

    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="%(app_label)s_%(class)s_not_empty",
                violation_error_message=_("An evidence file cannot be empty."),
            ),
        ]

    def __str__(self):
        return self.original_name


# Money by year and line (TT 116/2015/TT-BTC Art. 4) ----------------------------------------------


class BudgetLineQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        """A province's money: the province-wide roles see it, as its programmes."""
        if scope.everything:
            return Q()
        if scope.province_ids is not None:
            return Q(province_id__in=scope.province_ids)
        return Q(pk__in=[])

    def with_amounts_on(self, day: datetime.date):
        """Annotated with ``allocated_then`` and ``spent_then``: the amounts the line's history
        records by the end of ``day``, as a participation's budget
        (:meth:`ParticipationQuerySet.with_budget_on`); today the stored ones. A line first
        recorded after ``day`` (a past year's money entered later) counts as recorded: the
        year's money has no other record of that day."""
        if not clock.is_past(day):
            return self.annotate(allocated_then=F("allocated"), spent_then=F("spent"))
        records = BudgetLine.history.filter(
            id=OuterRef("pk"), history_date__lt=clock.end_of(day)
        ).order_by("-history_date", "-history_id")
        amount = models.DecimalField(max_digits=15, decimal_places=0)
        return self.annotate(
            allocated_then=Coalesce(
                Subquery(records.values("allocated")[:1]), F("allocated"), output_field=amount
            ),
            spent_then=Coalesce(
                Subquery(records.values("spent")[:1]), F("spent"), output_field=amount
            ),
        )

    def with_list_related(self):
        return self.select_related("province", "commune", "body")


class BudgetLine(models.Model):
    """The money of one year on one line of TT 116/2015/TT-BTC Art. 4 for one body, allocated
    and spent: a commune-level unit's or a registered body's consultancy, own work or yearly
    maintenance, or the Sở's own inspection (neither commune nor body). The annual report adds
    up the year's lines (:func:`reports.compliance.year_money`); each year has its own amounts,
    never the wave's total repeated."""

    class Line(models.TextChoices):
        CONSULTANCY = "consultancy", _("Consultancy (hiring a consulting organisation)")
        OWN_WORK = "own_work", _("Work done by the body itself")
        MAINTENANCE = "maintenance", _("Maintenance and improvement")
        INSPECTION = "inspection", _("The Sở's inspection")

    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    line = models.CharField(_("line (TT 116/2015 Art. 4)"), max_length=20, choices=Line)
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune-level unit"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
        null=True,
        blank=True,
    )
    body = models.ForeignKey(
        "communes.Body",
        verbose_name=_("registered body"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
        null=True,
        blank=True,
    )
    allocated = models.DecimalField(
        _("allocated (VND)"), max_digits=15, decimal_places=0, default=0
    )
    spent = models.DecimalField(_("spent (VND)"), max_digits=15, decimal_places=0, default=0)
    note = models.TextField(_("note"), blank=True)

    objects = BudgetLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["-year", "line", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(line__in=["consultancy", "own_work", "maintenance", "inspection"]),
                name="%(app_label)s_%(class)s_line_valid",
                violation_error_message=_("Unknown budget line."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="%(app_label)s_%(class)s_year_in_range",
                violation_error_message=_("The year must be between 2000 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(allocated__gte=0) & Q(spent__gte=0),
                name="%(app_label)s_%(class)s_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(spent__lte=F("allocated")),
                name="%(app_label)s_%(class)s_spent_within_allocated",
                violation_error_message=_("The amount spent cannot exceed the amount allocated."),
            ),
            models.CheckConstraint(
                condition=(Q(line="inspection") & Q(commune__isnull=True) & Q(body__isnull=True))
                | (
                    ~Q(line="inspection")
                    & (
                        (Q(commune__isnull=False) & Q(body__isnull=True))
                        | (Q(commune__isnull=True) & Q(body__isnull=False))
                    )
                ),
                name="%(app_label)s_%(class)s_one_body",
                violation_error_message=_(
                    "The Sở's inspection is the Sở's own line (no commune, no body); every other "
                    "line is for one commune-level unit or one registered body."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "line", "commune"],
                condition=Q(commune__isnull=False),
                name="%(app_label)s_%(class)s_one_per_commune",
                violation_error_message=_("This unit already has this line for the year."),
            ),
            models.UniqueConstraint(
                fields=["year", "line", "body"],
                condition=Q(body__isnull=False),
                name="%(app_label)s_%(class)s_one_per_body",
                violation_error_message=_("This body already has this line for the year."),
            ),
            models.UniqueConstraint(
                fields=["province", "year", "line"],
                condition=Q(commune__isnull=True) & Q(body__isnull=True),
                name="%(app_label)s_%(class)s_one_inspection",
                violation_error_message=_("The Sở's inspection line of this year exists already."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.get_line_display()} · {self.body_name}"

    @property
    def body_name(self) -> str:
        """Whose money: the unit, the body, or the Sở itself (its inspection)."""
        if self.commune_id:
            return self.commune.name
        if self.body_id:
            return self.body.name
        return str(_("Department of Science and Technology (its inspection)"))


# Maintained sums (roadmap/totals.py keeps them current) ------------------------------------------


class ParticipationTotals(models.Model):
    """What a participation's milestones add up to as they stand (today's status), kept current
    in the transaction of every write to them by :func:`roadmap.totals.totals_refresh`; the
    figures of today read these rows instead of adding the milestones up again. One row per
    participation with at least one milestone."""

    participation = models.OneToOneField(
        Participation,
        verbose_name=_("participation"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="totals",
    )
    total = models.PositiveIntegerField(_("milestones"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    late = models.PositiveIntegerField(_("done late"), default=0)
    not_applicable = models.PositiveIntegerField(_("not applicable"), default=0)
    in_progress = models.PositiveIntegerField(_("in progress"), default=0)
    blocked = models.PositiveIntegerField(_("blocked"), default=0)
    announced = models.PositiveIntegerField(_("announcement step done"), default=0)
    weight = models.PositiveIntegerField(_("weight"), default=0)
    done_weight = models.PositiveIntegerField(_("weight done or not applicable"), default=0)
    last_change = models.DateTimeField(_("last change"), null=True, blank=True)
    first_day = models.DateField(_("first planned start"), null=True, blank=True)
    last_day = models.DateField(_("last due date"), null=True, blank=True)
    # A new random number at every rewrite of the participation's sums (its days included): a
    # process that keeps today's figures (reports/metrics/live.py) reads these alone to see
    # which participations changed since (compared for equality: commits may land in any order).
    revision = models.BigIntegerField(_("revision of the sums"), default=0)

    class Meta:
        verbose_name = _("participation totals")
        verbose_name_plural = _("participation totals")

    def __str__(self):
        return f"{self.participation_id}: {self.done}/{self.total}"


class RoadmapDay(models.Model):
    """One day of a participation's roadmap, as its milestones stand: the weight due that day,
    the weight done (completed that day) or set not applicable (planned to start that day), and
    the milestones due that day still open. Added up to a day, they give the planned and actual
    progress, the overdue steps and the planned-vs-actual curve of today's figures. Kept current
    by :func:`roadmap.totals.totals_refresh`: a change rewrites only the days it changes."""

    participation = models.ForeignKey(
        Participation,
        verbose_name=_("participation"),
        on_delete=models.CASCADE,
        related_name="roadmap_days",
    )
    day = models.DateField(_("day"))
    due_weight = models.PositiveIntegerField(_("weight due"), default=0)
    done_weight = models.PositiveIntegerField(_("weight done or not applicable"), default=0)
    open_due = models.PositiveIntegerField(_("open milestones due"), default=0)

    class Meta:
        verbose_name = _("roadmap day")
        verbose_name_plural = _("roadmap days")
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "day"],
                name="%(app_label)s_%(class)s_once_per_day",
                violation_error_message=_("A participation has one row per day."),
            ),
        ]

    def __str__(self):
        return f"{self.participation_id} {self.day}"
