from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.limits import DESCRIPTION_MAX, max_length_check
from core.querysets import ScopedQuerySet
from qms_rollout import clock
from roadmap.models import Standard


class AuditQuerySet(ScopedQuerySet):
    commune_path = "commune"


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

    @property
    def is_inspection(self) -> bool:
        return self.kind in (self.Kind.INSPECTION_ONSITE, self.Kind.INSPECTION_RECORDS)


class FindingQuerySet(ScopedQuerySet):
    commune_path = "audit__commune"

    def open(self):
        return self.filter(status=Finding.Status.OPEN)

    def with_list_related(self):
        return self.select_related("audit__commune__district", "procedure").prefetch_related(
            "corrective_actions"
        )


class Finding(models.Model):
    """A finding of an audit against an ISO clause: a nonconformity or an observation."""

    class Severity(models.TextChoices):
        MAJOR = "major", _("Major nonconformity")
        MINOR = "minor", _("Minor nonconformity")
        OBSERVATION = "observation", _("Observation")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

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

    objects = FindingQuerySet.as_manager()
    history = HistoricalRecords()

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


class CorrectiveActionQuerySet(ScopedQuerySet):
    commune_path = "finding__audit__commune"

    def overdue(self, as_of=None):
        return self.filter(done_on__isnull=True, due_date__lt=as_of or clock.today())

    def with_list_related(self):
        return self.select_related("finding__audit__commune__district", "verified_by")


def corrective_action_path(instance, filename):
    return f"corrective-actions/{instance.finding.audit.commune.code}/{filename}"


class CorrectiveAction(models.Model):
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

    objects = CorrectiveActionQuerySet.as_manager()
    history = HistoricalRecords()

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
        ]

    def __str__(self):
        return self.description[:80]

    @property
    def is_overdue(self) -> bool:
        return self.done_on is None and self.due_date < clock.today()


class AnnouncementQuerySet(ScopedQuerySet):
    commune_path = "commune"


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
    decision_number = models.CharField(_("decision number"), max_length=50)
    decision_date = models.DateField(_("decision date"))
    standard = models.CharField(_("standard"), max_length=4, choices=Standard)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.FIRST)
    scope_size = models.PositiveSmallIntegerField(_("procedures in scope"))
    sent_to_dost_on = models.DateField(_("sent to the DOST on"), null=True, blank=True)

    objects = AnnouncementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("announcement of conformity")
        verbose_name_plural = _("announcements of conformity")
        ordering = ["-decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "decision_number"],
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
            models.CheckConstraint(
                condition=~Q(decision_number=""),
                name="%(app_label)s_%(class)s_decision_number_required",
                violation_error_message=_("The decision number is required."),
            ),
        ]

    def __str__(self):
        return f"{self.decision_number} – {self.commune}"
