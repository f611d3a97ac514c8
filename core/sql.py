"""Several independent figures read in one round trip.

A page's headline figures are often counts of unrelated querysets (audits of a kind, communes
inspected, procedures in force...): each alone is one query. :func:`scalars` reads them all in
one ``SELECT (…), (…), …`` whose columns are the querysets' own SQL, compiled by the ORM with
their parameters, so each figure is the queryset it names, whatever rules it holds.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F


class Scalar:
    """One column of :func:`scalars`: the rows of ``queryset`` counted, or, with ``total``
    (a field or expression of its rows), that added up (0 when it has no rows)."""

    def __init__(self, queryset, *, total=None):
        queryset = queryset.order_by()
        if total is not None:
            queryset = queryset.values(scalar_value=F(total) if isinstance(total, str) else total)
        self.queryset = queryset
        self.total = total is not None

    def sql(self, alias: str) -> tuple[str, tuple]:
        try:
            inner, params = self.queryset.query.sql_with_params()
        except EmptyResultSet:  # a filter that matches nothing (``__in`` an empty list)
            return "0", ()
        if self.total:
            return f"(SELECT SUM({alias}.scalar_value) FROM ({inner}) {alias})", params  # noqa: S608
        return f"(SELECT COUNT(*) FROM ({inner}) {alias})", params  # noqa: S608


def scalars(**columns: Scalar) -> dict[str, int]:
    """``{name: value}`` of every :class:`Scalar`, in one query (none when empty)."""
    if not columns:
        return {}
    parts, params = [], []
    for i, column in enumerate(columns.values()):
        sql, p = column.sql(f"s{i}")
        parts.append(sql)
        params.extend(p)
    db = next(iter(columns.values())).queryset.db
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(value or 0) for name, value in zip(columns, row, strict=True)}
