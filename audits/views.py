"""Audit pages: the lists of findings and corrective actions, then recording audits and actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from audits import services
from audits.forms import (
    ActionDoneForm,
    AnnouncementForm,
    AuditForm,
    CorrectiveActionForm,
    FindingForm,
)
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import District
from communes.search import in_order, search_page, unit_key, units_sorted
from core.spreadsheets import export_format, export_list
from qms_rollout import clock
from reports import metrics
from roadmap.services import MilestoneConflict

PER_PAGE = 25


def _list_filters(request, *names) -> dict:
    filters = {name: request.GET.get(name, "").strip() for name in ("q", "district", *names)}
    filters["overdue"] = request.GET.get("overdue", "") == "1"
    return filters


@login_required
def finding_list(request):
    """Findings the user may see, newest audit first, communes in Vietnamese order."""
    filters = _list_filters(request, "kind", "severity", "status")
    qs = Finding.objects.visible_to(request.user)
    if filters["district"]:
        qs = qs.filter(audit__commune__district__code=filters["district"])
    if filters["kind"] in Audit.Kind.values:
        qs = qs.filter(audit__kind=filters["kind"])
    if filters["severity"] in Finding.Severity.values:
        qs = qs.filter(severity=filters["severity"])
    if filters["status"] in Finding.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters["overdue"]:
        qs = qs.filter(corrective_actions__in=CorrectiveAction.objects.overdue(clock.today()))
    index = qs.distinct().values_list(
        "pk",
        "audit__commune__name",
        "audit__commune__district__name",
        "audit__commune__code",
        "clause",
        "description",
        "audit__date",
    )
    page = search_page(
        index,
        query=filters["q"],
        texts=lambda r: (r[1], r[2], r[3], r[4], r[5]),
        key=lambda r: (-r[6].toordinal(), unit_key(r[1]), r[0]),
        page_number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    if fmt := export_format(request):
        return export_list("findings", page.paginator.object_list, fmt)
    findings = in_order(
        Finding.objects.filter(pk__in=list(page.object_list)).with_list_related(),
        page.object_list,
    )
    ctx = {
        "page": page,
        "findings": findings,
        "filters": filters,
        "districts": units_sorted(District.objects.visible_to(request.user).current()),
        "kinds": Audit.Kind.choices,
        "severities": Finding.Severity.choices,
        "statuses": Finding.Status.choices,
    }
    template = "audits/finding_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)


ACTION_STATES = {
    "open": {"done_on__isnull": True},
    "done": {"done_on__isnull": False, "verified_at__isnull": True},
    "verified": {"verified_at__isnull": False},
}


@login_required
def action_list(request):
    """Corrective actions the user may see, by due date, communes in Vietnamese order."""
    filters = _list_filters(request, "status")
    qs = CorrectiveAction.objects.visible_to(request.user)
    if filters["district"]:
        qs = qs.filter(finding__audit__commune__district__code=filters["district"])
    if filters["status"] in ACTION_STATES:
        qs = qs.filter(**ACTION_STATES[filters["status"]])
    if filters["overdue"]:
        qs = qs.overdue(clock.today())
    index = qs.values_list(
        "pk",
        "finding__audit__commune__name",
        "finding__audit__commune__district__name",
        "finding__audit__commune__code",
        "description",
        "owner",
        "due_date",
    )
    page = search_page(
        index,
        query=filters["q"],
        texts=lambda r: (r[1], r[2], r[3], r[4], r[5]),
        key=lambda r: (r[6], unit_key(r[1]), r[0]),
        page_number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    if fmt := export_format(request):
        return export_list("corrective-actions", page.paginator.object_list, fmt)
    actions = in_order(
        CorrectiveAction.objects.filter(pk__in=list(page.object_list)).with_list_related(),
        page.object_list,
    )
    ctx = {
        "page": page,
        "actions": actions,
        "filters": filters,
        "districts": units_sorted(District.objects.visible_to(request.user).current()),
        "statuses": [
            ("open", _("Not done")),
            ("done", _("Done, not verified")),
            ("verified", _("Verified")),
        ],
    }
    template = "audits/corrective_action_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)


# Recording audits, findings, corrective actions and announcements (the writing workflows) ------


def _serve(field_file, filename: str | None = None):
    """A stored file as an attachment (never from MEDIA_URL): the caller checked access."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = filename or field_file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
@require_http_methods(["GET", "POST"])
def audit_create(request, code: str):
    """DOST staff and the commune's consultant record an audit, review or inspection."""
    commune = access.get_commune_for_user(request.user, code, write=True)
    may_inspect = access.can_record_inspection(request.user)
    form = AuditForm(request.POST or None, request.FILES or None, may_inspect=may_inspect)
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
    return {
        "audit": audit,
        "commune": audit.commune,
        "findings": findings,
        "can_manage": can_manage,
        "finding_form": finding_form
        or (FindingForm(commune=audit.commune, prefix="finding") if can_manage else None),
    }


