"""Roadmap pages: milestones (list, update with evidence), programmes and their communes."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import User
from communes.models import Commune
from core import clock
from core.asof import as_of_from_request
from core.lists import paginate, render_list
from core.spreadsheets import export_format, export_list
from roadmap import services
from roadmap.access import get_evidence_for_user, get_milestone_for_user, get_programme_for_user
from roadmap.filters import MilestoneFilterSet
from roadmap.forms import (
    ApplyTemplateForm,
    MilestoneUpdateForm,
    OfficerAssignForm,
    ParticipationBulkForm,
    ParticipationForm,
    ProgrammeForm,
    SuccessorWaveForm,
)
from roadmap.models import (
    Milestone,
    Participation,
    Programme,
    Standard,
)
from roadmap.services import MilestoneConflict, milestone_record_update
from roadmap.successors import starting_point_labels, successor_starting_points


@login_required
def milestone_list(request):
    """Milestones the user may see, as they stood on the list's day (``?as_of=``, today by
    default: the units in force then, each step's status of that day), filtered in the URL, in
    Vietnamese order of communes. A past day's steps are not offered for an update."""
    as_of = as_of_from_request(request)
    visible = Milestone.objects.visible_to(request.user).as_of(as_of.date)
    filterset = MilestoneFilterSet(request.GET, visible, request=request, as_of=as_of.date)
    milestones = filterset.qs.order_by("participation__commune__sort_key", "step__order", "pk")
    if fmt := export_format(request):
        return export_list("milestones", milestones, fmt, day=as_of.date, request=request)
    page = paginate(request, milestones.with_list_related())
    for m in page.object_list:
        m.take_status_on(as_of.date)
        m.editable = not m.read_only and access.can_edit_milestone(request.user, m)
    ctx = {
        "page": page,
        "milestones": page.object_list,
        "filterset": filterset,
        "as_of_choice": as_of,
    }
    return render_list(request, "roadmap/milestone_list.html", ctx)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _milestone_ctx(request, milestone, form, *, conflict=None, saved=False) -> dict:
    return {
        "milestone": milestone,
        "participation": milestone.participation,
        "commune": milestone.participation.commune,
        "step": milestone.step,
        "form": form,
        "can_edit": access.can_edit_milestone(request.user, milestone),
        "conflict": conflict,
        "saved": saved,
        "evidence": list(milestone.evidence.select_related("uploaded_by")),
        "changes": milestone.changes(),
        "next": _safe_next(request, ""),
        "inline": (request.POST.get("inline") or request.GET.get("inline")) == "1",
    }


def _milestone_conflict(request, pk: int, current):
    """Someone saved in between: the current milestone, the user's values against the current
    version (saving again is a deliberate choice made with the current values in view)."""
    milestone = get_milestone_for_user(request.user, pk)
    retry = request.POST.copy()
    retry["version"] = str(current.version)
    form = MilestoneUpdateForm.for_milestone(milestone, retry)
    form.is_valid()
    return milestone, form, current, False


def _milestone_save(request, milestone, form):
    """Record the valid ``form``: ``(milestone, form, conflict, saved)`` to show, or ``None``
    when a plain (non-htmx) post saved and the page redirects."""
    data = form.cleaned_data
    try:
        milestone = milestone_record_update(
            milestone=milestone,
            by=request.user,
            status=data["status"],
            completed_on=data["completed_on"],
            note=data["note"],
            expected_version=data["version"],
            upload=data.get("evidence"),
        )
    except MilestoneConflict as exc:
        return _milestone_conflict(request, milestone.pk, exc.current)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return milestone, form, None, False
    if not request.htmx:
        messages.success(request, _("The milestone was saved."))
        return None
    milestone = get_milestone_for_user(request.user, milestone.pk)
    return milestone, MilestoneUpdateForm.for_milestone(milestone), None, True


