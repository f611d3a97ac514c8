"""The spreadsheets of the reports' pages: the list of communes' export, whose rows are the figures
of each participating commune (``metrics.commune_rows``). Registered from ``ReportsConfig.ready``.
"""

from django.utils import translation
from django.utils.translation import pgettext_lazy

from communes.models import Commune
from communes.resources import COMMUNE, COMMUNE_NAME
from core.spreadsheets import (
    SHEET_LANGUAGE,
    Column,
    ExportList,
    choice_label,
    field_label,
    register_export,
)
from core.text import unit_sort_key
from reports import metrics
from roadmap.models import Participation, ParticipationKind


def _stage_label(row) -> str:
    with translation.override(SHEET_LANGUAGE):
        return str(metrics.stage_labels().get(row.stage, row.stage))


COMMUNE_LIST_COLUMNS = [
    Column(COMMUNE, "code"),
    Column(COMMUNE_NAME, "name"),
    Column(field_label(Commune, "district"), "district_name"),
    Column(field_label(Participation, "kind"), lambda r: choice_label(ParticipationKind, r.kind)),
    Column("Giai đoạn", _stage_label),
    Column("Tiến độ (%)", lambda r: round(r.progress, 1)),
    Column("Kế hoạch (%)", lambda r: round(r.planned_progress, 1)),
    Column("Số bước", "counts.total"),
    Column("Đã hoàn thành", "counts.done"),
    Column("Quá hạn", "counts.overdue"),
    Column("Vướng mắc", "counts.blocked"),
    Column(field_label(Participation, "budget_allocated"), "budget_allocated"),
    Column(field_label(Participation, "budget_spent"), "budget_spent"),
    Column("Cập nhật lần cuối", "last_change"),
]


def commune_rows(participations, as_of) -> list:
    """The figures of ``participations`` (a queryset, possibly a page), in the list's order."""
    scoped = Participation.objects.filter(pk__in=participations.values("pk"))
    rows = metrics.commune_rows(scoped, as_of=as_of)
    return sorted(rows, key=lambda r: (unit_sort_key(r.name, r.code), r.participation_id))


register_export(
    "communes",
    ExportList(COMMUNE_LIST_COLUMNS, pgettext_lazy("file name", "communes"), prepare=commune_rows),
)
