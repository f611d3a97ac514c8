"""Filters of the lists of findings and corrective actions."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, CorrectiveAction, Finding
from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from qms_rollout import clock


class FindingFilterSet(CommuneScopedFilterSet):
    """Findings by district, kind of audit, severity, status and overdue corrective action."""

    commune_path = "audit__commune"
    search_fields = ("search_text",)

    q = search_filter(_("commune, clause or text"))
    kind = choice_filter(_("Kind of audit"), Audit.Kind.choices, field_name="audit__kind")
    severity = choice_filter(_("Severity"), Finding.Severity.choices)
    status = choice_filter(_("Status"), Finding.Status.choices)
    overdue = checkbox_filter(_("Overdue action"), "filter_overdue")

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = CorrectiveAction.objects.overdue(clock.today()).filter(finding=OuterRef("pk"))
        return queryset.filter(Exists(overdue))


ACTION_STATES = {
    "open": {"done_on__isnull": True},
    "done": {"done_on__isnull": False, "verified_at__isnull": True},
    "verified": {"verified_at__isnull": False},
}


class CorrectiveActionFilterSet(CommuneScopedFilterSet):
    """Corrective actions by district, state (not done, done, verified) and overdue."""

    commune_path = "finding__audit__commune"
    search_fields = ("search_text",)

    q = search_filter(_("commune, action or owner"))
    status = choice_filter(
        _("Status"),
        [
            ("open", _("Not done")),
            ("done", _("Done, not verified")),
            ("verified", _("Verified")),
        ],
        method="filter_status",
    )
    overdue = checkbox_filter(_("Overdue"), "filter_overdue")

    def filter_status(self, queryset, name, value):
        return queryset.filter(**ACTION_STATES[value])

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(clock.today()) if value else queryset
