"""Accent-insensitive search and Vietnamese alphabetical order."""

import pytest

from communes.search import fold, matches, search_page, unit_key, vn_key


@pytest.mark.parametrize(
    "text, folded",
    [
        ("Giồng Trôm", "giong trom"),
        ("Đa Phước", "da phuoc"),
        ("Xã Hưng Nhượng", "xa hung nhuong"),
        ("Hoà / Hòa", "hoa / hoa"),
        ("", ""),
    ],
)
def test_fold_strips_marks_and_folds_d_with_stroke(text, folded):
    assert fold(text) == folded


def test_matches_every_word_in_any_text():
    assert matches("giong trom", "Thị trấn Giồng Trôm")
    assert matches("d", "Đa Phước")
    assert matches("phu  xa", "Xã Phú Phụng")
    assert not matches("phu dinh", "Xã Phú Phụng")
    assert matches("", "anything")


def test_vietnamese_order_puts_base_letters_before_tones():
    words = ["đa", "dân", "ăn", "an", "ân", "ba", "ơn", "ôn", "on", "ưa", "ua"]
    assert sorted(words, key=vn_key) == [
        "an",
        "ăn",
        "ân",
        "ba",
        "dân",
        "đa",
        "on",
        "ôn",
        "ơn",
        "ua",
        "ưa",
    ]


def test_tones_order_after_letters():
    # ngang, huyền, hỏi, ngã, sắc, nặng
    words = ["má", "mạ", "mà", "ma", "mã", "mả"]
    assert sorted(words, key=vn_key) == ["ma", "mà", "mả", "mã", "má", "mạ"]


def test_units_sort_without_their_kind():
    names = ["Xã Tân Hào", "Thị trấn Giồng Trôm", "Xã Bình Hòa", "Phường An Hội"]
    assert sorted(names, key=unit_key) == [
        "Phường An Hội",
        "Xã Bình Hòa",
        "Thị trấn Giồng Trôm",
        "Xã Tân Hào",
    ]


def test_search_page_filters_sorts_and_pages_primary_keys():
    rows = [(i, f"Xã {name}") for i, name in enumerate(["Đa", "Dân", "An", "Bình", "Giồng"], 1)]
    page = search_page(
        rows, query="", texts=lambda r: (r[1],), key=lambda r: unit_key(r[1]), per_page=2
    )
    assert list(page.object_list) == [3, 4]
    assert page.paginator.num_pages == 3
    found = search_page(rows, query="d", texts=lambda r: (r[1],), key=lambda r: unit_key(r[1]))
    assert list(found.object_list) == [2, 1]
