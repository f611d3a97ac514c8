"""The consultant's spreadsheet through the pages: upload, preview (a dry run), confirm."""

import datetime
import re
import unicodedata

import pytest

from imports.tests.helpers import csv_bytes, upload, xlsx_bytes
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

HEADERS = ["Mã xã", "Bước", "Trạng thái", "Ngày hoàn thành", "Ghi chú"]


@pytest.fixture
def roadmap(world):
    """Steps 1-3 of one template on the roadmaps of communes A (28873) and B (28876)."""
    template = RoadmapTemplateFactory(name="Lộ trình xây dựng mới")
    steps = [
        RoadmapStepFactory(template=template, order=1, name="Khảo sát"),
        RoadmapStepFactory(template=template, order=2, name="Thành lập Ban chỉ đạo ISO"),
        RoadmapStepFactory(template=template, order=3, name="Đào tạo nhận thức"),
    ]
    milestones = {}
    for participation in (world["participation"], world["neighbour_participation"]):
        for step in steps:
            milestones[(participation.commune.code, step.order)] = MilestoneFactory(
                participation=participation, step=step
            )
    return milestones


def post_file(client, name, data, kind="milestones"):
    return client.post(f"/imports/{kind}/", {"file": upload(name, data)})


def preview(client, name, data, kind="milestones"):
    response = post_file(client, name, data, kind)
    assert response.status_code == 302, response.content.decode()
    page = client.get(response["Location"])
    return response["Location"], page


def history_count():
    return Milestone.history.count()


def states():
    return list(
        Milestone.objects.order_by("pk").values_list("status", "completed_on", "note", "version")
    )


def test_dost_imports_the_consultants_spreadsheet_and_milestones_and_history_change(
    client, dost_staff, roadmap
):
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            HEADERS,
            ["28873", 1, "Hoàn thành", "20/08/2017", ""],
            ["28873", "Thành lập Ban chỉ đạo ISO", "Đang thực hiện", None, "Chờ quyết định"],
            ["28876", "3. Đào tạo nhận thức", "blocked", "", "Chưa có kinh phí"],
            ["28876", 1, "Chưa bắt đầu", "", ""],
        ]
    )
    before = history_count()
    url, page = preview(client, "tien-do.xlsx", data)
    text = page.content.decode()

    assert page.status_code == 200
    assert re.search(r'data-count="update">3<', text)
    assert re.search(r'data-count="skip">1<', text)
    assert "Chưa có kinh phí" in text
    assert "Xác nhận nhập dữ liệu" in text
    assert history_count() == before  # the preview wrote nothing
    assert roadmap[("28873", 1)].status == Milestone.Status.NOT_STARTED
    roadmap[("28873", 1)].refresh_from_db()
    assert roadmap[("28873", 1)].status == Milestone.Status.NOT_STARTED

    done = client.post(url.replace("/preview/", "/confirm/"))

    assert done.status_code == 200
    assert "Đã nhập: 0 tạo mới, 3 thay đổi, 1 không đổi." in done.content.decode()
    first = roadmap[("28873", 1)]
    first.refresh_from_db()
    assert first.status == Milestone.Status.DONE
    assert first.completed_on == datetime.date(2017, 8, 20)
    assert first.version == 2
    assert first.updated_by == dost_staff
    latest = first.history.first()
    assert latest.history_user == dost_staff
    assert latest.status == Milestone.Status.DONE
    assert latest.history_change_reason == "Nhập từ tệp tien-do.xlsx"
    blocked = roadmap[("28876", 3)]
    blocked.refresh_from_db()
    assert (blocked.status, blocked.note) == (Milestone.Status.BLOCKED, "Chưa có kinh phí")
    untouched = roadmap[("28876", 1)]
    untouched.refresh_from_db()
    assert untouched.version == 1
    assert history_count() == before + 3
    # the stored upload is gone: confirming twice imports nothing and says why
    again = client.post(url.replace("/preview/", "/confirm/"), follow=True)
    assert again.redirect_chain[-1][0] == "/imports/milestones/"
    text = again.content.decode()
    assert "Tệp này đã được nhập: không nhập lần thứ hai." in text
    assert "tệp có lỗi" not in text
    assert history_count() == before + 3


