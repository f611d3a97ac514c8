"""Every page is valid HTML: the Nu HTML checker (vnu-jar, from the npm registry) reads the pages
the test client renders for each persona, and reports no error.

``make lint`` runs it (``pytest -m html``); it needs Java and ``node_modules/vnu-jar`` (``make
lint`` installs it with npm). Without them it is skipped, unless ``REQUIRE_BROWSER=1`` (CI).
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.test_url_access import PERSONAS, URLS, Samples, url_name

pytestmark = pytest.mark.html

VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _require_checker():
    if VNU.exists() and shutil.which("java"):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"the Nu HTML checker is missing at {VNU} (run make lint)")
    pytest.skip("the Nu HTML checker is not installed (npm install vnu-jar)")


def _pages(client, world, request):
    """``{label: html}`` for every GET page that answers 200 to some persona, as that persona."""
    samples = Samples(world)
    pages = {}
    for name, entry in sorted(URLS.items()):
        if entry.method != "get":
            continue
        persona = next((p for p in PERSONAS if entry.expect[p] == 200), None)
        if persona is None:
            continue
        client.force_login(request.getfixturevalue(persona))
        url = reverse(url_name(name), kwargs=entry.kwargs(samples) if entry.kwargs else {})
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if not response.content.lstrip()[:15].lower().startswith(b"<!doctype html"):
            continue  # an htmx fragment: checked inside the page that holds it
        pages[f"{name} ({persona}) {url}"] = response.content.decode()
    return pages


def test_every_page_is_valid_html(client, world, request, settings, tmp_path):
    _require_checker()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QMS_AS_OF = __import__("datetime").date(2017, 12, 15)
    pages = _pages(client, world, request)
    assert len(pages) > 20
    labels, folder = {}, tmp_path / "pages"
    folder.mkdir()
    for index, (label, html) in enumerate(pages.items()):
        path = folder / f"page-{index:03d}.html"
        path.write_text(html, encoding="utf-8")
        labels[path.name] = label
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors = sorted(
        f"{labels.get(Path(m.get('url', '')).name, m.get('url'))} line {m.get('lastLine')}: "
        f"{m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    )
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:60])