def _milestone_response(request, ctx):
    """The page, or for htmx the partial: ``panel``, or ``inline`` for the editor row that lists
    (the commune page, the milestone list) insert under a row."""
    if not request.htmx:
        status = 409 if ctx["conflict"] is not None else 200
        return render(request, "roadmap/milestone_update.html", ctx, status=status)
    # htmx swaps only 2xx answers: the conflict is told inside the partial.
    partial = "inline" if ctx["inline"] else "panel"
    response = render(request, f"roadmap/milestone_update.html#{partial}", ctx)
    if ctx["saved"]:
        response["HX-Trigger"] = "milestoneSaved"
        if ctx["inline"]:
            # The list around the editor row shows the old values: reload it, with the notice.
            messages.success(request, _("The milestone was saved."))
            response["HX-Refresh"] = "true"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def milestone_update(request, pk: int):
    """Show a milestone (its step, expected evidence, files, history) and update it.

    The form carries the version it was loaded at: when someone else saved in between, nothing
    is saved and the page shows the current values next to the user's. htmx requests get the
    ``panel`` partial, swapped in place.
    """
    write = request.method == "POST"
    milestone = get_milestone_for_user(request.user, pk, write=write)
    conflict, saved = None, False
    if not write:
        form = MilestoneUpdateForm.for_milestone(milestone)
    else:
        form = MilestoneUpdateForm.for_milestone(milestone, request.POST, request.FILES)
        if form.is_valid():
            shown = _milestone_save(request, milestone, form)
            if shown is None:
                return redirect(_safe_next(request, milestone.get_absolute_url()))
            milestone, form, conflict, saved = shown
    ctx = _milestone_ctx(request, milestone, form, conflict=conflict, saved=saved)
    return _milestone_response(request, ctx)


@login_required
def evidence_download(request, pk: int):
    """An evidence file, to those who may see its milestone, always as an attachment."""
    evidence = get_evidence_for_user(request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )


# Programme management (DOST staff) ----------------------------------------------------------


