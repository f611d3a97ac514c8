"""The communes' rows added up by district and province, and the quality records' figures
(findings, corrective actions, audits, announcements, scope) of a scope.
"""

from collections import Counter

from django.db.models import Count

from audits.models import (
    Announcement,
    Audit,
    CorrectiveAction,
    CorrectiveActionQuerySet,
    Finding,
    FindingQuerySet,
)
from core.sql import Scalar, scalars
from procedures.models import ScopeItem
from reports.metrics.rows import CommuneRow, DistrictRow

# The communes' rows grouped by a level: the attributes of CommuneRow that name the group.
LEVELS = {
    "district": ("district_code", "district_name"),
    "province": ("province_code", "province_name"),
}


def _group_rows(rows: dict[int, CommuneRow], level: str = "district") -> dict[str, DistrictRow]:
    """The communes' rows added up by district or province (``level``), by its code."""
    code_of, name_of = LEVELS[level]
    districts: dict[str, DistrictRow] = {}
    for row in rows.values():
        code = getattr(row, code_of)
        d = districts.get(code)
        if d is None:
            url = row.district_url if level == "district" else ""
            d = districts[code] = DistrictRow(code=code, name=getattr(row, name_of), url=url)
        d.communes += 1
        d.stages[row.stage] += 1
        d.counts.merge(row.counts)
        d.progress += row.progress_exact
        d.budget_allocated += row.budget_allocated
        d.budget_spent += row.budget_spent
    for d in districts.values():
        d.progress = round(d.progress / d.communes, 1) if d.communes else 0.0
    return districts


def _add_to_groups(groups: dict, row: dict, prefix: str, name: str, value: int) -> None:
    """Add ``value`` to ``name`` of the district and the province of ``row`` (a grouped row)."""
    for level, key in (("district", "district__code"), ("province", "province__code")):
        code = row[f"{prefix}__{key}"] or ""
        if code in groups[level]:
            setattr(groups[level][code], name, getattr(groups[level][code], name) + value)


def _finding_figures(commune_ids, groups: dict, as_of) -> dict:
    """Findings open and closed on ``as_of`` (one query); open ones added to their districts and
    provinces (``groups``: level -> code -> row).

    A finding counts from its audit's date; it is closed from its ``closed_on`` (the rules of
    :class:`audits.models.FindingQuerySet`, which the findings list asks too)."""
    closed_then = FindingQuerySet.closed_by_q(as_of)
    finding_rows = (
        Finding.objects.filter(audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .values("audit__commune__district__code", "audit__commune__province__code")
        .annotate(open=Count("pk", filter=~closed_then), closed=Count("pk", filter=closed_then))
    )
    figures = {"findings_open": 0, "findings_closed": 0}
    for f in finding_rows:
        figures["findings_open"] += f["open"]
        figures["findings_closed"] += f["closed"]
        _add_to_groups(groups, f, "audit__commune", "open_findings", f["open"])
    return figures


def _action_figures(commune_ids, groups: dict, as_of) -> dict:
    """Corrective actions open and overdue (one query); overdue ones added to their districts
    and provinces."""
    action_rows = (
        CorrectiveAction.objects.filter(finding__audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .values(
            "finding__audit__commune__district__code", "finding__audit__commune__province__code"
        )
        .annotate(
            open=Count("pk", filter=CorrectiveActionQuerySet.open_q(as_of)),
            overdue=Count("pk", filter=CorrectiveActionQuerySet.overdue_q(as_of)),
        )
    )
    figures = {"actions_open": 0, "actions_overdue": 0}
    for a in action_rows:
        figures["actions_open"] += a["open"]
        figures["actions_overdue"] += a["overdue"]
        _add_to_groups(groups, a, "finding__audit__commune", "overdue_actions", a["overdue"])
    return figures


def _record_figures(commune_ids, as_of) -> dict:
    """Audits by kind, communes inspected by the DOST, announcements by kind, and the scope's
    coverage (procedures in force, covered, needing revision): one query."""
    held = Audit.objects.filter(commune_id__in=commune_ids, date__lte=as_of)
    inspections = [Audit.Kind.INSPECTION_ONSITE, Audit.Kind.INSPECTION_RECORDS]
    announcements = Announcement.objects.filter(
        commune_id__in=commune_ids, decision_date__lte=as_of
    )
    columns = {f"audit_{kind}": Scalar(held.filter(kind=kind)) for kind in Audit.Kind.values}
    columns |= {
        f"announcement_{kind}": Scalar(announcements.filter(kind=kind))
        for kind in Announcement.Kind.values
    }
    columns["communes_inspected"] = Scalar(
        held.filter(kind__in=inspections).values("commune_id").distinct()
    )
    scope = ScopeItem.objects.figure_columns(commune_ids, as_of)
    values = scalars(**columns, **scope)

    def by_kind(prefix: str, kinds) -> Counter:
        return Counter({k: n for k in kinds if (n := values[f"{prefix}_{k}"])})

    return {
        "audits_by_kind": by_kind("audit", Audit.Kind.values),
        "communes_inspected": values["communes_inspected"],
        "announcements_by_kind": by_kind("announcement", Announcement.Kind.values),
        **{name: values[name] for name in scope},
    }
