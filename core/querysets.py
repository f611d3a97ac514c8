"""The scoped QuerySet base: every list is cut to what the user may see in one place.

Modelled on NetBox's ``RestrictedQuerySet.restrict()``: a model's QuerySet declares the path from
the model to its commune (``commune_path``) and :meth:`ScopedQuerySet.visible_to` applies the
user's :class:`~core.scope.Scope` along it. A model whose visibility is not a path to one commune
(a district, a programme) overrides :meth:`ScopedQuerySet.scope_filter`.
"""

from django.db import models
from django.db.models import Q

from core.scope import Scope, scope_of


def in_force_q(day, path: str = "") -> Q:
    """The one rule of a unit in force on ``day``, along ``path`` (a lookup to a unit, "" for the
    unit itself): begun by then (or since before the records) and not ended before it."""
    prefix = f"{path}__" if path else ""
    started = Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})
    going = Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    return started & going


class ScopedQuerySet(models.QuerySet):
    """A QuerySet that knows how to keep only the rows a user may see."""

    #: The lookup path from the model to its commune; "" when the model is the commune.
    commune_path: str | None = None

    def scope_filter(self, scope: Scope) -> Q:
        if self.commune_path is None:
            raise NotImplementedError(f"{type(self).__name__} declares no commune_path")
        return scope.q(self.commune_path)

    def of_units_in_force(self, day):
        """The rows whose commune was in force on ``day``: the picture of that day holds neither
        the units that began after it nor those that had ended (:func:`in_force_q`)."""
        if self.commune_path is None:
            raise NotImplementedError(f"{type(self).__name__} declares no commune_path")
        return self.filter(in_force_q(day, self.commune_path))

    def visible_to(self, user):
        """The rows ``user`` may see (none for an anonymous or inactive user)."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        return self.filter(self.scope_filter(scope))
