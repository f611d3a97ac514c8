"""Filters of the lists of findings and corrective actions."""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from roadmap.models import Standard


class FindingFilterSet(CommuneScopedFilterSet):
    """Findings by district, kind of audit, severity, status and overdue corrective action, as
    they stood on the list's day (the queryset comes from ``Finding.objects.as_of``)."""

    commune_path = "audit__commune"
    search_fields = ("search_text",)

    q = search_filter(_("commune, clause or text"))
    kind = choice_filter(_("Kind of audit"), Audit.Kind.choices, field_name="audit__kind")
    severity = choice_filter(_("Severity"), Finding.Severity.choices)
    status = choice_filter(_("Status"), Finding.Status.choices, field_name="status_then")
    overdue = checkbox_filter(_("Overdue action"), "filter_overdue")

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        overdue = CorrectiveAction.objects.overdue(self.as_of).filter(finding=OuterRef("pk"))
        return queryset.filter(Exists(overdue))


# An action's state on the list's day (the annotations of CorrectiveActionQuerySet.as_of).
ACTION_STATES = {
    "open": {"done_then__isnull": True},
    "done": {"done_then__isnull": False, "verified_then__isnull": True},
    "verified": {"verified_then__isnull": False},
}


class CorrectiveActionFilterSet(CommuneScopedFilterSet):
    """Corrective actions by district, state (not done, done, verified) and overdue, as they
    stood on the list's day (the queryset comes from ``CorrectiveAction.objects.as_of``)."""

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
        return queryset.overdue(self.as_of) if value else queryset


class AnnouncementFilterSet(CommuneScopedFilterSet):
    """Announcements of conformity by district, kind and edition of the standard."""

    commune_path = "commune"

    q = search_filter(_("commune or decision number"))
    kind = choice_filter(_("Kind"), Announcement.Kind.choices)
    standard = choice_filter(_("Standard"), Standard.choices)

    def filter_search(self, queryset, name, value):
        by_number = queryset.filter(decision_number__icontains=value.strip())
        return super().filter_search(queryset, name, value) | by_number
