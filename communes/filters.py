"""The filter every list of things that belong to a commune shares: district and search."""

from django.utils.translation import gettext_lazy as _

from communes.models import District
from core import clock
from core.filters import ListFilterSet, choice_filter
from core.generation import OTHER, kept
from core.scope import scope_of


def district_choices(user, day) -> list[tuple[str, str]]:
    """The districts ``user`` may see that are in force on ``day``, by code, in Vietnamese
    order; kept in the process while no unit changes (every list page offers them)."""

    def build():
        districts = District.objects.visible_to(user).current(day).order_by("sort_key")
        return tuple((d.code, d.name) for d in districts)

    return list(kept("district-choices", (scope_of(user).key, day), build, (OTHER,)))


class CommuneScopedFilterSet(ListFilterSet):
    """A list of rows of communes (``commune_path`` from the row to its commune): a district
    filter among the districts the user may see, and a search on the commune's name, code and
    district name (and the row's own ``search_fields``)."""

    commune_path = "commune"
    district = choice_filter(_("District"), method="filter_district")

    def __init__(self, data=None, queryset=None, *, request, as_of=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.as_of = as_of or clock.today()
        choices = district_choices(request.user, self.as_of)
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
