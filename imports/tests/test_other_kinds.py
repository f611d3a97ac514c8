"""The procedure catalogue, a commune's QMS scope, the communes of a programme, the units."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, District, Province
from imports.tests.helpers import csv_bytes, upload, writes_among, xlsx_bytes
from procedures.models import Procedure, ScopeItem
from procedures.tests.factories import FieldFactory, ProcedureFactory
from roadmap.models import Participation
from roadmap.tests.factories import ProgrammeFactory, RoadmapStepFactory, RoadmapTemplateFactory


def import_file(client, kind, name, data, *, confirm=True):
    """Upload, preview (checking that the preview sends no write and opens no transaction,
    so it holds no lock), then confirm unless ``confirm`` is False."""
    response = client.post(f"/imports/{kind}/", {"file": upload(name, data)})
    assert response.status_code == 302, response.content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Location"]).content.decode()
    writes = writes_among(queries)
    assert not writes, writes[:3]
    if not confirm:
        return page, None
    done = client.post(response["Location"].replace("/preview/", "/confirm/"))
    return page, done


PROCEDURE_HEADERS = [
    "Mã TTHC",
    "Tên thủ tục",
    "Lĩnh vực",
    "Thời hạn giải quyết (ngày làm việc)",
    "Quyết định công bố",
    "Ngày công bố",
]


def test_the_procedure_catalogue_creates_and_updates_by_national_code(client, dost_staff):
    FieldFactory(code="ho-tich", name="Hộ tịch")
    FieldFactory(code="chung-thuc", name="Chứng thực")
    existing = ProcedureFactory(
        national_code="1.001193", name="Đăng ký khai sinh", processing_days=3
    )
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            PROCEDURE_HEADERS,
            ["1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, "1234/QĐ-UBND", "12/06/2017"],
            ["2.000815", "Chứng thực bản sao từ bản chính", "chung-thuc", 0, "", ""],
            ["", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", 3, "", ""],
        ]
    )

    page, done = import_file(client, "procedures", "danh-muc.xlsx", data)

    assert re.search(r'data-count="new">2<', page)
    assert re.search(r'data-count="update">1<', page)
    assert done.status_code == 200
    existing.refresh_from_db()
    assert existing.processing_days == 0
    assert existing.announced_on == datetime.date(2017, 6, 12)
    assert existing.history.first().history_user == dost_staff
    assert Procedure.objects.get(national_code="2.000815").field.name == "Chứng thực"
    assert Procedure.objects.filter(name="Đăng ký nhận cha, mẹ, con", national_code="").exists()

    # the same file again changes nothing
    page, _done = import_file(client, "procedures", "danh-muc.xlsx", data, confirm=False)
    assert re.search(r'data-count="skip">3<', page)


def test_an_unknown_field_refuses_the_whole_catalogue(client, dost_staff):
    FieldFactory(code="ho-tich", name="Hộ tịch")
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            PROCEDURE_HEADERS,
            ["1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, "", ""],
            ["9.999999", "Thủ tục lạ", "Thiên văn", 0, "", ""],
        ]
    )
    page, done = import_file(client, "procedures", "danh-muc.xlsx", data)
    assert "<td>3</td><td>Lĩnh vực</td><td>Không có lĩnh vực nào tên “Thiên văn”.</td>" in page
    assert done.status_code == 400
    assert not Procedure.objects.exists()


def test_the_scope_of_a_commune_by_gso_code_and_procedure_code(client, dost_staff, world):
    procedure = ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    client.force_login(dost_staff)
    data = csv_bytes(
        [
            ["Mã xã", "Mã TTHC", "Mã quy trình", "Lần ban hành", "Ngày ban hành", "Tình trạng"],
            ["28873", "1.001193", "QT-HT-01", 1, "20/10/2017", "Đã ban hành"],
        ]
    )
    page, done = import_file(client, "scope", "pham-vi.csv", data)

    assert re.search(r'data-count="new">1<', page)
    item = ScopeItem.objects.get(commune=world["commune"], procedure=procedure)
    assert (item.process_code, item.state, item.issued_on) == (
        "QT-HT-01",
        ScopeItem.State.ISSUED,
        datetime.date(2017, 10, 20),
    )
    assert item.history.count() == 1


def test_a_scope_row_breaking_a_model_rule_is_refused(client, dost_staff, world):
    ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    client.force_login(dost_staff)
    data = csv_bytes(
        [
            ["Mã xã", "Mã TTHC", "Mã quy trình", "Tình trạng"],
            ["28873", "1.001193", "QT-HT-01", "Đã ban hành"],  # issued without a date
            ["28873", "1.000894", "QT-HT-02", "Dự kiến"],  # unknown procedure
        ]
    )
    page, done = import_file(client, "scope", "pham-vi.csv", data)
    assert "<td>3</td><td>Mã TTHC</td><td>Không có thủ tục nào có mã “1.000894”.</td>" in page
    assert "<td>2</td>" in page
    assert done.status_code == 400
    assert not ScopeItem.objects.exists()


PARTICIPATION_HEADERS = [
    "Chương trình",
    "Mã xã",
    "Loại",
    "Kinh phí (đồng)",
    "Ngày bắt đầu",
    "Đại diện lãnh đạo",
    "Thư ký ISO",
]


def test_the_communes_of_a_programme_with_their_roadmap(client, dost_staff, world):
    programme = ProgrammeFactory(
        name="Đợt 2017", decision_number="1709/QĐ-UBND", province=world["province"]
    )
    template = RoadmapTemplateFactory(name="Mở rộng", kind="extension")
    RoadmapStepFactory(template=template, order=1, offset_days=0, duration_days=10)
    RoadmapStepFactory(template=template, order=2, offset_days=10, duration_days=20)
    CommuneExtra = Commune.objects.get(code="28987")
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            PARTICIPATION_HEADERS,
            ["1709/QĐ-UBND", "28873", "Mở rộng", "45.000.000", "08/08/2017", "Nguyễn Văn A", ""],
            ["Đợt 2017", 28987, "extension", 45000000, None, "", "Trần Thị B"],
        ]
    )

    page, done = import_file(client, "participations", "xa.xlsx", data)

    assert re.search(r'data-count="new">2<', page), page
    assert done.status_code == 200
    first = Participation.objects.get(programme=programme, commune=world["commune"])
    assert first.budget_allocated == Decimal(45_000_000)
    assert first.kind == Participation.Kind.EXTENSION
    assert first.template == template
    assert first.milestones.count() == 2
    assert first.history.first().history_user == dost_staff
    second = Participation.objects.get(programme=programme, commune=CommuneExtra)
    assert second.start_date == programme.start_date
    assert second.iso_secretary == "Trần Thị B"


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (
            ["Đợt 2099", "28873", "Mở rộng", "0"],
            "Chương trình",
            "Không có đợt triển khai nào tên hoặc số quyết định là “Đợt 2099”.",
        ),
        (
            ["Đợt 2017", "28873", "Mở rộng", "-5"],
            "Kinh phí (đồng)",
            "“-5” không phải số tiền (đồng) nguyên dương.",
        ),
        (
            ["Đợt 2017", "28873", "Làm lại", "0"],
            "Loại",
            "“Làm lại” không thuộc: Xây dựng mới, Mở rộng cho toàn bộ TTHC, Chuyển đổi sang TCVN ISO 9001:2015, "
            "Hợp nhất, xây dựng lại HTQLCL theo TCVN ISO 9001:2015.",
        ),
    ],
)
def test_a_bad_programme_row_is_refused(client, dost_staff, world, row, column, message):
    ProgrammeFactory(name="Đợt 2017", province=world["province"])
    client.force_login(dost_staff)
    data = xlsx_bytes([PARTICIPATION_HEADERS[:4], row])
    before = Participation.objects.count()
    page, done = import_file(client, "participations", "xa.xlsx", data)
    assert f"<td>2</td><td>{column}</td><td>{message}</td>" in page
    assert Participation.objects.count() == before


GSO = ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"]


def test_administrative_units_through_the_page(client, dost_staff, world):
    client.force_login(dost_staff)
    data = xlsx_bytes(
        [
            GSO,
            ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Phú Phụng", "28873", "Xã"],
            [
                "Tỉnh Bến Tre",
                "83",
                "Huyện Chợ Lách",
                "832",
                "Thị trấn Chợ Lách",
                "28870",
                "Thị trấn",
            ],
            ["Tỉnh Trà Vinh", "84", "Thành phố Trà Vinh", "842", "Phường 4", "29233", "Phường"],
        ]
    )
    page, done = import_file(client, "admin-units", "gso.xlsx", data)

    assert "· đơn vị hành chính cấp xã: 2 mới, 0 thay đổi, 1 không đổi" in page
    assert done.status_code == 200
    assert Province.objects.get(code="84").kind == Province.Kind.PROVINCE
    assert District.objects.get(code="842").kind == District.Kind.CITY
    ward = Commune.objects.get(code="29233")
    assert (ward.kind, ward.district.code, ward.province.code) == ("phuong", "842", "84")


@pytest.mark.parametrize(
    "kind", ["milestones", "participations", "procedures", "scope", "admin-units"]
)
def test_template_files_hold_the_headers_a_note_and_one_sample_row(client, dost_staff, kind):
    from imports.services import resource_class

    client.force_login(dost_staff)
    resource = resource_class(kind)
    response = client.get(f"/imports/{kind}/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == resource.columns()
    assert len(rows) == 3
    assert rows[1][0].startswith("# Dòng mẫu") and "00000" in rows[1][0]
    assert "00000" in rows[2]  # the sample's code names no unit
    csv_response = client.get(f"/imports/{kind}/template.csv")
    text = csv_response.content.decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(resource.columns()))


@pytest.mark.parametrize("kind", ["milestones", "participations", "procedures", "scope"])
def test_a_template_sent_back_unchanged_writes_nothing_and_says_why(
    client, dost_staff, world, kind
):
    """The sample row names no unit, and the import skips it (issue 21: the sample of the
    milestones once targeted step 3 of commune 28873)."""
    client.force_login(dost_staff)
    template = client.get(f"/imports/{kind}/template.xlsx").content
    before = _counts()
    page, done = import_file(client, kind, "mau.xlsx", template)
    assert "Dòng 2 là dòng mẫu của tệp mẫu: bỏ qua." in page
    assert "Dòng 3 là dòng mẫu của tệp mẫu: bỏ qua." in page
    assert done.status_code == 200
    assert _counts() == before


def _counts() -> list[int]:
    from roadmap.models import Milestone

    models = [Milestone, Participation, Procedure, ScopeItem, Commune, District, Province]
    return [m.objects.count() for m in models] + [m.history.count() for m in models[:4]]


def test_the_milestone_template_reads_in_vietnamese(client, dost_staff):
    client.force_login(dost_staff)
    response = client.get("/imports/milestones/template.csv")
    assert response["Content-Disposition"] == 'attachment; filename="tien-do-lo-trinh.csv"'
    header = response.content.decode("utf-8").splitlines()[0]
    assert header == "\ufeffMã xã,Tên xã,Bước,Trạng thái,Ngày hoàn thành,Ghi chú,Chương trình"


def test_empty_cells_leave_a_scope_item_and_a_participation_as_they_are(client, dost_staff, world):
    from procedures.tests.factories import ScopeItemFactory

    procedure = ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    item = ScopeItemFactory(
        commune=world["commune"],
        procedure=procedure,
        process_code="QT-01",
        revision=2,
        state=ScopeItem.State.ISSUED,
        issued_on=datetime.date(2017, 10, 1),
    )
    participation = world["participation"]
    participation.budget_allocated = 45_000_000
    participation.save()
    client.force_login(dost_staff)

    import_file(
        client,
        "scope",
        "a.csv",
        csv_bytes(
            [
                ["Mã xã", "Mã TTHC", "Mã quy trình", "Lần ban hành", "Ngày ban hành", "Tình trạng"],
                ["28873", "1.001193", "QT-01", "", "01/10/2017", ""],
            ]
        ),
    )
    import_file(
        client,
        "participations",
        "b.csv",
        csv_bytes(
            [
                PARTICIPATION_HEADERS,
                [participation.programme.name, "28873", "Xây dựng mới", "", "", "A", ""],
            ]
        ),
    )

    item.refresh_from_db()
    assert (item.revision, item.state) == (2, ScopeItem.State.ISSUED)
    participation.refresh_from_db()
    assert participation.budget_allocated == 45_000_000
    assert participation.qms_representative == "A"


@pytest.mark.parametrize(
    "rows",
    [
        [
            ["1.001193", "Đăng ký khai sinh", "Hộ tịch", 0, "", ""],
            ["1.001193", "Đăng ký khai sinh (sửa)", "Hộ tịch", 0, "", ""],
        ],
        [
            ["", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", 3, "", ""],
            ["", "ĐĂNG KÝ NHẬN CHA, MẸ, CON", "hộ tịch", 5, "", ""],
        ],
    ],
)
def test_a_procedure_listed_twice_refuses_the_catalogue(client, dost_staff, rows):
    FieldFactory(code="ho-tich", name="Hộ tịch")
    client.force_login(dost_staff)
    page, done = import_file(
        client, "procedures", "danh-muc.xlsx", xlsx_bytes([PROCEDURE_HEADERS, *rows])
    )
    assert "<td>3</td><td>Mã TTHC</td><td>Dòng này lặp lại dòng 2.</td>" in page
    assert done.status_code == 400
    assert not Procedure.objects.exists()


def test_an_import_records_one_history_entry_per_changed_object_and_none_for_unchanged_rows(
    client, dost_staff, world
):
    """A new participation with its roadmap: one entry (not a second for its template); the
    same file again: no entry; a changed budget: one entry for that participation only."""
    programme = ProgrammeFactory(
        name="Đợt 2017", decision_number="1709/QĐ-UBND", province=world["province"]
    )
    template = RoadmapTemplateFactory(name="Mở rộng", kind="extension")
    RoadmapStepFactory(template=template, order=1, offset_days=0, duration_days=10)
    client.force_login(dost_staff)
    history = Participation.history.filter(programme=programme)
    rows = [
        PARTICIPATION_HEADERS,
        ["1709/QĐ-UBND", "28873", "Mở rộng", "45000000", "08/08/2017", "Nguyễn Văn A", ""],
        ["1709/QĐ-UBND", "28987", "Mở rộng", "45000000", "08/08/2017", "", ""],
    ]
    import_file(client, "participations", "xa.xlsx", xlsx_bytes(rows))
    entries = history.order_by("history_id")
    assert [(e.commune.code, e.history_type) for e in entries] == [
        ("28873", "+"),
        ("28987", "+"),
    ]
    assert all(e.template_id == template.pk for e in entries)

    import_file(client, "participations", "xa.xlsx", xlsx_bytes(rows))
    assert history.count() == 2

    rows[1][3] = "50000000"
    import_file(client, "participations", "xa.xlsx", xlsx_bytes(rows))
    changed = history.order_by("history_id")[2:]
    assert [(e.commune.code, e.history_type, e.budget_allocated) for e in changed] == [
        ("28873", "~", Decimal(50_000_000))
    ]


def test_the_scope_import_records_history_once_and_not_for_the_same_file_again(
    client, dost_staff, world
):
    procedure = ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    client.force_login(dost_staff)
    header = ["Mã xã", "Mã TTHC", "Mã quy trình", "Lần ban hành", "Ngày ban hành", "Tình trạng"]
    row = ["28873", "1.001193", "QT-HT-01", 1, "20/10/2017", "Đã ban hành"]
    import_file(client, "scope", "pham-vi.csv", csv_bytes([header, row]))
    import_file(client, "scope", "pham-vi.csv", csv_bytes([header, row]))
    item = ScopeItem.objects.get(commune=world["commune"], procedure=procedure)
    assert item.history.count() == 1
    row[3] = 2
    import_file(client, "scope", "pham-vi.csv", csv_bytes([header, row]))
    assert [h.history_type for h in item.history.order_by("history_id")] == ["+", "~"]
