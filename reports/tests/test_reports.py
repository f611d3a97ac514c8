"""The progress reports: PDF and Excel, who may download which, the figures, the cache."""

import datetime
from io import BytesIO

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, pgettext
from openpyxl import load_workbook
from pypdf import PdfReader

from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from communes.tests.factories import CommuneFactory, DistrictFactory
from reports import documents, metrics
from reports.documents.excel import safe_text
from reports.services import report_context
from reports.views import dashboard_context
from roadmap.models import Milestone
from roadmap.services import milestone_update_status, participation_apply_template
from roadmap.tests.factories import (
    ParticipationFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

AS_OF = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _pinned_day_and_empty_cache(settings):
    settings.QMS_AS_OF = AS_OF
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rollout(world):
    """The world with a roadmap in every commune, a third district (Mỏ Cày Bắc), progress,
    an overdue step, findings, a corrective action and an announcement."""
    template = RoadmapTemplateFactory(name="Lộ trình xây dựng mới")
    for order, (name, offset) in enumerate(
        [("Khảo sát thực trạng", 0), ("Đào tạo nhận thức", 20), ("Đánh giá nội bộ", 60)],
        start=1,
    ):
        RoadmapStepFactory(
            template=template, order=order, name=name, offset_days=offset, duration_days=14
        )
    mcb = DistrictFactory(province=world["province"], code="838", name="Huyện Mỏ Cày Bắc")
    d = CommuneFactory(district=mcb, code="29005", name="Xã Tân Thành Bình")
    pd = ParticipationFactory(programme=world["programme"], commune=d)
    parts = [
        world["participation"],
        world["neighbour_participation"],
        world["other_participation"],
        pd,
    ]
    for p in parts:
        participation_apply_template(participation=p, template=template)
    first = world["participation"].milestones.get(step__order=1)
    milestone_update_status(
        milestone=first,
        by=None,
        status=Milestone.Status.DONE,
        completed_on=datetime.date(2017, 8, 20),
        note="",
        expected_version=first.version,
    )
    audit = AuditFactory(commune=world["commune"])
    finding = FindingFactory(audit=audit, description='=HYPERLINK("http://x") Hồ sơ chưa đủ')
    CorrectiveActionFactory(finding=finding)
    AnnouncementFactory(commune=world["neighbour_commune"], decision_number="15/QĐ-UBND")
    return {**world, "template": template, "mcb": mcb, "mcb_commune": d, "parts": parts}


def pdf_text(content: bytes) -> tuple[str, int]:
    reader = PdfReader(BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def url(name, *args):
    """A report's URL; a district's or commune's by code, with the period key of a unit older
    than the records (the test units have no start date)."""
    if name in ("district_report", "commune_report"):
        args = (args[0], "0", *args[1:])
    return reverse(f"reports:{name}", args=args)


# What is in the PDF ---------------------------------------------------------------------------


def test_province_pdf_has_header_title_figures_and_intact_diacritics(client, rollout, manager):
    client.force_login(manager)
    response = client.get(url("province_report", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text, pages = pdf_text(response.content)

    assert "UBND TỈNH BẾN TRE" in text
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Bến Tre" in text and "15/12/2017" in text
    title = gettext("PROGRESS REPORT ON THE QMS ROLLOUT AT COMMUNE PEOPLE'S COMMITTEES")
    assert title in " ".join(text.split())
    for name in ("Chợ Lách", "Mỏ Cày Bắc", "Giồng Trôm", "Phú Phụng", "Phong Nẫm"):
        assert name in text, name
    # The page numbers say "x/y" with y the real page count, and the count is sane.
    assert 2 <= pages <= 12
    assert f"1/{pages}" in text and f"{pages}/{pages}" in text

    # The figures are the dashboard's: the same function computes both.
    figures = dashboard_context(manager)["figures"]
    assert figures.total == 4
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert f"{gettext('Communes in the report')} {figures.total}" in lines
    assert f"{gettext('Milestones')} {figures.counts.total}" in lines
    assert f"{gettext('Milestones overdue')} {figures.counts.overdue}" in lines
    assert f"{gettext('Mean progress (%)')} {formats.number_format(figures.progress, 1)}" in lines
    assert f"{gettext('Findings open')} {figures.findings_open}" in lines
    assert figures.counts.overdue > 0 and figures.progress > 0


def test_district_pdf_shows_only_its_communes(client, rollout, district_officer):
    client.force_login(district_officer)
    response = client.get(url("district_report", "832", "pdf"))
    assert response.status_code == 200
    text, _pages = pdf_text(response.content)
    assert "Phú Phụng" in text and "Sơn Định" in text
    assert "Phong Nẫm" not in text and "Tân Thành Bình" not in text


def test_commune_pdf_has_the_annex_with_planned_and_actual_dates(client, rollout, commune_officer):
    client.force_login(commune_officer)
    response = client.get(url("commune_report", "28873", "pdf"))
    assert response.status_code == 200
    text, _pages = pdf_text(response.content)
    assert "Xã Phú Phụng, Huyện Chợ Lách" in " ".join(text.split())
    assert gettext("Annex: the communes one by one") in " ".join(text.split())
    assert "Khảo sát thực trạng" in text
    # Step 1: planned 08/08/2017 to 22/08/2017, done on time (its grid letter) on 20/08/2017.
    done_on_time = pgettext("report grid", "D")
    assert f"08/08/2017 22/08/2017 {done_on_time} 20/08/2017" in " ".join(text.split())
    assert "Sơn Định" not in text


def test_place_and_date_line_uses_leading_zeros_of_administrative_documents():
    from reports.services import place_and_date

    line = place_and_date("Bến Tre", datetime.date(2018, 2, 5))
    assert "Bến Tre" in line and "05" in line and "02" in line and "2018" in line
    assert "12" in place_and_date("Bến Tre", datetime.date(2017, 12, 15))


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dost_staff", 200),
        ("manager", 200),
        ("district_officer", 403),
        ("commune_officer", 403),
        ("other_commune_officer", 403),
        ("consultant", 403),
    ],
)
def test_province_report_is_for_province_wide_roles(client, rollout, personas, persona, status):
    client.force_login(personas[persona])
    assert client.get(url("province_report", "xlsx")).status_code == status


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("dost_staff", "834", 200),
        ("manager", "832", 200),
        ("district_officer", "832", 200),
        ("district_officer", "834", 404),
        ("commune_officer", "834", 404),
        ("other_commune_officer", "832", 404),
        ("consultant", "834", 404),
    ],
)
def test_district_report_within_scope(client, rollout, personas, persona, code, status):
    client.force_login(personas[persona])
    assert client.get(url("district_report", code, "xlsx")).status_code == status


