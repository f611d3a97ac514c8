"""Names of downloaded files: Vietnamese words without accents, joined by hyphens.

``download_name("Báo cáo tiến độ", "Xã Phú Phụng", date(2017, 12, 15), ext="pdf")`` gives
``bao-cao-tien-do-xa-phu-phung-15-12-2017.pdf``: every office's computer, mail server and USB key
reads it, and it says what the file holds in the user's language. Dates are written dd-mm-yyyy.
"""

import datetime
import unicodedata

from django.utils.text import slugify


def fold_accents(text: str) -> str:
    """``Đồng Khởi`` → ``Dong Khoi``: tone and vowel marks dropped, đ written d."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slug(text) -> str:
    """Lower-case ASCII words joined by hyphens; a date becomes dd-mm-yyyy."""
    if isinstance(text, datetime.date):
        text = f"{text:%d-%m-%Y}"
    return slugify(fold_accents(str(text)))


def download_name(*parts, ext: str) -> str:
    """The slugs of ``parts`` (empty ones left out) joined by hyphens, then ``.ext``."""
    stem = "-".join(s for s in (slug(p) for p in parts if p not in (None, "")) if s)
    return f"{stem or 'tep'}.{ext.lstrip('.').lower()}"
