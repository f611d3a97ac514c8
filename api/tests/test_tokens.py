"""Personal API tokens: created on the account's page (shown once, stored hashed), listed with
their last use, revoked; printed by ``manage.py api_token``; refused once revoked or expired."""

import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from api.models import ApiToken


def test_the_page_creates_a_token_shown_once_and_stored_hashed(commune_officer, client):
    client.force_login(commune_officer)
    response = client.post("/account/api-tokens/", {"name": "Cổng tỉnh", "days": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("qms_") and key in response.content.decode()
    token = ApiToken.objects.get(user=commune_officer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    assert token.expires_at.date() == (timezone.now() + datetime.timedelta(days=30)).date()
    again = client.get("/account/api-tokens/")
    assert key not in again.content.decode()
    assert "Cổng tỉnh" in again.content.decode()


def test_the_page_shows_the_last_use(commune_officer, client):
    _token, key = ApiToken.issue(user=commune_officer, name="script")
    assert (
        client.get("/api/v1/programmes/", headers={"Authorization": f"Bearer {key}"}).status_code
        == 200
    )
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    client.force_login(commune_officer)
    page = client.get("/account/api-tokens/", headers={"Accept-Language": "en"})
    assert (
        timezone.localtime(token.last_used_at).strftime("%d/%m/%Y %H:%M") in page.content.decode()
    )


def test_a_revoked_token_is_refused(commune_officer, client):
    token, key = ApiToken.issue(user=commune_officer, name="script")
    client.force_login(commune_officer)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 302
    client.logout()
    response = client.get("/api/v1/programmes/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_nobody_revokes_another_users_token(commune_officer, other_commune_officer, client):
    token, _key = ApiToken.issue(user=commune_officer, name="script")
    client.force_login(other_commune_officer)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert not token.revoked


def test_an_expired_token_is_refused(commune_officer, client):
    token, key = ApiToken.issue(user=commune_officer, name="script", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = client.get("/api/v1/programmes/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_the_token_of_an_inactive_user_is_refused(commune_officer, client):
    _token, key = ApiToken.issue(user=commune_officer, name="script")
    commune_officer.is_active = False
    commune_officer.save()
    response = client.get("/api/v1/programmes/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_the_page_needs_a_signed_in_user(db, client):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302


def test_the_command_prints_a_working_token(commune_officer, client):
    out = StringIO()
    call_command("api_token", "officer-a", "--name", "cron", "--days", "7", stdout=out)
    key = out.getvalue().strip()
    assert ApiToken.objects.get(user=commune_officer).name == "cron"
    response = client.get("/api/v1/programmes/", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("api_token", "nobody", stdout=StringIO())
