"""The deployment's territory on every way in, not only the pages (issue 24).

The territory is tỉnh Vĩnh Long (86) without predecessors; the test world's tỉnh Bến Tre (83),
with its communes, programmes, milestones, scope, audits, findings, announcements, officers and
consultants, lies outside it (as in the issue: QMS_PROVINCE=86, province 83 shown nowhere).
Each test walks one way in as the DOST staff member or the manager and asserts that nothing of
province 83 is shown, and nothing of it changed: the imports (preview and confirm of each
kind), their templates, the admin (every changelist and the change and history views), the
exports, the reminders and the command that names a user.
"""

import datetime
import io

import openpyxl
import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from communes.models import Commune, District, Province
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from core.resources import import_kinds
from imports.tests.helpers import upload, xlsx_bytes
from procedures.models import ScopeItem
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory
from roadmap.models import Milestone, Participation
from roadmap.tests.factories import (
    ConsultantFactory,
    MilestoneFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoadmapStepFactory,
)

TODAY = datetime.date(2017, 12, 15)
# What of province 83 may appear nowhere: names and codes of its units, its data.
OUTSIDE = [
    "Bến Tre",
    "Chợ Lách",
    "Giồng Trôm",
    "Phú Phụng",
    "Sơn Định",
    "Phong Nẫm",
    "28873",
    "28876",
    "28987",
    "Công ty Tư vấn A",
    "ghi-chu-ngoai",
    "QT-NGOAI",
    "phat-hien-ngoai",
    "khac-phuc-ngoai",
    "888/QĐ-NGOAI",
    "canbo-ngoai",
    "Nguyễn Văn Ngoài",
]


def assert_nothing_outside(text: str, where: str = "") -> None:
    shown = [word for word in OUTSIDE if word in text]
    assert shown == [], f"{where}: {shown}"


@pytest.fixture
def outside(world):
    """Province 83's data (the world) with a marker in each text."""
    step = RoadmapStepFactory(order=1, name="Khảo sát")
    milestone = MilestoneFactory(
        participation=world["participation"], step=step, note="ghi-chu-ngoai"
    )
    world["participation"].qms_representative = "Nguyễn Văn Ngoài"
    world["participation"].save()
    audit = AuditFactory(commune=world["commune"], date=datetime.date(2017, 11, 20))
    finding = FindingFactory(audit=audit, description="phat-hien-ngoai")
    action = CorrectiveActionFactory(finding=finding, description="khac-phuc-ngoai")
    announcement = AnnouncementFactory(commune=world["commune"], decision_number="888/QĐ-NGOAI")
    procedure = ProcedureFactory(national_code="1.001193", name="Đăng ký khai sinh")
    scope = ScopeItemFactory(commune=world["commune"], procedure=procedure, process_code="QT-NGOAI")
    officer = UserFactory(
        username="canbo-ngoai",
        email="canbo-ngoai@example.vn",
        role=User.Role.COMMUNE_OFFICER,
        commune=world["commune"],
    )
    return {
        "step": step,
        "milestone": milestone,
        "audit": audit,
        "finding": finding,
        "action": action,
        "announcement": announcement,
        "procedure": procedure,
        "scope": scope,
        "officer": officer,
        "participation": world["participation"],
        "commune": world["commune"],
        "district": world["district"],
        "province": world["province"],
    }