@pytest.mark.parametrize(
    ("persona", "code", "status"),
    [
        ("dost_staff", "28987", 200),
        ("manager", "28873", 200),
        ("district_officer", "28876", 200),
        ("district_officer", "28987", 404),
        ("commune_officer", "28873", 200),
        ("commune_officer", "28876", 404),
        ("other_commune_officer", "28873", 404),
        ("consultant", "28876", 200),
        ("consultant", "28987", 404),
    ],
)
def test_commune_report_within_scope(client, rollout, personas, persona, code, status):
    client.force_login(personas[persona])
    assert client.get(url("commune_report", code, "xlsx")).status_code == status


@pytest.mark.parametrize(
    "path",
    ["/reports/province.pdf", "/reports/districts/832/0.xlsx", "/reports/communes/28873/0.pdf"],
)
def test_anonymous_is_sent_to_sign_in(client, rollout, path):
    response = client.get(path)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_other_formats_do_not_exist(client, rollout, manager):
    client.force_login(manager)
    assert client.get("/reports/province.csv").status_code == 404
    assert client.get("/reports/communes/28873.html").status_code == 404


def test_users_who_see_less_do_not_get_a_cached_report_of_more(
    client, rollout, manager, commune_officer
):
    client.force_login(manager)
    assert client.get(url("district_report", "832", "xlsx"))["X-Report-Cache"] == "miss"
    client.force_login(commune_officer)
    response = client.get(url("district_report", "832", "xlsx"))
    assert response["X-Report-Cache"] == "miss"
    communes = load_workbook(BytesIO(response.content)).worksheets[2]
    assert [row[1] for row in communes.iter_rows(min_row=2, values_only=True)] == ["Xã Phú Phụng"]


