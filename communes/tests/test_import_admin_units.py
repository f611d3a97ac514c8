"""python manage.py import_admin_units: the national list in the GSO layout."""

import io
import json
import unicodedata
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune, District, Province
from core.tests.translations import compile_limits_fragment
from core.text import unit_sort_key
from imports.tests.helpers import compile_fragment, csv_bytes, xlsx_bytes

GSO = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]
ROWS = [
    ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Thị trấn Chợ Lách", "28870", "Thị trấn"],
    ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Phú Phụng", "28873", "Xã"],
    ["Tỉnh Bến Tre", "83", "Thành phố Bến Tre", "829", "Phường Phú Khương", "28762", "Phường"],
    ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Phúc Xá", "00001", "Phường"],
    ["Thành phố Hà Nội", "01", "Thị xã Sơn Tây", "269", "Phường Lê Lợi", "09574", "Phường"],
    ["Thành phố Hà Nội", "01", "Huyện Ba Vì", "271", "", "", ""],
]
# Three provinces of the 2017 GSO list (../shared/data/gso-admin-units-2017-08-18.json), in its
# JSON form: Bắc Kạn, Đà Nẵng (a centrally-run city, with a district without communes) and Bến Tre.
# The whole country is imported by bench/bench_import_admin_units.py.
NATIONAL_EXTRACT = (
    Path(__file__).resolve().parent / "data" / "gso-admin-units-2017-08-18-extract.json"
)


@pytest.fixture(autouse=True)
def vietnamese(settings, tmp_path_factory):
    settings.LOCALE_PATHS = [
        compile_limits_fragment(tmp_path_factory.mktemp("limits")),
        compile_fragment(tmp_path_factory.mktemp("locale")),
        *settings.LOCALE_PATHS,
    ]
    settings.LANGUAGE_CODE = "vi"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_admin_units", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def counts():
    return Province.objects.count(), District.objects.count(), Commune.objects.count()


def test_imports_units_with_their_kinds_and_a_progress_bar(db, tmp_path):
    path = write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS]))

    out, err = run(path)

    assert counts() == (2, 5, 5)
    assert "100%" in err and "[####" in err
    assert "Đã nhập: 12 tạo mới, 0 thay đổi, 0 không đổi" in out
    assert Province.objects.get(code="01").kind == Province.Kind.CITY
    assert Province.objects.get(code="83").kind == Province.Kind.PROVINCE
    kinds = dict(District.objects.values_list("code", "kind"))
    assert kinds == {
        "832": "huyen",
        "829": "thanh_pho",
        "001": "quan",
        "269": "thi_xa",
        "271": "huyen",
    }
    township = Commune.objects.get(code="28870")
    assert township.kind == Commune.Kind.TOWNSHIP
    assert (township.district.code, township.province.code) == ("832", "83")


def test_the_same_file_again_changes_nothing_and_says_so(db, tmp_path):
    path = write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS]))
    run(path)
    before = list(Commune.objects.values_list("pk", "code", "name", "kind", "district_id"))

    out, _err = run(path)

    assert "Không có gì thay đổi: mọi đơn vị đã khớp với tệp" in out
    assert "đơn vị hành chính cấp xã: 0 mới, 0 thay đổi, 5 không đổi" in out
    assert list(Commune.objects.values_list("pk", "code", "name", "kind", "district_id")) == before


def test_a_renamed_unit_is_updated_not_duplicated(db, tmp_path):
    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS])))
    pk = Commune.objects.get(code="28873").pk
    renamed = [list(r) for r in ROWS]
    renamed[1][4] = "Xã Phú Phụng Mới"
    renamed[0:2] = [[*r[:2], "Huyện Chợ Lách Mới", *r[3:]] for r in renamed[0:2]]

    out, _err = run(write(tmp_path, "gso2.xlsx", xlsx_bytes([GSO, *renamed])))

    assert counts() == (2, 5, 5)
    commune = Commune.objects.get(code="28873")
    assert (commune.pk, commune.name) == (pk, "Xã Phú Phụng Mới")
    assert District.objects.get(code="832").name == "Huyện Chợ Lách Mới"
    assert "0 tạo mới, 2 thay đổi" in out


