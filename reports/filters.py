"""The filters of the reports' pages: the list of communes (participations by district, kind,
stage and overdue steps)."""

from django.utils.translation import gettext_lazy as _

from communes.filters import CommuneScopedFilterSet
from core.filters import checkbox_filter, choice_filter, search_filter
from reports import metrics
from roadmap.models import FIRST_ANNOUNCEMENT_KINDS, ParticipationKind, RoadmapStep


def _announced(qs, day):
    return qs.with_step_done(RoadmapStep.ANNOUNCEMENT, on=day)


# A participation's stage on a day as a filter in the database: the same rule as
# ``metrics.compute`` (the step's status of that day; test_commune_list_stage_filter_agrees_with_the
# figures and reports/tests/test_one_timeline.py hold them together).
STAGE_FILTERS = {
    metrics.Stage.PLANNED: lambda qs, day: qs.without_step_done(on=day),
    metrics.Stage.BUILDING: lambda qs, day: qs.with_step_done(on=day).without_step_done(
        RoadmapStep.ANNOUNCEMENT, on=day
    ),
    metrics.Stage.ANNOUNCED: lambda qs, day: _announced(qs, day).filter(
        kind__in=FIRST_ANNOUNCEMENT_KINDS
    ),
    metrics.Stage.REANNOUNCED: lambda qs, day: _announced(qs, day).exclude(
        kind__in=FIRST_ANNOUNCEMENT_KINDS
    ),
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
        return STAGE_FILTERS[value](queryset, self.as_of)

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue_milestones(self.as_of) if value else queryset
