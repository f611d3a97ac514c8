"""The demo with the national lists of 2017 and 2025 imported: the demo province's DOST staff see
only their territory everywhere, a national deployment sees every province and drills down.

The lists are an extract of the national ones (``data/make_national_extract.py``: every province,
the demo's territory and its neighbours in full), imported with the management commands, as a
deployment would, then the demo: ``demo_country`` of the root conftest.py, built once and shared
with ``demo/tests/test_demo_password.py``.
"""

import datetime
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from docx import Document
from pypdf import PdfReader

from accounts.models import User
from communes.models import Commune, District, Province
from core.text import fold

TERRITORY = {"QMS_PROVINCE": "86", "QMS_PROVINCE_PREDECESSORS": ["83", "84"]}
DAY_2017 = datetime.date(2017, 12, 15)
DAY_2025 = datetime.date(2025, 12, 15)
PER_SHAPE = 2  # pages crawled per URL shape (digits replaced): every kind of page, bounded
SKIP = ("/admin/", "/static/", "/media/", "/logout", "/i18n/", "/healthz", "/imports/")

pytestmark = pytest.mark.django_db


@pytest.fixture
def territory(settings):
    for name, value in TERRITORY.items():
        setattr(settings, name, value)
    settings.QMS_ISSUER_PARENT = ""
    settings.QMS_ISSUER_PLACE = ""
    settings.LANGUAGE_CODE = "en"
    return settings


def test_the_lists_hold_every_province_of_2017_and_2025(demo_country):
    assert Province.objects.current(DAY_2017).count() == 63
    assert Province.objects.current(DAY_2025).count() == 34
    assert District.objects.current(DAY_2017).count() > 63
    assert not District.objects.current(DAY_2025).exists()


# The names of another province ------------------------------------------------------------------


def _names(units) -> set[str]:
    return {fold(name) for name in units.values_list("name", flat=True)}


def unit_names() -> tuple[set[str], set[str]]:
    """The folded names of the units of other provinces that no unit of the territory carries,
    and every unit's name (a name read in a page is its longest match among these)."""
    codes = [TERRITORY["QMS_PROVINCE"], *TERRITORY["QMS_PROVINCE_PREDECESSORS"]]
    ours, theirs = set(), set()
    for model, path in (
        (Province, "code"),
        (District, "province__code"),
        (Commune, "province__code"),
    ):
        ours |= _names(model.objects.filter(**{f"{path}__in": codes}))
        theirs |= _names(model.objects.exclude(**{f"{path}__in": codes}))
    # A numbered unit ("Quận 1", "Phường 3") is no name to tell a province by.
    foreign = {name for name in theirs - ours if not re.search(r"\d", name)}
    return foreign, theirs | ours


def _segments(text: str) -> list[list[str]]:
    """The folded words of ``text``, in runs that no punctuation or markup breaks: a unit's name
    never spans "Xã Tân Hòa (Thành phố Vĩnh Long)"."""
    return [part.split() for part in re.split(r"[^\w ]+", fold(text).replace("\n", "|"))]


def found_names(text: str, foreign: set[str], known: set[str]) -> set[str]:
    """The names of ``foreign`` that ``text`` holds as whole words (folded): at each word, the
    longest run of words that is a ``known`` name, when it is foreign ("Xã Tân Phú Đông" is not
    "Xã Tân Phú")."""
    longest = max((len(n.split()) for n in known), default=0)
    found = set()
    for words in _segments(text):
        for i in range(len(words)):
            for n in range(min(longest, len(words) - i), 1, -1):
                run = " ".join(words[i : i + n])
                if run in known:
                    if run in foreign:
                        found.add(run)
                    break
    return found


def _context(text: str, names: set[str]) -> list[str]:
    """Where ``names`` stand in ``text`` (the words around), for the failure message."""
    words = [word for segment in _segments(text) for word in [*segment, "|"]]
    around = []
    for name in names:
        size = len(name.split())
        at = next(i for i in range(len(words)) if " ".join(words[i : i + size]) == name)
        around.append(" ".join(words[max(0, at - 30) : at + 10]))
    return around


def test_the_name_matcher_finds_a_name_as_whole_words():
    foreign = {fold("Tỉnh Tiền Giang"), fold("Xã Tân Phú")}
    known = foreign | {fold("Xã Tân Phú Đông")}
    assert found_names("<td>Tỉnh Tiền Giang</td>", foreign, known) == {"tinh tien giang"}
    assert found_names("<td>Xã Tân Phú</td>", foreign, known) == {"xa tan phu"}
    assert not found_names("Xã Tân Phú Đông, tỉnh Tiền", foreign, known)
    both = found_names("Xã Tân Phú (Tỉnh Tiền Giang)", foreign, known)
    assert both == {"xa tan phu", "tinh tien giang"}
    assert not found_names("Xã Tân Phú Đông (Giang)", foreign, known)


# The crawl --------------------------------------------------------------------------------------


