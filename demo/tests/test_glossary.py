"""The glossary of issue 21 holds on the demo's pages and documents: each demo role walks the main
pages (today and 2017) and none of the wrong forms of the glossary appears.

| wrong form | the law's term |
|---|---|
| Xã, phường, thị trấn (a day from 1/7/2025) | Xã, phường, đặc khu |
| Ủy ban nhân dân Xã Phú Phụng | Ủy ban nhân dân xã Phú Phụng |
| Bình Hoà beside Châu Hòa | one spelling (Hòa) |
| Cơ quan chịu sự kiểm tra: Xã Bình Hòa | UBND xã Bình Hòa |
| Phát hiện (a menu, a card) | Phát hiện đánh giá / Điểm không phù hợp |
| Khuyến nghị (an observation) | Điểm lưu ý |
| Tư vấn đánh giá | Đánh giá của đơn vị tư vấn |
| chuyển đổi sang tcvn iso 9001:2015 | Chuyển đổi sang TCVN ISO 9001:2015 |
| Quyết định số ngày 06/06/2018 | Quyết định số …… ngày 06/06/2018 |
| "Xã" before a ward or a town | the unit's own kind |
| Run, Skip to main content, Toggle theme, Task Results | Vietnamese |
| Đang thực hiện → Đang thực hiện | the change that was made |
"""

import datetime
import io
import re

import docx
import pytest
from django.urls import reverse

from accounts.models import User
from audits.models import Audit, InspectionPlan, PlannedInspection
from communes.models import Commune

pytestmark = pytest.mark.django_db

# Wrong on every page and document, whatever its day.
WRONG = {
    "a committee's kind in capitals": r"Ủy ban nhân dân (?:Xã|Phường|Thị trấn|Đặc khu) ",
    "the spelling Hoà": r"Hoà\b",
    "the inspected body named as a unit": r"Cơ quan chịu sự kiểm tra:\s*(?:Xã|Phường|Thị trấn)",
    "Phát hiện alone as a menu or card": r">\s*Phát hiện\s*<",
    "Khuyến nghị for an observation": r"Khuyến nghị",
    "Tư vấn đánh giá": r"Tư vấn đánh giá",
    "a label in lower case": r"chuyển đổi sang tcvn iso",
    "a decision without its blank number": r"Quyết định số\s+ngày",
    "Xã before a ward or a town": r"\bXã\s*:?\s*(?:<[^>]*>\s*)*(?:Phường|Thị trấn) ",
    "an English string of the admin": r"Skip to main content|Toggle theme|Task Results|>\s*Run\s*<",
    "a history row that changes nothing": (
        r"(Chưa thực hiện|Đang thực hiện|Hoàn thành|Tạm dừng|Không áp dụng)"
        r"\s*→\s*(?:<[^>]*>\s*)*\1\s*<"
    ),
}
# Wrong on a page of a day from 1/7/2025 (the commune level has no townships since).
WRONG_FROM_2025 = {"the commune level before 1/7/2025": r"Xã, phường, thị trấn"}
DAY_2017 = "15/12/2017"


def _pages(user) -> list[tuple[str, bool]]:
    """The main pages a role opens, each with whether it is of a day from 1/7/2025."""
    ward = Commune.objects.get(code="28777", valid_from=datetime.date(2025, 7, 1))
    commune = Commune.objects.get(code="28873", valid_from=None)
    audit = Audit.objects.filter(commune=commune).order_by("date").first()
    plan = InspectionPlan.objects.get(year=2018)
    pages = [
        (reverse("reports:dashboard"), True),
        (reverse("reports:dashboard") + f"?as_of={DAY_2017}", False),
        (reverse("reports:commune_list"), True),
        (reverse("reports:commune_list") + f"?as_of={DAY_2017}", False),
        (reverse("roadmap:milestone_list"), True),
        (reverse("audits:finding_list"), True),
        (reverse("audits:action_list"), True),
        (reverse("audits:announcement_list"), True),
        (reverse("notifications:list"), True),
        (commune.get_absolute_url(), False),
        (ward.get_absolute_url(), True),
        (reverse("audits:audit_detail", args=[audit.pk]), False),
        (reverse("audits:plan_detail", args=[plan.pk]), False),
        ("/admin/", True),
    ]
    return pages


def _wrong_forms(text: str, *, from_2025: bool) -> list[str]:
    rules = {**WRONG, **(WRONG_FROM_2025 if from_2025 else {})}
    found = []
    for name, pattern in rules.items():
        match = re.search(pattern, text)
        if match:
            context = text[max(0, match.start() - 60) : match.end() + 60]
            found.append(f"{name}: …{context}…")
    return found


@pytest.mark.parametrize(
    "username",
    ["dost", "manager", "consultant", "district-832", "commune-28873", "xa2025-28777"],
)
def test_each_role_sees_none_of_the_wrong_forms_of_the_glossary(
    demo_plain, client, settings, username
):
    settings.QMS_AS_OF = None
    settings.QMS_PROVINCE, settings.QMS_PROVINCE_PREDECESSORS = "86", ["83", "84"]
    client.force_login(User.objects.get(username=username))
    read, wrong = 0, []
    for url, from_2025 in _pages(User.objects.get(username=username)):
        response = client.get(url)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404), (url, response.status_code)
            continue
        read += 1
        wrong += [
            f"{url}: {w}" for w in _wrong_forms(response.content.decode(), from_2025=from_2025)
        ]
    assert read >= 8, f"{username} read only {read} pages"
    assert not wrong, "\n".join(wrong)


def test_the_2025_pages_name_the_commune_level_of_their_day(demo_plain, client, settings):
    settings.QMS_AS_OF = None
    client.force_login(User.objects.get(username="dost"))
    today = client.get(reverse("reports:commune_list")).content.decode()
    then = client.get(reverse("reports:commune_list") + f"?as_of={DAY_2017}").content.decode()
    assert "Xã, phường, đặc khu" in today and "Xã, phường, thị trấn" not in today
    assert "Xã, phường, thị trấn" in then and "Xã, phường, đặc khu" not in then


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_inspection_documents_write_the_committee_and_the_body_as_the_law_does(
    demo_plain, client, settings
):
    settings.QMS_AS_OF = None
    client.force_login(User.objects.get(username="dost"))
    item = (
        PlannedInspection.objects.filter(form=PlannedInspection.Form.ONSITE, audit__isnull=False)
        .select_related("commune", "plan")
        .order_by("plan__year", "commune__code")
        .first()
    )
    documents = (
        ("reports:inspection_file", item.pk, "decision"),
        ("reports:inspection_file", item.pk, "announcement"),
        ("reports:inspection_file", item.pk, "minutes"),
        ("reports:plan_file", item.plan_id, "plan"),
        ("reports:plan_file", item.plan_id, "approval"),
        ("reports:plan_file", item.plan_id, "request"),
        ("reports:plan_file", item.plan_id, "summary"),
    )
    texts = {
        kind: _docx_text(client.get(reverse(name, args=[pk, kind, "docx"])).content)
        for name, pk, kind in documents
    }
    committee = f"Ủy ban nhân dân {item.commune.name_in_text}"
    assert committee in texts["decision"]
    assert committee in texts["minutes"]
    assert f"UBND {item.commune.name_in_text}" in texts["plan"]
    for name, text in texts.items():
        assert not _wrong_forms(text, from_2025=False), name
