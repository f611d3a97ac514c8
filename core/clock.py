"""The application's "today".

Every figure that depends on the date (overdue, done late, silent communes) asks this module, so
a deployment can pin the date its data describes (``QMS_AS_OF``; the 2017 demo uses it) and tests
can pin it with ``settings.QMS_AS_OF``.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The date figures are computed for: ``settings.QMS_AS_OF`` if set, else the local date."""
    return settings.QMS_AS_OF or timezone.localdate()


def is_past(day: datetime.date) -> bool:
    """``day`` is before today: the one test of "a past picture" (history is read, nothing is
    offered for editing)."""
    return day < today()


def end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the local time zone: what happened "by ``day``" was
    recorded before it."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )
