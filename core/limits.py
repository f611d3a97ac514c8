"""How long free text may be: the limits, and the database rule that holds each of them.

A ``TextField`` given ``max_length`` gets a ``maxlength`` in its form (the browser stops typing
there, ``static/js/char-count.js`` shows the count) but no rule in the database; add
:func:`max_length_check` to the model's constraints so an import or a shell cannot exceed it.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

NOTE_MAX = 2000  # a note on a milestone, a summary line
DESCRIPTION_MAX = 4000  # a finding, an action, a template's description, an audit's summary
LEGAL_TEXT_MAX = 4000  # the legal basis of a procedure


def max_length_check(field: str, limit: int) -> models.CheckConstraint:
    """A check named ``<app>_<model>_<field>_length``: at most ``limit`` characters in ``field``."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"%(app_label)s_%(class)s_{field}_length",
        violation_error_message=format_lazy(
            _("This text is too long: at most {limit} characters."), limit=limit
        ),
    )
