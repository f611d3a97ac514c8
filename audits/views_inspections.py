"""The Sở's yearly inspections (TT 26/2014/TT-BKHCN Arts. 33–39), page by page: a year's plan (its
bodies and the one-third check, its approval by the People's Committee, the request for reports,
the November summary) and one body's inspection (the decision and its announcement, the minutes of
a visit or of a check of records, the letter asking for corrections, the answer on the corrective
actions). The documents themselves are downloaded from the same pages (reports.views_inspections).
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import User
from audits import inspections, services
from audits.access import get_inspection_plan_for_user, get_planned_inspection_for_user
from audits.forms import (
    AnswerForm,
    InspectionDecisionForm,
    InspectionPlanForm,
    MinutesForm,
    PlanApprovalForm,
    PlanItemsForm,
    PlanRequestForm,
    PlanSummaryForm,
    PresenceForm,
    ProvinceDutiesForm,
    RecordsLetterForm,
)
from audits.models import InspectionPlan, PlannedInspection, ProvinceDuties
from communes.models import Commune
from core import clock

TEMPLATE = "audits/plannedinspection_detail.html"


def _plan_communes(plan):
    """The bodies the plan must check: the communes of the province's programmes that exist in
    the plan's year (TT 26/2014 Art. 33.2.a), in Vietnamese order."""
    start, end = datetime.date(plan.year, 1, 1), datetime.date(plan.year, 12, 31)
    communes = (
        Commune.objects.filter(participations__programme__province=plan.province)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .select_related("district")
        .distinct()
    )
    return list(communes.order_by("sort_key"))


def _onsite_check(plan, communes, choices):
    """The one-third check of the obliged bodies, the voluntary communes apart."""
    obliged, voluntary = inspections.obliged_split(communes, plan.province, plan.year)
    return inspections.onsite_check(choices, len(obliged), voluntary)


