"""Filters of the lists of things that belong to a commune, and of the commune list itself."""

from django.utils.translation import gettext_lazy as _

from communes.models import District
from core.filters import ListFilterSet, checkbox_filter, choice_filter, search_filter
from qms_rollout import clock
from reports import metrics
from roadmap.models import ParticipationKind, RoadmapStep


class CommuneScopedFilterSet(ListFilterSet):
    """A list of rows of communes (``commune_path`` from the row to its commune): a district
    filter among the districts the user may see, and a search on the commune's name, code and
    district name (and the row's own ``search_fields``)."""

    commune_path = "commune"
    district = choice_filter(_("District"), method="filter_district")

    def __init__(self, data=None, queryset=None, *, request, as_of=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.as_of = as_of or clock.today()
        districts = District.objects.visible_to(request.user).current(self.as_of)
        choices = [(d.code, d.name) for d in districts.order_by("sort_key")]
        if choices:
            self.set_choices("district", choices)
        else:
            # Units without districts (since 1/7/2025): no district filter to offer.
            del self.filters["district"]
        path = self.commune_path
        self.search_fields = (
            f"{path}__search_text",
            f"{path}__code",
            f"{path}__district__search_text",
            *self.search_fields,
        )

    def filter_district(self, queryset, name, value):
        return queryset.filter(**{f"{self.commune_path}__district__code": value})


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
