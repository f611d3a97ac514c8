"""A user saved or deleted (a sign-in saves its last login; an administrator changes a role, a
unit, a password, deactivates an account) renews the users' token (:mod:`core.generation`):
every process then reads its signed-in users again (:class:`accounts.backends.UserWithUnitBackend`).

Renewed at once, for the rest of the transaction, and again when it commits: a request of
another process that read the old row meanwhile keeps it under the token that the commit
replaces."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.generation import USERS, data_changed


def _user_changed(sender, using=None, **kwargs):
    data_changed(USERS)
    transaction.on_commit(lambda: data_changed(USERS), using=using)


def connect(user_model) -> None:
    post_save.connect(_user_changed, sender=user_model, dispatch_uid="accounts-user-saved")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid="accounts-user-deleted")