def test_one_bad_row_changes_nothing_and_names_row_and_column(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            HEADERS,
            ["28873", 1, "Hoàn thành", "20/08/2017", ""],
            ["28873", 2, "Hoàn thành", "", ""],
            ["28876", 1, "Đang thực hiện", "", ""],
        ]
    )
    before, history = states(), history_count()
    url, page = preview(client, "tien-do.xlsx", data)
    text = page.content.decode()

    assert "1 lỗi: sẽ không ghi gì." in text
    assert (
        "<td>3</td><td>Ngày hoàn thành</td><td>Bước đã hoàn thành phải có ngày hoàn thành thực tế.</td>"
        in text
    )
    assert "Xác nhận nhập dữ liệu" not in text

    refused = client.post(url.replace("/preview/", "/confirm/"))

    assert refused.status_code == 400
    assert "Không nhập gì: tệp có lỗi." in refused.content.decode()
    assert states() == before
    assert history_count() == history


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["28873", 1, "Hoàn thành", "16/12/2017", ""],
            "Ngày hoàn thành",
            "Không thể ghi ngày hoàn thành của bước là một ngày chưa tới.",
        ),
        (
            ["28873", 1, "Hoàn thành", "07/08/2017", ""],
            "Ngày hoàn thành",
            "Đợt triển khai bắt đầu ngày 08/08/2017; bước không thể hoàn thành trước ngày đó.",
        ),
        (
            ["28873", 1, "Hoàn thành", "15/12/1917", ""],
            "Ngày hoàn thành",
            "“15/12/1917”: Năm 1917 trước năm 2000: kiểm tra lại năm đã nhập.",
        ),
        (
            ["28873", 1, "Vướng mắc", "", ""],
            "Ghi chú",
            "Bước bị vướng mắc phải có ghi chú nêu lý do.",
        ),
        (
            ["28873", 1, "Đang thực hiện", "01/09/2017", ""],
            "Ngày hoàn thành",
            "Chỉ bước đã hoàn thành mới có ngày hoàn thành thực tế.",
        ),
        (
            ["28873", 1, "Xong rồi", "", ""],
            "Trạng thái",
            "“Xong rồi” không thuộc: Chưa bắt đầu, Đang thực hiện, Hoàn thành, Vướng mắc, Không áp dụng.",
        ),
        (["28873", 1, "", "", ""], "Trạng thái", "Cần có trạng thái."),
        (
            ["99999", 1, "Hoàn thành", "01/09/2017", ""],
            "Mã xã",
            "Không có xã nào có mã ĐVHC “99999”.",
        ),
        (["28987", 1, "Hoàn thành", "01/09/2017", ""], "Mã xã", "Xã Phong Nẫm chưa có lộ trình."),
        (
            ["28873", 7, "Hoàn thành", "01/09/2017", ""],
            "Bước",
            "Lộ trình của Xã Phú Phụng không có bước “7”.",
        ),
        (
            ["2887A", 1, "Hoàn thành", "01/09/2017", ""],
            "Mã xã",
            "“2887A” không phải mã ĐVHC (5 chữ số).",
        ),
        (
            ["28873", 1, "Hoàn thành", "2017/09/01", ""],
            "Ngày hoàn thành",
            "“2017/09/01”: Nhập ngày theo dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 15/12/2017.",
        ),
        (
            ["28873", 1, "Hoàn thành", "31/02/2017", ""],
            "Ngày hoàn thành",
            "“31/02/2017”: Nhập ngày theo dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 15/12/2017.",
        ),
    ],
)
def test_a_row_breaking_a_rule_is_refused_with_its_vietnamese_message(
    client, dost_staff, roadmap, row, column, message
):
    client.force_login(dost_staff)
    data = xlsx_bytes([HEADERS, ["28876", 1, "Hoàn thành", "01/09/2017", ""], row])
    before, history = states(), history_count()
    url, page = preview(client, "tien-do.xlsx", data)

    assert f"<td>3</td><td>{column}</td><td>{message}</td>" in page.content.decode()
    assert client.post(url.replace("/preview/", "/confirm/")).status_code == 400
    assert states() == before
    assert history_count() == history


def test_duplicate_rows_are_refused(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            HEADERS,
            ["28873", 1, "Hoàn thành", "01/09/2017", ""],
            ["28873", "1", "Đang thực hiện", "", ""],
        ]
    )
    before = states()
    url, page = preview(client, "tien-do.xlsx", data)

    assert "<td>3</td><td>Mã xã</td><td>Dòng này lặp lại dòng 2.</td>" in page.content.decode()
    client.post(url.replace("/preview/", "/confirm/"))
    assert states() == before


