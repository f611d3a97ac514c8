"""Filters of the milestone list."""

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from qms_rollout import clock
from roadmap.models import Milestone, ParticipationKind, RoadmapStep


def step_choices() -> list[tuple[str, str]]:
    """Roadmap steps by key (shared across templates: "internal-audit" is one filter)."""
    choices: dict[str, str] = {}
    for key, name in (
        RoadmapStep.objects.exclude(key="")
        .order_by("order", "template_id")
        .values_list("key", "name")
    ):
        choices.setdefault(key, Truncator(name).chars(40))
    return list(choices.items())


class MilestoneFilterSet(CommuneScopedFilterSet):
    """Milestones by district, kind of participation, status, step and overdue."""

    commune_path = "participation__commune"
    search_fields = ("step__search_text",)

    q = search_filter(_("commune, district or step"))
    kind = choice_filter(_("Kind"), ParticipationKind.choices, field_name="participation__kind")
    status = choice_filter(_("Status"), Milestone.Status.choices)
    step = choice_filter(_("Step"), field_name="step__key")
    overdue = checkbox_filter(_("Overdue"), "filter_overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("step", step_choices())

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(clock.today()) if value else queryset