@login_required
def programme_list(request):
    """The waves of the rollout the user may see, with their number of communes."""
    programmes = (
        Programme.objects.visible_to(request.user)
        .select_related("consultant", "province")
        .with_commune_counts()
        .order_by("-start_date", "name")
    )
    ctx = {
        "programmes": programmes,
        "can_manage": access.can_manage_programmes(request.user),
    }
    return render(request, "roadmap/programme_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    access.require(access.can_manage_programmes(request.user))
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        messages.success(request, _("The programme was created. Add its communes."))
        return redirect("roadmap:programme_detail", programme.pk)
    return render(request, "roadmap/programme_create.html", {"form": form})


def _programme_participations(user, programme) -> list:
    """The programme's participations ``user`` may see, with their number of milestones and
    their commune officers (``officers``), by district then commune in Vietnamese order."""
    participations = list(
        Participation.objects.visible_to(user)
        .filter(programme=programme)
        .with_list_related()
        .select_related("template")
        .with_milestone_counts()
        .order_by(F("commune__district__code").asc(nulls_first=True), "commune__sort_key")
    )
    officers = defaultdict(list)
    for officer in User.objects.filter(
        role=User.Role.COMMUNE_OFFICER,
        commune_id__in=[p.commune_id for p in participations],
        is_active=True,
    ).order_by("username"):
        officers[officer.commune_id].append(officer)
    for participation in participations:
        participation.officers = officers[participation.commune_id]
    return participations


def _programme_forms(programme, forms) -> dict:
    """The management forms of the programme page: those given (bound, with errors) or new."""
    return {
        "participation_form": forms.get("participation_form")
        or ParticipationForm(programme=programme, prefix="p"),
        "bulk_form": forms.get("bulk_form")
        or ParticipationBulkForm(programme=programme, prefix="b"),
        "template_form": forms.get("template_form")
        or ApplyTemplateForm(prefix="t", programme=programme),
        "officer_form": forms.get("officer_form")
        or OfficerAssignForm(programme=programme, prefix="o"),
    }


def _programme_ctx(request, programme, **forms) -> dict:
    can_manage = access.can_manage_programmes(request.user)
    ctx = {
        "programme": programme,
        "participations": _programme_participations(request.user, programme),
        "can_manage": can_manage,
    }
    if can_manage:
        ctx.update(_programme_forms(programme, forms))
    return ctx


@login_required
def programme_detail(request, pk: int):
    """A programme: its communes, their kinds, budgets, templates and officers."""
    programme = get_programme_for_user(request.user, pk)
    return render(request, "roadmap/programme_detail.html", _programme_ctx(request, programme))


@login_required
@require_POST
def participation_create(request, pk: int):
    """Add a commune to the programme (kind, budget, start date, QMS representative, secretary)."""
    programme = get_programme_for_user(request.user, pk, write=True)
    form = ParticipationForm(request.POST, programme=programme, prefix="p")
    if form.is_valid():
        participation = form.save()
        messages.success(
            request,
            _("%(commune)s was added to the programme.") % {"commune": participation.commune.name},
        )
        return redirect("roadmap:programme_detail", programme.pk)
    ctx = _programme_ctx(request, programme, participation_form=form)
    return render(request, "roadmap/programme_detail.html", ctx)


@login_required
@require_POST
def participation_bulk_create(request, pk: int):
    """Add several communes at once (same kind, start date and budget)."""
    programme = get_programme_for_user(request.user, pk, write=True)
    form = ParticipationBulkForm(request.POST, programme=programme, prefix="b")
    if form.is_valid():
        data = form.cleaned_data
        created = services.programme_add_communes(
            programme=programme,
            communes=data["communes"],
            by=request.user,
            kind=data["kind"],
            start_date=data["start_date"],
            budget_allocated=data["budget_allocated"],
        )
        messages.success(
            request,
            ngettext(
                "%(n)s commune was added to the programme.",
                "%(n)s communes were added to the programme.",
                len(created),
            )
            % {"n": len(created)},
        )
        return redirect("roadmap:programme_detail", programme.pk)
    ctx = _programme_ctx(request, programme, bulk_form=form)
    return render(request, "roadmap/programme_detail.html", ctx)


@login_required
@require_POST
def programme_apply_template(request, pk: int):
    """Apply a roadmap template to every commune of its kind in the programme, in one action."""
    programme = get_programme_for_user(request.user, pk, write=True)
    form = ApplyTemplateForm(request.POST, prefix="t", programme=programme)
    if form.is_valid():
        result = services.programme_apply_template(
            programme=programme, template=form.cleaned_data["template"], by=request.user
        )
        messages.success(
            request,
            _(
                "Template applied to %(participations)s communes: %(milestones)s milestones "
                "created, %(skipped)s communes left alone (they follow another template)."
            )
            % result,
        )
        return redirect("roadmap:programme_detail", programme.pk)
    ctx = _programme_ctx(request, programme, template_form=form)
    return render(request, "roadmap/programme_detail.html", ctx)


@login_required
@require_POST
def officer_assign(request, pk: int):
    """Create a commune officer's account (a welcome mail carries the link to choose a password)
    or move an existing commune officer to one of the programme's communes."""
    programme = get_programme_for_user(request.user, pk, write=True)
    form = OfficerAssignForm(request.POST, programme=programme, prefix="o")
    if form.is_valid():
        data = form.cleaned_data
        officer, welcome = services.officer_assign(
            commune=data["commune"],
            by=request.user,
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
        )
        ctx = {"programme": programme, "officer": officer, "welcome": welcome}
        return render(request, "roadmap/programme_officer_assign.html", ctx)
    ctx = _programme_ctx(request, programme, officer_form=form)
    return render(request, "roadmap/programme_detail.html", ctx)


def _successor_points(user):
    """The new units (with predecessors) the user may see that are in no wave yet, with what
    their predecessors leave them."""
    units = (
        Commune.objects.visible_to(user)
        .current()
        .filter(precedents__isnull=False, participations__isnull=True)
        .select_related("province")
        .distinct()
        .order_by("code")
    )
    return successor_starting_points(units)


@login_required
@require_http_methods(["GET", "POST"])
def programme_from_successors(request):
    """A wave for the units that succeeded others, in one action, from the proposal."""
    access.require(access.can_manage_programmes(request.user))
    points = _successor_points(request.user)
    form = SuccessorWaveForm(
        request.POST or None, initial={"standard": Standard.ISO_2015, "start_date": clock.today()}
    )
    if request.method == "POST" and form.is_valid() and points:
        programme = form.save(commit=False)
        count = services.programme_create_for_successors(
            programme=programme, points=points, templates=form.templates(), by=request.user
        )
        messages.success(
            request, _("The wave was created with %(count)s new units.") % {"count": count}
        )
        return redirect("roadmap:programme_detail", programme.pk)
    labels = starting_point_labels()
    ctx = {
        "form": form,
        "points": [(p, labels[p.kind]) for p in points],
        "totals": {label: sum(p.kind == k for p in points) for k, label in labels.items()},
    }
    return render(request, "roadmap/programme_from_successors.html", ctx)
