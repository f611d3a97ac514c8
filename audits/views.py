"""Audit pages: the lists of findings and corrective actions, then recording audits and actions,
then the DOST's yearly inspections (plans, decisions, minutes, the November summary)."""

import datetime
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from audits import inspections, services
from audits.access import (
    get_audit_for_user,
    get_corrective_action_for_user,
    get_finding_for_user,
    get_inspection_plan_for_user,
    get_planned_inspection_for_user,
)
from audits.filters import AnnouncementFilterSet, CorrectiveActionFilterSet, FindingFilterSet
from audits.forms import (
    ActionDoneForm,
    AnnouncementForm,
    AuditForm,
    CorrectiveActionForm,
    FindingForm,
    InspectionDecisionForm,
    InspectionPlanForm,
    MinutesForm,
    PlanItemsForm,
    PlanSummaryForm,
)
from audits.models import (
    Announcement,
    CorrectiveAction,
    Finding,
    InspectionPlan,
    PlannedInspection,
)
from communes.access import get_commune_for_user
from communes.models import Commune
from core import clock
from core.asof import as_of_from_request
from core.filenames import download_name
from core.lists import paginate, render_list
from core.spreadsheets import export_format, export_list
from procedures.models import ScopeItem
from roadmap.models import Standard
from roadmap.services import MilestoneConflict


def _filtered_list(request, filterset, everything, *, order, export: str, template: str, name):
    """``filterset``'s rows in ``order``, as they stood on the list's day: every one exported
    when asked, else the page. ``everything``: the rows the user may see, on any day."""
    as_of = filterset.as_of
    rows = filterset.qs.order_by(*order)
    if fmt := export_format(request):
        keys = rows.values_list("pk", flat=True)
        return export_list(export, keys, fmt, day=as_of, request=request)
    page = paginate(request, rows.with_list_related(as_of))
    for row in page.object_list:
        take = getattr(row, "take_status_on", None) or getattr(row, "take_state_on", None)
        if take is not None:
            take(as_of)
    ctx = {"page": page, name: page.object_list, "filterset": filterset}
    ctx["as_of_choice"] = as_of_from_request(request)
    if not page.paginator.count:
        ctx["ended_last_day"] = _last_day_of_ended_units(everything, as_of)
    return render_list(request, template, ctx)


def _last_day_of_ended_units(rows, as_of):
    """The last day of the ended units that ``rows`` (every row the user may see) belong to,
    ended before ``as_of``: an empty list of today says where their rows are."""
    path = rows.commune_path
    ended = rows.filter(**{f"{path}__valid_until__lt": as_of})
    return ended.aggregate(last=Max(f"{path}__valid_until"))["last"]


@login_required
def finding_list(request):
    """Findings the user may see as they stood on the list's day (``?as_of=``, today by
    default: those of the units in force then, raised by then), newest audit first, communes in
    Vietnamese order."""
    as_of = as_of_from_request(request).date
    everything = Finding.objects.visible_to(request.user)
    return _filtered_list(
        request,
        FindingFilterSet(request.GET, everything.as_of(as_of), request=request, as_of=as_of),
        everything,
        order=("-audit__date", "audit__commune__sort_key", "pk"),
        export="findings",
        template="audits/finding_list.html",
        name="findings",
    )


@login_required
def action_list(request):
    """Corrective actions the user may see as they stood on the list's day, by due date,
    communes in Vietnamese order."""
    as_of = as_of_from_request(request).date
    everything = CorrectiveAction.objects.visible_to(request.user)
    filterset = CorrectiveActionFilterSet(
        request.GET, everything.as_of(as_of), request=request, as_of=as_of
    )
    return _filtered_list(
        request,
        filterset,
        everything,
        order=("due_date", "finding__audit__commune__sort_key", "pk"),
        export="corrective-actions",
        template="audits/corrective_action_list.html",
        name="actions",
    )


@login_required
def announcement_list(request):
    """Announcements of conformity the user may see, as of the list's day (the decisions of the
    units in force then, taken by then), newest first."""
    as_of = as_of_from_request(request).date
    everything = Announcement.objects.visible_to(request.user)
    filterset = AnnouncementFilterSet(
        request.GET, everything.as_of(as_of), request=request, as_of=as_of
    )
    return _filtered_list(
        request,
        filterset,
        everything,
        order=("-decision_date", "commune__sort_key", "pk"),
        export="announcements",
        template="audits/announcement_list.html",
        name="announcements",
    )


