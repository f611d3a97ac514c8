from django.conf import settings
from django.urls import reverse


def test_login_page_is_vietnamese_whatever_the_browser_asks(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text


def test_the_chosen_language_is_kept(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "Sign in" in client.get(reverse("accounts:login")).text


def test_anonymous_requests_go_to_the_login_page(client, db):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_password_gets_a_vietnamese_message_and_no_session(client, dost_staff):
    response = client.post(
        reverse("accounts:login"), {"username": dost_staff.username, "password": "sai"}
    )
    assert response.status_code == 200
    assert "Vui lòng nhập đúng tên đăng nhập và mật khẩu" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_and_sign_out(client, dost_staff):
    response = client.post(
        reverse("accounts:login"),
        {"username": dost_staff.username, "password": "mật-khẩu-thử-123"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(dost_staff.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_pbkdf2_password_becomes_argon2_at_the_next_sign_in(client, dost_staff, settings):
    from django.contrib.auth.hashers import check_password, make_password

    from qms_rollout import settings as project

    settings.PASSWORD_HASHERS = project.PASSWORD_HASHERS
    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    dost_staff.password = make_password("mật-khẩu-cũ-2017", hasher="pbkdf2_sha256")
    dost_staff.save(update_fields=["password"])

    response = client.post(
        reverse("accounts:login"), {"username": dost_staff.username, "password": "mật-khẩu-cũ-2017"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(dost_staff.pk)
    dost_staff.refresh_from_db()
    assert dost_staff.password.startswith("argon2$argon2id$")
    assert check_password("mật-khẩu-cũ-2017", dost_staff.password)
    assert not check_password("mật-khẩu-khác", dost_staff.password)
