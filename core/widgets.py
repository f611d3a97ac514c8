"""django-import-export widgets for spreadsheets typed in a Vietnamese office.

Each ``clean`` raises ``ValueError`` with a translated message naming the value, which the
resource turns into an error on that column.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from core.forms import DateField
from core.spreadsheets import choice_label


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value) -> str:
    """A cell as NFC text: integers without ``.0``, dates as dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return unicodedata.normalize("NFC", str(value)).strip()


def fold(text: str) -> str:
    """A key for comparing labels typed by hand: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class TextWidget(widgets.Widget):
    """Text stored in NFC; empty cells become empty strings (never NULL)."""

    def __init__(self, max_length: int | None = None, **kwargs):
        self.max_length = max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = as_text(value)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(
                _("The text is longer than %(max)s characters.") % {"max": self.max_length}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


def clean_code(value, width: int) -> str:
    """A GSO code: digits, zero-padded to ``width`` (Excel drops the leading zeros of numbers)."""
    text = as_text(value)
    if not text.isdigit() or len(text) > width:
        raise ValueError(
            _("“%(value)s” is not a GSO code (%(width)s digits).") % {"value": text, "width": width}
        )
    return text.zfill(width)


class DateWidget(widgets.Widget):
    """A date typed dd/mm/yyyy or stored as an Excel date; shown dd/mm/yyyy. The forms' rules
    and messages (:mod:`core.forms`): the format, no year before 2000; the rules tied to
    another object (a programme's start) are the resource's, as they are the form's."""

    field = DateField(required=False)  # the forms' own field: same formats, rules, messages

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        text = f"{value:%d/%m/%Y}" if isinstance(value, datetime.date) else as_text(value)
        try:
            return self.field.clean(text)
        except ValidationError as error:
            raise ValueError(f"“{text}”: {error.messages[0]}") from None

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class ChoiceWidget(widgets.Widget):
    """A choice typed as its code, its label, or one of the accepted ``synonyms``.

    The labels are the model's choices, read in the interface language and in the spreadsheets'
    (Vietnamese); exports and messages use the Vietnamese label, so a spreadsheet reads the same
    whatever the interface language. ``synonyms`` maps other spellings met in the offices'
    files (short forms, older wordings) to values: they are accepted, never written.
    """

    def __init__(self, choices, synonyms: dict[str, str] | None = None, **kwargs):
        self.choices = choices
        self.synonyms = dict(synonyms or {})
        self._accepted: dict[str | None, dict[str, str]] = {}  # by interface language
        self._rendered: dict[tuple, str] = {}  # (interface language, value) -> label
        super().__init__(**kwargs)

    def accepted(self) -> dict[str, str]:
        """Folded spelling -> value, built once per interface language (a file has many rows)."""
        language = translation.get_language()
        if language not in self._accepted:
            table = {fold(value): value for value in self.choices.values}
            table.update({fold(str(label)): value for value, label in self.choices.choices})
            table.update({fold(choice_label(self.choices, v)): v for v in self.choices.values})
            table.update({fold(synonym): value for synonym, value in self.synonyms.items()})
            self._accepted[language] = table
        return self._accepted[language]

    def labels(self) -> list[str]:
        return [choice_label(self.choices, value) for value in self.choices.values]

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        text = as_text(value)
        found = self.accepted().get(text) or self.accepted().get(fold(text))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of: %(choices)s.")
                % {"value": text, "choices": ", ".join(self.labels())}
            )
        return found

    def render(self, value, obj=None, **kwargs):
        key = (translation.get_language(), value)
        if key not in self._rendered:
            self._rendered[key] = choice_label(self.choices, value)
        return self._rendered[key]


class AmountWidget(widgets.Widget):
    """A whole amount of dong: 150000000, 150.000.000 or 150,000,000; never negative; empty: None."""

    GROUPED = re.compile(r"^\d{1,3}([., \u00a0]\d{3})+$")

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            amount = Decimal(value)
        else:
            text = as_text(value).replace("đ", "").replace("VND", "").strip()
            if text.isdigit():
                amount = Decimal(text)
            elif self.GROUPED.match(text):
                amount = Decimal(re.sub(r"\D", "", text))
            else:
                try:
                    amount = Decimal(text)
                except InvalidOperation:
                    raise ValueError(
                        _("“%(value)s” is not an amount in dong.") % {"value": text}
                    ) from None
        if amount < 0 or amount != amount.to_integral_value():
            raise ValueError(
                _("“%(value)s” is not a whole, positive amount in dong.") % {"value": value}
            )
        return amount

    def render(self, value, obj=None, **kwargs):
        return int(value) if value is not None else ""


class WholeNumberWidget(widgets.Widget):
    """A whole number of at least ``minimum``; empty means ``None``."""

    def __init__(self, minimum: int = 0, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        text = as_text(value)
        if not text.isdigit() or int(text) < self.minimum:
            raise ValueError(
                _("“%(value)s” is not a whole number of at least %(min)s.")
                % {"value": text, "min": self.minimum}
            )
        return int(text)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value
