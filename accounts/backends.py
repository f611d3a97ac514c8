"""Sign-in backend: Django's ModelBackend, loading a signed-in user with their unit."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserWithUnitBackend(ModelBackend):
    """Loads the user of a request with their district and commune in the same query: every
    page's banner asks whether the user's unit has ended (:attr:`User.ended_unit`) and titles
    name it (:attr:`User.scope_label`); the unit's province answers whether it lies in the
    deployment's territory (:attr:`User.unit_in_territory`) without a query of its own."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "district__province", "commune__province"
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
