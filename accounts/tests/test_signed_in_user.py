"""The signed-in user, kept in the process between requests (``accounts/backends.py``): read
from the database once, then again as soon as any user or unit changes, in this process or in
another one (the tokens of ``core/generation.py`` in the shared cache)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.backends import UserWithUnitBackend
from accounts.models import User
from core.generation import USERS, data_changed

LOGIN = reverse("accounts:login")


def _user_reads(client, url) -> tuple[int, object]:
    """How many times the page ``url`` read the signed-in user's row, and its response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "accounts_user"."id"')
        and '"accounts_user"."id" =' in q["sql"]
    ]
    return len(reads), response


def test_the_user_is_read_once_while_no_user_changes(client, commune_officer, world):
    client.force_login(commune_officer)
    page = world["commune"].get_absolute_url()
    first, response = _user_reads(client, page)
    assert (first, response.status_code) == (1, 200)
    for _ in range(3):
        again, response = _user_reads(client, page)
        assert (again, response.status_code) == (0, 200)


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, commune_officer, world):
    client.force_login(commune_officer)
    page = world["commune"].get_absolute_url()
    assert client.get(page).status_code == 200
    commune_officer.is_active = False
    commune_officer.save()
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_new_password_ends_the_sessions_at_the_next_request(client, commune_officer, world):
    client.force_login(commune_officer)
    page = world["commune"].get_absolute_url()
    assert client.get(page).status_code == 200
    commune_officer.set_password("một-mật-khẩu-mới-456")
    commune_officer.save()
    assert client.get(page)["Location"].startswith(LOGIN)


def test_a_user_moved_to_another_commune_sees_it_at_the_next_request(
    client, commune_officer, world
):
    client.force_login(commune_officer)
    own, other = world["commune"].get_absolute_url(), world["other_commune"].get_absolute_url()
    assert client.get(own).status_code == 200
    assert client.get(other).status_code == 404
    commune_officer.commune = world["other_commune"]
    commune_officer.save()
    assert client.get(own).status_code == 404
    assert client.get(other).status_code == 200


def test_a_change_made_by_another_process_is_read_once_its_token_changes(
    client, commune_officer, world
):
    """Another server wrote the row (here without this process's signals) and renewed the
    users' token in the shared cache, as its signal does."""
    client.force_login(commune_officer)
    page = world["commune"].get_absolute_url()
    assert client.get(page).status_code == 200
    User.objects.filter(pk=commune_officer.pk).update(is_active=False)
    data_changed(USERS)
    assert client.get(page)["Location"].startswith(LOGIN)


def test_a_renamed_unit_is_named_at_the_next_request(
    client, commune_officer, world, django_capture_on_commit_callbacks
):
    """The lists' titles name the user's unit, read with the user."""
    client.force_login(commune_officer)
    milestones = reverse("roadmap:milestone_list")
    assert "· Xã Phú Phụng</h1>" in client.get(milestones).text.replace("</span>", "")
    commune = world["commune"]
    commune.name = "Xã Phú Phụng Mới"
    with django_capture_on_commit_callbacks(execute=True):
        commune.save()
    assert "· Xã Phú Phụng Mới</h1>" in client.get(milestones).text.replace("</span>", "")


def test_each_request_gets_its_own_user(commune_officer):
    backend = UserWithUnitBackend()
    first = backend.get_user(commune_officer.pk)
    first.first_name = "changed by one request"
    second = backend.get_user(commune_officer.pk)
    assert second is not first
    assert second.first_name == commune_officer.first_name
    assert second.commune is not first.commune
    assert second.commune.name == "Xã Phú Phụng"


def test_an_unknown_user_is_none(db):
    assert UserWithUnitBackend().get_user(10**9) is None


def test_a_renamed_province_is_named_in_the_staff_titles_at_the_next_request(
    client, dost_staff, world, django_capture_on_commit_callbacks, settings
):
    """The territory's name (a query of every staff page) is kept while no unit changes."""
    settings.QMS_PROVINCE = world["province"].code
    client.force_login(dost_staff)
    milestones = reverse("roadmap:milestone_list")
    name = world["province"].name
    assert f"· {name}</h1>" in client.get(milestones).text.replace("</span>", "")
    world["province"].name = "Tỉnh Mới"
    with django_capture_on_commit_callbacks(execute=True):
        world["province"].save()
    assert "· Tỉnh Mới</h1>" in client.get(milestones).text.replace("</span>", "")
