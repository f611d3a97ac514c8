"""What every writer of :mod:`reports.documents` shares, set up once: where the stylesheets and the
fonts are, the fonts each kind of document is printed in, the content type of each format, and
the one text cleaning (:func:`clean`) that everything written to a file goes through.
"""

from pathlib import Path

from django.conf import settings
from django.utils.functional import Promise

from core.text import clean_text

STATIC_DIR = Path(settings.BASE_DIR) / "static"
FONTS_DIR = STATIC_DIR / "fonts"
# WeasyPrint's stylesheets (each loads its fonts from FONTS_DIR by @font-face): the progress
# reports' and the official documents'.
STYLESHEETS = {
    "report": STATIC_DIR / "css" / "print.css",
    "official": STATIC_DIR / "css" / "official.css",
}
# The progress report's fonts (print.css), which the annex pages written by pdftext embed too.
REPORT_FONTS = {
    "mono": "NotoSansMono-Regular.ttf",
    "serif": "NotoSerif-Regular.ttf",
    "bold": "NotoSerif-Bold.ttf",
}
# The official documents' font (NĐ 30/2020): the Word file names it, as the office's computers
# have it; the PDF embeds Liberation Serif, metric-compatible (official.css).
OFFICIAL_FONT = "Times New Roman"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def clean(value):
    """``value`` as a writer puts it in a file: text (a lazy translation made a str) in NFC
    without control characters (:func:`core.text.clean_text`: stored text may hold one, and no
    Word, PDF or Excel file shows it); any other value as it is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return clean_text(value)
    return value
