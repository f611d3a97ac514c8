"""The exportable lists: each one's rows for a user and the page's filters, and its columns.

The list pages (communes, milestones, findings, corrective actions) export with
:func:`imports.export.export_response`; until a page offers it itself, ``/imports/export/<kind>.
<xlsx|csv>`` does, with the same GET filters: ``district`` (GSO code), ``kind``, ``status``,
``overdue=1``, ``step`` (order or name), ``q`` (text in a name, code or description). Rows are
always limited to what the user may see (``visible_to``).
"""

from django.db.models import Q
from django.utils.translation import pgettext_lazy

from accounts.access import visible_communes
from audits.models import CorrectiveAction, Finding
from imports.export import Column
from qms_rollout import clock
from roadmap.models import Milestone
from roadmap.resources import MILESTONE_STATUS_VI

STATUS_VI = {v: k for k, v in reversed(list(MILESTONE_STATUS_VI.items()))}


def _district(qs, params, path):
    code = (params.get("district") or "").strip()
    return qs.filter(**{f"{path}__code": code}) if code else qs


def _truthy(value) -> bool:
    return (value or "").strip().lower() in ("1", "true", "on", "yes")


def commune_rows(user, params):
    qs = visible_communes(user).select_related("district", "province")
    qs = _district(qs, params, "district")
    if kind := params.get("kind"):
        qs = qs.filter(kind=kind)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    return qs.order_by("code")


COMMUNE_COLUMNS = [
    Column("Mã xã", "code"),
    Column("Tên xã", "name"),
    Column("Cấp", "get_kind_display"),
    Column("Mã QH", "district.code"),
    Column("Quận Huyện", "district.name"),
    Column("Mã TP", "province.code"),
    Column("Tỉnh / Thành Phố", "province.name"),
]


def milestone_rows(user, params):
    qs = Milestone.objects.visible_to(user).with_list_related()
    qs = _district(qs, params, "participation__commune__district")
    if kind := params.get("kind"):
        qs = qs.filter(participation__kind=kind)
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if _truthy(params.get("overdue")):
        qs = qs.overdue()
    if step := (params.get("step") or "").strip():
        qs = qs.filter(step__order=int(step)) if step.isdigit() else qs.filter(step__name=step)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(participation__commune__name__icontains=q)
            | Q(participation__commune__code__startswith=q)
        )
    return qs


# The first seven columns are those of the milestone import: an export can be edited and
# imported again.
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

FINDING_STATUS_VI = {"open": "Chưa khắc phục", "closed": "Đã đóng"}
SEVERITY_VI = {
    "major": "Không phù hợp nặng",
    "minor": "Không phù hợp nhẹ",
    "observation": "Khuyến nghị",
}


def finding_rows(user, params):
    qs = Finding.objects.visible_to(user).select_related("audit__commune__district", "procedure")
    qs = _district(qs, params, "audit__commune__district")
    if kind := params.get("kind"):
        qs = qs.filter(Q(severity=kind) | Q(audit__kind=kind))
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(audit__commune__name__icontains=q)
            | Q(audit__commune__code__startswith=q)
        )
    return qs


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


def action_rows(user, params):
    qs = CorrectiveAction.objects.visible_to(user).select_related(
        "finding__audit__commune__district", "verified_by"
    )
    qs = _district(qs, params, "finding__audit__commune__district")
    status = params.get("status")
    if status == "open":
        qs = qs.filter(done_on__isnull=True)
    elif status == "done":
        qs = qs.filter(done_on__isnull=False, verified_at__isnull=True)
    elif status == "verified":
        qs = qs.filter(verified_at__isnull=False)
    if _truthy(params.get("overdue")):
        qs = qs.overdue()
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(owner__icontains=q)
            | Q(finding__audit__commune__name__icontains=q)
            | Q(finding__audit__commune__code__startswith=q)
        )
    return qs


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

LISTS = {
    "communes": (commune_rows, COMMUNE_COLUMNS, pgettext_lazy("file name", "communes")),
    "milestones": (milestone_rows, MILESTONE_COLUMNS, pgettext_lazy("file name", "milestones")),
    "findings": (finding_rows, FINDING_COLUMNS, pgettext_lazy("file name", "findings")),
    "corrective-actions": (
        action_rows,
        ACTION_COLUMNS,
        pgettext_lazy("file name", "corrective-actions"),
    ),
}