# Recording audits, findings, corrective actions and announcements (the writing workflows) ------


def _serve(field_file, *name_parts):
    """A stored file as an attachment (never from MEDIA_URL): the caller checked access.

    Its download name says what it is (``bien-ban-kiem-tra-xa-phu-phung-15-12-2017.pdf``): the
    stored name is random.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = PurePath(field_file.name).suffix or ".bin"
    name = download_name(*name_parts, ext=extension) if name_parts else None
    return FileResponse(handle, as_attachment=True, filename=name or PurePath(field_file.name).name)


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request, code: str, since: str):
    """DOST staff and the commune's consultant record an audit, review or inspection."""
    commune = get_commune_for_user(request.user, code, since)
    access.require(access.can_manage_quality_records(request.user, commune))
    may_inspect = access.can_record_inspection(request.user)
    form = AuditForm(request.POST or None, request.FILES or None, may_inspect=may_inspect)
    form.instance.commune = commune  # the dates are checked against the commune's existence
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        audit = services.audit_record(
            commune=commune,
            by=request.user,
            kind=data["kind"],
            date=data["date"],
            lead=data["lead"],
            summary=data["summary"],
            report=data.get("report"),
        )
        messages.success(request, _("The audit was recorded. Add its findings below."))
        return redirect("audits:audit_detail", audit.pk)
    return render(request, "audits/audit_create.html", {"commune": commune, "form": form})


def _audit_ctx(request, audit, *, finding_form=None, action_forms=None) -> dict:
    can_manage = access.can_manage_quality_records(request.user, audit.commune)
    findings = list(
        audit.findings.select_related("procedure").prefetch_related(
            Prefetch(
                "corrective_actions",
                queryset=CorrectiveAction.objects.select_related("verified_by"),
            )
        )
    )
    action_forms = action_forms or {}
    for finding in findings:
        finding.has_unverified_actions = any(
            a.verified_at is None for a in finding.corrective_actions.all()
        )
    if can_manage:
        for finding in findings:
            finding.action_form = action_forms.get(finding.pk) or CorrectiveActionForm(
                prefix=f"f{finding.pk}"
            )
    inspection = None
    if audit.is_inspection:  # its plan, decision and minutes (TT 26/2014 Arts. 34–37)
        inspection = PlannedInspection.objects.filter(audit=audit).select_related("plan").first()
    return {
        "audit": audit,
        "commune": audit.commune,
        "findings": findings,
        "inspection": inspection,
        "standard": Standard(audit.standard).label if audit.standard else "",
        "can_manage": can_manage,
        "finding_form": finding_form
        or (FindingForm(audit=audit, prefix="finding") if can_manage else None),
    }


@login_required
def audit_detail(request, pk: int):
    """An audit with its findings and their corrective actions; editors add to it."""
    audit = get_audit_for_user(request.user, pk)
    return render(request, "audits/audit_detail.html", _audit_ctx(request, audit))


@login_required
def audit_report(request, pk: int):
    audit = get_audit_for_user(request.user, pk)
    with translation.override("vi"):
        return _serve(audit.report, audit.get_kind_display(), audit.commune.name, audit.date)


@login_required
@require_POST
def finding_create(request, pk: int):
    audit = get_audit_for_user(request.user, pk, write=True)
    form = FindingForm(request.POST, audit=audit, prefix="finding")
    form.instance.audit = audit
    if form.is_valid():
        form.save()
        messages.success(request, _("The finding was recorded."))
        return redirect("audits:audit_detail", audit.pk)
    return render(
        request, "audits/audit_detail.html", _audit_ctx(request, audit, finding_form=form)
    )


@login_required
@require_POST
def action_create(request, pk: int):
    finding = get_finding_for_user(request.user, pk, write=True)
    form = CorrectiveActionForm(request.POST, prefix=f"f{finding.pk}")
    form.instance.finding = finding
    if form.is_valid():
        form.save()
        messages.success(request, _("The corrective action was recorded."))
        return redirect("audits:audit_detail", finding.audit_id)
    audit = get_audit_for_user(request.user, finding.audit_id)
    ctx = _audit_ctx(request, audit, action_forms={finding.pk: form})
    return render(request, "audits/audit_detail.html", ctx)


