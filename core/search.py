"""Search and Vietnamese order in the database: the derived columns and how lists use them.

A model whose lists search or sort by Vietnamese text stores the folded text (``search_text``)
and/or a sort key (``sort_key``, see :mod:`core.text`), derived from its own fields by its
``fill_sort_fields()`` method. :class:`FoldedText` fills them on every ``save()`` (also with
``update_fields``), :class:`FoldedTextQuerySet` on ``bulk_create()`` and ``bulk_update()`` (which
send no signal and call no ``save()``), and :func:`fill_sort_fields` is there for code that writes
rows some other way. ``QuerySet.update()`` of a source field is the one write they do not see.

Lists then filter with :func:`search_q` and ``order_by("...sort_key")`` and paginate in the
database: their cost in queries does not depend on the number of rows.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q

from core.text import search_words


def fill_sort_fields(objs: Iterable) -> list:
    """Fill the derived search and sort columns of ``objs`` (before a bulk write); the list."""
    objs = list(objs)
    for obj in objs:
        obj.fill_sort_fields()
    return objs


class FoldedText:
    """Mixin (before ``models.Model``) of a model with derived search and sort columns.

    The model lists them in ``folded_fields`` and fills them in ``fill_sort_fields()``.
    """

    folded_fields: tuple[str, ...] = ("search_text", "sort_key")

    def fill_sort_fields(self) -> None:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        self.fill_sort_fields()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.folded_fields}
        super().save(*args, **kwargs)


class FoldedBulkWrites:
    """QuerySet mixin: ``bulk_create()`` and ``bulk_update()`` fill the derived columns too."""

    def bulk_create(self, objs, *args, **kwargs):
        return super().bulk_create(fill_sort_fields(objs), *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        derived = [f for f in self.model.folded_fields if f not in fields]
        return super().bulk_update(fill_sort_fields(objs), [*fields, *derived], *args, **kwargs)


class FoldedTextQuerySet(FoldedBulkWrites, models.QuerySet):
    """The QuerySet of a model with derived search and sort columns and no QuerySet of its own."""


def search_q(query: str, *paths: str) -> Q:
    """Rows where every word of ``query`` (folded) occurs in one of the ``paths``' texts.

    ``paths`` name folded columns (``commune__search_text``) or texts that need no folding
    (``commune__code``). An empty query matches every row.
    """
    condition = Q()
    for word in search_words(query):
        any_path = Q()
        for path in paths:
            any_path |= Q(**{f"{path}__contains": word})
        condition &= any_path
    return condition


TEXTS = ("name", "code", "national_code")


def refill_columns(model, fields: list[str], fill, *, batch_size: int = 1000) -> None:
    """For data migrations: ``fill(row)`` sets ``fields`` on each row of ``model`` (a historical
    model, which has none of the model's methods), saved in batches."""
    pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
    texts = [f.name for f in model._meta.concrete_fields if f.name in TEXTS]
    for start in range(0, len(pks), batch_size):
        # Only the texts the keys are made of: a later migration may drop other columns, and
        # this one must still run against the database as it is then (its tests do).
        rows = list(model.objects.filter(pk__in=pks[start : start + batch_size]).only(*texts))
        for row in rows:
            fill(row)
        model.objects.bulk_update(rows, fields)
