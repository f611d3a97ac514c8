from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from audits.models import FIRST_YEAR, InspectionPlanQuerySet, OfficialDocument
from core.asof import year_as_of

#: The longest narrative section of an annual report: some ten printed pages.
NARRATIVE_MAX_CHARS = 20_000


def narrative_length(value: str) -> None:
    """A narrative section of at most :data:`NARRATIVE_MAX_CHARS` characters."""
    if len(value or "") > NARRATIVE_MAX_CHARS:
        raise ValidationError(
            _("This section has %(count)s characters; at most %(limit)s are allowed.")
            % {"count": f"{len(value):,}".replace(",", "."), "limit": "20.000"},
            code="max_length",
        )


class AnnualReportQuerySet(InspectionPlanQuerySet):
    """A province's report: the province-wide roles see it, as the inspection plans."""


class AnnualReport(OfficialDocument):
    """The December report to the Ministry on building, applying, maintaining and improving the
    QMS in the province's bodies (QĐ 19/2014 Art. 12.6, Phụ lục II; TT 26/2014 Art. 42.4). Its
    figures come from :func:`reports.metrics.year_figures` when it is generated; the narrative
    sections are written by DOST staff in the page before generating it."""

    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="annual_reports",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figures_on = models.DateField(
        _("figures as of"),
        null=True,
        blank=True,
        help_text=_(
            "The cut-off day of the figures (Số liệu tính đến ngày): within the year, not after "
            "the date of issue nor after today. Empty: the year's last day, or today while it runs."
        ),
    )
    achievements = models.TextField(
        _("results achieved"), blank=True, validators=[narrative_length]
    )
    problems = models.TextField(
        _("difficulties and problems"), blank=True, validators=[narrative_length]
    )
    proposals = models.TextField(_("proposals"), blank=True, validators=[narrative_length])
    # UBND tỉnh's report to the Ministry (TT 26/2014 Art. 42.4), drafted by the Sở: its own
    # number, date and signer, typed as issued.
    province_number = models.CharField(
        _("People's Committee's number and symbol"),
        max_length=60,
        blank=True,
        help_text=_("As issued by the People's Committee, e.g. 210/BC-UBND; empty until then."),
    )
    province_issued_on = models.DateField(
        _("People's Committee's date of issue"), null=True, blank=True
    )
    province_signer_title = models.CharField(
        _("People's Committee's signer's title"),
        max_length=120,
        blank=True,
        help_text=_("For example: TM. Ủy ban nhân dân / KT. Chủ tịch / Phó Chủ tịch, one a line."),
    )
    province_signer_name = models.CharField(
        _("People's Committee's signer's name"), max_length=120, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AnnualReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year"],
                name="%(app_label)s_%(class)s_one_per_year",
                violation_error_message=_("The province already has a report for this year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR),
                name="%(app_label)s_%(class)s_year_from_2000",
                violation_error_message=_(
                    "The year cannot be before 2000: the QMS rules for state bodies date from "
                    "2014 (QĐ 19/2014/QĐ-TTg)."
                ),
            ),
        ]

    def __str__(self):
        return str(_("Annual report %(year)s") % {"year": self.year})

    @property
    def cut_off(self):
        """The day the figures are computed for: the day the user chose, else the year's last
        day (today while the year runs, :func:`core.asof.year_as_of`)."""
        return self.figures_on or year_as_of(self.year)

    def get_absolute_url(self):
        return reverse("reports:annual_report_detail", args=[self.pk])
