"""Real spreadsheet files for the tests, and the Vietnamese catalogue of this app.

Until the lead merges ``imports/locale_vi.po.fragment`` into ``locale/vi``, :func:`vietnamese`
compiles the fragment (with ``msgfmt``) into a temporary locale directory placed first in
``LOCALE_PATHS``, so the tests read the same Vietnamese messages as the users will.
"""

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

FRAGMENT = Path(__file__).resolve().parent.parent / "locale_vi.po.fragment"
# Strings of branches not yet merged into locale/vi (the lead merges the fragments).
PENDING = [
    Path(__file__).resolve().parents[2] / "locale" / "fragments" / name
    for name in ("preview.po", "imports2.po")
]
HEADER = (
    'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Language: vi\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
)


def compile_fragment(target: Path) -> Path:
    """Compile the fragment into ``target``/vi/LC_MESSAGES/django.mo and return ``target``."""
    messages = target / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True, exist_ok=True)
    po = messages / "django.po"
    pending = [
        path.read_text(encoding="utf-8").split("\n\n", 1)[1] for path in PENDING if path.is_file()
    ]
    po.write_text(
        HEADER + "\n".join([FRAGMENT.read_text(encoding="utf-8"), *pending]), encoding="utf-8"
    )
    subprocess.run(
        [
            shutil.which("msgfmt") or "msgfmt",
            "--check-format",
            "-o",
            str(messages / "django.mo"),
            str(po),
        ],
        check=True,
    )
    return target


def xlsx_bytes(rows, *, title="Sheet1") -> bytes:
    """An .xlsx made by openpyxl from ``rows`` (the first row is the header row)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(ch in text for ch in (delimiter, '"', "\n")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "BEGIN", "SAVEPOINT")


def writes_among(queries) -> list[str]:
    """The statements of ``queries`` (captured) that write or open a transaction or savepoint.

    The savepoint Django wraps around a check constraint's ``SELECT 1 AS "_check"`` when a
    transaction is open (the test's own) is not one: outside a test it opens nothing."""
    sqls = [q["sql"].strip() for q in queries]
    found = []
    for i, sql in enumerate(sqls):
        if not sql.upper().startswith(WRITES):
            continue
        following = sqls[i + 1] if i + 1 < len(sqls) else ""
        if sql.startswith("SAVEPOINT") and following.startswith('SELECT 1 AS "_check"'):
            continue
        found.append(sql)
    return found
