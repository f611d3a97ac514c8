"""The 2025 reorganisation through the import pages: the new national list with an effective date
(units missing from it end) and the conversion table (in the shared CSV's columns or with
Vietnamese headers), each previewed without writing and confirmed all or nothing.

``data/`` holds the real rows of ../shared/data for tỉnh Vĩnh Long (the 2017 lists of Bến Tre
83, Trà Vinh 84 and Vĩnh Long 86; the 2025 list of the new Vĩnh Long 86; the conversion table's
rows between them), cut from the shared files unchanged.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from imports.tests.helpers import csv_bytes, upload, writes_among

D = datetime.date
DATA = Path(__file__).resolve().parent / "data"

GSO = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
LIST_2017 = [
    ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Phúc Xá", "00001", "Phường"],
    ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Trúc Bạch", "00004", "Phường"],
    ["Tỉnh Bến Tre", "83", "Thành phố Bến Tre", "829", "Phường 2", "28777", "Phường"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Phong Nẫm", "28987", "Xã"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Lương Hòa", "28999", "Xã"],
    ["Tỉnh Bến Tre", "83", "Huyện Giồng Trôm", "834", "Xã Sơn Phú", "29014", "Xã"],
]
GSO_2025 = ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"]
LIST_2025 = [
    ["Thành phố Hà Nội", "01", "Phường Ba Đình", "00004", "Phường"],
    ["Thành phố Hà Nội", "01", "Phường Hồng Hà", "00097", "Phường"],
    ["Tỉnh Quảng Ninh", "22", "Đặc khu Vân Đồn", "06994", "Đặc khu"],
    ["Tỉnh Vĩnh Long", "86", "Phường An Hội", "28777", "Phường"],
    ["Tỉnh Vĩnh Long", "86", "Xã Lương Hòa", "28987", "Xã"],
]
TABLE = [
    "old_ward_code",
    "old_district_code",
    "old_province_code",
    "partly_merged",
    "new_ward_code",
    "new_province_code",
]
TABLE_VI = [
    "Mã xã cũ",
    "Mã huyện cũ",
    "Mã tỉnh cũ",
    "Sáp nhập một phần",
    "Mã xã mới",
    "Mã tỉnh mới",
]
ROWS = [
    ["00001", "001", "01", "0", "00097", "01"],
    ["00004", "001", "01", "0", "00004", "01"],
    ["28777", "829", "83", "0", "28777", "86"],
    ["28987", "834", "83", "0", "28987", "86"],
    ["28999", "834", "83", "0", "28987", "86"],
    ["29014", "834", "83", "0", "28777", "86"],
]


def state():
    """Every unit and succession as stored: what a preview must leave exactly as it was."""
    return (
        list(Province.objects.order_by("pk").values_list("pk", "code", "valid_until")),
        list(District.objects.order_by("pk").values_list("pk", "code", "valid_until")),
        list(Commune.objects.order_by("pk").values_list("pk", "code", "name", "valid_until")),
        list(Succession.objects.order_by("pk").values_list("pk", "whole")),
        list(ProvinceSuccession.objects.order_by("pk").values_list("pk")),
    )


def post_file(client, kind, name, data, **fields):
    """Upload ``data`` as ``name`` to the kind's page; the preview's URL."""
    response = client.post(f"/imports/{kind}/", {"file": upload(name, data), **fields})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def preview(client, url):
    """Open the preview, checking that it sent no write and opened no transaction."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    writes = writes_among(queries)
    assert not writes, writes[:3]
    assert response.status_code == 200
    return response.content.decode()


def confirm(client, url):
    return client.post(url.replace("/preview/", "/confirm/"))


def counts(html) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(r'data-count="(\w+)">\s*([\d.]+)\s*<', html.replace(".", ""))
    }


@pytest.fixture
def units_2017(client, dost_staff, db):
    """The 2017 list imported through the page, as DOST staff."""
    client.force_login(dost_staff)
    url = post_file(client, "admin-units", "2017.csv", csv_bytes([GSO, *LIST_2017]))
    assert confirm(client, url).status_code == 200
    assert Commune.objects.filter(code__in=["28987", "29014"]).count() == 2


@pytest.fixture
def units_2025(client, units_2017):
    url = post_file(
        client,
        "admin-units",
        "2025.csv",
        csv_bytes([GSO_2025, *LIST_2025]),
        effective="01/07/2025",
    )
    assert confirm(client, url).status_code == 200


