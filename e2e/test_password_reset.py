"""Password reset by e-mail in the browser: the form, the mail (a real SMTP server), the link."""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications.tests.smtp import smtp_server

NEW_PASSWORD = "Dua-xiem-Ben-Tre-2017"


def run_worker():
    """The background worker, here in the test's process: runs what is queued, then returns."""
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def mailbox(settings):
    with smtp_server(settings) as received:
        yield received


def test_a_forgotten_password_is_reset_from_the_mailed_link(
    page, live_server, login, mailbox, settings, world, assert_accessible
):
    settings.SITE_URL = live_server.url
    officer = UserFactory(
        username="thuky-28873",
        email="thuky@xa.example.vn",
        role=User.Role.COMMUNE_OFFICER,
        commune=world["commune"],
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    assert page.locator("h1").inner_text() == "Quên mật khẩu?"
    assert_accessible(page)
    page.get_by_label("Địa chỉ thư điện tử").fill("thuky@xa.example.vn")
    page.get_by_role("button", name="Gửi liên kết cho tôi").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Kiểm tra hộp thư"

    # The page only queued the mail: nothing is sent until the worker runs the task.
    assert mailbox.to("thuky@xa.example.vn") == []
    run_worker()
    [mail] = mailbox.to("thuky@xa.example.vn")
    [link] = [u for u in mail.links() if "/password/reset/" in u]
    assert link.startswith(live_server.url)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Đặt mật khẩu mới"
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Lưu mật khẩu").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Đã lưu mật khẩu"

    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    login(page, officer, password=NEW_PASSWORD)
    # The used link no longer works.
    page.goto(link)
    assert page.locator("h1").inner_text() == "Liên kết này không còn hiệu lực"
