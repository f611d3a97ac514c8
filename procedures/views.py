"""Procedures pages: the catalogue, and each commune's QMS scope (what its processes cover)."""

from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from communes.access import get_commune_for_user
from core import clock
from core.lists import paginate, render_list
from core.numbers import percent
from core.spreadsheets import export_format, export_list
from core.text import vn_key
from procedures.access import get_scope_item_for_user
from procedures.filters import ProcedureFilterSet
from procedures.forms import ScopeItemForm
from procedures.models import Catalogue, Procedure, ScopeItem


@login_required
def procedure_list(request):
    """The catalogue of administrative procedures: accent-insensitive search, field filter."""
    filterset = ProcedureFilterSet(request.GET, Procedure.objects.all(), request=request)
    procedures = filterset.qs.order_by("field__sort_key", "sort_key", "pk")
    if fmt := export_format(request):
        keys = procedures.values_list("pk", flat=True)
        return export_list("procedures", keys, fmt, request=request)
    page = paginate(request, procedures.select_related("field", "replaced_by"))
    ctx = {"page": page, "procedures": page.object_list, "filterset": filterset}
    return render_list(request, "procedures/procedure_list.html", ctx)


def _scope_ctx(request, commune, *, add_form=None, editing=None, edit_form=None) -> dict:
    can_edit = access.can_manage_quality_records(request.user, commune)
    only_revision = request.GET.get("revision", "") == "1"
    items = ScopeItem.objects.filter(commune=commune).select_related("procedure__field")
    if only_revision:
        items = items.needing_revision()
    items = sorted(items, key=lambda i: (vn_key(i.process_code or "~"), vn_key(i.procedure.name)))
    if can_edit and editing is not None:
        for item in items:
            if item.pk == editing:
                item.form = edit_form or _edit_form(item, commune)
    return {
        "commune": commune,
        "items": items,
        "can_edit": can_edit,
        "only_revision": only_revision,
        "add_form": add_form
        or (ScopeItemForm(commune=commune, prefix="new") if can_edit else None),
        "figures": _scope_figures(request.user, commune),
    }


def _scope_figures(user, commune) -> SimpleNamespace:
    """The commune's scope figures today, counted as the progress figures count them: over the
    commune's participations ``user`` sees (none: nothing covered), against the procedure
    catalogue in force today, four queries."""
    today = clock.today()
    participating = commune.participations.visible_to(user).of_units_in_force(today).count()
    figures = ScopeItem.objects.figures([commune.pk] if participating else [], today)
    whole = figures["procedures_in_force"] * participating
    return SimpleNamespace(
        **figures,
        coverage_pct=percent(figures["scope_covered"], whole),
        catalogue=Catalogue.objects.in_force_on(today),
    )


def _edit_form(item, commune, data=None):
    return ScopeItemForm(data, instance=item, commune=commune, prefix=f"item{item.pk}")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope_row(request, code: str, since: str, editing: int | None, row: int | None):
    """One row of the scope (htmx): to edit (``edit``) or shown again (``row``, on cancel)."""
    commune = get_commune_for_user(request.user, code, since)
    access.require(not editing or access.can_manage_quality_records(request.user, commune))
    item = get_scope_item_for_user(request.user, editing or row)
    if item.commune_id != commune.pk:
        raise Http404
    if editing:
        item.form = _edit_form(item, commune)
    can_edit = bool(editing) or access.can_manage_quality_records(request.user, commune)
    ctx = {"commune": commune, "item": item, "can_edit": can_edit}
    return render(request, "procedures/scope_edit.html#item", ctx)


def _scope_show(request, code: str, since: str):
    """The scope page (with one row open for editing when ``edit`` is given), or one row."""
    editing = _int_or_none(request.GET.get("edit"))
    row = _int_or_none(request.GET.get("row"))
    if request.htmx and (editing or row):
        return _scope_row(request, code, since, editing, row)
    commune = get_commune_for_user(request.user, code, since)
    access.require(not editing or access.can_manage_quality_records(request.user, commune))
    ctx = _scope_ctx(request, commune, editing=editing)
    return render(request, "procedures/scope_edit.html", ctx)


def _scope_item(request, commune):
    """The scope item named in the POST, which must be of ``commune``, for writing."""
    item = get_scope_item_for_user(request.user, request.POST.get("item"), write=True)
    if item.commune_id != commune.pk:
        raise Http404
    return item


def _scope_add(request, commune):
    form = ScopeItemForm(request.POST, commune=commune, prefix="new")
    if not form.is_valid():
        ctx = _scope_ctx(request, commune, add_form=form)
        return render(request, "procedures/scope_edit.html", ctx)
    item = form.save()
    messages.success(
        request, _("%(procedure)s was added to the scope.") % {"procedure": item.procedure.name}
    )
    return redirect("procedures:scope_edit", *commune.url_args)


def _scope_remove(request, commune):
    item = _scope_item(request, commune)
    name = item.procedure.name
    item.delete()
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("%(procedure)s was removed from the scope.") % {"procedure": name})
    return redirect("procedures:scope_edit", *commune.url_args)


def _scope_update(request, commune):
    item = _scope_item(request, commune)
    form = _edit_form(item, commune, request.POST)
    if form.is_valid():
        item = form.save()
        if not request.htmx:
            messages.success(request, _("The scope item was saved."))
            return redirect("procedures:scope_edit", *commune.url_args)
        item.saved = True
    elif request.htmx:
        item.form = form
    else:
        ctx = _scope_ctx(request, commune, editing=item.pk, edit_form=form)
        return render(request, "procedures/scope_edit.html", ctx)
    ctx = {"commune": commune, "item": item, "can_edit": True}
    return render(request, "procedures/scope_edit.html#item", ctx)


SCOPE_ACTIONS = {"add": _scope_add, "update": _scope_update, "remove": _scope_remove}


@login_required
@require_http_methods(["GET", "POST"])
def scope_edit(request, code: str, since: str):
    """A commune's QMS scope: everyone who sees the commune reads it, DOST staff and the
    commune's consultant add, change and remove procedures (``action`` = add, update, remove)."""
    if request.method == "GET":
        return _scope_show(request, code, since)
    commune = get_commune_for_user(request.user, code, since)
    access.require(access.can_manage_quality_records(request.user, commune))
    handler = SCOPE_ACTIONS.get(request.POST.get("action"))
    if handler is None:
        raise Http404
    return handler(request, commune)