# The Excel workbook ---------------------------------------------------------------------------


def test_workbook_has_the_same_figures_dates_and_neutralised_formulas(client, rollout, manager):
    client.force_login(manager)
    response = client.get(url("province_report", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    assert len(wb.worksheets) == 7
    figures = metrics.compute(metrics.participations_in_scope(manager), as_of=AS_OF)

    headline = {row[0]: row[1] for row in wb.worksheets[0].iter_rows(min_row=9, values_only=True)}
    assert headline[gettext("Communes in the report")] == figures.total == 4
    assert headline[gettext("Mean progress (%)")] == figures.progress
    assert headline[gettext("Milestones overdue")] == figures.counts.overdue
    assert headline[gettext("Findings open")] == figures.findings_open == 1

    districts = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in districts] == [d.name for d in figures.districts]
    assert "Huyện Mỏ Cày Bắc" in [r[1] for r in districts]

    overdue = wb.worksheets[3]
    assert overdue.max_row - 1 == figures.counts.overdue
    assert isinstance(overdue["E2"].value, datetime.datetime)
    assert overdue["E2"].number_format == "dd/mm/yyyy"

    findings = wb.worksheets[4]
    assert findings["I2"].value.startswith("'=HYPERLINK")


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_neutralised(text):
    assert safe_text(text) == "'" + text
    assert safe_text("Xã " + text) == "Xã " + text
    assert safe_text(12) == 12


# The cache ------------------------------------------------------------------------------------


def test_second_download_comes_from_the_cache(client, rollout, manager):
    client.force_login(manager)
    first = client.get(url("province_report", "pdf"))
    second = client.get(url("province_report", "pdf"))
    assert (first["X-Report-Cache"], second["X-Report-Cache"]) == ("miss", "hit")
    assert first.content == second.content


def test_a_milestone_change_invalidates_the_cached_report(
    client, rollout, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    before = client.get(url("province_report", "xlsx"))
    assert client.get(url("province_report", "xlsx"))["X-Report-Cache"] == "hit"

    milestone = rollout["neighbour_participation"].milestones.get(step__order=1)
    with django_capture_on_commit_callbacks(execute=True):
        milestone_update_status(
            milestone=milestone,
            by=manager,
            status=Milestone.Status.DONE,
            completed_on=datetime.date(2017, 8, 21),
            note="",
            expected_version=milestone.version,
        )

    after = client.get(url("province_report", "xlsx"))
    assert after["X-Report-Cache"] == "miss"

    def done(response):
        sheet = load_workbook(BytesIO(response.content)).worksheets[0]
        rows = {r[0]: r[1] for r in sheet.iter_rows(min_row=9, values_only=True)}
        return rows[gettext("Milestones done on time")]

    assert done(after) == done(before) + 1


def test_any_change_of_a_finding_invalidates_too(
    client, rollout, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    client.get(url("commune_report", "28873", "xlsx"))
    with django_capture_on_commit_callbacks(execute=True):
        FindingFactory(audit=AuditFactory(commune=rollout["commune"]))
    assert client.get(url("commune_report", "28873", "xlsx"))["X-Report-Cache"] == "miss"


# Queries --------------------------------------------------------------------------------------


def test_report_context_queries_do_not_grow_with_communes(rollout, manager):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            report_context(user=manager, scope=_province())
        return len(ctx.captured_queries)

    few = queries()
    district = rollout["mcb"]
    for i in range(5):
        p = ParticipationFactory(
            programme=rollout["programme"],
            commune=CommuneFactory(district=district, code=f"2901{i}"),
        )
        participation_apply_template(participation=p, template=rollout["template"])
        FindingFactory(audit=AuditFactory(commune=p.commune))
    assert queries() == few


def _province():
    from reports.services import ReportScope

    return ReportScope.province()


def test_large_reports_leave_the_annex_out_and_say_so(rollout, manager, monkeypatch):
    from reports import services

    scope = _province()
    assert len(report_context(user=manager, scope=scope)["annex"]) == 4
    monkeypatch.setattr(services, "ANNEX_MAX_COMMUNES", 3)
    ctx = report_context(user=manager, scope=scope)
    assert ctx["with_annex"] is False and ctx["annex"] == []
    # The grid and the figures stay whole.
    assert ctx["figures"].total == 4
    assert (
        sum(len(g["text"].splitlines()) for g in ctx["grids"]) == 1 + 4 + 3
    )  # header, rows, districts


def test_grid_lines_up_one_letter_per_step(rollout, manager):
    grid = report_context(user=manager, scope=_province())["grids"][0]
    header, *lines = grid["text"].splitlines()
    rows = [line for line in lines if not line.startswith("[")]
    assert {len(line) for line in rows} == {len(header)}
    done_on_time = pgettext("report grid", "D")
    overdue = pgettext("report grid", "O")
    phu_phung = next(line for line in rows if line.startswith("Xã Phú Phụng"))
    # Step 1 done on time; steps 2 and 3 past their due dates and not done.
    assert phu_phung.split()[-3:] == [done_on_time, overdue, overdue]


# Large reports: built by the background worker, the page follows the task ------------------


@pytest.fixture
def large_above_two(monkeypatch, settings, tmp_path):
    from reports import views

    monkeypatch.setattr(views, "DIRECT_MAX_COMMUNES", 2)
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker():
    """The background worker, in this process: runs what is queued, then returns.

    The worker closes old connections between tasks, as a long-lived process should; here the
    connection is the test's own (its transaction holds the test's rows), so it stays open."""
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_large_report_is_queued_then_downloaded_once_the_worker_built_it(
    client, rollout, manager, large_above_two
):
    client.force_login(manager)
    path = url("province_report", "xlsx")
    queued = client.get(path)
    assert queued.status_code == 302
    task_url = queued["Location"]
    assert task_url.startswith(path + "?task=")

    page = client.get(task_url)
    assert page["Content-Type"].startswith("text/html")
    assert f'data-hx-get="{task_url}"' in page.content.decode()
    waiting = client.get(task_url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in waiting.content.decode()
    assert "<html" not in waiting.content.decode()

    run_worker()
    ready = client.get(task_url, headers={"HX-Request": "true"}).content.decode()
    assert f'href="{task_url}" data-auto-download' in ready and "every 2s" not in ready
    download = client.get(task_url)
    assert download["Content-Disposition"].startswith("attachment")
    assert load_workbook(BytesIO(download.content)).worksheets[0]["A1"].value
    # The worker filled the shared cache too: the next request downloads at once.
    assert client.get(path)["X-Report-Cache"] == "hit"


def test_a_task_is_only_for_the_user_and_the_report_that_queued_it(
    client, rollout, manager, dost_staff, large_above_two
):
    client.force_login(manager)
    task_url = client.get(url("province_report", "xlsx"))["Location"]
    task_id = task_url.split("=", 1)[1]
    assert client.get(url("province_report", "pdf") + f"?task={task_id}").status_code == 404
    assert client.get(url("province_report", "xlsx") + "?task=not-a-uuid").status_code == 404
    client.force_login(dost_staff)
    assert client.get(task_url).status_code == 404


def test_a_failed_or_interrupted_task_can_be_requested_again(
    client, rollout, manager, large_above_two
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(manager)
    path = url("province_report", "xlsx")
    task_url = client.get(path)["Location"]
    DBTaskResult.objects.update(status="FAILED")
    page = client.get(task_url).content.decode()
    assert f'href="{path}"' in page
    assert "every 2s" not in page
    again = client.get(path)
    assert again.status_code == 302 and again["Location"] != task_url
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_small_reports_download_at_once(client, rollout, commune_officer, large_above_two):
    client.force_login(commune_officer)
    response = client.get(url("commune_report", "28873", "xlsx"))
    assert response["Content-Disposition"].startswith("attachment")


def test_a_summary_over_several_provinces_goes_by_province(rollout, manager, monkeypatch):
    """A nation-wide summary: the table by province (not hundreds of districts), an annex per
    province with a line per district above its communes."""
    from communes.tests.factories import ProvinceFactory
    from reports import services

    monkeypatch.setattr(services, "SUMMARY_MIN_COMMUNES", 3)
    vinh_long = ProvinceFactory(code="86", name="Tỉnh Vĩnh Long")
    tra_on = DistrictFactory(province=vinh_long, code="862", name="Huyện Trà Ôn")
    ParticipationFactory(
        programme=rollout["programme"],
        commune=CommuneFactory(district=tra_on, code="29800", name="Xã Hựu Thành"),
    )
    ctx = report_context(user=manager, scope=_province())
    assert ctx["summary"] and ctx["by_province"]
    assert [u.code for u in ctx["table_units"]] == ["83", "86"]
    assert [a["unit"].name for a in ctx["annexes"]] == ["Tỉnh Bến Tre", "Tỉnh Vĩnh Long"]
    assert ctx["annexes"][1]["lines"][0].startswith("[Huyện Trà Ôn]")
    assert ctx["annexes"][1]["lines"][1].startswith("29800 Xã Hựu Thành")
    text, _pages = pdf_text(documents.render(ctx, "pdf"))
    assert gettext("By province") in text and "Tỉnh Vĩnh Long" in text


def test_a_large_report_checks_access_before_anything_is_queued(
    client, rollout, district_officer, large_above_two
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(district_officer)
    assert client.get(url("province_report", "xlsx")).status_code == 403
    assert client.get(url("district_report", "834", "xlsx")).status_code == 404
    assert not DBTaskResult.objects.exists()


def test_a_report_above_the_summary_size_has_an_annex_per_district_built_by_the_worker(
    client, rollout, manager, large_above_two, monkeypatch
):
    """Above the summary size the worker builds a summary: the table by district, then per
    district an annex with one line per commune, with the figures of ``reports.metrics``."""
    from reports import services

    monkeypatch.setattr(services, "SUMMARY_MIN_COMMUNES", 3)
    client.force_login(manager)
    task_url = client.get(url("province_report", "pdf"))["Location"]
    run_worker()
    content = client.get(task_url).getvalue()
    text, _pages = pdf_text(content)
    text = " ".join(text.split())
    pages = PdfReader(BytesIO(content)).pages  # every page numbered, the annexes' too
    for n, page in enumerate(pages, start=1):
        assert f"{gettext('Page')} {n}/{len(pages)}" in page.extract_text()
    figures = metrics.compute(metrics.participations_in_scope(manager), as_of=AS_OF)
    for n, district in enumerate(figures.districts, start=1):
        assert f"{n}: {district.name} ({district.communes} " in text
    for row in figures.communes:  # one line per commune, in its district's annex
        assert f"{row.code} {row.name}" in text
    assert "Hồ sơ chưa đủ" not in text  # findings are counted, not listed one by one
    assert "15/QĐ-UBND" in text  # the announcements in the last annex
    task_url = client.get(url("province_report", "xlsx"))["Location"]
    run_worker()
    workbook = load_workbook(BytesIO(client.get(task_url).content))
    assert "Findings" not in workbook.sheetnames and gettext("Findings") not in workbook.sheetnames
