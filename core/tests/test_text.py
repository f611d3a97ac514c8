"""Accent-insensitive search and Vietnamese alphabetical order."""

import pytest

from core.text import fold, search_words, unit_key, unit_sort_key, vn_key, vn_sort_key


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


def test_search_words_are_folded_and_split():
    assert search_words("  Giồng  TRÔM ") == ["giong", "trom"]
    assert search_words("Đa") == ["da"]
    assert search_words("") == []


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


WORDS = [
    "an", "ăn", "ân", "ba", "dân", "đa", "on", "ôn", "ơn", "ua", "ưa", "ma", "mà", "mả", "mã",
    "má", "mạ", "", " ", "a", "a b", "ab", "a-b", "a1", "a2", "a10", "1", "9", "Á", "Ạ", "Bà",
    "nguyễn", "nguyên", "nguyen", "Ngũ Hiệp", "Ngũ  Hiệp", "Hòa", "Hoà", "Hoà An", "hóa", "Đ",
    "đ", "d", "z", "ω", "Ж", "中", "한", "x–y", "x-y", "x y", "x_y", "(a)", "a.b", "ặ", "ẵ",
]  # fmt: skip
UNITS = [
    "Xã Tân Hào", "Thị trấn Giồng Trôm", "Xã Bình Hòa", "Phường An Hội", "Xã An Hiệp",
    "Xã Ăn Thới", "Xã Ân Hòa", "Thị trấn Dân Thành", "Xã Đa Phước", "Xã An", "An", "Xã",
    "Phường 1", "Phường 10", "Phường 2", "Thị xã Ba Tri", "Huyện Ba Tri", "Xã Ba Tri",
]  # fmt: skip


def test_the_sort_key_string_orders_as_the_tuple_key():
    for a in WORDS:
        for b in WORDS:
            assert (vn_sort_key(a) < vn_sort_key(b)) == (vn_key(a) < vn_key(b)), (a, b)
            assert (vn_sort_key(a) == vn_sort_key(b)) == (vn_key(a) == vn_key(b)), (a, b)


def test_the_unit_sort_key_orders_as_the_unit_key_then_the_code():
    units = [(name, code) for name in UNITS for code in ("28873", "28876")]
    by_tuple = sorted(units, key=lambda u: (unit_key(u[0]), u[1]))
    assert sorted(units, key=lambda u: unit_sort_key(*u)) == by_tuple


def test_sort_keys_are_lower_case_ascii_letters_and_digits():
    # Any collation (SQLite BINARY, PostgreSQL "C", en_US, vi_VN) sorts these alike.
    for text in [*WORDS, *UNITS]:
        key = unit_sort_key(text, "28873")
        assert key.isascii() and key.isalnum() and key == key.lower(), text