def _plan_ctx(request, plan, **forms) -> dict:
    communes = _plan_communes(plan)
    current = dict(plan.items.values_list("commune_id", "form"))
    items_form = forms.get("items_form") or PlanItemsForm(communes=communes, current=current)
    choices = items_form.forms_by_commune() if items_form.is_bound else current
    rows, totals = inspections.plan_results(plan)
    by_commune = {r.item.commune_id: r for r in rows}
    return {
        "plan": plan,
        "plan_rows": [(c, field, by_commune.get(c.pk)) for c, field in items_form.rows()],
        "can_manage": access.can_manage_inspections(request.user),
        "plan_form": forms.get("plan_form") or InspectionPlanForm(instance=plan),
        "approval_form": forms.get("approval_form") or PlanApprovalForm(instance=plan),
        "request_form": forms.get("request_form") or PlanRequestForm(instance=plan),
        "items_form": items_form,
        "check": _onsite_check(plan, communes, choices),
        "results": rows,
        "totals": totals,
        "summary_form": forms.get("summary_form") or PlanSummaryForm(instance=plan),
        "document_links": inspections.document_links(inspections.plan_documents(plan)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    """The years' inspection plans (province-wide roles), newest first; the Sở's dates for its
    bodies (the 2015 edition, communes obliged), which DOST staff set here (POST)."""
    access.require(request.user.is_province_wide)
    can_manage = access.can_manage_inspections(request.user)
    form = ProvinceDutiesForm(request.POST or None)
    if request.method == "POST":
        access.require(can_manage)
        if form.is_valid():
            form.save_for_province()
            messages.success(request, _("Saved."))
            return redirect("audits:plan_list")
    plans = InspectionPlan.objects.visible_to(request.user).annotate(
        planned=Count("items"),
        onsite=Count("items", filter=Q(items__form=PlannedInspection.Form.ONSITE)),
        recorded=Count("items", filter=Q(items__audit__isnull=False)),
    )
    duties = ProvinceDuties.objects.filter(province__in=form.fields["province"].queryset)
    ctx = {
        "plans": plans,
        "can_manage": can_manage,
        "duties": duties.select_related("province"),
        "duties_form": form,
    }
    return render(request, "audits/inspectionplan_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    """DOST staff draft a year's inspection plan (Mẫu 19. KHKT), then choose its communes."""
    access.require(access.can_manage_inspections(request.user))
    form = InspectionPlanForm(request.POST or None, initial={"year": clock.today().year})
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        form.instance._history_user = request.user
        plan = form.save()
        messages.success(request, _("The plan was created. Choose its communes below."))
        return redirect(plan)
    return render(request, "audits/inspectionplan_create.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    """A plan: its header (POST ``op=plan``), its approval (``op=approval``), the request for
    reports (``op=request``), its communes and the one-third check (``op=items``; an htmx
    ``op=check`` only recomputes the check), the November summary (``op=summary``)."""
    op = request.POST.get("op") if request.method == "POST" else None
    plan = get_inspection_plan_for_user(request.user, pk, write=op is not None)
    if op == "check":
        communes = _plan_communes(plan)
        form = PlanItemsForm(request.POST, communes=communes, current={})
        form.is_valid()
        check = _onsite_check(plan, communes, form.forms_by_commune())
        return render(request, "audits/inspectionplan_detail.html#check", {"check": check})
    forms = _plan_forms(request, plan, op)
    if forms is None:
        return redirect(plan)
    return render(request, "audits/inspectionplan_detail.html", _plan_ctx(request, plan, **forms))


PLAN_FORMS = {
    "plan": ("plan_form", InspectionPlanForm),
    "approval": ("approval_form", PlanApprovalForm),
    "request": ("request_form", PlanRequestForm),
    "summary": ("summary_form", PlanSummaryForm),
}


def _plan_forms(request, plan, op) -> dict | None:
    """Save what was posted; None when saved (the page redirects), else the forms with errors."""
    if op in PLAN_FORMS:
        key, form_class = PLAN_FORMS[op]
        form = form_class(request.POST, instance=plan)
        if not form.is_valid():
            return {key: form}
        form.instance._history_user = request.user
        form.save()
    elif op == "items":
        form = PlanItemsForm(request.POST, communes=_plan_communes(plan), current={})
        if not form.is_valid():
            return {"items_form": form}
        services.inspection_plan_set_items(
            plan=plan, by=request.user, forms=form.forms_by_commune()
        )
    else:
        return {}
    messages.success(request, _("Saved."))
    return None


# One body's inspection ------------------------------------------------------------------------


def _team_initial(request, item) -> dict:
    """Names from the people the product records, to change before generating: the head of the
    team is the user (with the post they held in an earlier team), the members those of the
    plan's last team."""
    if item.team_lead:
        return {}
    name = request.user.get_full_name()
    earlier = PlannedInspection.objects.exclude(team_lead_post="").filter(team_lead=name)
    last_team = item.plan.items.exclude(team_members="").order_by("-decision_date").first()
    return {
        "team_lead": name,
        "team_lead_post": getattr(earlier.order_by("-pk").first(), "team_lead_post", ""),
        "team_members": last_team.team_members if last_team else "",
    }


def _presence_initial(item) -> dict:
    """The body's people the product records (its officers, the commune's ISO secretaries)."""
    if item.attendees or item.commune_representative:
        return {}
    officers = User.objects.filter(commune=item.commune, is_active=True).order_by("pk")
    names = [u.get_full_name() for u in officers if u.get_full_name()]
    return {"attendees": "\n".join(f"{n} – Thư ký ISO" for n in names)}


def _minutes_initial(item, known) -> tuple[dict, dict]:
    initial = {
        "lead": item.team_lead,
        "lead_post": item.team_lead_post,
        "commune_representative": item.commune_representative,
        "commune_representative_post": item.commune_representative_post,
        "attendees": item.attendees,
        "place": item.place,
        "started_at": item.started_at,
        "ended_at": item.ended_at,
    }
    if item.audit_id:
        audit = item.audit
        initial.update(date=audit.date, lead=audit.lead, summary=audit.summary)
        return initial, {a.item: (a.result, a.note) for a in audit.checklist.all()}
    # New minutes: the items the records answer are prefilled from them.
    return initial, {key: (k.result, k.evidence) for key, k in known.items()}


def _inspection_ctx(request, item, **forms) -> dict:
    day = item.audit.date if item.audit_id else (item.planned_on or clock.today())
    known = inspections.known_answers(item.commune, day)
    initial, answers = _minutes_initial(item, known)
    stored = {a.item: a.result for a in item.audit.checklist.all()} if item.audit_id else {}
    actions = inspections.inspection_actions(item)
    return {
        "item": item,
        "plan": item.plan,
        "commune": item.commune,
        "can_manage": access.can_manage_inspections(request.user),
        "decision_form": forms.get("decision_form")
        or InspectionDecisionForm(instance=item, initial=_team_initial(request, item)),
        "presence_form": forms.get("presence_form")
        or PresenceForm(instance=item, initial=_presence_initial(item)),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(initial=initial, answers=answers, onsite=item.is_onsite),
        "letter_form": forms.get("letter_form") or RecordsLetterForm(instance=item),
        "answer_form": forms.get("answer_form")
        or AnswerForm(actions=actions, initial=_answer_initial(item)),
        "known": known,
        "flagged": inspections.contradicted(stored, known),
        "document_links": inspections.document_links(inspections.inspection_documents(item)),
    }


def _answer_initial(item) -> dict:
    return {"answer_number": item.answer_number, "answer_date": item.answer_date or clock.today()}


@login_required
def inspection_detail(request, pk: int):
    """One commune's inspection: the decision and its announcement (on site), the minutes
    against Art. 36, the letter (records), the answer on the corrective actions."""
    item = get_planned_inspection_for_user(request.user, pk)
    return render(request, TEMPLATE, _inspection_ctx(request, item))


def _save_item_form(request, pk: int, form_class, key: str, notice: str, *, onsite: bool | None):
    """Save one of the inspection's small forms (decision, announcement, letter)."""
    item = get_planned_inspection_for_user(request.user, pk, write=True)
    if onsite is not None and item.is_onsite != onsite:
        raise Http404
    form = form_class(request.POST, instance=item)
    if form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, notice)
        return redirect(item)
    return render(request, TEMPLATE, _inspection_ctx(request, item, **{key: form}))


@login_required
@require_POST
def inspection_decision(request, pk: int):
    """DOST staff record the decision to inspect at the office (Mẫu 20. QĐKT) and its team."""
    notice = _("The decision was recorded.")
    return _save_item_form(
        request, pk, InspectionDecisionForm, "decision_form", notice, onsite=True
    )


@login_required
@require_POST
def inspection_presence(request, pk: int):
    """DOST staff record the announcement of the decision (Art. 37.2.a): day, hour, place, who."""
    notice = _("The announcement of the decision was recorded.")
    return _save_item_form(request, pk, PresenceForm, "presence_form", notice, onsite=True)


@login_required
@require_POST
def inspection_letter(request, pk: int):
    """DOST staff record the letter asking a body checked by records to fix (Art. 37.1.a)."""
    item = get_planned_inspection_for_user(request.user, pk)
    if item.audit_id is None:
        raise Http404
    notice = _("The letter was recorded.")
    return _save_item_form(request, pk, RecordsLetterForm, "letter_form", notice, onsite=False)


@login_required
@require_POST
def inspection_minutes(request, pk: int):
    """DOST staff record the minutes (Mẫu 21. BBKT): each item that does not conform becomes a
    finding to act on; a visit's minutes hold its hours, place and people."""
    item = get_planned_inspection_for_user(request.user, pk, write=True)
    form = MinutesForm(request.POST, onsite=item.is_onsite)
    if form.is_valid():
        try:
            audit = _record_minutes(request, item, form.cleaned_data, form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The minutes were recorded. Add corrective actions."))
            return redirect("audits:audit_detail", audit.pk)
    return render(request, TEMPLATE, _inspection_ctx(request, item, minutes_form=form))


def _record_minutes(request, item, data, answers):
    visit = {
        "team_lead_post": data.get("lead_post", ""),
        "commune_representative_post": data.get("commune_representative_post", ""),
    }
    if item.is_onsite:
        visit.update({k: data.get(k) for k in ("attendees", "place", "started_at", "ended_at")})
    return services.inspection_minutes_record(
        item=item,
        by=request.user,
        date=data["date"],
        lead=data["lead"],
        summary=data["summary"],
        commune_representative=data["commune_representative"],
        answers=answers,
        visit=visit,
    )


@login_required
@require_POST
def inspection_answer(request, pk: int):
    """DOST staff answer the body's corrective actions (Art. 37.2.d): each accepted or not."""
    item = get_planned_inspection_for_user(request.user, pk, write=True)
    if item.audit_id is None:
        raise Http404
    form = AnswerForm(request.POST, actions=inspections.inspection_actions(item))
    if form.is_valid():
        data = form.cleaned_data
        services.inspection_answer_record(
            item=item,
            by=request.user,
            number=data["answer_number"],
            date=data["answer_date"],
            answers=form.answers(),
        )
        messages.success(request, _("The answer was recorded."))
        return redirect(item)
    return render(request, TEMPLATE, _inspection_ctx(request, item, answer_form=form))
