"""An old national list imported again after the 2025 reorganisation, through the upload ->
preview -> confirm pages: without its date it is refused (the preview says so as the
confirmation does, nothing written); with its date it is matched with the units of its day, so no
ended unit comes back; the same file twice changes nothing.

The files are the real rows of tỉnh Vĩnh Long in ``data/`` (see test_reorganisation_pages),
uploaded under names that carry no date, as an office keeps them.
"""

import datetime
import re
from pathlib import Path

import pytest

from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from imports.tests.test_reorganisation_pages import confirm, counts, post_file, preview

D = datetime.date
DATA = Path(__file__).resolve().parent / "data"
OLD = (DATA / "gso-2017-83-84-86.csv").read_bytes()
REFUSAL = (
    "408 đơn vị trong danh sách mang mã của đơn vị đã hết hiệu lực (như Phường Phú Khương "
    "(28756), hết hiệu lực ngày 30/06/2025): không có ngày của danh sách thì không đối chiếu được "
    "các dòng. Hãy cho biết ngày của danh sách"
)


@pytest.fixture(autouse=True)
def after_2025(vietnamese, settings):
    settings.QMS_AS_OF = D(2025, 9, 1)


def state():
    """Every unit and succession as stored, with its period."""
    return [
        list(model.objects.order_by("pk").values_list("pk", "code", "name", *extra))
        for model, extra in (
            (Province, ("kind", "valid_from", "valid_until")),
            (District, ("kind", "province_id", "valid_from", "valid_until")),
            (Commune, ("kind", "district_id", "province_id", "valid_from", "valid_until")),
        )
    ] + [
        list(Succession.objects.order_by("pk").values_list("pk", "predecessor", "successor")),
        list(ProvinceSuccession.objects.order_by("pk").values_list("pk")),
    ]


def upload_and_confirm(client, kind, name, data, **fields):
    """Upload, preview, confirm; the preview's and the confirmation's pages."""
    url = post_file(client, kind, name, data, **fields)
    html = preview(client, url)
    return html, confirm(client, url)


@pytest.fixture
def reorganised(client, dost_staff, db):
    """The 2017 list, the 2025 list from 1/7/2025 and the conversion table, through the pages."""
    client.force_login(dost_staff)
    steps = [
        ("admin-units", "danh-muc-cu.csv", OLD, {}),
        ("admin-units", "danh-muc-moi.csv", (DATA / "nso-2025-86.csv").read_bytes(), {}),
        ("unit-successions", "bang.csv", (DATA / "nso-conversion-2025-86.csv").read_bytes(), {}),
    ]
    for i, (kind, name, data, fields) in enumerate(steps):
        fields = {"effective": "01/07/2025"} if i else fields
        _html, response = upload_and_confirm(client, kind, name, data, **fields)
        assert response.status_code == 200, name
    assert Commune.objects.current().count() == 124
    assert Commune.objects.count() == 379 + 124


def error_table(html) -> str:
    return re.search(r'<section class="alert alert-danger".*?</section>', html, re.S).group(0)


def test_the_old_list_without_its_date_is_refused_on_the_preview_and_the_confirmation(
    client, reorganised
):
    before = state()

    html, response = upload_and_confirm(client, "admin-units", "danh-muc-cu.csv", OLD)

    assert REFUSAL in html and "sẽ không ghi gì" in html
    assert 'action="/imports/admin-units/confirm/' not in html
    assert response.status_code == 400
    assert error_table(response.content.decode()) == error_table(html)
    assert state() == before
    assert Commune.objects.current().count() == 124


def test_the_old_list_with_its_date_brings_no_unit_back_and_twice_changes_nothing(
    client, reorganised
):
    before = state()
    for _time in range(2):
        html, response = upload_and_confirm(
            client, "admin-units", "danh-muc-cu.csv", OLD, list_date="18/08/2017"
        )

        assert "Ngày của danh sách: <strong>18/08/2017</strong>" in html
        assert counts(html) == {"new": 0, "update": 0, "skip": 3 + 26 + 379}
        assert "Không có gì để thay đổi" in html
        assert "Không có gì để thay đổi" in response.content.decode()
        assert state() == before
    assert Commune.objects.current().count() == 124
    assert not District.objects.current().exists()


def test_a_unit_of_the_old_list_unknown_here_ends_before_the_next_list(client, reorganised):
    """A commune of 2017 no list imported had (a row added to the old list): it is created for
    its day and ends the day before the list of 1/7/2025, which did not name it."""
    added = "Tỉnh Bến Tre,83,Huyện Giồng Trôm,834,Xã Mới Thêm,29999,Xã\r\n"
    data = OLD.rstrip(b"\r\n") + b"\r\n" + added.encode()
    before = Commune.objects.count()

    for time in range(2):
        html, response = upload_and_confirm(
            client, "admin-units", "cu.csv", data, list_date="18/08/2017"
        )

        assert response.status_code == 200
        assert counts(html)["new"] == (0 if time else 1)
    added = Commune.objects.get(code="29999")
    assert (added.valid_from, added.valid_until) == (None, D(2025, 6, 30))
    assert added.district.code == "834" and added.district.valid_until == D(2025, 6, 30)
    assert Commune.objects.count() == before + 1
    assert Commune.objects.current().count() == 124


def test_the_date_in_the_files_name_is_the_lists_date_on_both_pages(client, reorganised):
    before = state()

    html, response = upload_and_confirm(client, "admin-units", "gso-2017-08-18.csv", OLD)

    assert "Ngày của danh sách: 18/08/2017 (theo tên tệp)" in html
    assert "Ngày của danh sách: 18/08/2017 (theo tên tệp)" in response.content.decode()
    assert state() == before


def test_the_upload_page_says_a_list_without_its_date_may_be_refused(client, reorganised):
    page = client.get("/imports/admin-units/").content.decode()

    assert 'name="list_date"' in page
    assert "khi đó danh sách có đơn vị đã hết hiệu lực sẽ bị từ chối" in page
