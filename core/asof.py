"""The date a page's figures are computed for: ``?as_of=dd/mm/yyyy`` in the URL, today by default.

The dashboard, the district and commune pages, the commune list and the report downloads read it
with :func:`as_of_from_request`; ``templates/reports/_as_of.html`` shows its form. A date the page
cannot read is not ignored silently: the form says dd/mm/yyyy is expected and the page shows
today.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import BootstrapMixin, DateField

PARAM = "as_of"
# Other parameters the form carries along (a programme, a year, a district filter...).
NOT_CARRIED = {PARAM, "page", "task"}


class AsOfForm(BootstrapMixin, forms.Form):
    """The "figures as of" date of a page (GET)."""

    as_of = DateField(
        label=_("Figures as of"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": _(
                "Enter the date as dd/mm/yyyy, for example 15/12/2017: the figures below are "
                "as of today."
            )
        },
    )


@dataclass
class AsOf:
    """A page's as-of date, the form that picks it and what links carry to keep it."""

    date: datetime.date
    form: AsOfForm
    given: bool = False  # a valid date was asked for in the URL
    carried: list = field(default_factory=list)  # the page's other GET parameters

    @property
    def is_today(self) -> bool:
        return self.date == clock.today()

    @property
    def query(self) -> str:
        """``as_of=dd/mm/yyyy`` for links (report downloads) when a date was asked for, else ""."""
        return urlencode({PARAM: f"{self.date:%d/%m/%Y}"}) if self.given else ""

    @property
    def today(self) -> datetime.date:
        return clock.today()


def as_of_from_request(request, default: datetime.date | None = None) -> AsOf:
    """The as-of date of ``request`` (``?as_of=``); when absent or unreadable, ``default`` (the
    last day of an ended unit's page) or today."""
    form = AsOfForm(request.GET if request.GET.get(PARAM, "").strip() else None)
    date, given = default or clock.today(), False
    if form.is_bound and form.is_valid() and form.cleaned_data[PARAM]:
        date, given = form.cleaned_data[PARAM], True
    carried = [(k, v) for k, values in request.GET.lists() if k not in NOT_CARRIED for v in values]
    return AsOf(date=date, form=form, given=given, carried=carried)


def year_as_of(year: int, today: datetime.date | None = None) -> datetime.date:
    """The date a year's figures are computed for: its last day, or today while it runs."""
    today = today or clock.today()
    return min(datetime.date(year, 12, 31), today)


class ReadOnDay:
    """A model instance that can be read as it stood on a day (``read_on``, set by the model's
    ``take_..._on(day)``): read for a past day it shows that day's values and is never saved."""

    read_on: datetime.date | None = None

    @property
    def read_only(self) -> bool:
        """Read for a past day: shown as it stood, not offered for an update."""
        return self.read_on is not None and clock.is_past(self.read_on)

    def save(self, *args, **kwargs):
        if self.read_only:
            raise ValueError(f"{self!r} was read as it stood on {self.read_on}: it is not saved.")
        super().save(*args, **kwargs)