def test_the_2025_list_previews_without_writing_then_ends_the_missing_units(client, units_2017):
    before = state()
    url = post_file(
        client, "admin-units", "2025.csv", csv_bytes([GSO_2025, *LIST_2025]), effective="01/07/2025"
    )

    html = preview(client, url)

    assert state() == before
    assert "Ngày có hiệu lực: <strong>01/07/2025</strong>" in html
    assert "Đặc khu Vân Đồn (06994)" in html
    response = confirm(client, url)
    assert response.status_code == 200
    assert Commune.objects.get(code="06994").kind == Commune.Kind.SPECIAL_ZONE
    son_phu = Commune.objects.get(code="29014")
    assert son_phu.valid_until == D(2025, 6, 30)  # missing from the list: ended the day before
    luong_hoa = Commune.objects.get(code="28987", valid_until=None)
    assert (luong_hoa.name, luong_hoa.district, luong_hoa.valid_from) == (
        "Xã Lương Hòa",
        None,
        D(2025, 7, 1),
    )
    assert Province.objects.get(code="83").valid_until == D(2025, 6, 30)


def test_the_2025_list_again_changes_nothing(client, units_2025):
    before = state()
    url = post_file(
        client, "admin-units", "2025.csv", csv_bytes([GSO_2025, *LIST_2025]), effective="01/07/2025"
    )

    html = preview(client, url)
    response = confirm(client, url)

    assert "Không có gì để thay đổi" in html
    assert "Không có gì để thay đổi" in response.content.decode()
    assert state() == before


def test_the_conversion_table_needs_its_effective_date(client, units_2025):
    response = client.post(
        "/imports/unit-successions/",
        {"file": upload("bang.csv", csv_bytes([TABLE, *ROWS]))},
    )

    assert response.status_code == 400
    assert "Ngày có hiệu lực" in response.content.decode()
    assert "Trường này là bắt buộc" in response.content.decode()


@pytest.mark.parametrize("header", [TABLE, TABLE_VI], ids=["shared columns", "Vietnamese"])
def test_the_conversion_table_previews_without_writing_then_records_successions(
    client, units_2025, header
):
    before = state()
    url = post_file(
        client,
        "unit-successions",
        "bang.csv",
        csv_bytes([header, *ROWS]),
        effective="01/07/2025",
        legal_basis="Nghị quyết do người dùng nhập",
    )

    html = preview(client, url)

    assert state() == before
    assert counts(html) == {"new": 7, "update": 0, "skip": 0}  # 6 communes, Bến Tre -> Vĩnh Long
    assert "Căn cứ pháp lý: Nghị quyết do người dùng nhập" in html
    assert confirm(client, url).status_code == 200
    luong_hoa = Commune.objects.get(code="28987", valid_until=None)
    assert sorted(
        Succession.objects.filter(successor=luong_hoa).values_list("predecessor__name")
    ) == [
        ("Xã Lương Hòa",),
        ("Xã Phong Nẫm",),
    ]
    assert Succession.objects.get(predecessor__code="29014").legal_basis == (
        "Nghị quyết do người dùng nhập"
    )
    merger = ProvinceSuccession.objects.get()
    assert (merger.predecessor.code, merger.successor.code) == ("83", "86")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [["28990", "834", "83", "0", "28987", "86"]],
            "<td>3</td><td>old_ward_code</td><td>Không có đơn vị nào mang mã 28990 còn hiệu lực "
            "ngày 30/06/2025. Hãy nhập trước danh mục đơn vị hành chính có hiệu lực ngày đó, hoặc "
            "chọn “Tạo các đơn vị cũ còn thiếu” (lệnh: --create-missing-predecessors)",
        ),
        (
            [["00001", "001", "01", "0", "28987", "86"]],
            "<td>3</td><td>—</td><td>Phường Phúc Xá (00001) không thể nhập vào Xã Lương Hòa thuộc "
            "Tỉnh Vĩnh Long: Thành phố Hà Nội không được sắp xếp vào tỉnh khác.</td>",
        ),
        (
            [
                ["28987", "834", "83", "1", "28987", "86"],
                ["28987", "834", "83", "0", "28777", "86"],
            ],
            "<td>4</td><td>—</td><td>Xã Phong Nẫm (28987) được nhập vào nhiều đơn vị (các dòng 3, "
            "4): mỗi dòng này phải ghi là sáp nhập một phần.</td>",
        ),
    ],
    ids=["unknown code", "another province without a merger", "whole twice"],
)
def test_a_bad_row_is_refused_with_its_row_and_nothing_is_written(
    client, units_2025, rows, expected
):
    url = post_file(
        client,
        "unit-successions",
        "bang.csv",
        csv_bytes([TABLE, *ROWS[:1], *rows]),
        effective="01/07/2025",
    )

    html = preview(client, url)
    response = confirm(client, url)

    assert expected in html
    assert "sẽ không ghi gì" in html
    assert 'action="/imports/unit-successions/confirm/' not in html
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Succession.objects.exists() and not ProvinceSuccession.objects.exists()


