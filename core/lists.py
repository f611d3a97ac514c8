"""The page of a list and its answer: what every list view does once it has filtered and ordered
its rows in the database (``core.filters``)."""

from django.core.paginator import Page, Paginator
from django.shortcuts import render

PER_PAGE = 25


def paginate(request, rows, per_page: int = PER_PAGE) -> Page:
    """The page ``?page=`` asks of ``rows`` (a queryset, ordered, loading what the template
    uses), its rows loaded: two queries, a count and the page, whatever the number of rows."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return page


def render_list(request, template: str, ctx: dict):
    """The list page, or for htmx (the filter bar's live requests) its ``#results`` partial."""
    if request.htmx:
        template += "#results"
    return render(request, template, ctx)