@login_required
def audit_detail(request, pk: int):
    """An audit with its findings and their corrective actions; editors add to it."""
    audit = access.get_audit_for_user(request.user, pk)
    return render(request, "audits/audit_detail.html", _audit_ctx(request, audit))


@login_required
def audit_report(request, pk: int):
    audit = access.get_audit_for_user(request.user, pk)
    return _serve(audit.report)


@login_required
@require_POST
def finding_create(request, pk: int):
    audit = access.get_audit_for_user(request.user, pk, write=True)
    form = FindingForm(request.POST, commune=audit.commune, prefix="finding")
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
    finding = access.get_finding_for_user(request.user, pk, write=True)
    form = CorrectiveActionForm(request.POST, prefix=f"f{finding.pk}")
    form.instance.finding = finding
    if form.is_valid():
        form.save()
        messages.success(request, _("The corrective action was recorded."))
        return redirect("audits:audit_detail", finding.audit_id)
    audit = access.get_audit_for_user(request.user, finding.audit_id)
    ctx = _audit_ctx(request, audit, action_forms={finding.pk: form})
    return render(request, "audits/audit_detail.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, pk: int):
    """A corrective action: the commune marks it done with evidence (``op=done``); DOST staff or
    the consultant verify it (``op=verify``), which closes the finding once all are verified."""
    op = request.POST.get("op") if request.method == "POST" else None
    if op not in (None, "done", "verify"):
        raise Http404
    action = access.get_corrective_action_for_user(
        request.user, pk, write=op == "done", verify=op == "verify"
    )
    done_form, notice, problem = None, "", ""
    if op == "done":
        done_form = ActionDoneForm(request.POST, request.FILES, action=action)
        if done_form.is_valid():
            services.corrective_action_mark_done(
                action=action,
                by=request.user,
                done_on=done_form.cleaned_data["done_on"],
                evidence=done_form.cleaned_data.get("evidence"),
            )
            notice, done_form = _("The corrective action was marked done."), None
    elif op == "verify":
        try:
            services.corrective_action_verify(action=action, by=request.user)
        except ValidationError as exc:
            problem = exc.messages[0]
        else:
            notice = _("The corrective action was verified.")
    if op is not None and not request.htmx and (notice or problem):
        messages.add_message(
            request, messages.ERROR if problem else messages.SUCCESS, problem or notice
        )
        return redirect("audits:action_update", action.pk)
    if op is not None:
        action = access.get_corrective_action_for_user(request.user, pk)
    can_mark_done = access.can_mark_action_done(request.user, action)
    ctx = {
        "notice": notice,
        "problem": problem,
        "action": action,
        "finding": action.finding,
        "audit": action.finding.audit,
        "commune": action.finding.audit.commune,
        "can_mark_done": can_mark_done,
        "can_verify": access.can_manage_quality_records(request.user, action.finding.audit.commune),
        "done_form": done_form
        or (
            ActionDoneForm(action=action, initial={"done_on": action.done_on or clock.today()})
            if can_mark_done
            else None
        ),
    }
    template = "audits/corrective_action_update.html"
    if request.htmx:
        template += "#action"
    return render(request, template, ctx)


@login_required
def action_evidence(request, pk: int):
    action = access.get_corrective_action_for_user(request.user, pk)
    return _serve(action.evidence)


@login_required
@require_http_methods(["GET", "POST"])
def announcement_create(request, code: str):
    """Record the commune's announcement of conformity; it completes the roadmap's step."""
    commune = access.get_commune_for_user(request.user, code, write=True)
    form = AnnouncementForm(request.POST or None, commune=commune)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.announcement_record(commune=commune, by=request.user, **data)
        except MilestoneConflict:
            form.add_error(
                None,
                _("The roadmap step was changed at the same moment by someone else. Try again."),
            )
        else:
            messages.success(
                request, _("The announcement was recorded and the roadmap step completed.")
            )
            return redirect("communes:commune_detail", commune.code)
    milestone = services.announcement_milestone(commune)
    if not form.is_bound:
        if milestone is not None:
            form.initial["standard"] = milestone.participation.programme.standard
        figures = metrics.compute(
            metrics.participations_in_scope(request.user, commune=commune), as_of=clock.today()
        )
        previous = Announcement.objects.filter(commune=commune).exists()
        form.initial.update(
            {
                "scope_size": figures.scope_covered,
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
    finding = access.get_finding_for_user(request.user, pk, write=True)
    try:
        services.finding_close(finding=finding, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The finding was closed."))
    return redirect("audits:audit_detail", finding.audit_id)