def _action_apply(request, action, op: str):
    """Apply ``op`` (``done`` or ``verify``) to ``action``: ``(done_form, notice, problem)``,
    the form bound with its errors when marking done did not validate."""
    if op == "done":
        form = ActionDoneForm(request.POST, request.FILES, action=action)
        if not form.is_valid():
            return form, "", ""
        services.corrective_action_mark_done(
            action=action,
            by=request.user,
            done_on=form.cleaned_data["done_on"],
            evidence=form.cleaned_data.get("evidence"),
        )
        return None, _("The corrective action was marked done."), ""
    try:
        services.corrective_action_verify(action=action, by=request.user)
    except ValidationError as exc:
        return None, "", exc.messages[0]
    return None, _("The corrective action was verified."), ""


def _action_ctx(request, action, *, done_form, notice: str, problem: str) -> dict:
    commune = action.finding.audit.commune
    can_mark_done = access.can_mark_action_done(request.user, action)
    if done_form is None and can_mark_done:
        initial = {"done_on": action.done_on or clock.today()}
        done_form = ActionDoneForm(action=action, initial=initial)
    return {
        "notice": notice,
        "problem": problem,
        "action": action,
        "finding": action.finding,
        "audit": action.finding.audit,
        "commune": commune,
        "can_mark_done": can_mark_done,
        "can_verify": access.can_manage_quality_records(request.user, commune),
        "done_form": done_form,
    }


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, pk: int):
    """A corrective action: the commune marks it done with evidence (``op=done``); DOST staff or
    the consultant verify it (``op=verify``), which closes the finding once all are verified."""
    op = request.POST.get("op") if request.method == "POST" else None
    if op not in (None, "done", "verify"):
        raise Http404
    action = get_corrective_action_for_user(
        request.user, pk, write=op == "done", verify=op == "verify"
    )
    done_form, notice, problem = None, "", ""
    if op is not None:
        done_form, notice, problem = _action_apply(request, action, op)
        if not request.htmx and (notice or problem):
            level = messages.ERROR if problem else messages.SUCCESS
            messages.add_message(request, level, problem or notice)
            return redirect("audits:action_update", action.pk)
        action = get_corrective_action_for_user(request.user, pk)
    ctx = _action_ctx(request, action, done_form=done_form, notice=notice, problem=problem)
    template = "audits/corrective_action_update.html"
    if request.htmx:
        template += "#action"
    return render(request, template, ctx)


@login_required
def action_evidence(request, pk: int):
    action = get_corrective_action_for_user(request.user, pk)
    with translation.override("vi"):
        return _serve(
            action.evidence,
            _("corrective action evidence"),
            action.finding.audit.commune.name,
            action.done_on,
        )


