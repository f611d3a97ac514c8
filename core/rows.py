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
