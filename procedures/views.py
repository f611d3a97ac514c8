"""Procedures pages: the catalogue, and each commune's QMS scope (what its processes cover)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from communes.search import in_order, search_page, vn_key
from core.spreadsheets import export_format, export_list
from procedures.forms import ScopeItemForm
from procedures.models import Field, Procedure, ScopeItem
from qms_rollout import clock
from reports import metrics

PER_PAGE = 25


@login_required
def procedure_list(request):
    """The catalogue of administrative procedures: accent-insensitive search, field filter."""
    filters = {
        "q": request.GET.get("q", "").strip(),
        "field": request.GET.get("field", ""),
        "abolished": request.GET.get("abolished", "") == "1",
    }
    procedures = Procedure.objects.all()
    if filters["field"]:
        procedures = procedures.filter(field__code=filters["field"])
    if not filters["abolished"]:
        procedures = procedures.active()
    page = search_page(
        procedures.values_list("pk", "name", "national_code", "field__name"),
        query=filters["q"],
        texts=lambda row: (row[1], row[2], row[3]),
        key=lambda row: (vn_key(row[3]), vn_key(row[1])),
        page_number=request.GET.get("page"),
        per_page=PER_PAGE,
    )
    if fmt := export_format(request):
        return export_list("procedures", page.paginator.object_list, fmt)
    rows = Procedure.objects.filter(pk__in=list(page.object_list)).select_related(
        "field", "replaced_by"
    )
    ctx = {
        "page": page,
        "procedures": in_order(rows, page.object_list),
        "filters": filters,
        "fields": sorted(Field.objects.all(), key=lambda f: vn_key(f.name)),
    }
    template = "procedures/procedure_list.html"
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)


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
    figures = metrics.compute(
        metrics.participations_in_scope(request.user, commune=commune), as_of=clock.today()
    )
    return {
        "commune": commune,
        "items": items,
        "can_edit": can_edit,
        "only_revision": only_revision,
        "add_form": add_form
        or (ScopeItemForm(commune=commune, prefix="new") if can_edit else None),
        "figures": figures,
    }


def _edit_form(item, commune, data=None):
    return ScopeItemForm(data, instance=item, commune=commune, prefix=f"item{item.pk}")


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_http_methods(["GET", "POST"])
def scope_edit(request, code: str):
    """A commune's QMS scope: everyone who sees the commune reads it, DOST staff and the
    commune's consultant add, change and remove procedures (``action`` = add, update, remove)."""
    if request.method == "GET":
        commune = access.get_commune_for_user(request.user, code)
        editing = _int_or_none(request.GET.get("edit"))
        row = _int_or_none(request.GET.get("row"))
        if request.htmx and (editing or row):
            # One row, to edit (``edit``) or to show again (``row``, when editing is cancelled).
            if editing:
                commune = access.get_commune_for_user(request.user, code, write=True)
            item = access.get_scope_item_for_user(request.user, editing or row)
            if item.commune_id != commune.pk:
                raise Http404
            if editing:
                item.form = _edit_form(item, commune)
            ctx = {
                "commune": commune,
                "item": item,
                "can_edit": bool(editing)
                or access.can_manage_quality_records(request.user, commune),
            }
            return render(request, "procedures/scope_edit.html#item", ctx)
        if editing:
            commune = access.get_commune_for_user(request.user, code, write=True)
        ctx = _scope_ctx(request, commune, editing=editing)
        return render(request, "procedures/scope_edit.html", ctx)

    commune = access.get_commune_for_user(request.user, code, write=True)
    action = request.POST.get("action")
    if action == "add":
        form = ScopeItemForm(request.POST, commune=commune, prefix="new")
        if form.is_valid():
            item = form.save()
            messages.success(
                request,
                _("%(procedure)s was added to the scope.") % {"procedure": item.procedure.name},
            )
            return redirect("procedures:scope_edit", commune.code)
        ctx = _scope_ctx(request, commune, add_form=form)
        return render(request, "procedures/scope_edit.html", ctx)

    if action not in ("update", "remove"):
        raise Http404
    item = access.get_scope_item_for_user(request.user, request.POST.get("item"), write=True)
    if item.commune_id != commune.pk:
        raise Http404
    if action == "remove":
        name = item.procedure.name
        item.delete()
        if request.htmx:
            return HttpResponse("")
        messages.success(
            request, _("%(procedure)s was removed from the scope.") % {"procedure": name}
        )
        return redirect("procedures:scope_edit", commune.code)

    form = _edit_form(item, commune, request.POST)
    if form.is_valid():
        item = form.save()
        if not request.htmx:
            messages.success(request, _("The scope item was saved."))
            return redirect("procedures:scope_edit", commune.code)
        item.saved = True
        ctx = {"commune": commune, "item": item, "can_edit": True}
        return render(request, "procedures/scope_edit.html#item", ctx)
    if request.htmx:
        item.form = form
        ctx = {"commune": commune, "item": item, "can_edit": True}
        return render(request, "procedures/scope_edit.html#item", ctx)
    ctx = _scope_ctx(request, commune, editing=item.pk, edit_form=form)
    return render(request, "procedures/scope_edit.html", ctx)
