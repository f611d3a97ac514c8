"""Accent-insensitive search and Vietnamese alphabetical order, the same on SQLite and PostgreSQL.

Neither database folds Vietnamese accents nor sorts by the Vietnamese alphabet out of the box
(SQLite has no ICU collation, PostgreSQL's depends on the server's locale), so lists do both in
Python on a narrow "index" query (primary key and the few texts that are searched or sorted on)
and then load only the rows of the page shown. The cost is two queries, whatever the number of
rows: the 1-vs-N tests of the lists hold it.

- :func:`fold` turns "Giồng Trôm" into "giong trom" and "Đ" into "d";
- :func:`vn_key` orders by base letters of the Vietnamese alphabet (a ă â b c d đ e ê g ...)
  and then by tone (none, huyền, hỏi, ngã, sắc, nặng);
- :func:`unit_key` orders administrative units by name without their kind ("Xã", "Phường",
  "Thị trấn"), as printed lists of units do.
"""

import unicodedata
from collections.abc import Callable, Iterable, Sequence

from django.core.paginator import Page, Paginator

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


def fold(text: str) -> str:
    """``text`` in lower case without diacritics, "đ" as "d": what searches compare."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("Đ", "D").casefold()


def vn_key(text: str) -> tuple:
    """A sort key for Vietnamese text: letters of the alphabet first, then tones."""
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


def units_sorted(units: Iterable) -> list:
    """Administrative units (anything with a ``name``) in Vietnamese alphabetical order."""
    return sorted(units, key=lambda u: unit_key(u.name))


def matches(query: str, *texts: str) -> bool:
    """True when every word of ``query`` occurs, accents and case aside, in one of ``texts``."""
    haystack = " ".join(fold(t) for t in texts if t)
    return all(word in haystack for word in fold(query).split())


def search_page(
    rows: Iterable[Sequence],
    *,
    query: str = "",
    texts: Callable[[Sequence], Iterable[str]],
    key: Callable[[Sequence], object],
    page_number=1,
    per_page: int = 25,
) -> Page:
    """Keep the ``rows`` (primary key first) whose ``texts`` match ``query``, sort them by
    ``key`` and return the asked page; its ``object_list`` holds the primary keys to load."""
    rows = list(rows)
    if query.strip():
        rows = [r for r in rows if matches(query, *texts(r))]
    rows.sort(key=key)
    return Paginator([r[0] for r in rows], per_page).get_page(page_number)


def in_order(objects: Iterable, pks: Sequence) -> list:
    """``objects`` in the order of ``pks`` (the page's primary keys)."""
    position = {pk: i for i, pk in enumerate(pks)}
    return sorted(objects, key=lambda o: position[o.pk])
