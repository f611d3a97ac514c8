"""Pages of plain lines written straight to PDF (pydyf and fontTools, both WeasyPrint's own), for
the annexes of a summary report, and the page numbers of the whole document.

WeasyPrint lays out and draws a line of text in about a millisecond (it shapes and splits every
line, then draws it glyph by glyph in Python): the 10,000 lines of a nation-scale annex took ~30 s.
These pages need none of that: a monospace table is placed by counting characters, so this module
writes each line as one text operator, in the report's own fonts (embedded, subset to the glyphs
used, with a ToUnicode map so the text can be searched and copied). A page holds a heading (bold
serif), a note (serif) and the monospace lines under their header, repeated on each page of a
block; every block starts a page, as the annexes of the HTML report do.

:func:`append_pages` adds them after the pages WeasyPrint rendered and numbers every page
"Trang n/N" in the bottom margin, as ``@page { @bottom-center }`` does in the small reports.
"""

import io
from dataclasses import dataclass, field
from functools import cache

import pydyf
from fontTools import subset
from fontTools.ttLib import TTFont

from reports.documents.base import FONTS_DIR, REPORT_FONTS, clean

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4, margins as static/css/print.css
TOP, BOTTOM, LEFT, RIGHT = 18 * MM, 18 * MM, 25 * MM, 15 * MM
MONO_SIZE, MONO_LEADING = 7.0, 9.1  # pre { font: 7pt/1.3 }
HEADING_SIZE, NOTE_SIZE, FOOTER_SIZE = 11.0, 7.5, 8.0


@dataclass
class Block:
    """A part that starts a page: a heading, a note (wrapped), a header line repeated on each of
    its pages, then its monospace lines."""

    heading: str
    note: str = ""
    header: str = ""
    lines: list[str] = field(default_factory=list)


class _Glyphs(dict):
    """Character code -> its glyph id as 4 hexadecimal digits (``str.translate``'s table); a
    character the font lacks is its .notdef glyph."""

    def __missing__(self, code):
        return "0000"


@dataclass(frozen=True)
class FontFile:
    """A TrueType font without its layout tables (not needed: no shaping here): its bytes, the
    glyph of each character, the advance of each glyph (1/1000 em)."""

    name: str
    data: bytes
    cmap: dict
    hex: _Glyphs
    widths: dict
    ascent: int
    descent: int
    bbox: tuple


STRIPPED_TABLES = ("GSUB", "GPOS", "GDEF", "SVG ", "DSIG", "MATH", "BASE", "JSTF")


@cache
def font_file(kind: str) -> FontFile:
    """The font of ``kind`` (``mono``, ``serif``, ``bold``), read once per process."""
    path = FONTS_DIR / REPORT_FONTS[kind]
    font = TTFont(path, lazy=True)
    for tag in STRIPPED_TABLES:
        if tag in font:
            del font[tag]
    data = io.BytesIO()
    font.save(data)
    scale = 1000 / font["head"].unitsPerEm
    order = font.getGlyphOrder()
    head = font["head"]
    cmap = {code: font.getGlyphID(glyph) for code, glyph in font.getBestCmap().items()}
    return FontFile(
        name=path.stem,
        data=data.getvalue(),
        cmap=cmap,
        hex=_Glyphs({code: f"{gid:04x}" for code, gid in cmap.items()}),
        widths={i: round(font["hmtx"][g][0] * scale) for i, g in enumerate(order)},
        ascent=round(font["hhea"].ascent * scale),
        descent=round(font["hhea"].descent * scale),
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
    )