@pytest.fixture
def inside(outside, settings):
    """Tỉnh Vĩnh Long (86), the territory, with one commune in a programme."""
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = "86"
    settings.QMS_PROVINCE_PREDECESSORS = []
    settings.LANGUAGE_CODE = "vi"
    province = ProvinceFactory(code="86", name="Tỉnh Vĩnh Long")
    district = DistrictFactory(province=province, code="855", name="Huyện Trong Tỉnh")
    commune = CommuneFactory(district=district, code="29500", name="Xã Trong Địa Bàn")
    programme = ProgrammeFactory(
        province=province,
        name="Đợt trong địa bàn",
        decision_number="",
        consultant=ConsultantFactory(name="Công ty Tư vấn Trong"),
    )
    participation = ParticipationFactory(programme=programme, commune=commune)
    milestone = MilestoneFactory(
        participation=participation, step=outside["step"], note="ghi-chu-trong"
    )
    audit = AuditFactory(commune=commune, date=datetime.date(2017, 11, 21))
    finding = FindingFactory(audit=audit, description="phat-hien-trong")
    CorrectiveActionFactory(finding=finding, description="khac-phuc-trong")
    AnnouncementFactory(commune=commune, decision_number="999/QĐ-TRONG")
    ScopeItemFactory(commune=commune, procedure=outside["procedure"], process_code="QT-TRONG")
    officer = UserFactory(
        username="canbo-trong",
        email="canbo-trong@example.vn",
        role=User.Role.COMMUNE_OFFICER,
        commune=commune,
    )
    return {
        "province": province,
        "district": district,
        "commune": commune,
        "programme": programme,
        "participation": participation,
        "milestone": milestone,
        "officer": officer,
    }


def snapshot() -> dict:
    """Everything of province 83 an import could change."""
    return {
        "milestones": list(
            Milestone.objects.filter(participation__commune__province__code="83")
            .order_by("pk")
            .values_list("status", "completed_on", "note", "version")
        ),
        "participations": list(
            Participation.objects.filter(commune__province__code="83")
            .order_by("pk")
            .values_list("kind", "budget_allocated", "qms_representative", "iso_secretary")
        ),
        "scope": list(
            ScopeItem.objects.filter(commune__province__code="83")
            .order_by("pk")
            .values_list("process_code", "revision", "state")
        ),
        "units": [
            list(model.objects.order_by("pk").values_list("code", "name", "valid_until"))
            for model in (Province, District, Commune)
        ],
    }


# The imports ------------------------------------------------------------------------------------

PROGRAMME_83 = "Đợt thử"  # the factory's names: the programmes of 83 start so


def files(outside) -> dict:
    """For each kind, a file naming units of province 83 (and one row of 86 where it fits)."""
    return {
        "milestones": xlsx_bytes(
            [
                ["Mã xã", "Bước", "Trạng thái", "Ngày hoàn thành", "Ghi chú"],
                ["28873", 1, "Vướng mắc", "", "đổi từ ngoài"],
                ["29500", 1, "Đang thực hiện", "", "trong"],
            ]
        ),
        "participations": xlsx_bytes(
            [
                ["Chương trình", "Mã xã", "Loại", "Kinh phí (đồng)"],
                [outside["participation"].programme.name, "28873", "Xây dựng mới", 1],
                ["Đợt trong địa bàn", "28876", "Xây dựng mới", 2],
            ]
        ),
        "scope": xlsx_bytes(
            [
                ["Mã xã", "Mã TTHC", "Mã quy trình"],
                ["28873", "1.001193", "QT-DOI"],
            ]
        ),
        "admin-units": xlsx_bytes(
            [
                ["Tỉnh / Thành Phố", "Mã TP", "Quận Huyện", "Mã QH", "Phường Xã", "Mã PX", "Cấp"],
                ["Tỉnh Bến Tre", "83", "Huyện Chợ Lách", "832", "Xã Phú Phụng Mới", "28873", "Xã"],
            ]
        ),
        "unit-successions": xlsx_bytes(
            [
                ["Mã xã cũ", "Mã huyện cũ", "Mã tỉnh cũ", "Sáp nhập một phần", "Mã xã mới"]
                + ["Mã tỉnh mới"],
                ["28873", "832", "83", "0", "29500", "86"],
            ]
        ),
    }


def upload_and_preview(client, kind, data, extra=None):
    response = client.post(f"/imports/{kind}/", {"file": upload("f.xlsx", data), **(extra or {})})
    assert response.status_code == 302, response.content.decode()[:2000]
    url = response["Location"]
    return url, client.get(url)


KIND_OPTIONS = {"unit-successions": {"effective": "01/07/2025"}}


