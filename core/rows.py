"""What the tables written in Python share (``reports.dashboard``, ``roadmap.rows``): a day as
the templates print it."""

from django.template.defaultfilters import date as format_date
from django.utils.timezone import template_localtime


def day(value, fmt: str = "d/m/Y") -> str:
    """``value`` (a date, or a moment shown in the local time zone) as ``{{ value|date:fmt }}``
    prints it: dd/mm/yyyy by default, "" for None."""
    return format_date(template_localtime(value), fmt)
