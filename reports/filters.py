"""The filters of the reports' pages: the list of communes (participations by district, kind,
stage and overdue steps)."""

from django.utils.translation import gettext_lazy as _

from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from reports import metrics
from roadmap.models import ParticipationKind, RoadmapStep


def _announced(qs):
    return qs.with_step_done(RoadmapStep.ANNOUNCEMENT)


# A participation's stage as a filter in the database: the same rule as ``metrics.compute``
# (test_commune_list_stage_filter_agrees_with_the_figures holds them together).
STAGE_FILTERS = {
    metrics.Stage.PLANNED: lambda qs: qs.without_step_done(),
    metrics.Stage.BUILDING: lambda qs: qs.with_step_done().without_step_done(
        RoadmapStep.ANNOUNCEMENT
    ),
    metrics.Stage.ANNOUNCED: lambda qs: _announced(qs).filter(kind=ParticipationKind.NEW_BUILD),
    metrics.Stage.REANNOUNCED: lambda qs: _announced(qs).exclude(kind=ParticipationKind.NEW_BUILD),
}


class CommuneFilterSet(CommuneScopedFilterSet):
    """The commune list: participations by district, kind, stage and overdue steps."""

    q = search_filter(_("name or GSO code"))
    kind = choice_filter(_("Kind"), ParticipationKind.choices)
    stage = choice_filter(_("Stage"), method="filter_stage")
    overdue = checkbox_filter(_("With overdue steps"), "filter_overdue")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_choices("stage", metrics.stage_labels().items())

    def filter_stage(self, queryset, name, value):
        return STAGE_FILTERS[value](queryset)

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue_milestones(self.as_of) if value else queryset
