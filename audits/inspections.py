"""The DOST's yearly inspections as figures: the one-third check while planning a year, the
November summary of a plan (TT 26/2014 Art. 33, 38) and the two months a commune has to report its
corrective actions after an inspection (Art. 37.2.c), which the yearly cycle's compliance
(``reports.compliance``) counts too.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from audits.models import ChecklistAnswer, Finding, PlannedInspection, add_months, onsite_required
from core.asof import year_as_of

# What became of a duty with a deadline.
DONE = "done"
PENDING = "pending"
LATE = "late"


@dataclass
class ActionDue:
    """A corrective action after an inspection, due within two months (TT 26 Art. 37.2.c)."""

    description: str
    inspection_date: datetime.date
    deadline: datetime.date
    done_on: datetime.date | None
    status: str


def action_due(description, inspected_on, done_on, as_of) -> ActionDue:
    """A corrective action reported ``done_on`` after an inspection held ``inspected_on``, as of
    ``as_of``: done (on time), late, or pending while its two months run."""
    deadline = add_months(inspected_on, 2)
    if done_on and done_on <= as_of:
        status = DONE if done_on <= deadline else LATE
    else:
        status = LATE if deadline < as_of else PENDING
    return ActionDue(
        description=description,
        inspection_date=inspected_on,
        deadline=deadline,
        done_on=done_on if done_on and done_on <= as_of else None,
        status=status,
    )


@dataclass
class OnsiteCheck:
    """Every body is checked through its records and reports, at least one third at its office
    (TT 26/2014 Art. 33.2.a and b)."""

    bodies: int
    in_plan: int
    onsite: int

    @property
    def required(self) -> int:
        return onsite_required(self.bodies)

    @property
    def all_planned(self) -> bool:
        return self.in_plan >= self.bodies

    @property
    def meets_one_third(self) -> bool:
        return self.onsite >= self.required


def onsite_check(forms: dict[int, str], bodies: int) -> OnsiteCheck:
    """The check of a plan's choices (``forms``: commune id -> form, empty when left out)."""
    return OnsiteCheck(
        bodies=bodies,
        in_plan=sum(1 for form in forms.values() if form),
        onsite=sum(1 for form in forms.values() if form == PlannedInspection.Form.ONSITE),
    )


@dataclass
class InspectionResult:
    """One planned inspection's results: the checklist, the findings, the corrective actions."""

    item: PlannedInspection
    conforms: int = 0
    does_not: int = 0
    findings: int = 0
    actions: Counter = field(default_factory=Counter)


def plan_results(plan) -> tuple[list[InspectionResult], dict]:
    """The November summary of ``plan`` (TT 26/2014 Art. 38): each inspection's results and the
    totals. Four queries."""
    items = list(plan.items.with_list_related().order_by("commune__name"))
    results = {i.audit_id: InspectionResult(item=i) for i in items if i.audit_id}
    answers = ChecklistAnswer.objects.filter(audit_id__in=results).values_list("audit_id", "result")
    for audit_id, result in answers:
        if result == ChecklistAnswer.Result.CONFORMS:
            results[audit_id].conforms += 1
        elif result == ChecklistAnswer.Result.DOES_NOT:
            results[audit_id].does_not += 1
    findings = Finding.objects.filter(audit_id__in=results).exclude(
        severity=Finding.Severity.OBSERVATION
    )
    for f in findings.values("audit_id", "audit__date", "corrective_actions__done_on"):
        result = results[f["audit_id"]]
        done = f["corrective_actions__done_on"]
        result.actions[action_due("", f["audit__date"], done, year_as_of(plan.year)).status] += 1
    for audit_id in findings.values_list("audit_id", flat=True):
        results[audit_id].findings += 1
    rows = [results.get(i.audit_id) or InspectionResult(item=i) for i in items]
    totals = {
        "planned": len(items),
        "onsite": sum(1 for i in items if i.is_onsite),
        "done": len(results),
        "conforms": sum(r.conforms for r in rows),
        "does_not": sum(r.does_not for r in rows),
        "findings": sum(r.findings for r in rows),
        "actions_on_time": sum(r.actions[DONE] for r in rows),
        "actions_late": sum(r.actions[LATE] for r in rows),
        "actions_pending": sum(r.actions[PENDING] for r in rows),
    }
    return rows, totals
