"""The DOST's yearly inspections as figures: the one-third check while planning a year, the
November summary of a plan (TT 26/2014 Art. 33, 38) and the two months a commune has to report its
corrective actions after an inspection (Art. 37.2.c), which the yearly cycle's compliance
(``reports.compliance``) counts too.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from audits.models import (
    Announcement,
    Art36,
    ChecklistAnswer,
    CorrectiveAction,
    Finding,
    FollowUp,
    PlannedInspection,
    ProvinceDuties,
    add_months,
    edition_overdue,
    onsite_required,
)
from core.asof import year_as_of
from procedures.models import Procedure, ScopeItem
from roadmap.models import Standard

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


def action_due(
    description, inspected_on, done_on, as_of, follow_up: str | None = None
) -> ActionDue:
    """A corrective action reported ``done_on`` after an inspection held ``inspected_on``, as of
    ``as_of``: done (fixed in time: reported within the two months and accepted by the Sở,
    ``follow_up`` as :meth:`CorrectiveActionQuerySet.with_follow_up_on` annotates it), late
    (accepted late, or not fixed once the two months are over), or pending while they run."""
    deadline = add_months(inspected_on, 2)
    if follow_up == FollowUp.FIXED:
        status = DONE
    elif follow_up == FollowUp.ACCEPTED_LATE or deadline < as_of:
        status = LATE
    else:
        status = PENDING
    return ActionDue(
        description=description,
        inspection_date=inspected_on,
        deadline=deadline,
        done_on=done_on if done_on and done_on <= as_of else None,
        status=status,
    )


@dataclass
class OnsiteCheck:
    """Every body obliged to apply the QMS is checked through its records and reports, at least
    one third of them at its office (TT 26/2014 Art. 33.2.a and b). Communes that apply it
    voluntarily (QĐ 19/2014 Art. 2.2.c) are inspected on the Sở's plan but counted apart: the
    rule is about the obliged bodies only."""

    bodies: int  # the obliged bodies
    in_plan: int  # of them, in the plan
    onsite: int  # of them, at their office
    voluntary: list = field(default_factory=list)  # the communes applying it voluntarily
    voluntary_in_plan: int = 0
    voluntary_onsite: int = 0

    @property
    def required(self) -> int:
        return onsite_required(self.bodies)

    @property
    def all_planned(self) -> bool:
        return self.in_plan >= self.bodies

    @property
    def meets_one_third(self) -> bool:
        return self.onsite >= self.required


def onsite_check(forms: dict[int, str], bodies: int, voluntary: list | None = None) -> OnsiteCheck:
    """The check of a plan's choices (``forms``: commune id -> form, empty when left out):
    ``bodies`` obliged bodies; ``voluntary``: the communes applying it voluntarily, whose choices
    are counted apart."""
    voluntary = voluntary or []
    apart = {c.pk for c in voluntary}
    obliged = {pk: form for pk, form in forms.items() if pk not in apart}
    volunteered = [forms.get(pk, "") for pk in apart]
    return OnsiteCheck(
        bodies=bodies,
        in_plan=sum(1 for form in obliged.values() if form),
        onsite=sum(1 for form in obliged.values() if form == PlannedInspection.Form.ONSITE),
        voluntary=voluntary,
        voluntary_in_plan=sum(1 for form in volunteered if form),
        voluntary_onsite=sum(1 for form in volunteered if form == PlannedInspection.Form.ONSITE),
    )


def obliged_split(communes, province, year: int) -> tuple[list, list]:
    """The plan's communes as (obliged, voluntary) in ``year``: obliged once the Sở's date from
    which commune-level bodies must apply the QMS has come (:class:`ProvinceDuties`, by the
    year's end), voluntary before (QĐ 19/2014 Art. 2.2.c)."""
    duties = ProvinceDuties.objects.for_province(province)
    if duties and duties.communes_obliged_on(datetime.date(year, 12, 31)):
        return list(communes), []
    return [], list(communes)


# What the data knows of the Art. 36 checklist --------------------------------------------------


@dataclass
class Known:
    """An Art. 36 item as the product's records answer it on a day: the result they support and
    why (in Vietnamese: it is printed in the minutes)."""

    item: str
    result: str
    evidence: str

    @property
    def label(self) -> str:
        return Art36(self.item).label


def known_answers(commune, day: datetime.date) -> dict[str, Known]:
    """Items 1.a (the scope covers the body's procedures: the scope rule of
    ``ScopeItemQuerySet.in_scope_q`` against the procedures in force), 1.c (the edition the body
    runs, against the Sở's date) and 2.d (processes brought up to date after a legal change),
    from the records of ``day``. Five queries."""
    scope = ScopeItem.objects.filter(commune=commune)
    covered = scope.in_scope_on(day).count()
    in_force = Procedure.objects.active(day).count()
    stale = scope.needing_revision(day).count()
    known = {}
    if covered < in_force:
        text = f"Phạm vi áp dụng gồm {covered}/{in_force} thủ tục hành chính (thiếu {in_force - covered})."
        known[Art36.SCOPE] = Known(Art36.SCOPE, ChecklistAnswer.Result.DOES_NOT, text)
    else:
        text = f"Phạm vi áp dụng gồm {covered}/{in_force} thủ tục hành chính."
        known[Art36.SCOPE] = Known(Art36.SCOPE, ChecklistAnswer.Result.CONFORMS, text)
    known[Art36.STANDARD] = _known_edition(commune, day)
    if stale:
        text = f"{stale} quy trình chưa được cập nhật theo thay đổi của thủ tục hành chính."
        known[Art36.LEGAL_UPDATES] = Known(
            Art36.LEGAL_UPDATES, ChecklistAnswer.Result.DOES_NOT, text
        )
    return known


def _known_edition(commune, day) -> Known:
    latest = (
        Announcement.objects.filter(commune=commune, decision_date__lte=day)
        .order_by("-decision_date", "-pk")
        .first()
    )
    if latest is None:
        return Known(Art36.STANDARD, ChecklistAnswer.Result.DOES_NOT, "Chưa công bố HTQLCL.")
    edition = Standard(latest.standard).label
    since = f"{edition} (công bố ngày {latest.decision_date:%d/%m/%Y})"
    if edition_overdue(type(commune).objects.filter(pk=commune.pk), day, _deadline(commune)):
        deadline = _deadline(commune)
        text = f"Còn áp dụng {since}, quá thời hạn chuyển đổi sang TCVN ISO 9001:2015 ({deadline:%d/%m/%Y})."
        return Known(Art36.STANDARD, ChecklistAnswer.Result.DOES_NOT, text)
    return Known(Art36.STANDARD, ChecklistAnswer.Result.CONFORMS, f"Áp dụng {since}.")


def _deadline(commune) -> datetime.date | None:
    duties = ProvinceDuties.objects.for_province(commune.province)
    return duties.edition_deadline if duties else None


def contradicted(answers: dict[str, str], known: dict[str, Known]) -> dict[str, Known]:
    """The items answered "Phù hợp" (``answers``: item -> result) that the records contradict:
    flagged for the inspector on the page and in the minutes."""
    return {
        key: k
        for key, k in known.items()
        if answers.get(key) == ChecklistAnswer.Result.CONFORMS
        and k.result == ChecklistAnswer.Result.DOES_NOT
    }


@dataclass
class InspectionResult:
    """One planned inspection's results: the checklist, the findings, the corrective actions."""

    item: PlannedInspection
    conforms: int = 0
    does_not: int = 0
    findings: int = 0
    actions: Counter = field(default_factory=Counter)


def plan_results(plan, day: datetime.date | None = None) -> tuple[list[InspectionResult], dict]:
    """The November summary of ``plan`` (TT 26/2014 Art. 38) on ``day`` (default: the plan's
    year as of today): each inspection's results and the totals; the corrective actions by their
    state in the two-month follow-up (:meth:`CorrectiveActionQuerySet.with_follow_up_on`: fixed
    only once the Sở accepted them). Four queries."""
    day = day or year_as_of(plan.year)
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
    for audit_id in findings.values_list("audit_id", flat=True):
        results[audit_id].findings += 1
    actions = CorrectiveAction.objects.after_inspections().filter(finding__audit_id__in=results)
    for audit_id, state in actions.with_follow_up_on(day).values_list(
        "finding__audit_id", "follow_up"
    ):
        results[audit_id].actions[state] += 1
    rows = [results.get(i.audit_id) or InspectionResult(item=i) for i in items]
    totals = {
        "planned": len(items),
        "onsite": sum(1 for i in items if i.is_onsite),
        "done": len(results),
        "conforms": sum(r.conforms for r in rows),
        "does_not": sum(r.does_not for r in rows),
        "findings": sum(r.findings for r in rows),
        **{f"actions_{state}": sum(r.actions[state] for r in rows) for state in FollowUp.values},
    }
    return rows, totals


# The documents of the trail each page offers (written by reports.documents.trail) ------------


DOCUMENT_LABELS = {
    "plan": _("The Sở's plan (Mẫu 19. KHKT)"),
    "approval": _("The plan as the People's Committee approves it"),
    "request": _("Request for reports (Art. 35)"),
    "summary": _("Summary of results (Art. 38)"),
    "decision": _("Inspection decision (Mẫu 20. QĐKT)"),
    "announcement": _("Minutes of announcing the decision (Art. 37.2.a)"),
    "minutes": _("Minutes of the inspection (Mẫu 21. BBKT)"),
    "letter": _("Letter asking for corrections (Art. 37.1.a)"),
    "answer": _("Answer on the corrective actions (Art. 37.2.d)"),
}


def document_links(names: list[str]) -> list[tuple[str, str]]:
    """(name, label) of each document, for the download buttons."""
    return [(name, DOCUMENT_LABELS[name]) for name in names]


def plan_documents(plan) -> list[str]:
    """A plan's documents that can be made now: the Sở's plan, the People's Committee's approval
    (once its kind is chosen), the request for reports, the November summary."""
    names = ["plan"]
    if plan.approval_kind:
        names.append("approval")
    return [*names, "request", "summary"]


def inspection_documents(item) -> list[str]:
    """One inspection's documents that can be made now: for a visit, the decision and the minutes
    of its announcement, then the minutes once recorded; for a check of records, the letter
    asking for corrections once recorded; the answer on the actions once any is answered."""
    names = ["decision", "announcement"] if item.is_onsite else []
    if item.audit_id:
        names.append("minutes" if item.is_onsite else "letter")
        if item.answer_date:
            names.append("answer")
    return names


def inspection_actions(item):
    """The corrective actions after ``item``'s inspection, with their finding (one query)."""
    if item.audit_id is None:
        return CorrectiveAction.objects.none()
    return (
        CorrectiveAction.objects.after_inspections()
        .filter(finding__audit_id=item.audit_id)
        .select_related("finding")
        .order_by("finding_id", "pk")
    )
