"""What the tables written in Python share (``reports.dashboard``, ``roadmap.rows``): a day as
the templates print it, and the HTML of a row kept on the row between requests."""

from django.template.defaultfilters import date as format_date
from django.urls import get_script_prefix
from django.utils.timezone import get_current_timezone_name, template_localtime
from django.utils.translation import get_language

# The attribute (of a row object) or the key (of a row dict) where a table keeps the HTML it
# wrote of a row that is itself kept between requests, by purpose, with what else it shows:
# never pickled, never copied to another row.
KEPT_HTML = "_kept_html"


def day(value, fmt: str = "d/m/Y") -> str:
    """``value`` (a date, or a moment shown in the local time zone) as ``{{ value|date:fmt }}``
    prints it: dd/mm/yyyy by default, "" for None."""
    return format_date(template_localtime(value), fmt)


def written_for() -> tuple:
    """What the HTML of a row depends on besides the row: the language, the URLs' prefix and
    the time zone of this request."""
    return (get_language(), get_script_prefix(), get_current_timezone_name())


def kept_on(row, purpose: str, key: tuple, write, *args):
    """What ``write(row, *args)`` gives for ``purpose`` (its HTML: the grid's row, the silent
    communes' row...), kept on the row (an object's attribute, or a dict's item, named
    :data:`KEPT_HTML`) while ``key``, what else it shows, stays the same: a row kept between
    requests is written once, not at every request."""
    store = (row if isinstance(row, dict) else row.__dict__).setdefault(KEPT_HTML, {})
    kept = store.get(purpose)
    if kept is None or kept[0] != key:
        kept = store[purpose] = (key, write(row, *args))
    return kept[1]