class Font:
    """One font as this document uses it: the glyphs drawn, and their text for ToUnicode."""

    def __init__(self, kind: str, resource: str):
        self.file = font_file(kind)
        self.resource = resource
        self.chars: set[str] = set()

    def encode(self, text: str) -> bytes:
        """``text`` as the hexadecimal glyph ids of a ``Tj`` (Identity-H), its characters
        recorded (for the subset and the ToUnicode map)."""
        text = clean(text)  # NFC, no control character (it has no glyph)
        self.chars.update(text)
        return b"<" + text.translate(self.file.hex).encode() + b">"

    @property
    def used(self) -> dict[int, str]:
        """Glyph id -> the character it shows, of every glyph drawn."""
        cmap = self.file.cmap
        return {cmap.get(ord(ch), 0): ch for ch in sorted(self.chars, reverse=True)}

    def width(self, text: str, size: float) -> float:
        cmap, widths = self.file.cmap, self.file.widths
        return sum(widths[cmap.get(ord(ch), 0)] for ch in text) * size / 1000

    def _subset(self, used: dict) -> tuple[bytes, bytes]:
        """The font cut down to the glyphs in ``used``, and the CIDToGIDMap from the ids the
        text was written with (the full font's glyph ids) to the subset's."""
        options = subset.Options(ignore_missing_glyphs=True, notdef_outline=True, hinting=False)
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "SVG"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(gids=sorted(used) or [0])
        ttfont = TTFont(io.BytesIO(self.file.data), lazy=True)
        names = ttfont.getGlyphOrder()
        subsetter.subset(ttfont)
        new_ids = {name: gid for gid, name in enumerate(ttfont.getGlyphOrder())}
        cid_to_gid = bytearray(2 * (max(used, default=0) + 1))
        for cid in used:
            new_id = new_ids.get(names[cid], 0)
            cid_to_gid[2 * cid : 2 * cid + 2] = new_id.to_bytes(2, "big")
        out = io.BytesIO()
        ttfont.save(out)
        return out.getvalue(), bytes(cid_to_gid)

    def _to_unicode(self) -> bytes:
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <ffff> endcodespacerange",
        ]
        items = sorted(self.used.items())
        for start in range(0, len(items), 100):
            chunk = items[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            lines += [f"<{gid:04x}> <{ch.encode('utf-16-be').hex()}>" for gid, ch in chunk]
            lines.append("endbfchar")
        lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
        return "\n".join(lines).encode()

    def add_to(self, pdf: pydyf.PDF) -> pydyf.Dictionary:
        """Write the font's objects (subset, descriptor, CID font, ToUnicode) into ``pdf``."""
        f = self.file
        name = f"QMSAAA+{f.name}"
        used = self.used
        font_data, cid_to_gid = self._subset(used)
        font_file_stream = pydyf.Stream([font_data], compress=True)
        to_unicode = pydyf.Stream([self._to_unicode()], compress=True)
        cid_to_gid_stream = pydyf.Stream([cid_to_gid], compress=True)
        for stream in (font_file_stream, to_unicode, cid_to_gid_stream):
            pdf.add_object(stream)
        descriptor = pydyf.Dictionary(
            {
                "Type": "/FontDescriptor",
                "FontName": f"/{name}",
                "Flags": 32 | (1 if "Mono" in f.name else 0),
                "FontBBox": pydyf.Array(f.bbox),
                "ItalicAngle": 0,
                "Ascent": f.ascent,
                "Descent": f.descent,
                "CapHeight": f.ascent,
                "StemV": 80,
                "FontFile2": font_file_stream.reference,
            }
        )
        pdf.add_object(descriptor)
        widths = pydyf.Array()
        for gid in sorted(used):
            widths += [gid, pydyf.Array([f.widths[gid]])]
        cid_font = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/CIDFontType2",
                "BaseFont": f"/{name}",
                "CIDSystemInfo": pydyf.Dictionary(
                    {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity")}
                    | {"Supplement": 0}
                ),
                "FontDescriptor": descriptor.reference,
                "W": widths,
                "CIDToGIDMap": cid_to_gid_stream.reference,
            }
        )
        pdf.add_object(cid_font)
        font = pydyf.Dictionary(
            {
                "Type": "/Font",
                "Subtype": "/Type0",
                "BaseFont": f"/{name}",
                "Encoding": "/Identity-H",
                "DescendantFonts": pydyf.Array([cid_font.reference]),
                "ToUnicode": to_unicode.reference,
            }
        )
        pdf.add_object(font)
        return font


