"""Filters of the milestone list."""

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from core.generation import OTHER, kept
from roadmap.models import Milestone, MilestoneQuerySet, ParticipationKind, RoadmapStep


def step_choices() -> list[tuple[str, str]]:
    """Roadmap steps by key (shared across templates: "internal-audit" is one filter); kept in
    the process while no step changes."""

    def build():
        choices: dict[str, str] = {}
        for key, name in (
            RoadmapStep.objects.exclude(key="")
            .order_by("order", "template_id")
            .values_list("key", "name")
        ):
            choices.setdefault(key, Truncator(name).chars(40))
        return tuple(choices.items())

    return list(kept("step-choices", None, build, (OTHER,)))


class MilestoneFilterSet(CommuneScopedFilterSet):
    """Milestones by district, kind of participation, status, step and overdue, each as it
    stood on the list's day (the queryset comes annotated by ``Milestone.objects.as_of``)."""

    commune_path = "participation__commune"
    search_fields = ("step__search_text",)

    q = search_filter(_("commune, district or step"))
    kind = choice_filter(_("Kind"), ParticipationKind.choices, field_name="participation__kind")
    status = choice_filter(_("Status"), Milestone.Status.choices, field_name="status_then")
    step = choice_filter(_("Step"), field_name="step__key")
    overdue = checkbox_filter(_("Overdue"), "filter_overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("step", step_choices())

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status_then__in=MilestoneQuerySet.OPEN, due_date__lt=self.as_of)