@login_required
@require_http_methods(["GET", "POST"])
def announcement_create(request, code: str, since: str):
    """Record the commune's announcement of conformity; it completes the roadmap's step."""
    commune = get_commune_for_user(request.user, code, since)
    access.require(access.can_manage_quality_records(request.user, commune))
    may_override = access.can_manage_inspections(request.user)
    form = AnnouncementForm(request.POST or None, commune=commune, may_override=may_override)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.announcement_record(commune=commune, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except MilestoneConflict:
            form.add_error(
                None,
                _("The roadmap step was changed at the same moment by someone else. Try again."),
            )
        else:
            messages.success(
                request, _("The announcement was recorded and the roadmap step completed.")
            )
            return redirect(commune)
    milestone = services.announcement_milestone(commune)
    if not form.is_bound:
        if milestone is not None:
            form.initial["standard"] = milestone.participation.programme.standard
        covered = ScopeItem.objects.coverage_by_commune([commune.pk]).get(commune.pk, 0)
        previous = Announcement.objects.filter(commune=commune).exists()
        form.initial.update(
            {
                "scope_size": covered,
                "kind": Announcement.Kind.REANNOUNCEMENT if previous else Announcement.Kind.FIRST,
                "decision_date": clock.today(),
            }
        )
    ctx = {"commune": commune, "form": form, "milestone": milestone}
    return render(request, "audits/announcement_create.html", ctx)


@login_required
@require_POST
def finding_close(request, pk: int):
    """DOST staff or the consultant close a finding with no open corrective action."""
    finding = get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_close(finding=finding, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The finding was closed."))
    return redirect("audits:audit_detail", finding.audit_id)


# The DOST's yearly inspections (TT 26/2014 Arts. 33–39) ---------------------------------------


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
        "items_form": items_form,
        "check": inspections.onsite_check(choices, len(communes)),
        "results": rows,
        "totals": totals,
        "summary_form": forms.get("summary_form") or PlanSummaryForm(instance=plan),
    }


@login_required
def plan_list(request):
    """The years' inspection plans (province-wide roles), newest first."""
    access.require(request.user.is_province_wide)
    plans = InspectionPlan.objects.visible_to(request.user).annotate(
        planned=Count("items"),
        onsite=Count("items", filter=Q(items__form=PlannedInspection.Form.ONSITE)),
        recorded=Count("items", filter=Q(items__audit__isnull=False)),
    )
    ctx = {"plans": plans, "can_manage": access.can_manage_inspections(request.user)}
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
    """A plan: its header (POST ``op=plan``), its communes and the one-third check (``op=items``;
    an htmx ``op=check`` only recomputes the check), the November summary (``op=summary``)."""
    op = request.POST.get("op") if request.method == "POST" else None
    plan = get_inspection_plan_for_user(request.user, pk, write=op is not None)
    if op == "check":
        form = PlanItemsForm(request.POST, communes=_plan_communes(plan), current={})
        form.is_valid()
        check = inspections.onsite_check(form.forms_by_commune(), len(form.communes))
        return render(request, "audits/inspectionplan_detail.html#check", {"check": check})
    forms = _plan_forms(request, plan, op)
    if forms is None:
        return redirect(plan)
    return render(request, "audits/inspectionplan_detail.html", _plan_ctx(request, plan, **forms))


def _plan_forms(request, plan, op) -> dict | None:
    """Save what was posted; None when saved (the page redirects), else the forms with errors."""
    if op == "plan":
        form = InspectionPlanForm(request.POST, instance=plan)
        if not form.is_valid():
            return {"plan_form": form}
        form.instance._history_user = request.user
        form.save()
    elif op == "items":
        form = PlanItemsForm(request.POST, communes=_plan_communes(plan), current={})
        if not form.is_valid():
            return {"items_form": form}
        services.inspection_plan_set_items(
            plan=plan, by=request.user, forms=form.forms_by_commune()
        )
    elif op == "summary":
        form = PlanSummaryForm(request.POST, instance=plan)
        if not form.is_valid():
            return {"summary_form": form}
        form.save()
    else:
        return {}
    messages.success(request, _("Saved."))
    return None


def _inspection_ctx(request, item, *, decision_form=None, minutes_form=None) -> dict:
    answers = {}
    if item.audit_id:
        answers = {a.item: (a.result, a.note) for a in item.audit.checklist.all()}
    initial = {"lead": item.team_lead, "commune_representative": item.commune_representative}
    if item.audit_id:
        audit = item.audit
        initial.update(date=audit.date, lead=audit.lead, summary=audit.summary)
    return {
        "item": item,
        "plan": item.plan,
        "commune": item.commune,
        "can_manage": access.can_manage_inspections(request.user),
        "decision_form": decision_form or InspectionDecisionForm(instance=item),
        "minutes_form": minutes_form or MinutesForm(initial=initial, answers=answers),
    }


@login_required
def inspection_detail(request, pk: int):
    """One commune's inspection: the decision (on site), the minutes against Art. 36."""
    item = get_planned_inspection_for_user(request.user, pk)
    return render(request, "audits/plannedinspection_detail.html", _inspection_ctx(request, item))


@login_required
@require_POST
def inspection_decision(request, pk: int):
    """DOST staff record the decision to inspect at the office (Mẫu 20. QĐKT)."""
    item = get_planned_inspection_for_user(request.user, pk, write=True)
    if not item.is_onsite:
        raise Http404
    form = InspectionDecisionForm(request.POST, instance=item)
    if form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, _("The decision was recorded."))
        return redirect(item)
    ctx = _inspection_ctx(request, item, decision_form=form)
    return render(request, "audits/plannedinspection_detail.html", ctx)


@login_required
@require_POST
def inspection_minutes(request, pk: int):
    """DOST staff record the minutes (Mẫu 21. BBKT): each finding becomes a finding to act on."""
    item = get_planned_inspection_for_user(request.user, pk, write=True)
    form = MinutesForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.inspection_minutes_record(
                item=item,
                by=request.user,
                date=data["date"],
                lead=data["lead"],
                summary=data["summary"],
                commune_representative=data["commune_representative"],
                answers=form.answers(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The minutes were recorded. Add corrective actions."))
            return redirect("audits:audit_detail", audit.pk)
    ctx = _inspection_ctx(request, item, minutes_form=form)
    return render(request, "audits/plannedinspection_detail.html", ctx)
