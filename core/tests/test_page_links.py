"""The page links of every list: the few items shown, computed without a loop over every page
(a list of 120,000 rows has 4,800), the same as the rule they replace, on every page."""

from django.core.paginator import Paginator
from django.template import Context, Template

from core.templatetags.pages import page_links


def _every_page_rule(last: int, current: int) -> list[tuple[str, int]]:
    """The rule as the template applied it, page by page."""
    items = []
    for n in range(1, last + 1):
        if n == current:
            items.append(("current", n))
        elif n in (1, last) or (n - 2 <= current <= n + 2):
            items.append(("link", n))
        elif n in (2, last - 1):
            items.append(("gap", n))
    return items


def test_the_links_are_those_of_the_page_by_page_rule():
    for last in range(1, 15):
        paginator = Paginator(range(last * 10), 10)
        for current in range(1, last + 1):
            assert page_links(paginator.page(current)) == _every_page_rule(last, current)


def test_a_list_of_4800_pages_links_seven_of_them():
    page = Paginator(range(120_000), 25).page(2400)
    assert page_links(page) == [
        ("link", 1),
        ("gap", 2),
        *[("link", n) for n in (2398, 2399)],
        ("current", 2400),
        *[("link", n) for n in (2401, 2402)],
        ("gap", 4799),
        ("link", 4800),
    ]
    html = Template(
        "{% load l10n pages %}{% for kind, n in page|page_links %}{{ kind }}{{ n|unlocalize }} {% endfor %}"
    )
    assert html.render(Context({"page": page})).split() == [
        "link1",
        "gap2",
        "link2398",
        "link2399",
        "current2400",
        "link2401",
        "link2402",
        "gap4799",
        "link4800",
    ]
