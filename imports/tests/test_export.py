"""Exports of the lists: the page's filters, the user's scope, inert formulas, 1-vs-N queries."""

import csv
import datetime
import io

import openpyxl
import pytest

from audits.tests.factories import AuditFactory, CorrectiveActionFactory, FindingFactory
from roadmap.models import Milestone
from roadmap.tests.factories import MilestoneFactory, RoadmapStepFactory


def sheet_rows(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.getvalue()))  # streamed or not
    return list(workbook.active.iter_rows(values_only=True))


def csv_rows(response):
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def milestones(world):
    step1 = RoadmapStepFactory(order=1, name="Khảo sát")
    step2 = RoadmapStepFactory(
        template=step1.template, order=2, name="Ban chỉ đạo", key="steering-team"
    )
    return [
        MilestoneFactory(
            participation=world["participation"],
            step=step1,
            status="done",
            completed_on=datetime.date(2017, 8, 20),
        ),
        MilestoneFactory(
            participation=world["participation"],
            step=step2,
            note='=HYPERLINK("http://evil.invalid","bấm")',
        ),
        MilestoneFactory(
            participation=world["neighbour_participation"],
            step=step1,
            status="blocked",
            note="+84 912 000 000",
        ),
        MilestoneFactory(participation=world["other_participation"], step=step1, note="@SUM(1)"),
    ]


def test_formulas_are_neutralised_in_both_formats(client, dost_staff, milestones):
    client.force_login(dost_staff)

    rows = sheet_rows(client.get("/milestones/?export=xlsx"))
    notes = [r[5] for r in rows[1:]]
    assert '\'=HYPERLINK("http://evil.invalid","bấm")' in notes
    assert "'+84 912 000 000" in notes
    assert "'@SUM(1)" in notes
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/milestones/?export=xlsx").getvalue()))
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)

    text_rows = csv_rows(client.get("/milestones/?export=csv"))
    assert text_rows[0][:4] == ["Mã xã", "Tên xã", "Bước", "Trạng thái"]
    assert '\'=HYPERLINK("http://evil.invalid","bấm")' in [r[5] for r in text_rows[1:]]


def test_dates_are_dates_in_excel_and_dd_mm_yyyy_in_csv(client, dost_staff, milestones):
    client.force_login(dost_staff)
    rows = sheet_rows(client.get("/milestones/?export=xlsx&status=done"))
    assert rows[1][4] == datetime.datetime(2017, 8, 20)
    text_rows = csv_rows(client.get("/milestones/?export=csv&status=done"))
    assert text_rows[1][4] == "20/08/2017"
    assert text_rows[1][3] == "Hoàn thành"


@pytest.mark.parametrize(
    ("persona", "communes"),
    [
        ("dost_staff", {"28873", "28876", "28987"}),
        ("manager", {"28873", "28876", "28987"}),
        ("district_officer", {"28873", "28876"}),
        ("commune_officer", {"28873"}),
        ("other_commune_officer", {"28987"}),
        ("consultant", {"28873", "28876"}),
    ],
)
def test_an_export_holds_only_what_the_user_may_see(
    client, personas, milestones, persona, communes
):
    client.force_login(personas[persona])
    rows = sheet_rows(client.get("/milestones/?export=xlsx"))
    assert {r[0] for r in rows[1:]} == communes


