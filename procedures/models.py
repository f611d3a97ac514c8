from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import nfc
from core import clock
from core.limits import LEGAL_TEXT_MAX, NOTE_MAX, max_length_check
from core.querysets import ScopedQuerySet
from core.search import FoldedBulkWrites, FoldedText, FoldedTextQuerySet
from core.sql import Scalar, scalars
from core.text import fold, vn_sort_key, vn_sort_key_length


class Field(FoldedText, models.Model):
    """A field (lĩnh vực) that groups administrative procedures: civil status, land, culture..."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    search_text = models.TextField(_("folded name"), blank=True, editable=False)
    sort_key = models.CharField(
        _("sort key"),
        max_length=vn_sort_key_length(120),
        blank=True,
        editable=False,
        db_index=True,
    )

    objects = FoldedTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)

    def fill_sort_fields(self) -> None:
        self.search_text = fold(self.name)
        self.sort_key = vn_sort_key(self.name)


class ProcedureQuerySet(FoldedBulkWrites, models.QuerySet):
    def active(self, on=None):
        """Procedures not abolished on ``on`` (default: now)."""
        on = on or clock.today()
        return self.filter(Q(abolished_on__isnull=True) | Q(abolished_on__gt=on))

    def in_force_on(self, day):
        """The one rule of the procedures a commune answers for on ``day``: those of the
        catalogue in force then (:meth:`CatalogueQuerySet.in_force_on`) not abolished by then;
        without any catalogue, every procedure not abolished by then. Every figure of the
        procedures in force asks it (:meth:`ScopeItemQuerySet.figures`)."""
        current = Catalogue.objects.begun_by(day).values("pk")[:1]
        listed = Catalogue.procedures.through.objects.filter(
            procedure_id=OuterRef("pk"), catalogue_id=Subquery(current)
        )
        # Lazy (no query of its own): it folds into the query that counts or lists.
        return self.active(day).filter(~Exists(current) | Exists(listed))


class Procedure(FoldedText, models.Model):
    """An administrative procedure (thủ tục hành chính) handled by commune People's Committees.

    ``national_code`` is the code of the national procedure database where it is known, and
    empty otherwise (never invented). ``amended_on`` is the date of the last amendment: a QMS
    process issued before it needs revision.
    """

    national_code = models.CharField(_("national code"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=400)
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    processing_days = models.PositiveSmallIntegerField(
        _("legal processing time (working days)"),
        null=True,
        blank=True,
        help_text=_("0 means the same day."),
    )
    legal_basis = models.TextField(_("legal basis"), max_length=LEGAL_TEXT_MAX, blank=True)
    announced_by = models.CharField(_("announcing decision"), max_length=100, blank=True)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    amended_on = models.DateField(_("last amended on"), null=True, blank=True)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
    )
    search_text = models.TextField(_("folded name and code"), blank=True, editable=False)
    sort_key = models.CharField(
        _("sort key"),
        max_length=vn_sort_key_length(400),
        blank=True,
        editable=False,
        db_index=True,
    )

    objects = ProcedureQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text", "sort_key"])

    class Meta:
        verbose_name = _("administrative procedure")
        verbose_name_plural = _("administrative procedures")
        ordering = ["field__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~Q(national_code=""),
                name="%(app_label)s_%(class)s_national_code_unique",
                violation_error_message=_("A procedure with this national code already exists."),
            ),
            models.UniqueConstraint(
                fields=["field", "name"],
                name="%(app_label)s_%(class)s_name_unique_in_field",
                violation_error_message=_("This field already has a procedure with this name."),
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")),
                name="%(app_label)s_%(class)s_not_replaced_by_self",
                violation_error_message=_("A procedure cannot replace itself."),
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(abolished_on__isnull=False),
                name="%(app_label)s_%(class)s_replaced_is_abolished",
                violation_error_message=_("A replaced procedure must have an abolition date."),
            ),
            max_length_check("legal_basis", LEGAL_TEXT_MAX),
        ]

    def __str__(self):
        return f"{self.name} ({self.national_code})" if self.national_code else self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.national_code = (self.national_code or "").strip()
        super().save(*args, **kwargs)

    def fill_sort_fields(self) -> None:
        self.search_text = fold(f"{self.name} {self.national_code}")
        self.sort_key = vn_sort_key(self.name)


class CatalogueQuerySet(models.QuerySet):
    def begun_by(self, day):
        """The catalogues begun by ``day``, the one in force first: the latest whose
        ``valid_from`` is empty or not after ``day``."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).order_by(
            F("valid_from").desc(nulls_last=True), "-pk"
        )

    def in_force_on(self, day) -> "Catalogue | None":
        """The catalogue in force on ``day`` (None when there is none)."""
        return self.begun_by(day).first()


