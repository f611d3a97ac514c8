"""The page links of a list (``templates/_pagination.html``)."""

from django import template

register = template.Library()


@register.filter
def page_links(page) -> list[tuple[str, int]]:
    """The items of ``page``'s pagination, in order, as ``(kind, number)``: "current", "link"
    (the first and last pages, and two either side of the current one) or "gap" (an ellipsis
    at the second or the last but one page, when not linked). Only those items, not a loop over
    every page: a list of 120,000 rows has 4,800 pages."""
    last, current = page.paginator.num_pages, page.number
    candidates = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    items = []
    for n in sorted(c for c in candidates if 1 <= c <= last):
        if n == current:
            items.append(("current", n))
        elif n in (1, last) or current - 2 <= n <= current + 2:
            items.append(("link", n))
        elif n in (2, last - 1):
            items.append(("gap", n))
    return items
