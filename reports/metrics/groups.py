"""The communes' rows added up by district and province, and the quality records' figures
(findings, corrective actions, audits, announcements, scope) of a scope.
"""

from collections import Counter

from django.db.models import Count, F, Value

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


def _finding_rows(commune_ids, as_of):
    """Findings open and closed on ``as_of`` by district and province. A finding counts from
    its audit's date; it is closed from its ``closed_on`` (the rules of
    :class:`audits.models.FindingQuerySet`, which the findings list asks too)."""
    closed_then = FindingQuerySet.closed_by_q(as_of)
    return (
        Finding.objects.filter(audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .values(
            which=Value("finding"),
            district=F("audit__commune__district__code"),
            province=F("audit__commune__province__code"),
        )
        .annotate(a=Count("pk", filter=~closed_then), b=Count("pk", filter=closed_then))
        .order_by()
    )


def _action_rows(commune_ids, as_of):
    """Corrective actions open and overdue on ``as_of`` by district and province (the rules of
    :class:`audits.models.CorrectiveActionQuerySet`)."""
    return (
        CorrectiveAction.objects.filter(finding__audit__commune_id__in=commune_ids)
        .raised_by(as_of)
        .values(
            which=Value("action"),
            district=F("finding__audit__commune__district__code"),
            province=F("finding__audit__commune__province__code"),
        )
        .annotate(
            a=Count("pk", filter=CorrectiveActionQuerySet.open_q(as_of)),
            b=Count("pk", filter=CorrectiveActionQuerySet.overdue_q(as_of)),
        )
        .order_by()
    )


def finding_and_action_rows(commune_ids, as_of) -> list[dict]:
    """:func:`_finding_rows` and :func:`_action_rows` together (one query)."""
    rows = _finding_rows(commune_ids, as_of).union(_action_rows(commune_ids, as_of), all=True)
    return list(rows.order_by())


def _finding_and_action_figures(rows: list[dict], groups: dict) -> dict:
    """Findings open and closed, corrective actions open and overdue (``rows``:
    :func:`finding_and_action_rows`); the open findings and overdue actions added to their
    districts and provinces (``groups``: level -> code -> row)."""
    figures = dict.fromkeys(
        ("findings_open", "findings_closed", "actions_open", "actions_overdue"), 0
    )
    names = {
        "finding": ("findings_open", "findings_closed", "open_findings"),
        "action": ("actions_open", "actions_overdue", "overdue_actions"),
    }
    for row in rows:
        first, second, grouped = names[row["which"]]
        figures[first] += row["a"]
        figures[second] += row["b"]
        counted = row["a"] if row["which"] == "finding" else row["b"]
        for level in ("district", "province"):
            group = groups[level].get(row[level] or "")
            if group is not None:
                setattr(group, grouped, getattr(group, grouped) + counted)
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
