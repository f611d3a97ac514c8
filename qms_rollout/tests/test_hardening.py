"""Hardening: the Content Security Policy and pages that hold to it, private caching of every
signed-in answer, the idle session timeout, the sign-in lockout per client address behind the
proxy, the error pages in the site's frame."""

import datetime
import logging
from html.parser import HTMLParser

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from roadmap.models import Milestone
from roadmap.services import participation_apply_template
from roadmap.tests.factories import RoadmapStepFactory, RoadmapTemplateFactory

PASSWORD = "mật-khẩu-thử-123"


class InlineFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, <style> elements, style and event
    handler attributes (``on*``, ``hx-on*``, which htmx runs through eval)."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs.get("src"))
            if not attrs.get("src"):
                self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        for name in attrs:
            if name == "style" or name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.fixture
def rollout(world):
    template = RoadmapTemplateFactory(name="Lộ trình xây dựng mới")
    for order, name in enumerate(["Khảo sát thực trạng", "Đào tạo nhận thức"], start=1):
        RoadmapStepFactory(template=template, order=order, name=name, offset_days=10 * order)
    for key in ("participation", "neighbour_participation", "other_participation"):
        participation_apply_template(participation=world[key], template=template)
    return world


def _pages(world):
    milestone = Milestone.objects.filter(participation=world["participation"]).first()
    commune, district = world["commune"].url_args, world["district"].url_args
    return [
        reverse("reports:dashboard"),
        reverse("reports:commune_list"),
        reverse("reports:commune_detail", args=commune),
        reverse("reports:district_detail", args=district),
        reverse("roadmap:milestone_list"),
        reverse("roadmap:milestone_update", args=[milestone.pk]),
        reverse("roadmap:programme_list"),
        reverse("roadmap:programme_detail", args=[world["programme"].pk]),
        reverse("procedures:procedure_list"),
        reverse("imports:index"),
        reverse("imports:upload", args=["milestones"]),
        reverse("audits:finding_list"),
        reverse("audits:action_list"),
        reverse("accounts:password_change"),
        "/no-such-page/",
    ]


def test_every_page_has_a_strict_policy_and_nothing_inline(client, rollout, dost_staff):
    client.force_login(dost_staff)
    for path in _pages(rollout):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert inline_parts(response.content.decode()) == [], path


def test_the_dashboard_charts_are_inline_svg_without_style_attributes(client, rollout, dost_staff):
    client.force_login(dost_staff)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert html.count("<svg") >= 2
    assert inline_parts(html) == []


def test_htmx_is_told_not_to_inject_styles_nor_eval(client, rollout, dost_staff):
    client.force_login(dost_staff)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert '"includeIndicatorStyles": false' in html
    assert '"allowEval": false' in html
    finder = InlineFinder()
    finder.feed(html)
    assert any(src and "htmx" in src for src in finder.scripts)
    assert any(src and src.endswith("js/app.js") for src in finder.scripts)


def test_the_inline_milestone_editor_closes_without_inline_script(client, rollout, dost_staff):
    client.force_login(dost_staff)
    milestone = Milestone.objects.filter(participation=rollout["participation"]).first()
    path = reverse("roadmap:milestone_update", args=[milestone.pk]) + "?inline=1"
    response = client.get(path, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'data-remove-closest="tr"' in html
    assert inline_parts(html) == []


def test_the_login_page_too(client, db):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert inline_parts(response.content.decode()) == []


# Private caching ---------------------------------------------------------------------------


def test_signed_in_pages_and_downloads_are_private(client, rollout, commune_officer):
    client.force_login(commune_officer)
    code = rollout["commune"].code
    for path in (
        reverse("accounts:home"),
        reverse("reports:commune_detail", args=[code, "0"]),
        reverse("reports:commune_report", args=[code, "0", "xlsx"]),
        reverse("imports:index"),  # a 403 is private too
    ):
        response = client.get(path, follow=False)
        assert "private" in response["Cache-Control"], path
        assert "public" not in response["Cache-Control"], path
    download = client.get(reverse("reports:commune_report", args=[code, "0", "xlsx"]))
    assert download["Content-Disposition"].startswith("attachment")


# Idle session timeout --------------------------------------------------------------------------


def _sign_in(client, user, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, **extra
    )


def test_a_request_pushes_the_idle_timeout_back(client, rollout, dost_staff, settings):
    _sign_in(client, dost_staff)
    session = client.session
    session["_renewed_at"] = 0  # last renewed long ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("reports:dashboard")).status_code == 200
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_requests_within_a_minute_write_no_session(client, rollout, dost_staff):
    _sign_in(client, dost_staff)
    expiry = Session.objects.get().expire_date
    Session.objects.update(expire_date=expiry - datetime.timedelta(seconds=30))
    assert client.get(reverse("reports:dashboard")).status_code == 200
    assert Session.objects.get().expire_date == expiry - datetime.timedelta(seconds=30)


def test_an_idle_session_has_ended(client, rollout, dost_staff):
    _sign_in(client, dost_staff)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# The lockout per client address behind the proxy ------------------------------------------------


@override_settings(AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_an_attacker_behind_the_proxy_locks_only_their_own_address(client, rollout, dost_staff):
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # The attacker also writes a forged address into X-Forwarded-For; nginx appends the real one.
    attacker = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.66"}
    for _ in range(3):
        client.post(
            reverse("accounts:login"),
            {"username": dost_staff.username, "password": "sai"},
            **attacker,
        )
    locked = client.post(
        reverse("accounts:login"),
        {"username": dost_staff.username, "password": PASSWORD},
        **attacker,
    )
    assert locked.status_code == 429
    # The user at the forged address, through the same proxy, signs in.
    user = {**proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert _sign_in(client, dost_staff, **user).status_code == 302
    assert client.session["_auth_user_id"] == str(dost_staff.pk)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(rf):
    from qms_rollout.proxy import client_ip

    request = rf.get("/", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_ip(request) == "203.0.113.66"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_trusted_proxies_read_the_second_entry_from_the_right(rf):
    from qms_rollout.proxy import client_ip

    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5, 10.0.0.1"
    )
    assert client_ip(request) == "203.0.113.5"


# Error pages ------------------------------------------------------------------------------------


def test_404_and_403_are_vietnamese_pages_in_the_sites_frame(client, rollout, commune_officer):
    client.force_login(commune_officer)
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert "Không tìm thấy trang" in not_found.content.decode()
    assert 'class="navbar' in not_found.content.decode()
    forbidden = client.get(reverse("imports:index"))
    assert forbidden.status_code == 403
    assert "Không có quyền truy cập" in forbidden.content.decode()
    assert 'class="navbar' in forbidden.content.decode()


def test_an_ordinary_403_is_logged_without_a_traceback(client, rollout, commune_officer, caplog):
    client.force_login(commune_officer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("imports:index")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)


def test_a_csrf_failure_is_a_vietnamese_page(rollout, dost_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(dost_staff)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hạn" in html
    assert 'class="navbar' in html


@override_settings(DEBUG=False)
def test_a_server_error_is_a_vietnamese_page(client, rollout, dost_staff, monkeypatch):
    from reports import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "dashboard_context", broken)
    client.raise_request_exception = False
    client.force_login(dost_staff)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode()


def test_a_bad_request_is_a_vietnamese_page(client, db):
    response = client.get("/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
