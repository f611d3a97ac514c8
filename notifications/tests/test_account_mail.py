"""Password reset by e-mail and the new officer's welcome mail, through a real SMTP server."""

import re

from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from notifications.tests.conftest import SITE


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
    assert smtp.received == []


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
    [mail] = smtp.to("en@example.vn")
    assert mail.subject == "[ISO 9001 at communes] Choose a new password"
    assert re.search(r"new password for the account officer-en", mail.text)
