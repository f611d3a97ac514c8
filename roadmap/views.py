"""Roadmap pages: milestones (list, update with evidence), programmes and their communes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from communes.search import in_order, search_page, unit_key, units_sorted
from qms_rollout import clock
from roadmap.forms import MilestoneUpdateForm
from roadmap.models import Milestone, ParticipationKind, RoadmapStep
from roadmap.services import MilestoneConflict, milestone_record_update

MILESTONES_PER_PAGE = 25


def _step_choices() -> list[tuple[str, str]]:
    """Roadmap steps by key (shared across templates: "internal-audit" is one filter)."""
    choices: dict[str, str] = {}
    for key, name in (
        RoadmapStep.objects.exclude(key="").order_by("order", "template_id").values_list("key", "name")
    ):
        choices.setdefault(key, name)
    return list(choices.items())


@login_required
def milestone_list(request):
    """Milestones the user may see, filtered in the URL, in Vietnamese order of communes."""
    filters = {
        "q": request.GET.get("q", "").strip(),
        "district": request.GET.get("district", ""),
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", ""),
        "step": request.GET.get("step", ""),
        "overdue": request.GET.get("overdue", "") == "1",
    }
    qs = Milestone.objects.visible_to(request.user)
    if filters["district"]:
        qs = qs.filter(participation__commune__district__code=filters["district"])
    if filters["kind"] in ParticipationKind.values:
        qs = qs.filter(participation__kind=filters["kind"])
    if filters["status"] in Milestone.Status.values:
        qs = qs.filter(status=filters["status"])
    if filters["step"]:
        qs = qs.filter(step__key=filters["step"])
    if filters["overdue"]:
        qs = qs.overdue(clock.today())
    index = qs.values_list(
        "pk",
        "participation__commune__name",
        "participation__commune__district__name",
        "participation__commune__code",
        "step__name",
        "step__order",
    )
    page = search_page(
        index,
        query=filters["q"],
        texts=lambda r: (r[1], r[2], r[3], r[4]),
        key=lambda r: (unit_key(r[1]), r[3], r[5]),
        page_number=request.GET.get("page"),
        per_page=MILESTONES_PER_PAGE,
    )
    milestones = in_order(
        Milestone.objects.filter(pk__in=list(page.object_list)).with_list_related(),
        page.object_list,
    )
    for m in milestones:
        m.editable = access.can_edit_milestone(request.user, m)
    ctx = {
        "page": page,
        "milestones": milestones,
        "filters": filters,
        "districts": units_sorted(access.visible_districts(request.user).current()),
        "kinds": ParticipationKind.choices,
        "statuses": Milestone.Status.choices,
        "steps": _step_choices(),
    }
    template = "roadmap/milestone_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)


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
    }


@login_required
@require_http_methods(["GET", "POST"])
def milestone_update(request, pk: int):
    """Show a milestone (its step, expected evidence, files, history) and update it.

    The form carries the version it was loaded at: when someone else saved in between, nothing
    is saved and the page shows the current values next to the user's. htmx requests get the
    ``panel`` partial, swapped in place.
    """
    write = request.method == "POST"
    milestone = access.get_milestone_for_user(request.user, pk, write=write)
    conflict, saved = None, False
    if write:
        form = MilestoneUpdateForm.for_milestone(milestone, request.POST, request.FILES)
        if form.is_valid():
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
                conflict = exc.current
                milestone = access.get_milestone_for_user(request.user, pk)
                # Keep what the user typed, now against the current version: saving again is a
                # deliberate choice made with the current values in view.
                retry = request.POST.copy()
                retry["version"] = str(conflict.version)
                form = MilestoneUpdateForm.for_milestone(milestone, retry)
                form.is_valid()
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                if not request.htmx:
                    messages.success(request, _("The milestone was saved."))
                    return redirect(_safe_next(request, milestone.get_absolute_url()))
                milestone = access.get_milestone_for_user(request.user, pk)
                form = MilestoneUpdateForm.for_milestone(milestone)
                saved = True
    else:
        form = MilestoneUpdateForm.for_milestone(milestone)
    ctx = _milestone_ctx(request, milestone, form, conflict=conflict, saved=saved)
    if request.htmx:
        # htmx swaps only 2xx answers: the conflict is told inside the partial.
        response = render(request, "roadmap/milestone_update.html#panel", ctx)
        if saved:
            response["HX-Trigger"] = "milestoneSaved"
        return response
    status = 409 if conflict is not None else 200
    return render(request, "roadmap/milestone_update.html", ctx, status=status)


@login_required
def evidence_download(request, pk: int):
    """An evidence file, to those who may see its milestone, always as an attachment."""
    evidence = access.get_evidence_for_user(request.user, pk)
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