@pytest.mark.parametrize("kind", [k.name for k in import_kinds() if k.name != "procedures"])
def test_an_import_neither_shows_nor_changes_a_unit_outside(
    client, dost_staff, outside, inside, kind
):
    client.force_login(dost_staff)
    before = snapshot()
    url, preview = upload_and_preview(client, kind, files(outside)[kind], KIND_OPTIONS.get(kind))
    text = preview.content.decode()
    assert "nằm ngoài địa bàn bạn phụ trách" in text
    assert_nothing_outside(text.replace("28873", "").replace("28876", ""), f"preview {kind}")
    confirmed = client.post(url.replace("/preview/", "/confirm/"))
    assert confirmed.status_code == 400
    assert_nothing_outside(
        confirmed.content.decode().replace("28873", "").replace("28876", ""), f"confirm {kind}"
    )
    assert snapshot() == before


def test_a_one_row_list_from_a_date_ends_no_unit_outside(client, dost_staff, outside, inside):
    """The issue's case: a one-row list of the territory with an effective date ended a
    province, its districts and communes outside; now only the territory's units are matched."""
    client.force_login(dost_staff)
    before = snapshot()["units"]
    data = xlsx_bytes(
        [
            ["Tỉnh / Thành Phố", "Mã TP", "Phường Xã", "Mã PX", "Cấp"],
            ["Tỉnh Vĩnh Long", "86", "Xã Trong Địa Bàn", "29500", "Xã"],
        ]
    )
    url, preview = upload_and_preview(client, "admin-units", data, {"effective": "01/07/2025"})
    assert_nothing_outside(preview.content.decode(), "preview")
    done = client.post(url.replace("/preview/", "/confirm/"))
    assert done.status_code == 200, done.content.decode()[:3000]
    outside_units = [
        list(model.objects.filter(code__in=codes).values_list("code", "valid_until"))
        for model, codes in (
            (Province, ["83"]),
            (District, ["832", "834"]),
            (Commune, ["28873", "28876", "28987"]),
        )
    ]
    assert all(until is None for level in outside_units for _code, until in level)
    assert len(before[2]) == Commune.objects.count() - 1  # only the territory's new unit
    inside["district"].refresh_from_db()
    assert inside["district"].valid_until == datetime.date(2025, 6, 30)  # 2025: no districts