class Catalogue(models.Model):
    """A catalogue of the procedures of commune-level People's Committees (danh mục TTHC cấp
    xã) in force from a day: what the communes' QMS scope is measured against from then.

    Imported by procedure code from the national procedure database's export
    (``manage.py import_procedure_catalogue``); ``decision`` is the announcing decision when
    it is known, empty otherwise (never invented). An empty ``valid_from`` means "before any
    other catalogue"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    decision = models.CharField(_("announcing decision"), max_length=100, blank=True)
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    procedures = models.ManyToManyField(
        Procedure, verbose_name=_("procedures"), related_name="catalogues", blank=True
    )

    objects = CatalogueQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure catalogue")
        verbose_name_plural = _("procedure catalogues")
        ordering = [F("valid_from").asc(nulls_first=True), "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["valid_from"],
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_("Another catalogue is in force from this day."),
            ),
            max_length_check("note", NOTE_MAX),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)


class ScopeItemQuerySet(ScopedQuerySet):
    commune_path = "commune"

    @staticmethod
    def needing_revision_q(on=None) -> Q:
        """Processes issued before their procedure was last amended, or whose procedure is gone;
        on day ``on`` when given: issued by then, amended or abolished by then."""
        if on is None:
            return Q(issued_on__isnull=False, procedure__amended_on__gt=F("issued_on")) | Q(
                procedure__abolished_on__isnull=False
            )
        amended = Q(procedure__amended_on__gt=F("issued_on"), procedure__amended_on__lte=on)
        return Q(issued_on__isnull=False, issued_on__lte=on) & (
            amended | Q(procedure__abolished_on__lte=on)
        )

    def needing_revision(self, on=None):
        """The items of :meth:`needing_revision_q`."""
        return self.filter(self.needing_revision_q(on))

    @staticmethod
    def in_scope_q(day) -> Q:
        """The one rule of a commune's QMS scope on ``day``: processes issued or applied, not
        first issued (revision 0) after it, whose procedure was not abolished by then. Every
        figure asks it (:meth:`in_scope_on`, :meth:`covered`, :meth:`figures`);
        reports.compliance.scope_on is the same rule over rows it has loaded, tested together in
        procedures/tests/test_scope_on.py."""
        return (
            Q(state__in=["issued", "applied"])
            & ~Q(revision=0, issued_on__gt=day)
            & (Q(procedure__abolished_on__isnull=True) | Q(procedure__abolished_on__gt=day))
        )

    def covered(self, on=None):
        """Items covered by the QMS on ``on`` (default today): :meth:`in_scope_on`."""
        return self.in_scope_on(on or clock.today())

    def coverage_by_commune(self, commune_ids, on=None) -> dict[int, int]:
        """Procedures covered by each commune's QMS on ``on`` (:meth:`covered`), by commune id:
        the per-commune part of the scope figures (:meth:`figures`), in one query."""
        rows = (
            self.covered(on)
            .filter(commune_id__in=commune_ids)
            .values("commune_id")
            .annotate(n=Count("pk"))
        )
        return {r["commune_id"]: r["n"] for r in rows}

    def figure_columns(self, commune_ids, as_of) -> dict:
        """The scope coverage of the figures as columns of :func:`core.sql.scalars`: procedures
        in force on ``as_of``, covered by the communes' QMS then, needing revision then."""
        items = self.filter(commune_id__in=commune_ids)
        return {
            "procedures_in_force": Scalar(Procedure.objects.in_force_on(as_of)),
            "scope_covered": Scalar(items.filter(self.in_scope_q(as_of))),
            "scope_needing_revision": Scalar(items.filter(self.needing_revision_q(as_of))),
        }

    def figures(self, commune_ids, as_of) -> dict:
        """:meth:`figure_columns`, read in one query."""
        return scalars(**self.figure_columns(commune_ids, as_of))

    def in_scope_on(self, day):
        """The items of the scope on ``day`` (:meth:`in_scope_q`)."""
        return self.filter(self.in_scope_q(day))


class ScopeItem(models.Model):
    """A procedure within a commune's QMS scope, with the process document (quy trình) for it."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DRAFTED = "drafted", _("Drafted")
        ISSUED = "issued", _("Issued")
        APPLIED = "applied", _("Applied")

    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="scope_items",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="scope_items",
    )
    process_code = models.CharField(_("process code"), max_length=40, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=0)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PLANNED)

    objects = ScopeItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("QMS scope item")
        verbose_name_plural = _("QMS scope")
        ordering = ["commune__code", "process_code", "procedure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "procedure"],
                name="%(app_label)s_%(class)s_procedure_once_per_commune",
                violation_error_message=_("This procedure is already in the commune's scope."),
            ),
            models.UniqueConstraint(
                fields=["commune", "process_code"],
                condition=~Q(process_code=""),
                name="%(app_label)s_%(class)s_process_code_unique_in_commune",
                violation_error_message=_("This process code is already used in the commune."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["planned", "drafted", "issued", "applied"]),
                name="%(app_label)s_%(class)s_state_valid",
                violation_error_message=_("Unknown state."),
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["issued", "applied"]) | Q(issued_on__isnull=False),
                name="%(app_label)s_%(class)s_issued_has_date",
                violation_error_message=_("An issued or applied process needs its issue date."),
            ),
        ]

    def __str__(self):
        return f"{self.commune} – {self.procedure.name}"

    @property
    def needs_revision(self) -> bool:
        p = self.procedure
        if p.abolished_on:
            return True
        return bool(self.issued_on and p.amended_on and p.amended_on > self.issued_on)