def test_codes_typed_as_numbers_keep_their_leading_zeros(db, tmp_path):
    rows = [["Thành phố Hà Nội", 1, "Quận Ba Đình", 1, "Phường Phúc Xá", 1, "Phường"]]
    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *rows])))
    assert Commune.objects.get().code == "00001"
    assert District.objects.get().code == "001"
    assert Province.objects.get().code == "01"


def test_decomposed_names_are_stored_in_nfc(db, tmp_path):
    rows = [[unicodedata.normalize("NFD", c) for c in row] for row in ROWS]
    run(write(tmp_path, "gso.csv", csv_bytes([GSO, *rows])))
    name = Commune.objects.get(code="28873").name
    assert name == "Xã Phú Phụng"
    assert unicodedata.is_normalized("NFC", name)


def test_windows_1258_csv(db, tmp_path):
    from imports.tests.test_milestone_import import to_cp1258

    text = csv_bytes([GSO, *ROWS], encoding="utf-8").decode("utf-8")
    run(write(tmp_path, "gso.csv", to_cp1258(text)))
    assert Commune.objects.get(code="28873").name == "Xã Phú Phụng"
    assert District.objects.get(code="269").name == "Thị xã Sơn Tây"


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        (
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Vĩnh Bình", "28879", "Ấp"],
            "Dòng 8, cột Cấp: “Ấp” không thuộc: Xã, Phường, Thị trấn, Đặc khu.",
        ),
        (
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Phú Phụng", "28873", "Xã"],
            "Dòng 8, cột Mã PX: Dòng này lặp lại dòng 3.",
        ),
        (
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Vĩnh Bình", "2887", "Xã"],
            "",
        ),
        (
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Vĩnh Bình", "28A79", "Xã"],
            "Dòng 8, cột Mã PX: “28A79” không phải mã ĐVHC (5 chữ số).",
        ),
        (
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách Khác", "832", "Xã Vĩnh Bình", "28879", "Xã"],
            "Dòng 8, cột Quận Huyện: Mã 832 có tên “Huyện Chợ Lách” ở dòng 2 nhưng “Huyện Chợ Lách Khác” ở đây",
        ),
        (  # the same name under another province: the province is what conflicts
            ["Tỉnh Trà Vinh", "84", "Huyện Chợ Lách", "832", "Xã Vĩnh Bình", "28879", "Xã"],
            "Dòng 8, cột Quận Huyện: Mã 832 có mã tỉnh “83” ở dòng 2 nhưng “84” ở đây",
        ),
        (
            ["Bến Tre", "84", "Huyện Càng Long", "843", "Xã An Trường", "29245", "Xã"],
            "Dòng 8, cột Tỉnh / Thành Phố: “Bến Tre” phải bắt đầu bằng “Tỉnh” hoặc “Thành phố”.",
        ),
    ],
)
def test_one_bad_row_writes_nothing(db, tmp_path, bad_row, expected):
    path = write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS, bad_row]))
    if not expected:  # a 4-digit commune code is padded to 5: 2887 → 02887, accepted
        run(path)
        assert Commune.objects.filter(code="02887").exists()
        return
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập gì: có 1 lỗi."):
        call_command("import_admin_units", str(path), stdout=io.StringIO(), stderr=err)
    assert expected in err.getvalue()
    assert counts() == (0, 0, 0)


def test_missing_or_misspelled_columns(db, tmp_path):
    headers = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Ma QH", "Phường Xã", "Mã PX"]
    path = write(tmp_path, "gso.csv", csv_bytes([headers, ROWS[0][:6]]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_admin_units", str(path), stdout=io.StringIO(), stderr=err)
    text = err.getvalue()
    assert "Không nhận ra cột “Ma QH”: có phải là “Mã QH”?" in text
    assert "Thiếu cột bắt buộc “Cấp”." in text
    assert counts() == (0, 0, 0)


def test_extra_columns_of_the_real_gso_file_are_ignored(db, tmp_path):
    path = write(
        tmp_path,
        "gso.xlsx",
        xlsx_bytes([[*GSO, "Tên Tiếng Anh"], [*ROWS[1], "Phu Phung Commune"]]),
    )
    run(path)
    assert Commune.objects.get().name == "Xã Phú Phụng"


def test_dry_run_writes_nothing(db, tmp_path):
    out, _err = run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS])), "--dry-run")
    assert "Chạy thử: không ghi gì" in out
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("gso.xlsx", b"", "Tệp: Tệp trống."),
        ("gso.xlsx", b"<html>not excel</html>", "Tệp không phải bảng tính Excel (.xlsx)"),
        ("gso.txt", b"a,b", "Chỉ nhập được tệp Excel (.xlsx) và CSV (.csv)."),
    ],
)
def test_unreadable_files(db, tmp_path, name, data, message):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_admin_units", str(write(tmp_path, name, data)), stdout=io.StringIO(), stderr=err
        )
    assert message in err.getvalue()


