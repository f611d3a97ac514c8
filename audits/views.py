"""Audit pages: the lists of findings and corrective actions, then recording audits and actions."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import access
from audits.models import Audit, CorrectiveAction, Finding
from communes.search import in_order, search_page, unit_key, units_sorted
from qms_rollout import clock

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
    findings = in_order(
        Finding.objects.filter(pk__in=list(page.object_list)).with_list_related(),
        page.object_list,
    )
    ctx = {
        "page": page,
        "findings": findings,
        "filters": filters,
        "districts": units_sorted(access.visible_districts(request.user).current()),
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
    actions = in_order(
        CorrectiveAction.objects.filter(pk__in=list(page.object_list)).with_list_related(),
        page.object_list,
    )
    ctx = {
        "page": page,
        "actions": actions,
        "filters": filters,
        "districts": units_sorted(access.visible_districts(request.user).current()),
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