@pytest.mark.parametrize("kind", [k.name for k in import_kinds()])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_template_shows_no_unit_outside(client, dost_staff, outside, inside, kind, fmt):
    client.force_login(dost_staff)
    response = client.get(f"/imports/{kind}/template.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        text = response.content.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert_nothing_outside(text, f"template {kind}.{fmt}")
    if kind in {"milestones", "participations", "scope", "admin-units"}:
        # The example names no real unit at all (code 00000, issue 21), inside or outside.
        assert "00000" in text
        assert "29500" not in text


# The admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_manager(inside):
    manager = UserFactory(username="quanly", role=User.Role.MANAGER, is_staff=True)
    manager.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    return manager


DOMAIN_APPS = {"accounts", "communes", "procedures", "roadmap", "audits", "notifications", "api"}


def domain_admins():
    return [m for m in admin.site._registry if m._meta.app_label in DOMAIN_APPS]


@pytest.mark.parametrize("model", domain_admins(), ids=lambda m: m._meta.label)
def test_every_admin_list_shows_the_manager_nothing_outside(client, admin_manager, outside, model):
    client.force_login(admin_manager)
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_nothing_outside(response.content.decode(), model._meta.label)


OPENED = {
    "audit": Audit,
    "finding": Finding,
    "action": CorrectiveAction,
    "announcement": Announcement,
    "milestone": Milestone,
    "participation": Participation,
    "scope": ScopeItem,
    "officer": User,
    "commune": Commune,
    "district": District,
    "province": Province,
}


@pytest.mark.parametrize("key", OPENED)
def test_the_manager_cannot_open_an_object_outside(client, admin_manager, outside, key):
    client.force_login(admin_manager)
    obj = outside[key]
    base = f"admin:{obj._meta.app_label}_{obj._meta.model_name}"
    change = client.get(reverse(f"{base}_change", args=[obj.pk]), follow=True)
    assert change.redirect_chain and change.redirect_chain[-1][0] == reverse("admin:index")
    assert_nothing_outside(change.content.decode(), f"change {key}")
    history = client.get(reverse(f"{base}_history", args=[obj.pk]), follow=True)
    assert history.status_code in (200, 404)
    assert_nothing_outside(history.content.decode(), f"history {key}")


def test_the_manager_opens_an_object_inside_and_is_offered_only_units_inside(
    client, admin_manager, inside
):
    client.force_login(admin_manager)
    opened = client.get(reverse("admin:roadmap_milestone_change", args=[inside["milestone"].pk]))
    assert opened.status_code == 200
    assert "ghi-chu-trong" in opened.content.decode()
    users = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "canbo-trong" in users


def test_a_superuser_still_sees_everything(client, outside, inside):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:roadmap_milestone_changelist"))
    assert response.context["cl"].result_count == 2


# The exports ----------------------------------------------------------------------------------

EXPORTS = {
    "/milestones/": "ghi-chu-trong",
    "/findings/": "phat-hien-trong",
    "/corrective-actions/": "khac-phuc-trong",
    "/announcements/": "999/QĐ-TRONG",
    "/communes/": "Xã Trong Địa Bàn",
}


@pytest.mark.parametrize("path", EXPORTS)
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_holds_nothing_outside(client, dost_staff, outside, inside, path, fmt):
    client.force_login(dost_staff)
    response = client.get(path, {"export": fmt})
    assert response.status_code == 200
    content = response.getvalue()
    if fmt == "csv":
        text = content.decode("utf-8-sig")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert EXPORTS[path] in text
    assert_nothing_outside(text, f"{path}?export={fmt}")


def test_the_reports_of_units_outside_are_not_found(client, dost_staff, outside, inside):
    client.force_login(dost_staff)
    assert client.get("/reports/communes/28873.xlsx").status_code == 404
    assert client.get("/reports/districts/832.pdf").status_code == 404
    province = client.get("/reports/province.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(province.getvalue())).active
    text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert "VĨNH LONG" in text
    assert_nothing_outside(text, "province.xlsx")


# Reminders and commands -----------------------------------------------------------------------


def test_no_digest_mentions_a_unit_outside(outside, inside, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    overdue = {"due_date": datetime.date(2017, 12, 1), "planned_start": datetime.date(2017, 11, 1)}
    Milestone.objects.filter(pk__in=[outside["milestone"].pk, inside["milestone"].pk]).update(
        **overdue
    )
    UserFactory(username="sokhcn", email="sokhcn@example.vn", role=User.Role.DOST_STAFF)
    call_command("send_reminders", stdout=io.StringIO(), stderr=io.StringIO())
    sent = {message.to[0]: message for message in mail.outbox}
    assert "canbo-trong@example.vn" in sent  # the territory's officer is reminded
    assert "canbo-ngoai@example.vn" not in sent  # an officer outside the territory is not
    for message in mail.outbox:
        bodies = [message.body] + [body for body, _type in getattr(message, "alternatives", [])]
        assert_nothing_outside(" ".join([message.subject, *bodies]), message.to[0])


def test_a_token_made_by_the_command_reads_nothing_outside(client, dost_staff, outside, inside):
    out = io.StringIO()
    call_command("api_token", dost_staff.username, stdout=out)
    key = out.getvalue().strip()
    for path in ("/api/v1/units/", "/api/v1/milestones/", "/api/v1/findings/"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
        assert response.status_code == 200, path
        assert_nothing_outside(response.content.decode(), path)
    outside_officer = io.StringIO()
    call_command("api_token", "canbo-ngoai", stdout=outside_officer)
    response = client.get(
        "/api/v1/milestones/", HTTP_AUTHORIZATION=f"Bearer {outside_officer.getvalue().strip()}"
    )
    assert response.status_code == 200
    assert_nothing_outside(response.content.decode(), "the officer outside")
