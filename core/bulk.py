"""Writing many rows in one statement, its parameters prepared before the transaction opens.

Django's ``bulk_update`` writes a ``CASE`` expression per row and field, and ``bulk_create``
prepares every value while the transaction is open: for ten thousand milestones and their
history that holds SQLite's write lock for seconds, while a commune officer saving a milestone
waits. A :class:`Statement` is made (and its parameters prepared) first; :meth:`Statement.run`
sends it with ``executemany``, one round trip however many rows. It sends no signal: the caller
records history and invalidates caches.
"""

from django.db import connection


class Statement:
    """One SQL statement and the parameters of each row it is run for."""

    def __init__(self, sql: str, params: list[list]):
        self.sql = sql
        self.params = params

    def __len__(self) -> int:
        return len(self.params)

    def run(self) -> None:
        if self.params:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.params)

    @classmethod
    def update(cls, model, fields, objects) -> "Statement":
        """``UPDATE`` of ``fields`` (names) of each of ``objects``, found by primary key."""
        ops = connection.ops
        columns = [model._meta.get_field(name) for name in fields]
        assignments = ", ".join(f"{ops.quote_name(f.column)} = %s" for f in columns)
        table, pk = ops.quote_name(model._meta.db_table), ops.quote_name(model._meta.pk.column)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted names)
        return cls(
            sql,
            [
                [f.get_db_prep_save(getattr(o, f.attname), connection) for f in columns] + [o.pk]
                for o in objects
            ],
        )

    @classmethod
    def insert(cls, model, objects) -> "Statement":
        """``INSERT`` of ``objects`` (unsaved, their primary key given by the database)."""
        ops = connection.ops
        columns = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
        names = ", ".join(ops.quote_name(f.column) for f in columns)
        marks = ", ".join(["%s"] * len(columns))
        table = ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (quoted names)
        return cls(
            sql,
            [
                [f.get_db_prep_save(f.pre_save(o, True), connection) for f in columns]
                for o in objects
            ],
        )


def history_records(model, objects, *, user, reason: str, at, kind: str = "~") -> list:
    """The django-simple-history rows of ``objects`` of ``model`` (``~``: changed, ``+``:
    created) by ``user`` at ``at``, built as its ``bulk_history_create`` builds them, unsaved
    (insert them with :meth:`Statement.insert`)."""
    history = model.history.model
    rows = []
    for obj in objects:
        row = history(
            history_date=at,
            history_user=user,
            history_change_reason=reason,
            history_type=kind,
            **{f.attname: getattr(obj, f.attname) for f in history.tracked_fields},
        )
        if hasattr(history, "history_relation"):
            row.history_relation_id = obj.pk
        rows.append(row)
    return rows
