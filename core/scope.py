"""What part of the territory a user works on, as a value a QuerySet can apply.

The rule that turns a person into a :class:`Scope` lives in one place, ``User.scope`` in
``accounts/models.py``; this module only knows how to express a scope as a filter, given the path
from a model to its commune. It imports no app.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    """The communes a user may see.

    Exactly one of the fields is set, or none (the user sees nothing):
    ``everything`` for the province-wide roles, ``district_id`` for a district officer,
    ``commune_id`` for a commune officer, ``commune_ids`` (a subquery of commune primary keys)
    with ``consultant_id`` for a consultant, ``province_ids`` (a subquery of province primary
    keys) for the province-wide roles of a deployment that names its territory.
    """

    everything: bool = False
    district_id: int | None = None
    commune_id: int | None = None
    consultant_id: int | None = None
    commune_ids: Any = None
    province_ids: Any = None

    @property
    def is_empty(self) -> bool:
        return not self.everything and all(
            value is None
            for value in (
                self.district_id,
                self.commune_id,
                self.consultant_id,
                self.commune_ids,
                self.province_ids,
            )
        )

    @property
    def key(self) -> tuple:
        """What names this scope among those of a deployment, for what is kept by scope
        (``core.generation.kept``): its subqueries follow from the deployment's territory and
        the consultant, so their presence names them."""
        return (
            self.everything,
            self.district_id,
            self.commune_id,
            self.consultant_id,
            self.commune_ids is not None,
            self.province_ids is not None,
        )

    def q(self, path: str) -> Q:
        """Keep the rows whose commune, reached by ``path`` ("" for a commune itself), is in scope."""
        if self.everything:
            return Q()
        prefix = f"{path}__" if path else ""
        own_key = f"{path}_id" if path else "pk"
        if self.district_id is not None:
            return Q(**{f"{prefix}district_id": self.district_id})
        if self.commune_id is not None:
            return Q(**{own_key: self.commune_id})
        if self.commune_ids is not None:
            return Q(**{f"{own_key}__in": self.commune_ids})
        if self.province_ids is not None:
            return Q(**{f"{prefix}province_id__in": self.province_ids})
        return Q(pk__in=[])


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user) -> Scope:
    """``user.scope`` for a signed-in user; nothing for anyone else (anonymous, ``None``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    return getattr(user, "scope", NOTHING)
