"""Only DOST staff import; every role exports what it may see."""

import pytest

from imports.tests.helpers import upload, xlsx_bytes

# Which role may open which import page, and what anonymous users get: the one access matrix,
# accounts/tests/test_url_access.py. Here: what the matrix cannot say.


@pytest.mark.parametrize("persona", ["manager", "consultant", "commune_officer"])
def test_other_roles_may_not_upload_preview_or_confirm(client, request, dost_staff, persona):
    data = xlsx_bytes([["Mã xã", "Bước", "Trạng thái"], ["28873", 1, "Hoàn thành"]])
    client.force_login(dost_staff)
    url = client.post("/imports/milestones/", {"file": upload("a.xlsx", data)})["Location"]
    client.force_login(request.getfixturevalue(persona))

    assert client.post("/imports/milestones/", {"file": upload("a.xlsx", data)}).status_code == 403
    assert client.get(url).status_code == 403
    assert client.post(url.replace("/preview/", "/confirm/")).status_code == 403


def test_dost_staff_sees_every_kind_with_its_template_files(client, dost_staff):
    client.force_login(dost_staff)
    text = client.get("/imports/").content.decode()
    for kind in ["milestones", "participations", "procedures", "scope", "admin-units"]:
        assert f"/imports/{kind}/template.xlsx" in text
        assert f'href="/imports/{kind}/"' in text
    assert "Tiến độ các bước lộ trình (bảng tính của đơn vị tư vấn)" in text


def test_an_upload_is_only_previewed_in_the_session_that_made_it(client, dost_staff, world):
    from accounts.tests.factories import UserFactory

    data = xlsx_bytes([["Mã xã", "Bước", "Trạng thái"], ["28873", 1, "Hoàn thành"]])
    client.force_login(dost_staff)
    url = client.post("/imports/milestones/", {"file": upload("a.xlsx", data)})["Location"]
    client.force_login(UserFactory(username="dost2"))

    assert client.get(url).status_code == 404
    assert client.post(url.replace("/preview/", "/confirm/")).status_code == 404


def test_an_unknown_kind_or_token_is_not_found(client, dost_staff):
    client.force_login(dost_staff)
    assert client.get("/imports/nothing/").status_code == 404
    assert client.get("/imports/milestones/preview/abcdefghijklmnopqrstuvwxyz/").status_code == 404
    assert client.get("/imports/milestones/template.pdf").status_code == 404


def test_confirm_is_post_only(client, dost_staff, world):
    data = xlsx_bytes([["Mã xã", "Bước", "Trạng thái"], ["28873", 1, "Hoàn thành"]])
    client.force_login(dost_staff)
    url = client.post("/imports/milestones/", {"file": upload("a.xlsx", data)})["Location"]
    assert client.get(url.replace("/preview/", "/confirm/")).status_code == 405
