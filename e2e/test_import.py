"""A DOST user imports the consultant's spreadsheet through the pages, in Chromium."""

import datetime

import pytest

from imports.tests.helpers import xlsx_bytes
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory, RoadmapTemplateFactory

HEADERS = ["Mã xã", "Bước", "Trạng thái", "Ngày hoàn thành", "Ghi chú"]


@pytest.fixture
def milestones(world):
    template = RoadmapTemplateFactory(name="Lộ trình xây dựng mới")
    steps = [
        RoadmapStepFactory(template=template, order=1, name="Khảo sát"),
        RoadmapStepFactory(template=template, order=2, name="Thành lập Ban chỉ đạo ISO"),
    ]
    return [MilestoneFactory(participation=world["participation"], step=s) for s in steps]


def _upload(page, live_server, tmp_path, rows, name):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes([HEADERS, *rows]))
    page.goto(f"{live_server.url}/imports/milestones/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Tải lên và xem trước").click()
    page.wait_for_load_state()


def test_dost_previews_then_confirms_the_consultants_spreadsheet(
    page, live_server, login, dost_staff, milestones, tmp_path, assert_accessible
):
    login(page, dost_staff)
    rows = [
        ["28873", 1, "Hoàn thành", "20/08/2017", "Đã có báo cáo khảo sát"],
        ["28873", 2, "Đang thực hiện", "", ""],
    ]
    _upload(page, live_server, tmp_path, rows, "tien-do.xlsx")
    assert "/preview/" in page.url
    assert_accessible(page)
    # The preview wrote nothing.
    assert not Milestone.objects.filter(status="done").exists()
    page.get_by_role("button", name="Xác nhận nhập dữ liệu").click()
    page.wait_for_load_state()
    first, second = (Milestone.objects.get(pk=m.pk) for m in milestones)
    assert first.status == "done" and first.completed_on == datetime.date(2017, 8, 20)
    assert second.status == "in_progress"
    assert first.history.first().history_user == dost_staff
    assert_accessible(page)


def test_one_bad_row_changes_nothing_and_names_the_row(
    page, live_server, login, dost_staff, milestones, tmp_path
):
    login(page, dost_staff)
    rows = [
        ["28873", 1, "Hoàn thành", "20/08/2017", ""],
        ["28873", 2, "Hoàn thành", "31/02/2017", ""],
    ]
    _upload(page, live_server, tmp_path, rows, "sai.xlsx")
    assert "1 lỗi: sẽ không ghi gì." in page.locator("main").inner_text()
    error = page.locator("main table tbody tr").first.inner_text().split("\t")
    assert error[0].strip() == "3"
    assert error[1].strip() == "Ngày hoàn thành"
    assert "“31/02/2017”: Nhập ngày theo dạng dd/mm/yyyy" in error[2]
    assert page.get_by_role("button", name="Xác nhận nhập dữ liệu").count() == 0
    assert not Milestone.objects.filter(status="done").exists()
