"""Audit pages: the lists of findings and corrective actions, then recording audits and actions,
then the DOST's yearly inspections (plans, decisions, minutes, the November summary)."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from audits import services
from audits.access import (
    get_audit_for_user,
    get_corrective_action_for_user,
    get_finding_for_user,
)
from audits.filters import AnnouncementFilterSet, CorrectiveActionFilterSet, FindingFilterSet
from audits.forms import (
    ActionDoneForm,
    AnnouncementForm,
    AuditForm,
    CorrectiveActionForm,
    FindingForm,
)
from audits.models import (
    Announcement,
    CorrectiveAction,
    Finding,
    PlannedInspection,
)
from communes.access import get_commune_for_user
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