class Pages:
    """The content of the pages being written: lines of text placed from the top margin."""

    def __init__(self):
        self.fonts = {
            kind: Font(kind, resource) for kind, resource in (("mono", "QM"), ("serif", "QS"))
        }
        self.fonts["bold"] = Font("bold", "QB")
        self.pages: list[list[bytes]] = []
        self.y = 0.0

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_HEIGHT - TOP

    def room(self) -> float:
        return self.y - BOTTOM

    def text(self, kind: str, size: float, x: float, y: float, text: str) -> None:
        font = self.fonts[kind]
        self.pages[-1].append(
            b"BT /%s %g Tf %.2f %.2f Td %s Tj ET"
            % (font.resource.encode(), size, x, y, font.encode(text))
        )

    def line(self, kind: str, size: float, leading: float, text: str) -> None:
        """A line under the last one (``leading`` points lower)."""
        self.y -= leading
        self.text(kind, size, LEFT, self.y + leading * 0.25, text)

    def wrapped(self, kind: str, size: float, leading: float, text: str) -> None:
        """``text`` over as many lines as the width of the page needs (broken at spaces)."""
        font, width, line = self.fonts[kind], PAGE_WIDTH - LEFT - RIGHT, ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and font.width(candidate, size) > width:
                self.line(kind, size, leading, line)
                candidate = word
            line = candidate
        if line:
            self.line(kind, size, leading, line)


def _block(pages: Pages, block: Block) -> None:
    """``block`` from the top of a new page, its header repeated on each page it runs onto."""
    pages.new_page()
    pages.wrapped("bold", HEADING_SIZE, HEADING_SIZE * 1.4, block.heading)
    if block.note:
        pages.y -= 1 * MM
        pages.wrapped("serif", NOTE_SIZE, NOTE_SIZE * 1.35, block.note)
    pages.y -= 1.5 * MM
    if block.header:
        pages.line("mono", MONO_SIZE, MONO_LEADING, block.header)
    for text in block.lines:
        if pages.room() < MONO_LEADING:
            pages.new_page()
            if block.header:
                pages.line("mono", MONO_SIZE, MONO_LEADING, block.header)
        pages.line("mono", MONO_SIZE, MONO_LEADING, text)


def _footer(pages: Pages, label: str, number: int, total: int) -> bytes:
    text = f"{label} {number}/{total}"
    font = pages.fonts["serif"]
    x = LEFT + (PAGE_WIDTH - LEFT - RIGHT - font.width(text, FOOTER_SIZE)) / 2
    return b"BT /QS %g Tf %.2f %.2f Td %s Tj ET" % (
        FOOTER_SIZE,
        x,
        BOTTOM / 2 - FOOTER_SIZE / 3,
        font.encode(text),
    )


def write_pdf(blocks: list[Block], *, first: int, footer_label: str) -> tuple[bytes, int]:
    """A PDF of ``first`` pages holding only their page number (to lay over the pages before
    these), then the pages of ``blocks``; and the number of those pages."""
    pages = Pages()
    for block in blocks:
        _block(pages, block)
    total = first + len(pages.pages)
    contents = [[_footer(pages, footer_label, n + 1, total)] for n in range(first)]
    contents += [
        [*ops, _footer(pages, footer_label, first + n + 1, total)]
        for n, ops in enumerate(pages.pages)
    ]
    pdf = pydyf.PDF()
    fonts = pydyf.Dictionary()
    for font in pages.fonts.values():
        fonts[font.resource] = font.add_to(pdf).reference
    resources = pydyf.Dictionary({"Font": fonts})
    pdf.add_object(resources)
    for ops in contents:
        stream = pydyf.Stream([b"\n".join(ops)], compress=True)
        pdf.add_object(stream)
        pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, round(PAGE_WIDTH, 2), round(PAGE_HEIGHT, 2)]),
                    "Contents": stream.reference,
                    "Resources": resources.reference,
                }
            )
        )
    out = io.BytesIO()
    pdf.write(out, compress=True)
    return out.getvalue(), len(pages.pages)


def append_pages(document: bytes, blocks: list[Block], *, footer_label: str) -> bytes:
    """``document`` (WeasyPrint's PDF, without page numbers) followed by the pages of ``blocks``,
    every page numbered "``footer_label`` n/N"."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(document))
    first = len(writer.pages)
    extra, _count = write_pdf(blocks, first=first, footer_label=footer_label)
    reader = PdfReader(io.BytesIO(extra))
    for number in range(first):
        writer.pages[number].merge_page(reader.pages[number])
    for page in reader.pages[first:]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
