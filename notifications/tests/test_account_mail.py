"""Password reset by e-mail and the new officer's welcome mail, through a real SMTP server."""

import re

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications.tests.conftest import SITE


def run_worker():
    """The background worker, in this process: runs what is queued, then returns (the test's
    connection stays open: its transaction holds the test's rows)."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def queued() -> list[dict]:
    """The password-reset tasks queued, by their arguments."""
    from django_tasks_db.models import DBTaskResult

    return [
        r.args_kwargs["kwargs"]
        for r in DBTaskResult.objects.order_by("enqueued_at")
        if r.task_path.endswith("send_password_reset")
    ]


def ask_reset(client, email, **extra):
    return client.post(reverse("accounts:password_reset"), {"email": email}, **extra)


def the_link(mail) -> str:
    """The set-password link of a mail, as a path for the test client."""
    [link] = [u for u in mail.links() if "/password/reset/" in u and not u.endswith("/reset/")]
    assert link.startswith(SITE)
    return link.removeprefix(SITE)


def set_password(client, path: str, password: str):
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_reset_mail_link_sets_a_new_password(client, smtp, world):
    officer = UserFactory(
        username="officer-a",
        email="officer-a@xa.example.vn",
        role=User.Role.COMMUNE_OFFICER,
        commune=world["commune"],
    )
    response = client.post(reverse("accounts:password_reset"), {"email": "officer-a@xa.example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert smtp.received == []  # the page only queued the work
    assert queued() == [{"email": "officer-a@xa.example.vn"}]
    run_worker()
    [mail] = smtp.to("officer-a@xa.example.vn")
    assert mail.subject == "[ISO 9001 cấp xã] Đặt lại mật khẩu"
    assert "Có yêu cầu đặt lại mật khẩu cho tài khoản officer-a" in mail.text
    path = the_link(mail)
    assert f'href="{SITE}{path}"' in mail.html
    done = set_password(client, path, "Sen-hong-Ben-Tre-2017")
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")
    officer.refresh_from_db()
    assert officer.check_password("Sen-hong-Ben-Tre-2017")
    # The link works once.
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    signed_in = client.post(
        reverse("accounts:login"), {"username": "officer-a", "password": "Sen-hong-Ben-Tre-2017"}
    )
    assert signed_in.status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, smtp, world):
    response = client.post(reverse("accounts:password_reset"), {"email": "ai-do@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    # The same path as a known address: the page queues the work, the worker finds no account.
    assert queued() == [{"email": "ai-do@example.vn"}]
    run_worker()
    assert smtp.received == []


def test_the_page_never_looks_the_address_up(client, world):
    """The known and the unknown address cost the page the same queries (the session and the
    queued task, never the users table): the answer's time tells nothing."""
    UserFactory(username="officer-a", email="officer-a@xa.example.vn")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tables = []
    for email in ("officer-a@xa.example.vn", "ai-do@example.vn"):
        with CaptureQueriesContext(connection) as captured:
            assert ask_reset(client, email).status_code == 302
        tables.append([q["sql"].split(" ")[0] for q in captured.captured_queries])
        assert not any("accounts_user" in q["sql"] for q in captured.captured_queries)
    assert tables[0] == tables[1]


@pytest.mark.parametrize("email", ["officer-a@xa.example.vn", "ai-do@example.vn"])
def test_the_fourth_request_for_an_address_within_the_hour_is_refused(client, smtp, world, email):
    UserFactory(username="officer-a", email="officer-a@xa.example.vn")
    for _ in range(3):
        assert ask_reset(client, email).status_code == 302
    refused = ask_reset(client, email.upper())
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu: chưa gửi liên kết nào." in text
    assert email not in text.replace(f'value="{email.upper()}"', "")
    assert len(queued()) == 3
    run_worker()
    known = email == "officer-a@xa.example.vn"
    assert len(smtp.to("officer-a@xa.example.vn")) == (3 if known else 0)


def test_one_client_asking_for_many_addresses_is_refused_after_ten(client, world):
    for n in range(10):
        assert ask_reset(client, f"ai-{n}@example.vn", REMOTE_ADDR="203.0.113.9").status_code == 302
    refused = ask_reset(client, "ai-10@example.vn", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert ask_reset(client, "ai-10@example.vn", REMOTE_ADDR="203.0.113.10").status_code == 302
    assert len(queued()) == 11


def test_a_new_officer_gets_a_welcome_mail_instead_of_a_password_on_screen(
    client, smtp, dost_staff, world
):
    client.force_login(dost_staff)
    url = reverse("roadmap:officer_assign", args=[world["programme"].pk])
    response = client.post(
        url,
        {
            "o-commune": world["commune"].pk,
            "o-username": "thuky-28873",
            "o-first_name": "Lan",
            "o-last_name": "Nguyễn Thị",
            "o-email": "lan@xa.example.vn",
        },
    )
    assert response.status_code == 200
    assert response.context["welcome"] is True
    assert "lan@xa.example.vn" in response.text
    officer = User.objects.get(username="thuky-28873")
    assert (officer.role, officer.commune) == (User.Role.COMMUNE_OFFICER, world["commune"])
    [mail] = smtp.to("lan@xa.example.vn")
    assert mail.subject == "[ISO 9001 cấp xã] Tài khoản của anh/chị: đặt mật khẩu"
    assert "thuky-28873" in mail.text and "Xã Phú Phụng" in mail.text
    assert f"{SITE}/login/" in mail.links()
    # Nobody saw a password: the officer chooses one from the mail.
    client.logout()
    done = set_password(client, the_link(mail), "Ca-phe-sua-da-28873")
    assert done.status_code == 302
    signed_in = client.post(
        reverse("accounts:login"), {"username": "thuky-28873", "password": "Ca-phe-sua-da-28873"}
    )
    assert signed_in.status_code == 302


def test_a_new_officer_needs_an_address(client, smtp, dost_staff, world):
    client.force_login(dost_staff)
    url = reverse("roadmap:officer_assign", args=[world["programme"].pk])
    response = client.post(url, {"o-commune": world["commune"].pk, "o-username": "thuky-x"})
    assert "email" in response.context["officer_form"].errors
    assert not User.objects.filter(username="thuky-x").exists()
    assert smtp.received == []


def test_the_reset_mail_uses_the_recipients_language(client, smtp, world):
    from notifications.models import NotificationPreference

    officer = UserFactory(username="officer-en", email="en@example.vn")
    NotificationPreference.objects.create(user=officer, language="en")
    client.post(reverse("accounts:password_reset"), {"email": "en@example.vn"})
    run_worker()
    [mail] = smtp.to("en@example.vn")
    assert mail.subject == "[ISO 9001 at communes] Choose a new password"
    assert re.search(r"new password for the account officer-en", mail.text)
