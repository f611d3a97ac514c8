"""Accent-insensitive search and Vietnamese alphabetical order, the same on SQLite and PostgreSQL.

Neither database folds Vietnamese accents nor sorts by the Vietnamese alphabet out of the box
(SQLite has no ICU collation, PostgreSQL's depends on the server's locale). So the models whose
lists search or sort by Vietnamese text store two derived columns, filled on every save and bulk
write (:mod:`core.search`): the folded text, which searches compare with ``LIKE``, and a sort key,
which lists order by.

- :func:`fold` turns "Giồng Trôm" into "giong trom" and "Đ" into "d";
- :func:`vn_key` orders by base letters of the Vietnamese alphabet (a ă â b c d đ e ê g ...)
  and then by tone (none, huyền, hỏi, ngã, sắc, nặng);
- :func:`unit_key` orders administrative units by name without their kind ("Xã", "Phường",
  "Thị trấn"), as printed lists of units do;
- :func:`vn_sort_key` and :func:`unit_sort_key` are the same orders as strings of ASCII digits and
  lower-case letters, whose byte order is the order of the tuple keys. Every collation (SQLite's
  BINARY, PostgreSQL's "C", en_US or vi_VN) sorts such strings alike, so ``order_by("sort_key")``
  gives the same rows in the same order on both databases.

And :func:`clean_text`, what every text entering the product (forms, imports, the admin) and
leaving it in a document goes through: NFC, without control characters.
"""

import re
import unicodedata
from functools import lru_cache

# Combining marks that make a letter of its own in the Vietnamese alphabet (ă â ê ô ơ ư).
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
# Tone marks in dictionary order: huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_ALPHABET = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
    "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z",
]  # fmt: skip
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_UNIT_PREFIXES = ("thị trấn ", "thành phố ", "thị xã ", "phường ", "huyện ", "quận ", "xã ")

# A rank is written as three base-36 digits whose first is never "0": "0" then separates the
# parts of a key and sorts before any rank, so a shorter word sorts before a longer one.
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_FIRST = 36 * 36  # the smallest three-digit number not starting with "0"
_LARGEST_RANK = 36**3 - 1 - _FIRST  # ranks above (letters of scripts past U+A95F) share a code
SEPARATOR = "0"

# Characters no text of ours holds and XML (Word, Excel) refuses or mangles: the C0 controls but
# tab, line feed and carriage return; DEL and the C1 controls; lone surrogates; U+FFFE, U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` in Unicode NFC without control characters (tab and line breaks are kept).

    A character such as ``\\x01`` or ``\\x1b`` typed or pasted into a field, or read from a
    spreadsheet cell, would make every Word or Excel file showing the text fail.
    """
    if not text:
        return text
    return unicodedata.normalize("NFC", _CONTROL.sub("", text))


def fold(text: str) -> str:
    """``text`` in lower case without diacritics, "đ" as "d": what searches compare."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def search_words(query: str) -> list[str]:
    """The folded words of a search box: a row matches when each occurs in one of its texts.
    Control characters are dropped (a NUL is not a character PostgreSQL can compare)."""
    return fold(clean_text(query or "")).split()


def _letters_and_tones(text: str) -> tuple[list[str], list[int]]:
    letters: list[str] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", (text or "").casefold()):
        if unicodedata.combining(ch):
            if ch in _TONES and tones:
                tones[-1] = _TONES[ch]
            elif ch in (_BREVE, _CIRCUMFLEX, _HORN) and letters:
                letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
            continue
        letters.append(ch)
        tones.append(0)
    return letters, tones


def vn_key(text: str) -> tuple:
    """A sort key for Vietnamese text: letters of the alphabet first, then tones."""
    letters, tones = _letters_and_tones(text)
    return (tuple(_rank(ch) for ch in letters), tuple(tones))


def _rank(ch: str) -> int:
    """Spaces and punctuation before digits, digits before letters, letters in alphabet order."""
    if ch in _RANK:
        return 1000 + _RANK[ch]
    if ch.isdigit():
        return 500 + ord(ch)
    if ch.isalpha():
        return 2000 + ord(ch)
    return ord(ch) if ord(ch) < 500 else 499


def unit_key(name: str) -> tuple:
    """Sort key for a unit's name, leaving out its kind: "Xã An Hiệp" sorts under "An Hiệp"."""
    lowered = (name or "").casefold()
    for prefix in _UNIT_PREFIXES:
        if lowered.startswith(prefix):
            return (vn_key(name[len(prefix) :]), vn_key(name))
    return (vn_key(name), vn_key(name))


@lru_cache(maxsize=4096)
def _code(ch: str) -> str:
    """The three characters of a letter's rank (see :func:`vn_sort_key`)."""
    number = _FIRST + min(_rank(ch), _LARGEST_RANK)
    return _DIGITS[number // 1296] + _DIGITS[number // 36 % 36] + _DIGITS[number % 36]


def vn_sort_key(text: str) -> str:
    """:func:`vn_key` as an ASCII string: comparing two of them compares their ``vn_key``.

    The ranks of the letters (three characters each), "0", then the tones (one digit each). No
    key is the beginning of another, so keys can be joined to sort by several texts in turn.
    """
    letters, tones = _letters_and_tones(text)
    ranks = "".join(_code(ch) for ch in letters)
    return ranks + SEPARATOR + "".join(str(t) for t in tones)


def vn_sort_key_length(max_length: int) -> int:
    """The longest :func:`vn_sort_key` of a text of ``max_length`` characters."""
    return 4 * max_length + 1


def unit_sort_key(name: str, code: str = "") -> str:
    """:func:`unit_key` (then the GSO code) as an ASCII string, for ``order_by("sort_key")``."""
    lowered = (name or "").casefold()
    short = next((name[len(p) :] for p in _UNIT_PREFIXES if lowered.startswith(p)), name)
    return SEPARATOR.join([vn_sort_key(short), vn_sort_key(name), code])


def unit_sort_key_length(max_length: int, code_length: int) -> int:
    """The longest :func:`unit_sort_key` of a name of ``max_length`` characters."""
    return 2 * vn_sort_key_length(max_length) + 2 + code_length