def test_a_file_over_the_limit(db, tmp_path):
    data = csv_bytes([GSO, *ROWS * 4000])
    assert len(data) > 1024 * 1024
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_admin_units",
            str(write(tmp_path, "gso.csv", data)),
            "--max-mb=1",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "Tệp lớn hơn 1 MB" in err.getvalue()


def gso_rows(units) -> list[list[str]]:
    """The GSO layout of the JSON list: a row per commune, a district without any has one row."""
    rows = []
    for p in units:
        for d in p["level2s"]:
            head = [p["name"], p["level1_id"], d["name"], d["level2_id"]]
            rows += [[*head, c["name"], c["level3_id"], c["type"]] for c in d["level3s"]]
            rows += [] if d["level3s"] else [[*head, "", "", ""]]
    return rows


def test_provinces_of_the_national_list(db, tmp_path):
    """Three provinces from the 2017 GSO list (an extract kept in the repository)."""
    units = json.loads(NATIONAL_EXTRACT.read_text(encoding="utf-8"))
    rows = gso_rows(units)
    districts = sum(len(p["level2s"]) for p in units)
    communes = sum(len(d["level3s"]) for p in units for d in p["level2s"])
    assert (len(units), districts, communes) == (3, 25, 342)

    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *rows])))
    assert counts() == (3, districts, communes)
    assert Commune.objects.get(code="28873").district.code == "832"
    assert Province.objects.get(code="48").kind == Province.Kind.CITY
    assert not Commune.objects.filter(district__name="Huyện Hoàng Sa").exists()
    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *rows])))  # a second import changes nothing
    assert counts() == (3, districts, communes)


def test_a_unit_without_its_code_is_refused(db, tmp_path):
    rows = [["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "", "Xã Phú Phụng", "28873", "Xã"]]
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_admin_units",
            str(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *rows]))),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "Dòng 2, cột Mã QH: Thiếu mã." in err.getvalue()
    assert counts() == (0, 0, 0)


def test_the_resource_exports_communes_in_the_gso_layout(db, tmp_path):
    from communes.resources import AdminUnitResource

    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS])))
    dataset = AdminUnitResource().export(
        Commune.objects.filter(code__in=["28870", "00001"]).order_by("code")
    )
    assert dataset.headers == GSO
    assert [list(r) for r in dataset] == [
        ["Thành phố Hà Nội", "01", "Quận Ba Đình", "001", "Phường Phúc Xá", "00001", "Phường"],
        ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Thị trấn Chợ Lách", "28870", "Thị trấn"],
    ]


def test_a_title_row_above_the_gso_table(db, tmp_path):
    data = xlsx_bytes([["Danh mục đơn vị hành chính Việt Nam"], GSO, *ROWS])
    run(write(tmp_path, "gso.xlsx", data))
    assert counts() == (2, 5, 5)


def test_imported_and_renamed_units_are_searched_and_sorted_by_their_new_names(db, tmp_path):
    """bulk_create and bulk_update of the import fill the folded name and the sort key."""
    run(write(tmp_path, "gso.xlsx", xlsx_bytes([GSO, *ROWS])))
    renamed = [list(r) for r in ROWS]
    renamed[1][4] = "Xã Ân Thạnh"
    run(write(tmp_path, "gso2.xlsx", xlsx_bytes([GSO, *renamed])))

    commune = Commune.objects.get(code="28873")
    assert commune.search_text == "xa an thanh"
    assert commune.sort_key == unit_sort_key("Xã Ân Thạnh", "28873")
    assert District.objects.get(code="269").search_text == "thi xa son tay"
    in_order = Commune.objects.filter(province__code="83").order_by("sort_key")
    assert [c.name for c in in_order] == ["Xã Ân Thạnh", "Thị trấn Chợ Lách", "Phường Phú Khương"]