@pytest.mark.parametrize(
    ("headers", "column", "message"),
    [
        (["Mã xã", "Bước", "Ngày hoàn thành"], "Trạng thái", "Thiếu cột bắt buộc “Trạng thái”."),
        (
            ["Mã xã", "Bước", "Trang thai", "Ngày hoàn thành"],
            "Trang thai",
            "Không nhận ra cột “Trang thai”: có phải là “Trạng thái”?",
        ),
        (
            ["Mã xã", "Bước", "Trạng thái", "Ghi chu"],
            "Ghi chu",
            "Không nhận ra cột “Ghi chu”: có phải là “Ghi chú”?",
        ),
        (
            ["Mã xã", "Bước", "Trạng thái", "Trạng thái"],
            "Trạng thái",
            "Cột “Trạng thái” xuất hiện hai lần.",
        ),
    ],
)
def test_missing_or_misspelled_columns_are_refused(
    client, dost_staff, roadmap, headers, column, message
):
    client.force_login(dost_staff)
    row = ["28873", 1, "Hoàn thành", "01/09/2017"][: len(headers)]
    before = states()
    url, page = preview(client, "tien-do.xlsx", xlsx_bytes([headers, row]))

    assert f"<td>1</td><td>{column}</td><td>{message}</td>" in page.content.decode()
    client.post(url.replace("/preview/", "/confirm/"))
    assert states() == before


