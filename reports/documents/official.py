"""The official documents the product writes, as content: the frame every one shares (Nghị định
30/2020/NĐ-CP) and the documents of the yearly cycle built on it. The writers of the package turn
an :class:`OfficialDocument` into PDF (:mod:`reports.documents.pdf`, the template
``templates/reports/official/document.html``) or Word (:mod:`reports.documents.word`).

The frame (NĐ 30/2020 Art. 8 and Phụ lục I): the national motto and slogan; the issuing body under
its parent; the number and symbol (typed by the user as issued, never invented: left blank before
the slash until then); place and date; the kind of document and its subject line (trích yếu); the
body; the signer's title and name; the recipients (Nơi nhận). A document is an
:class:`OfficialDocument` of :class:`Block` s.

The annual report (QĐ 19/2014 Art. 12.6, Phụ lục II; TT 26/2014 Art. 42.4) is built here; the
inspection trail (TT 26/2014 Arts. 34–38: plan, approval, request, decision, minutes, letters,
summary, answers) in :mod:`reports.documents.trail`, on the same frame.

The documents are Vietnamese administrative texts whatever the language of the page: their fixed
wording is written here in Vietnamese, and the figure labels are rendered in Vietnamese. Numbers,
dates, names typed by the user are printed as typed; what is not typed stays blank (never
invented). The forms themselves are not in the legal compilation the project holds: the
structure follows the content each article lists.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
DOTS = "……"  # what the office fills in by hand: a number, a day


@dataclass
class Block:
    """A piece of the body: ``heading``, ``center`` (a centred bold line), ``para``, ``list``
    (``items``), or ``table`` (``headers``, ``rows``; ``widths`` in mm, optional)."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    rows: list[list[str] | str] = field(default_factory=list)  # a str: a bold row across
    widths: list[int] = field(default_factory=list)

    @property
    def percents(self) -> list[float]:
        """The column widths as shares of the table (the PDF's ``<col>``)."""
        total = sum(self.widths) or 1
        return [round(100 * w / total, 1) for w in self.widths]


@dataclass
class Signer:
    title: str
    name: str
    caption: str = ""  # above the title in two-signer documents (minutes): who signs for whom

    @property
    def title_lines(self) -> list[str]:
        """The title as printed, one authority a line (NĐ 30/2020 Phụ lục I): "KT. GIÁM ĐỐC" then
        "PHÓ GIÁM ĐỐC". A title typed on one line ("KT. Giám đốc Phó Giám đốc", "TM. Ủy ban
        nhân dân KT. Chủ tịch Phó Chủ tịch") is split before each authority (KT., TL., TUQ.) and
        before the deputy's title; otherwise where the user broke the line."""
        title = (self.title or "").strip()
        lines = [line.strip() for line in title.splitlines() if line.strip()]
        if len(lines) == 1 and re.match(r"(?i)^(TM|KT|TL|TUQ)\.", title):
            lines = [part.strip() for part in re.split(r"\s(?=(?:KT\.|TL\.|TUQ\.|Phó\s))", title)]
        return [line.upper() for line in lines]


@dataclass
class OfficialDocument:
    parent_body: str
    issuing_body: str
    number: str
    symbol: str
    place: str
    date: datetime.date | None
    year: int
    kind: str
    subject: str
    blocks: list[Block]
    signers: list[Signer]
    recipients: list[str]
    filename: str

    motto = MOTTO
    slogan = SLOGAN

    @property
    def number_line(self) -> str:
        """ "Số: 12/KH-SKHCN" as typed; before it is issued "Số: ……/KH-SKHCN" (never invented)."""
        number = (self.number or "").strip()
        if number.lower().startswith("số"):
            number = number[2:].lstrip(" :")
        return f"Số: {number}" if number else f"Số: {DOTS}/{self.symbol}"

    @property
    def date_line(self) -> str:
        return f"{self.place}, {vietnamese_date(self.date, self.year)}"


def vietnamese_date(day: datetime.date | None, year: int | None = None) -> str:
    """ "ngày 05 tháng 3 năm 2024" (NĐ 30/2020 Phụ lục I: a 0 before days 1–9 and months 1–2);
    dots for the office to fill when the date is not known yet."""
    if day is None:
        return f"ngày {DOTS} tháng {DOTS} năm {year or DOTS}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


# The documents of the yearly cycle --------------------------------------------------------------

QMS = "Hệ thống quản lý chất lượng theo TCVN ISO 9001"
BLANK = "…………"


def issuer(province) -> dict:
    """The issuing body of a document about ``province`` (a :class:`~communes.models.Province`
    or ``None``): its parent, the People's Committee of the province ("UBND TỈNH VĨNH LONG"),
    itself, its place (the province's name without its kind). ``QMS_ISSUER_PARENT`` and
    ``QMS_ISSUER_PLACE`` override the derived values when set."""
    return {
        "parent_body": settings.QMS_ISSUER_PARENT
        or (province.people_committee if province else ""),
        "issuing_body": settings.QMS_ISSUER,
        "place": settings.QMS_ISSUER_PLACE or (province.short_name if province else ""),
    }


def _frame(province, **kwargs) -> dict:
    """What every document of the DOST shares: its parent, itself, its place."""
    return {**issuer(province), **kwargs}


def issuer_name() -> str:
    """The issuing body's name in running text, with normal Vietnamese capitals ("Sở Khoa học và
    Công nghệ"); the masthead prints it in capitals."""
    return settings.QMS_ISSUER_NAME


def _vnd(amount) -> str:
    return f"{_number(int(amount or 0))} đồng"


def _date(day) -> str:
    return day.strftime("%d/%m/%Y") if day else BLANK


def _signer(source) -> list[Signer]:
    return [Signer(title=source.signer_title or "", name=source.signer_name or "")]


# Shared by the documents built on this frame -------------------------------------------------


def _number(value) -> str:
    if not isinstance(value, int):
        return str(value)
    with translation.override("vi"):
        return number_format(value, force_grouping=True)


def _paragraphs(text: str) -> list[Block]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return [Block("para", line) for line in lines] or [Block("para", BLANK)]