def test_an_export_honours_the_filters_of_the_list(client, dost_staff, milestones, settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    client.force_login(dost_staff)

    def codes_and_steps(query):
        rows = csv_rows(client.get(f"/milestones/?export=csv&{query}"))
        return sorted((r[0], r[2][0]) for r in rows[1:])

    assert codes_and_steps("district=832") == [("28873", "1"), ("28873", "2"), ("28876", "1")]
    assert codes_and_steps("status=blocked") == [("28876", "1")]
    assert codes_and_steps("overdue=1") == [("28873", "2"), ("28876", "1"), ("28987", "1")]
    assert codes_and_steps("step=steering-team") == [("28873", "2")]
    assert codes_and_steps("q=son dinh") == [("28876", "1")]
    assert codes_and_steps("kind=extension") == []


def test_communes_export_holds_the_list_with_its_filters(client, district_officer, milestones):
    client.force_login(district_officer)
    rows = sheet_rows(client.get("/communes/?export=xlsx"))
    assert rows[0][:5] == ("Mã xã", "Tên xã", "Huyện", "Loại", "Giai đoạn")
    assert [r[:3] for r in rows[1:]] == [
        ("28873", "Xã Phú Phụng", "Huyện Chợ Lách"),
        ("28876", "Xã Sơn Định", "Huyện Chợ Lách"),
    ]
    response = client.get("/communes/?export=csv&q=son")  # the page's accent-blind search
    assert response["Content-Disposition"] == 'attachment; filename="xa.csv"'
    assert [r[0] for r in csv_rows(response)[1:]] == ["28876"]


def test_an_export_holds_every_row_not_only_the_page_shown(client, dost_staff, world):
    template_step = RoadmapStepFactory(order=1)
    for order in range(1, 31):
        step = (
            template_step
            if order == 1
            else RoadmapStepFactory(template=template_step.template, order=order)
        )
        MilestoneFactory(participation=world["participation"], step=step)
    client.force_login(dost_staff)
    rows = sheet_rows(client.get("/milestones/?export=xlsx&page=2"))
    assert len(rows) == 1 + 30


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/communes/", "district=832"),
        ("/milestones/", "status=blocked&page=2"),
        ("/findings/", "status=open"),
        ("/corrective-actions/", "overdue=1"),
        ("/procedures/", "field=ho-tich"),
    ],
)
def test_list_pages_link_to_their_export_with_the_current_filters(client, dost_staff, url, query):
    client.force_login(dost_staff)
    text = client.get(f"{url}?{query}").content.decode()
    first = query.split("&")[0].replace("&", "&amp;")
    assert f'href="?{first}&amp;export=xlsx"' in text
    assert f'href="?{first}&amp;export=csv"' in text
    htmx = client.get(f"{url}?{query}", headers={"HX-Request": "true"}).content.decode()
    assert f'href="?{first}&amp;export=xlsx"' in htmx  # the links follow the live filters


@pytest.fixture
def findings(world):
    audit_a = AuditFactory(commune=world["commune"])
    audit_c = AuditFactory(commune=world["other_commune"])
    open_a = FindingFactory(audit=audit_a, description="-Thiếu sổ theo dõi")
    closed_a = FindingFactory(audit=audit_a, status="closed", closed_on=datetime.date(2017, 12, 1))
    open_c = FindingFactory(audit=audit_c)
    return {
        "open_a": open_a,
        "closed_a": closed_a,
        "open_c": open_c,
        "action_a": CorrectiveActionFactory(finding=open_a, due_date=datetime.date(2017, 12, 1)),
        "action_done": CorrectiveActionFactory(
            finding=closed_a, done_on=datetime.date(2017, 11, 30)
        ),
        "action_c": CorrectiveActionFactory(finding=open_c, due_date=datetime.date(2018, 1, 5)),
    }


def test_findings_export_in_scope_and_filtered(client, commune_officer, dost_staff, findings):
    client.force_login(commune_officer)
    rows = sheet_rows(client.get("/findings/?export=xlsx"))
    assert {r[0] for r in rows[1:]} == {"28873"}
    assert "'-Thiếu sổ theo dõi" in [r[7] for r in rows[1:]]
    client.force_login(dost_staff)
    rows = sheet_rows(client.get("/findings/?export=xlsx&status=open"))
    assert sorted(r[0] for r in rows[1:]) == ["28873", "28987"]
    assert {r[9] for r in rows[1:]} == {"Chưa khắc phục"}  # the label of Finding.Status.OPEN


def test_corrective_actions_export_in_scope_and_filtered(client, consultant, findings, settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)
    client.force_login(consultant)
    rows = sheet_rows(client.get("/corrective-actions/?export=xlsx"))
    assert len(rows) == 3 and {r[0] for r in rows[1:]} == {"28873"}
    rows = sheet_rows(client.get("/corrective-actions/?export=xlsx&overdue=1"))
    assert [(r[0], r[10]) for r in rows[1:]] == [("28873", "x")]
    rows = sheet_rows(client.get("/corrective-actions/?export=xlsx&status=done"))
    assert [r[8] for r in rows[1:]] == [datetime.datetime(2017, 11, 30)]