def test_a_cycle_and_overlapping_dates_are_refused(client, units_2017):
    """Before the new list, the old units are still in force on 1/7/2025: their dates overlap;
    two units succeeding each other close a cycle."""
    rows = [
        ["28987", "834", "83", "0", "28999", "83"],
        ["28999", "834", "83", "0", "28987", "83"],
        ["29014", "834", "83", "0", "28777", "83"],
    ]
    url = post_file(
        client, "unit-successions", "t.csv", csv_bytes([TABLE, *rows]), effective="01/07/2025"
    )

    html = preview(client, url)
    response = confirm(client, url)

    assert "Xã Phong Nẫm (28987) → Xã Lương Hòa tạo thành vòng lặp" in html
    assert (
        "<td>4</td><td>—</td><td>Xã Sơn Phú (29014) vẫn còn hiệu lực ngày 01/07/2025: thời gian "
        "hiệu lực chồng lấn (hãy nhập danh mục mới kèm ngày có hiệu lực trước).</td>"
    ) in html
    assert response.status_code == 400
    assert not Succession.objects.exists()


def test_the_real_lists_of_vinh_long_import_through_the_pages(client, dost_staff, db):
    """The shared files' rows for tỉnh Vĩnh Long: 379 units of 2017, 124 of 2025, 359
    conversion rows; each previewed (nothing written), confirmed, then imported again
    (nothing changes)."""
    client.force_login(dost_staff)
    steps = [
        ("admin-units", "gso-2017-83-84-86.csv", {}),
        ("admin-units", "nso-2025-86.csv", {"effective": "01/07/2025"}),
        ("unit-successions", "nso-conversion-2025-86.csv", {"effective": "01/07/2025"}),
    ]
    for kind, name, fields in steps:
        data = (DATA / name).read_bytes()
        before = state()
        url = post_file(client, kind, name, data, **fields)
        assert state() == before and counts(preview(client, url))["new"] > 0
        assert confirm(client, url).status_code == 200
        after = state()
        url = post_file(client, kind, name, data, **fields)
        html = preview(client, url)
        assert counts(html)["new"] == counts(html)["update"] == 0, name
        confirm(client, url)
        assert state() == after
    assert Commune.objects.current(D(2025, 7, 1)).count() == 124
    assert Commune.objects.current(D(2025, 6, 30)).count() == 379
    assert Commune.objects.get(code="29014").successions.get().successor.name == ("Phường An Hội")
    # Bến Tre, Trà Vinh and the former Vĩnh Long into the new tỉnh Vĩnh Long, which reuses 86.
    new_86 = Province.objects.get(code="86", valid_from=D(2025, 7, 1))
    assert sorted(
        ProvinceSuccession.objects.filter(successor=new_86).values_list(
            "predecessor__code", flat=True
        )
    ) == ["83", "84", "86"]
    assert Commune.objects.current(D(2025, 7, 1)).exclude(province=new_86).count() == 0


def test_the_option_creates_the_missing_former_units_and_the_preview_lists_them(client, units_2025):
    """28990 is missing from this 2017 list (a commune created later, as in the real table)."""
    missing = [["28990", "834", "83", "0", "28987", "86"]]
    page = client.get("/imports/unit-successions/").content.decode()
    assert 'type="checkbox" name="create_missing"' in page
    assert "Tạo các đơn vị cũ còn thiếu" in page
    before = state()
    url = post_file(
        client,
        "unit-successions",
        "bang.csv",
        csv_bytes([TABLE, *ROWS, *missing]),
        effective="01/07/2025",
        create_missing="on",
    )

    html = preview(client, url)

    assert state() == before
    assert "28990, chưa có tên (cần nhập), thuộc Huyện Giồng Trôm, Tỉnh Bến Tre" in html
    assert "Tạo các đơn vị cũ còn thiếu" in html
    assert counts(html)["new"] == 9  # the unit, 7 successions, Bến Tre -> Vĩnh Long
    assert confirm(client, url).status_code == 200
    created = Commune.objects.get(code="28990")
    assert (created.name, created.valid_until) == ("", D(2025, 6, 30))
    assert Succession.objects.filter(predecessor=created, successor__code="28987").exists()


def test_a_2017_list_imported_after_2025_with_its_date_leaves_the_reused_codes_alone(
    client, units_2025
):
    """The page's "Date of the list": the 2017 list is matched with the units of 18/08/2017,
    so the 2025 units that reuse its codes keep their names (a file name without a date)."""
    before = state()
    url = post_file(
        client, "admin-units", "danh-sach.csv", csv_bytes([GSO, *LIST_2017]), list_date="18/08/2017"
    )

    html = preview(client, url)
    response = confirm(client, url)

    assert "Ngày của danh sách: <strong>18/08/2017</strong>" in html
    assert response.status_code == 200
    assert state() == before
    current = Commune.objects.get(code="28987", valid_until=None)
    assert (current.name, current.valid_from) == ("Xã Lương Hòa", D(2025, 7, 1))
    assert Commune.objects.get(code="28987", valid_until=D(2025, 6, 30)).name == "Xã Phong Nẫm"


def test_the_date_of_the_list_must_be_a_date(client, units_2017):
    response = client.post(
        "/imports/admin-units/",
        {"file": upload("ds.csv", csv_bytes([GSO, *LIST_2017])), "list_date": "2017-18-08"},
    )

    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.content.decode()
