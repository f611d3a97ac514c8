"""Writing many rows in one statement, its parameters prepared before the transaction opens.

Django's ``bulk_update`` writes a ``CASE`` expression per row and field, and ``bulk_create``
prepares every value while the transaction is open: for ten thousand milestones and their
history that holds SQLite's write lock for seconds, while a commune officer saving a milestone
waits. A :class:`Statement` is made (and its parameters prepared) first; :meth:`Statement.run`
sends it with ``executemany``, one round trip however many rows. It sends no signal: the caller
records history and invalidates caches.
"""

import secrets

from django.db import connection


class Statement:
    """One SQL statement and the parameters of each row it is run for.

    ``table``, ``columns`` (quoted) and ``key`` (the quoted primary key of an ``UPDATE``) let
    :meth:`stage` turn it into one set-based statement.
    """

    def __init__(self, sql: str, params: list[list], *, table="", columns=(), key=None):
        self.sql = sql
        self.params = params
        self.table, self.columns, self.key = table, list(columns), key
        self.staging = None

    def __len__(self) -> int:
        return len(self.params)

    def run(self) -> None:
        if self.staging is not None:
            with connection.cursor() as cursor:
                cursor.execute(self.sql)
        elif self.params:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.params)

    def stage(self) -> "Statement":
        """Copy the rows into a temporary table now, before the transaction opens (a temporary
        table is the connection's own: no lock on the real tables), so that :meth:`run` is one
        set-based statement and the transaction holds the write lock for less time. Call
        :meth:`discard` afterwards."""
        if not self.params or not self.table:
            return self
        ops = connection.ops
        self.staging = ops.quote_name(f"staging_{secrets.token_hex(6)}")
        names = ", ".join(self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.staging} AS "  # noqa: S608 (quoted names)
                f"SELECT {names} FROM {self.table} WHERE 1 = 0"
            )
            cursor.executemany(f"INSERT INTO {self.staging} VALUES ({marks})", self.params)  # noqa: S608
        if self.key is None:
            self.sql = f"INSERT INTO {self.table} ({names}) SELECT {names} FROM {self.staging}"  # noqa: S608
        else:
            assignments = ", ".join(
                f"{c} = {self.staging}.{c}" for c in self.columns if c != self.key
            )
            self.sql = (
                f"UPDATE {self.table} SET {assignments} FROM {self.staging} "  # noqa: S608
                f"WHERE {self.table}.{self.key} = {self.staging}.{self.key}"
            )
        return self

    def discard(self) -> None:
        """Drop the temporary table of :meth:`stage` (outside the transaction)."""
        if self.staging is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {self.staging}")
            self.staging = None

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
            table=table,
            columns=[*(ops.quote_name(f.column) for f in columns), pk],
            key=pk,
        )

    @classmethod
    def insert(cls, model, objects) -> "Statement":
        """``INSERT`` of ``objects`` (unsaved, their primary key given by the database)."""
        columns = [f for f in model._meta.concrete_fields if f is not model._meta.auto_field]
        return cls.insert_rows(
            model,
            columns,
            [
                [f.get_db_prep_save(f.pre_save(o, True), connection) for f in columns]
                for o in objects
            ],
        )

    @classmethod
    def insert_rows(cls, model, columns, params) -> "Statement":
        """``INSERT`` into ``model``'s table of ``params`` (prepared values of ``columns``)."""
        ops = connection.ops
        names = [ops.quote_name(f.column) for f in columns]
        marks = ", ".join(["%s"] * len(columns))
        table = ops.quote_name(model._meta.db_table)
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
        return cls(sql, params, table=table, columns=names)


def history_records(model, objects, *, user, reason: str, at, kind: str = "~") -> Statement:
    """The ``INSERT`` of the django-simple-history rows of ``objects`` of ``model`` (``~``:
    changed, ``+``: created) by ``user`` at ``at``, with the values its ``bulk_history_create``
    would give them, prepared without building a model instance per row."""
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    fixed = {
        "history_date": at,
        "history_user_id": user.pk if user is not None else None,
        "history_change_reason": reason,
        "history_type": kind,
    }
    columns = [f for f in history._meta.concrete_fields if f is not history._meta.auto_field]
    relation = hasattr(history, "history_relation")
    by_name = {f.attname: f for f in columns}
    prepared = {name: by_name[name].get_db_prep_save(v, connection) for name, v in fixed.items()}
    params = []
    for obj in objects:
        row = []
        for f in columns:
            name = f.attname
            if name in prepared:
                row.append(prepared[name])
            elif name in tracked:
                row.append(f.get_db_prep_save(getattr(obj, name), connection))
            elif relation and name == "history_relation_id":
                row.append(obj.pk)
            else:
                row.append(f.get_db_prep_save(f.get_default(), connection))
        params.append(row)
    return Statement.insert_rows(history, columns, params)
