"""Every page tells the truth: titles name the user's scope, an empty list says whether the
filters or the scope left it empty, headings start with a capital."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from roadmap.tests.factories import MilestoneFactory


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"


def _h1(html: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).split() and " ".join(
        re.sub(r"<[^>]+>", " ", found.group(1)).split()
    )


@pytest.mark.parametrize(
    ("persona", "name"),
    [
        ("dost_staff", None),  # the province of the world
        ("manager", None),
        ("district_officer", "Huyện Chợ Lách"),
        ("commune_officer", "Xã Phú Phụng"),
        ("consultant", "Công ty Tư vấn A"),
    ],
)
def test_the_dashboard_and_the_lists_name_the_users_scope(client, world, request, persona, name):
    name = name or world["province"].name
    client.force_login(request.getfixturevalue(persona))
    client.cookies["django_language"] = "en"
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert name in _h1(dashboard) and "Province dashboard" not in dashboard
    assert re.search(rf"<title>[^<]*{re.escape(name)}", dashboard)
    for url in ("roadmap:milestone_list", "reports:commune_list", "audits:finding_list"):
        page = client.get(reverse(url)).content.decode()
        assert name in _h1(page), (url, _h1(page))


def test_the_dashboard_names_the_configured_province(client, world, dost_staff, settings):
    settings.QMS_PROVINCE = world["province"].code
    client.force_login(dost_staff)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert _h1(page) == f"Overview: {world['province'].name}"


def test_an_empty_list_says_whether_the_filters_or_the_scope_left_it_empty(
    client, world, commune_officer, dost_staff
):
    client.cookies["django_language"] = "en"
    client.force_login(commune_officer)
    page = client.get(reverse("roadmap:milestone_list")).content.decode()
    assert "No unit of your scope in force on this day has a roadmap step." in page
    assert "matches these filters" not in page
    MilestoneFactory(participation=world["participation"])
    page = client.get(reverse("roadmap:milestone_list"), {"q": "không có bước này"})
    page = page.content.decode()
    assert "No milestone matches these filters." in page and "Clear the filters" in page
    assert "in your scope yet" not in page
    page = client.get(reverse("audits:finding_list")).content.decode()
    assert "No finding of the units in force on this day is recorded in your scope." in page


def test_a_commune_without_issued_processes_does_not_say_none_needs_revision(
    client, world, commune_officer
):
    client.cookies["django_language"] = "en"
    client.force_login(commune_officer)
    page = client.get(reverse("reports:commune_detail", args=["28873", "0"])).content.decode()
    assert "The QMS scope has no procedure with an issued process yet." in page
    assert "No process needs revision." not in page


class _Headings(HTMLParser):
    TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption", "th", "label", "summary"}

    def __init__(self):
        super().__init__()
        self.open, self.found = [], []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.open.append([tag, ""])

    def handle_endtag(self, tag):
        if self.open and self.open[-1][0] == tag:
            tag, text = self.open.pop()
            if tag != "th" or text.strip():
                self.found.append((tag, " ".join(text.split())))

    def handle_data(self, data):
        if self.open:
            self.open[-1][1] += data


def test_every_heading_of_every_page_starts_with_a_capital(client, world, request, settings):
    """In Vietnamese: headings, captions, column headers, labels, summaries."""
    from qms_rollout.tests.test_html_valid import _pages

    bad = []
    client.cookies["django_language"] = "vi"
    for label, html in _pages(client, world, request).items():
        parser = _Headings()
        parser.feed(html.split("<main", 1)[-1])
        for tag, text in parser.found:
            text = re.sub(r"^\d+\.[a-zđ]\s", "", text)  # "1.a ...": a checklist item's number
            if text[:1].islower() and not text.startswith(("dd/", "e-mail")):
                bad.append(f"{label}: <{tag}> {text[:60]}")
    assert bad == [], "\n".join(sorted(set(bad))[:40])
