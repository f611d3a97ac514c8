"""The Sở's registers behind the annual report: the year's money by line of TT 116/2015 Art. 4
(``/money/?year=``) and the province's other state administrative bodies (``/bodies/``). The
province-wide roles read them; DOST staff add and edit. The money's totals are the figures
module's (:func:`reports.metrics.year_money`), the ones the dashboard and the annual report print.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from communes.forms import BodyForm
from communes.models import Body, Province
from core import clock
from core.asof import as_of_from_request
from reports import metrics
from roadmap.forms import BudgetLineForm
from roadmap.models import BudgetLine


def _require(request, *, write: bool) -> None:
    """403 outside the province-wide roles, and for a write by other than DOST staff."""
    access.require(request.user.is_province_wide)
    if write:
        access.require(access.can_manage_programmes(request.user))


def _money_ctx(request, year: int, form) -> dict:
    lines = BudgetLine.objects.visible_to(request.user).filter(year=year)
    provinces = Province.objects.filter(pk__in=lines.values("province"))
    money = metrics.year_money(provinces, year, clock.today())
    return {
        "year": year,
        "years": metrics.years_available(),
        "lines": lines.with_list_related().order_by("line", "commune__sort_key", "body__sort_key"),
        "money_table": metrics.money_rows(money),
        "form": form,
        "can_manage": access.can_manage_programmes(request.user),
    }


def _year_url(year: int) -> str:
    return f"{reverse('reports:budget_year')}?year={year}"


@login_required
@require_http_methods(["GET", "POST"])
def budget_year(request):
    """A year's money, line by line and body by body, with the totals the report prints; DOST
    staff add a line."""
    write = request.method == "POST"
    _require(request, write=write)
    year = metrics.picked_year(request.GET.get("year"), metrics.years_available())
    form = BudgetLineForm(request.POST or None, year=year)
    if write and form.is_valid():
        line = form.save()
        messages.success(request, _("Line saved: %(line)s.") % {"line": line})
        return redirect(_year_url(line.year))
    return render(request, "reports/budgetline_list.html", _money_ctx(request, year, form))


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_update(request, pk: int):
    """Edit one line (DOST staff); its history keeps what it said before."""
    _require(request, write=True)
    line = get_object_or_404(BudgetLine.objects.visible_to(request.user), pk=pk)
    form = BudgetLineForm(request.POST or None, instance=line, year=line.year)
    if request.method == "POST" and form.is_valid():
        line._history_user = request.user
        form.save()
        messages.success(request, _("Line saved: %(line)s.") % {"line": line})
        return redirect(_year_url(line.year))
    ctx = {"line": line, "form": form, "year": line.year}
    return render(request, "reports/budgetline_form.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def body_list(request):
    """The province's state administrative bodies other than the commune-level units, with
    their QMS status, those in force on the page's day (``?as_of=``); DOST staff register one."""
    write = request.method == "POST"
    _require(request, write=write)
    form = BodyForm(request.POST or None)
    if write and form.is_valid():
        body = form.save()
        messages.success(request, _("Body saved: %(name)s.") % {"name": body.name})
        return redirect("reports:body_list")
    as_of = as_of_from_request(request)
    bodies = Body.objects.visible_to(request.user).in_territory().in_force_on(as_of.date)
    ctx = {
        "bodies": bodies.select_related("province", "parent", "district").in_level_order(),
        "as_of_choice": as_of,
        "form": form,
        "can_manage": access.can_manage_programmes(request.user),
    }
    return render(request, "reports/body_list.html", ctx)


@login_required
@require_http_methods(["GET", "POST"])
def body_update(request, pk: int):
    """Edit a body's record and QMS status (DOST staff)."""
    _require(request, write=True)
    body = get_object_or_404(Body.objects.visible_to(request.user), pk=pk)
    form = BodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Body saved: %(name)s.") % {"name": body.name})
        return redirect("reports:body_list")
    return render(request, "reports/body_form.html", {"body": body, "form": form})
