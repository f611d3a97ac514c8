"""The planned-vs-actual curve of a scope: weekly points, in one query (from the milestones' history for a past day, from the maintained days for today)."""

import datetime

from django.db import connections, models
from django.db.models import Case, F, Sum, When
from django.db.models.expressions import Window

from reports.metrics.definitions import DONE, NOT_APPLICABLE
from roadmap.models import RoadmapDay


def _curve_points(start: datetime.date, end: datetime.date, as_of: datetime.date):
    """Weekly dates from ``start`` to ``end``, with ``as_of`` included when within."""
    points, day = [], start
    while day < end:
        points.append(day)
        day += datetime.timedelta(days=7)
    points.append(end)
    if start < as_of < end and as_of not in points:
        points.append(as_of)
    return sorted(points)


def _day(value) -> datetime.date:
    """A date from raw SQL: a date (PostgreSQL) or its ISO text (SQLite)."""
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value[:10])


def _weights_by_day(milestones) -> tuple[dict, dict]:
    """The weights of ``milestones`` (with their status of a day) added up by due date (planned)
    and by the day they were done or set not applicable (actual), each by the total weight of
    their roadmap: ``({day: {total: weight}}, {day: {total: weight}})``, one query. The same
    shape as :func:`maintained_weights_by_day` reads from the maintained days."""
    done_day = Case(
        When(status_then=DONE, then=F("completed_then")),
        When(status_then=NOT_APPLICABLE, then=F("planned_start")),
        default=None,
        output_field=models.DateField(),
    )
    inner = milestones.annotate(
        c_due=F("due_date"),
        c_done=done_day,
        c_weight=F("step__weight"),
        c_total=Window(Sum("step__weight"), partition_by=[F("participation_id")]),
    ).values("c_due", "c_done", "c_weight", "c_total")
    sql, params = inner.order_by().query.sql_with_params()
    # The inner query is the ORM's, its values passed as parameters; read twice, so PostgreSQL
    # computes it once (a CTE referenced twice is materialised).
    query = (
        f"WITH shares AS ({sql}) "  # noqa: S608
        "SELECT 0, c_due, c_total, SUM(c_weight) FROM shares GROUP BY c_due, c_total "
        "UNION ALL SELECT 1, c_done, c_total, SUM(c_weight) FROM shares "
        "WHERE c_done IS NOT NULL GROUP BY c_done, c_total"
    )
    sums: tuple[dict, dict] = ({}, {})
    with connections[milestones.db].cursor() as cursor:
        cursor.execute(query, params)
        for which, day, total, weight in cursor.fetchall():
            sums[which].setdefault(_day(day), {})[int(total)] = int(weight)
    return sums


def maintained_weights_by_day(participations) -> tuple[dict, dict]:
    """:func:`_weights_by_day` of today, from the maintained days of ``participations``
    (:class:`roadmap.models.RoadmapDay`, a few rows per participation): one query."""
    rows = (
        RoadmapDay.objects.filter(participation_id__in=participations.values("pk"))
        .values("day", total=F("participation__totals__weight"))
        .annotate(due=Sum("due_weight"), done=Sum("done_weight"))
        .order_by()
    )
    sums: tuple[dict, dict] = ({}, {})
    for row in rows:
        for which, weight in enumerate((row["due"], row["done"])):
            if weight:
                sums[which].setdefault(row["day"], {})[row["total"]] = weight
    return sums


def _shares(weights: dict) -> dict:
    """Each day's share of the roadmaps (``{day: {total: weight}}``): the weights over their
    roadmap's total, added up in one order, so both readings give the same number."""
    return {
        day: sum(weight / total for total, weight in sorted(by_total.items()) if total > 0)
        for day, by_total in weights.items()
    }


def _accumulated(shares: dict, points: list) -> list[float]:
    """The running total of ``shares`` (by day) at each of ``points`` (in order)."""
    days, total, i, out = sorted(shares), 0.0, 0, []
    for point in points:
        while i < len(days) and days[i] <= point:
            total += shares[days[i]]
            i += 1
        out.append(total)
    return out


def _curve(weights: tuple, communes: int, span: tuple, as_of: datetime.date) -> list:
    """The planned-vs-actual curve: the mean over the communes of the share of their roadmap's
    weight due (planned) and done or not applicable (actual) by each week, in %. ``weights``:
    :func:`_weights_by_day` or :func:`maintained_weights_by_day`; ``span``: the first planned
    start and the last due date of the scope."""
    first, last = span
    if not (first and communes):
        return []
    planned, actual = (_shares(by_day) for by_day in weights)
    # Up to the last completion by ``as_of`` when later than the last due date: a picture taken
    # after the roadmap's end shows where it ended, the same figure as the card.
    last_done = max((day for day in actual if day <= as_of), default=last)
    points = _curve_points(first, max(last, first, last_done), as_of)
    curve = []
    for day, plan, done in zip(
        points, _accumulated(planned, points), _accumulated(actual, points), strict=True
    ):
        done_pct = round(100.0 * done / communes, 1) if day <= as_of else None
        curve.append((day, round(100.0 * plan / communes, 1), done_pct))
    return curve