def _shape(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(sorted(k for k in re.findall(r"([^=&?]+)=", parts.query)))
    return re.sub(r"\d+", "#", parts.path) + "?" + query


def _text(response, url: str) -> str:
    """The text of a page or a download (PDF, Excel, Word), to search for names."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "pdf" in content_type:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "wordprocessingml" in content_type:
        document = Document(io.BytesIO(body))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return body.decode("utf-8", "replace")


def _links(html: str, base: str) -> list[str]:
    links = []
    for href in re.findall(r'href="([^"#]+)', html):
        url = urljoin(base, href.replace("&amp;", "&"))
        if url.startswith("/") and not url.startswith(SKIP):
            links.append(url)
    return links


def crawl(client, start: list[str]) -> dict[str, str]:
    """Every page reachable from ``start`` (``PER_SHAPE`` of each shape), by URL: its text."""
    queue, seen, shapes, pages = deque(start), set(start), {}, {}
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:
            continue
        text = pages[url] = _text(response, url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _links(text, url):
            shape = _shape(link)
            if link in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            seen.add(link)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(link)
    return pages


def _start_pages() -> list[str]:
    """The dashboard, and the lists filtered by each district the filters offer (seen below)."""
    return [
        "/dashboard/",
        "/communes/",
        "/milestones/",
        "/reports/province.pdf",
        "/reports/province.xlsx",
    ]


@pytest.mark.parametrize("day", [DAY_2017, DAY_2025], ids=["2017", "2025"])
def test_the_demo_provinces_dost_sees_no_unit_of_another_province(
    demo_country, territory, client, day
):
    territory.QMS_AS_OF = day
    foreign, known = unit_names()
    assert fold("Tỉnh Tiền Giang") in foreign and fold("Thành phố Hà Nội") in foreign
    client.force_login(User.objects.get(username="dost"))
    pages = crawl(client, _start_pages())
    assert len(pages) > 40
    assert any(url.endswith(".pdf") for url in pages) and any(".xlsx" in url for url in pages)
    leaks = {
        url: found for url, text in pages.items() if (found := found_names(text, foreign, known))
    }
    assert leaks == {}, [_context(pages[url], names) for url, names in leaks.items()]


def test_the_district_filter_offers_only_the_territory(demo_country, territory, client):
    territory.QMS_AS_OF = DAY_2017
    client.force_login(User.objects.get(username="dost"))
    html = client.get("/communes/").content.decode()
    offered = set(re.findall(r'<option value="(\d{3})"', html))
    ours = set(
        District.objects.current(DAY_2017)
        .filter(province__code__in=["83", "84", "86"])
        .values_list("code", flat=True)
    )
    assert offered == ours
    assert client.get("/districts/821/0/").status_code == 404  # a district of Tiền Giang


@pytest.mark.parametrize(
    "day, parent", [(DAY_2017, "UBND TỈNH BẾN TRE"), (DAY_2025, "UBND TỈNH VĨNH LONG")]
)
def test_the_reports_issuer_and_scope_follow_the_territory(
    demo_country, territory, client, day, parent
):
    territory.QMS_AS_OF = day
    client.force_login(User.objects.get(username="dost"))
    text = _text(client.get("/reports/province.pdf"), "pdf")
    assert parent in text
    name = {DAY_2017: "tỉnh Bến Tre", DAY_2025: "tỉnh Vĩnh Long"}[day]
    assert f"The whole of {name}" in " ".join(text.split())


# The national deployment ------------------------------------------------------------------------


@pytest.mark.parametrize("day, provinces", [(DAY_2017, 63), (DAY_2025, 34)], ids=["2017", "2025"])
def test_a_national_deployment_has_the_provinces_as_rows(
    demo_country, settings, client, day, provinces
):
    settings.QMS_PROVINCE = "*"
    settings.QMS_AS_OF = day
    client.force_login(User.objects.get(username="dost"))
    html = client.get("/dashboard/").content.decode()
    table = html[
        html.index('id="group-table"') : html.index("</table>", html.index('id="group-table"'))
    ]
    rows = re.findall(r'<a href="\?province=(\d{2})', table)
    assert len(rows) == provinces == len(set(rows))
    assert "year-provinces" in html


@pytest.mark.parametrize(
    "day, code, name", [(DAY_2017, "83", "Bến Tre"), (DAY_2025, "86", "Vĩnh Long")]
)
def test_a_national_user_drills_down_to_a_provinces_dashboard(
    demo_country, settings, client, day, code, name
):
    settings.QMS_PROVINCE = "*"
    settings.QMS_AS_OF = day
    client.force_login(User.objects.get(username="dost"))
    response = client.get(f"/dashboard/?province={code}")
    assert response.context["province"].code == code
    assert name in response.context["province"].name
    assert (
        response.context["figures"].total == 45
        if day == DAY_2017
        else response.context["figures"].total > 0
    )
    empty = client.get("/dashboard/?province=01")  # Hà Nội: in force, no programme
    assert empty.context["figures"].total == 0
    assert client.get("/dashboard/?province=99").status_code == 404