@pytest.mark.parametrize(
    "url", ["/communes/", "/milestones/", "/findings/", "/corrective-actions/"]
)
def test_anonymous_cannot_export(client, world, url):
    response = client.get(f"{url}?export=xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_unknown_format_shows_the_page(client, dost_staff):
    client.force_login(dost_staff)
    response = client.get("/milestones/?export=pdf")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_queries_do_not_grow_with_the_rows(client, dost_staff, world, fmt):
    """1-vs-N: the same number of queries for 1 milestone and for 20."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(dost_staff)
    step = RoadmapStepFactory(order=1)
    MilestoneFactory(participation=world["participation"], step=step)
    client.get(f"/milestones/?export={fmt}").getvalue()  # the signed-in user read, then kept
    with CaptureQueriesContext(connection) as one:
        client.get(f"/milestones/?export={fmt}").getvalue()  # a streamed file reads as it goes
    for order in range(2, 21):
        MilestoneFactory(
            participation=world["participation"],
            step=RoadmapStepFactory(template=step.template, order=order),
        )
    with CaptureQueriesContext(connection) as twenty:
        response = client.get(f"/milestones/?export={fmt}")
        assert len(response.getvalue()) > 1000
    assert Milestone.objects.count() == 20
    assert response.status_code == 200
    assert len(twenty) == len(one)


def test_the_procedure_catalogue_exports_in_its_import_layout_and_imports_back(
    client, dost_staff, world
):
    from imports.tests.helpers import upload
    from procedures.tests.factories import FieldFactory, ProcedureFactory

    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    ProcedureFactory(
        national_code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        announced_on=datetime.date(2017, 6, 12),
    )
    ProcedureFactory(name="=Thủ tục lạ", field=field, processing_days=None)
    client.force_login(dost_staff)

    response = client.get("/procedures/?export=xlsx&q=khai sinh")
    rows = sheet_rows(response)
    assert rows[0][:3] == ("Mã TTHC", "Tên thủ tục", "Lĩnh vực")
    assert rows[1][:3] == ("1.001193", "Đăng ký khai sinh", "Hộ tịch")
    assert rows[1][6] == datetime.datetime(2017, 6, 12)
    assert len(rows) == 2

    everything = client.get("/procedures/?export=csv").getvalue()
    assert "'=Thủ tục lạ" in everything.decode("utf-8")
    back = client.get("/procedures/?export=xlsx").getvalue()
    location = client.post("/imports/procedures/", {"file": upload("tthc.xlsx", back)})["Location"]
    page = client.get(location).content.decode()
    assert 'data-count="skip">2<' in page  # every exported row matches, "=Thủ tục lạ" too
    assert 'data-count="new">0<' in page


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_milestone_export_streams_with_the_days_late_and_who_updated(
    client, dost_staff, milestones, fmt
):
    """The file is sent as it is written (rows read in chunks), with the same columns."""
    milestones[1].updated_by = dost_staff
    milestones[1].save()
    client.force_login(dost_staff)
    response = client.get(f"/milestones/?export={fmt}")
    assert response.streaming
    rows = sheet_rows(response) if fmt == "xlsx" else csv_rows(response)
    by_note = {r[5]: r for r in rows[1:]}
    updated = by_note['\'=HYPERLINK("http://evil.invalid","bấm")']
    assert updated[11] == (dost_staff.get_full_name() or dost_staff.username)
    expected = {m.note or "": str(m.days_late) for m in milestones}
    assert {(r[5] or "").lstrip("'"): str(r[10]) for r in rows[1:]} == expected


def test_the_quick_milestone_rows_hold_what_the_columns_give_for_the_objects(
    dost_staff, milestones
):
    """The export of a large list reads tuples (``milestone_export_rows``): the same cells as
    ``MILESTONE_COLUMNS`` on the milestones."""
    from django.utils import translation

    from core.spreadsheets import csv_text
    from roadmap.resources import MILESTONE_COLUMNS, milestone_export_rows

    milestones[2].updated_by = dost_staff
    milestones[2].save()
    keys = Milestone.objects.order_by("-pk").values_list("pk", flat=True)
    objects = Milestone.objects.with_list_related().order_by("-pk")
    with translation.override("vi"):
        quick = [[csv_text(v) for v in row] for row in milestone_export_rows(keys)]
        slow = [[csv_text(c.of(m)) for c in MILESTONE_COLUMNS] for m in objects]
    assert quick == slow
    assert len(quick) == 4 and quick[1][11] == str(dost_staff)