def test_headers_match_whatever_their_case_and_spacing(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    data = xlsx_bytes([["MÃ XÃ", " Bước ", "trạng  thái"], ["28873", 1, "Đang thực hiện"]])
    url, page = preview(client, "tien-do.xlsx", data)
    assert re.search(r'data-count="update">1<', page.content.decode())


def test_decomposed_unicode_is_stored_in_nfc(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    note = unicodedata.normalize("NFD", "Chờ quyết định của Chủ tịch")
    headers = [unicodedata.normalize("NFD", h) for h in HEADERS]
    data = xlsx_bytes([headers, ["28873", 1, unicodedata.normalize("NFD", "Vướng mắc"), "", note]])
    url, _page = preview(client, "tien-do.xlsx", data)
    client.post(url.replace("/preview/", "/confirm/"))

    milestone = roadmap[("28873", 1)]
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.BLOCKED
    assert milestone.note == "Chờ quyết định của Chủ tịch"
    assert unicodedata.is_normalized("NFC", milestone.note)


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            marks = "".join(c for c in parts if c in tones)
            out += (base + marks).encode("cp1258")
    return out


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1258"])
def test_csv_in_utf8_with_or_without_bom_and_in_windows_1258(client, dost_staff, roadmap, encoding):
    client.force_login(dost_staff)
    rows = [HEADERS, ["28873", 2, "Vướng mắc", "", "Chờ quyết định thành lập"]]
    if encoding == "cp1258":
        data = to_cp1258(csv_bytes(rows, encoding="utf-8").decode("utf-8"))
    else:
        data = csv_bytes(rows, encoding=encoding)
    url, page = preview(client, "tien-do.csv", data)
    assert re.search(r'data-count="update">1<', page.content.decode())
    client.post(url.replace("/preview/", "/confirm/"))

    milestone = roadmap[("28873", 2)]
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.BLOCKED
    assert milestone.note == "Chờ quyết định thành lập"


def test_csv_with_semicolons_as_excel_writes_it_in_some_locales(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    data = csv_bytes([HEADERS, ["28873", 1, "Hoàn thành", "01/09/2017", "a; b"]], delimiter=";")
    url, page = preview(client, "tien-do.csv", data)
    client.post(url.replace("/preview/", "/confirm/"))
    milestone = roadmap[("28873", 1)]
    milestone.refresh_from_db()
    assert (milestone.status, milestone.note) == (Milestone.Status.DONE, "a; b")


def test_excel_numbers_and_dates_are_understood(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    data = xlsx_bytes([HEADERS, [28873, 3.0, "done", datetime.datetime(2017, 9, 1), None]])
    url, _page = preview(client, "tien-do.xlsx", data)
    client.post(url.replace("/preview/", "/confirm/"))
    milestone = roadmap[("28873", 3)]
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2017, 9, 1)


def test_confirm_checks_the_file_again(client, dost_staff, roadmap, settings):
    """A preview that was fine can fail at confirmation; then nothing is written."""
    client.force_login(dost_staff)
    data = xlsx_bytes([HEADERS, ["28873", 1, "Hoàn thành", "10/12/2017", ""]])
    url, page = preview(client, "tien-do.xlsx", data)
    assert "Xác nhận nhập dữ liệu" in page.content.decode()
    settings.QMS_AS_OF = datetime.date(2017, 12, 1)  # the date is now in the future

    refused = client.post(url.replace("/preview/", "/confirm/"))

    assert refused.status_code == 400
    assert (
        "Không thể ghi ngày hoàn thành của bước là một ngày chưa tới." in refused.content.decode()
    )
    milestone = roadmap[("28873", 1)]
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.NOT_STARTED


def test_a_commune_in_two_programmes_needs_the_programme_column(client, dost_staff, world, roadmap):
    from roadmap.tests.factories import ParticipationFactory, ProgrammeFactory

    later = ProgrammeFactory(name="Đợt 2018", decision_number="2001/QĐ-UBND")
    second = ParticipationFactory(programme=later, commune=world["commune"])
    step = roadmap[("28873", 1)].step
    other = MilestoneFactory(participation=second, step=step)
    client.force_login(dost_staff)

    _url, page = preview(client, "a.xlsx", xlsx_bytes([HEADERS, ["28873", 1, "Đang thực hiện"]]))
    assert "tham gia nhiều đợt triển khai" in page.content.decode()

    data = xlsx_bytes(
        [[*HEADERS[:3], "Chương trình"], ["28873", 1, "Đang thực hiện", "2001/QĐ-UBND"]]
    )
    url, page = preview(client, "a.xlsx", data)
    client.post(url.replace("/preview/", "/confirm/"))
    other.refresh_from_db()
    assert other.status == Milestone.Status.IN_PROGRESS
    first = roadmap[("28873", 1)]
    first.refresh_from_db()
    assert first.status == Milestone.Status.NOT_STARTED


def test_an_exported_milestone_list_can_be_imported_back(client, dost_staff, roadmap):
    client.force_login(dost_staff)
    exported = client.get("/milestones/?export=xlsx&q=28873").getvalue()
    url, page = preview(client, "xuat.xlsx", exported)
    text = page.content.decode()
    assert re.search(r'data-count="skip">3<', text), text
    assert "Không có gì để thay đổi" in text


def test_each_row_costs_a_bounded_number_of_queries(dost_staff, world):
    """The consultant's sheet has hundreds of rows: no per-row lookup beyond the write itself
    (two savepoint statements, the update, the history row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from imports.services import import_preview

    template = RoadmapTemplateFactory()
    steps = [RoadmapStepFactory(template=template, order=i) for i in range(1, 11)]
    for step in steps:
        MilestoneFactory(participation=world["participation"], step=step)

    def queries(n):
        rows = [[*HEADERS]] + [["28873", i, "Đang thực hiện", "", ""] for i in range(1, n + 1)]
        with CaptureQueriesContext(connection) as captured:
            report = import_preview(
                kind="milestones", data=xlsx_bytes(rows), filename="a.xlsx", user=dost_staff
            )
        assert report.ok and report.counts["update"] == n
        return len(captured)

    assert queries(10) - queries(1) <= 9 * 4


def test_a_title_above_the_table_is_skipped_and_rows_keep_their_numbers(
    client, dost_staff, roadmap
):
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            ["BÁO CÁO TIẾN ĐỘ TRIỂN KHAI ISO 9001 – THÁNG 9/2017"],
            [None],
            HEADERS,
            ["28873", 1, "Hoàn thành", "01/09/2017", ""],
            ["28873", 2, "Hoàn thành", "", ""],
        ]
    )
    _url, page = preview(client, "tien-do.xlsx", data)
    assert (
        "<td>5</td><td>Ngày hoàn thành</td><td>Bước đã hoàn thành phải có ngày hoàn thành thực tế.</td>"
        in page.content.decode()
    )


def test_a_confirm_after_the_preview_expired_says_so_not_that_the_file_has_errors(
    client, dost_staff, roadmap
):
    from imports import services

    client.force_login(dost_staff)
    data = xlsx_bytes([HEADERS, ["28873", 1, "Hoàn thành", "20/08/2017", ""]])
    url, _page = preview(client, "tien-do.xlsx", data)
    token = url.rstrip("/").rsplit("/", 1)[1]
    before = states()
    services.upload_discard(token=token)  # what the day-old clean-up does

    expired = client.post(url.replace("/preview/", "/confirm/"), follow=True)

    text = expired.content.decode()
    assert expired.redirect_chain[-1][0] == "/imports/milestones/"
    assert "Bản xem trước đã hết hạn" in text and "tệp có lỗi" not in text
    assert states() == before
