"""The columns of the exportable list pages, and the one call their views make.

Each list view filters and orders its rows (``.visible_to(user)``, the page's GET filters, the
accent-insensitive search), then, before paginating::

    if fmt := export_format(request):
        return export_list("milestones", page.paginator.object_list, fmt)

``rows`` are the list's objects in order, or their primary keys in order (the search index of
the milestone, finding and corrective-action lists), loaded here with what the columns use. The
template links to ``{% querystring export="xlsx" page=None %}`` (``imports/_export_links.html``
inside the htmx results partial), so the file holds every row of the current filters, not only
the page shown. Headers are Vietnamese, as in the import templates: the first seven milestone
columns are those of the milestone import, so an export can be edited and imported back.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from imports.export import Column, export_response
from qms_rollout import clock
from roadmap.resources import MILESTONE_STATUS_VI, PARTICIPATION_KIND_VI

STATUS_VI = {v: k for k, v in reversed(list(MILESTONE_STATUS_VI.items()))}
KIND_VI = {v: k for k, v in PARTICIPATION_KIND_VI.items()}
FINDING_STATUS_VI = {"open": "Chưa khắc phục", "closed": "Đã đóng"}
SEVERITY_VI = {
    "major": "Không phù hợp nặng",
    "minor": "Không phù hợp nhẹ",
    "observation": "Khuyến nghị",
}


def _stage_label(row) -> str:
    from reports import metrics

    return str(metrics.stage_labels().get(row.stage, row.stage))


COMMUNE_COLUMNS = [
    Column("Mã xã", "code"),
    Column("Tên xã", "name"),
    Column("Huyện", "district_name"),
    Column("Loại", lambda r: KIND_VI.get(r.kind, r.kind)),
    Column("Giai đoạn", _stage_label),
    Column("Tiến độ (%)", lambda r: round(r.progress, 1)),
    Column("Kế hoạch (%)", lambda r: round(r.planned_progress, 1)),
    Column("Số bước", "counts.total"),
    Column("Đã hoàn thành", "counts.done"),
    Column("Quá hạn", "counts.overdue"),
    Column("Vướng mắc", "counts.blocked"),
    Column("Kinh phí cấp (đồng)", "budget_allocated"),
    Column("Kinh phí đã chi (đồng)", "budget_spent"),
    Column("Cập nhật lần cuối", "last_change"),
]

MILESTONE_COLUMNS = [
    Column("Mã xã", "participation.commune.code"),
    Column("Tên xã", "participation.commune.name"),
    Column("Bước", lambda m: f"{m.step.order}. {m.step.name}"),
    Column("Trạng thái", lambda m: STATUS_VI.get(m.status, m.status)),
    Column("Ngày hoàn thành", "completed_on"),
    Column("Ghi chú", "note"),
    Column("Chương trình", "participation.programme.name"),
    Column("Huyện", lambda m: m.participation.commune.district or ""),
    Column("Bắt đầu dự kiến", "planned_start"),
    Column("Hạn hoàn thành", "due_date"),
    Column("Số ngày trễ", "days_late"),
    Column("Người cập nhật", lambda m: str(m.updated_by or "")),
]

FINDING_COLUMNS = [
    Column("Mã xã", "audit.commune.code"),
    Column("Tên xã", "audit.commune.name"),
    Column("Huyện", lambda f: f.audit.commune.district or ""),
    Column("Cuộc đánh giá", "audit.get_kind_display"),
    Column("Ngày đánh giá", "audit.date"),
    Column("Điều khoản", "clause"),
    Column("Mức độ", lambda f: SEVERITY_VI.get(f.severity, f.severity)),
    Column("Mô tả", "description"),
    Column("Thủ tục", lambda f: f.procedure.name if f.procedure else ""),
    Column("Tình trạng", lambda f: FINDING_STATUS_VI.get(f.status, f.status)),
    Column("Ngày đóng", "closed_on"),
]

ACTION_COLUMNS = [
    Column("Mã xã", "finding.audit.commune.code"),
    Column("Tên xã", "finding.audit.commune.name"),
    Column("Huyện", lambda a: a.finding.audit.commune.district or ""),
    Column("Điều khoản", "finding.clause"),
    Column("Phát hiện", "finding.description"),
    Column("Hành động khắc phục", "description"),
    Column("Người thực hiện", "owner"),
    Column("Hạn", "due_date"),
    Column("Ngày hoàn thành", "done_on"),
    Column("Người xác nhận", lambda a: str(a.verified_by or "")),
    Column("Quá hạn", lambda a: "x" if a.done_on is None and a.due_date < clock.today() else ""),
]


# The columns of the procedure import: the catalogue exported can be edited and imported back.
PROCEDURE_COLUMNS = [
    Column("Mã TTHC", "national_code"),
    Column("Tên thủ tục", "name"),
    Column("Lĩnh vực", "field.name"),
    Column("Thời hạn giải quyết (ngày làm việc)", "processing_days"),
    Column("Căn cứ pháp lý", "legal_basis"),
    Column("Quyết định công bố", "announced_by"),
    Column("Ngày công bố", "announced_on"),
    Column("Ngày sửa đổi", "amended_on"),
    Column("Ngày bãi bỏ", "abolished_on"),
]


def _procedures():
    from procedures.models import Procedure

    return Procedure.objects.select_related("field")


def _milestones():
    from roadmap.models import Milestone

    return Milestone.objects.with_list_related()


def _findings():
    from audits.models import Finding

    return Finding.objects.select_related("audit__commune__district", "procedure")


def _actions():
    from audits.models import CorrectiveAction

    return CorrectiveAction.objects.with_list_related()


@dataclass(frozen=True)
class ExportList:
    columns: list[Column]
    filename: object
    load: Callable | None = None  # primary keys -> a queryset with what the columns use


LISTS = {
    "communes": ExportList(COMMUNE_COLUMNS, pgettext_lazy("file name", "communes")),
    "milestones": ExportList(
        MILESTONE_COLUMNS, pgettext_lazy("file name", "milestones"), _milestones
    ),
    "findings": ExportList(FINDING_COLUMNS, pgettext_lazy("file name", "findings"), _findings),
    "corrective-actions": ExportList(
        ACTION_COLUMNS, pgettext_lazy("file name", "corrective-actions"), _actions
    ),
    "procedures": ExportList(
        PROCEDURE_COLUMNS, pgettext_lazy("file name", "procedure-catalogue"), _procedures
    ),
}


def export_list(kind: str, rows: Sequence, fmt: str):
    """The ``kind`` list's ``rows`` (objects, or primary keys for a list that loads) as a file."""
    spec = LISTS[kind]
    if spec.load is not None:
        pks = list(rows)
        position = {pk: i for i, pk in enumerate(pks)}
        rows = sorted(spec.load().filter(pk__in=pks), key=lambda o: position[o.pk])
    return export_response(rows=rows, columns=spec.columns, filename=str(spec.filename), fmt=fmt)
