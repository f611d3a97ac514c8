"""Sign-in backend: Django's ModelBackend, loading a signed-in user with their unit."""

import pickle

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.generation import OTHER, USERS, kept


class UserWithUnitBackend(ModelBackend):
    """Loads the user of a request with their district and commune in the same query: every
    page's banner asks whether the user's unit has ended (:attr:`User.ended_unit`) and titles
    name it (:attr:`User.scope_label`); the unit's province answers whether it lies in the
    deployment's territory (:attr:`User.unit_in_territory`) without a query of its own.

    The row is kept in the process while no user and no unit changes: keyed on the users' and
    the units' tokens of :mod:`core.generation` (``accounts/signals.py`` renews the users' at
    every save or deletion of a user; any change to a unit renews the other), which a request
    reads here first, for its figures too. Each request unpickles its own copy. The query and
    the compilation of its four joins cost a page about 2 ms of CPU (issue 22)."""

    def get_user(self, user_id):
        row = kept(
            "signed-in-user", user_id, lambda: pickle.dumps(self._load(user_id)), (USERS, OTHER)
        )
        user = pickle.loads(row)  # noqa: S301 (bytes this process pickled itself)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _load(user_id):
        users = get_user_model()._default_manager.select_related(
            "district__province", "commune__province"
        )
        return users.filter(pk=user_id).first()
