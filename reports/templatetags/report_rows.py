"""Rows of the reports' tables written in Python (:mod:`reports.dashboard`), where a template
loop over them cost most of a page's rendering."""

from django import template

from reports import dashboard

register = template.Library()


@register.simple_tag
def changes_rows(changes, show_commune=False):
    """``{% changes_rows changes show_commune %}``: the rows of ``reports/_changes.html``."""
    return dashboard.changes_rows(changes, show_commune=bool(show_commune))


@register.simple_tag
def silent_rows(rows, districts=False):
    """``{% silent_rows rows districts %}``: the rows of the dashboard's silent communes."""
    return dashboard.silent_rows(rows, districts=bool(districts))


@register.simple_tag
def district_rows(lines):
    """``{% district_rows communes %}``: the rows of a district page's list of communes."""
    return dashboard.district_rows(lines)


@register.simple_tag
def commune_list_rows(rows, districts=False):
    """``{% commune_list_rows page with_districts %}``: the rows of the list of communes."""
    return dashboard.commune_list_rows(rows, districts=bool(districts))
