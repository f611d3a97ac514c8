"""The legal bases whose numbers and dates the project holds (the official compilation in
shared/domain/legal: QĐ 19/2014/QĐ-TTg, TT 26/2014/TT-BKHCN, TT 116/2015/TT-BTC), and Nghị định
30/2020/NĐ-CP by its number only (its dates are typed in the admin; until then it is cited by no
document). The province's decisions are left for the user. The inspections' two-month deadline
(``Audit.corrections_due``) is filled in, and an inspection's corrective action already verified
counts as accepted by the Sở on the day it was verified (the verification was that answer)."""

import calendar
import datetime

from django.db import migrations
from django.utils import timezone

BASES = [
    {
        "number": "19/2014/QĐ-TTg",
        "kind": "Quyết định",
        "title": "về việc áp dụng Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO "
        "9001:2008 vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
        "issuer": "Thủ tướng Chính phủ",
        "signed_on": datetime.date(2014, 3, 5),
        "in_force_from": datetime.date(2014, 5, 18),
        "topic": "qms",
        "position": 10,
    },
    {
        "number": "26/2014/TT-BKHCN",
        "kind": "Thông tư",
        "title": "quy định chi tiết thi hành Quyết định số 19/2014/QĐ-TTg ngày 05 tháng 3 năm 2014 "
        "của Thủ tướng Chính phủ",
        "issuer": "Bộ trưởng Bộ Khoa học và Công nghệ",
        "signed_on": datetime.date(2014, 10, 10),
        "in_force_from": datetime.date(2014, 12, 1),
        "topic": "qms",
        "position": 20,
    },
    {
        "number": "116/2015/TT-BTC",
        "kind": "Thông tư",
        "title": "quy định công tác quản lý tài chính đối với việc tư vấn, xây dựng, áp dụng, duy "
        "trì và cải tiến Hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia TCVN ISO 9001:2008 "
        "vào hoạt động của các cơ quan, tổ chức thuộc hệ thống hành chính nhà nước",
        "issuer": "Bộ trưởng Bộ Tài chính",
        "signed_on": datetime.date(2015, 8, 11),
        "in_force_from": datetime.date(2015, 10, 26),
        "topic": "funding",
        "position": 30,
    },
    {
        "number": "30/2020/NĐ-CP",
        "kind": "Nghị định",
        "title": "",
        "issuer": "Chính phủ",
        "signed_on": None,
        "in_force_from": None,
        "topic": "documents",
        "position": 90,
    },
]
INSPECTIONS = ["inspection_onsite", "inspection_records"]


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def forwards(apps, schema_editor):
    LegalBasis = apps.get_model("audits", "LegalBasis")
    for row in BASES:
        LegalBasis.objects.get_or_create(number=row["number"], defaults=row)
    Audit = apps.get_model("audits", "Audit")
    for audit in Audit.objects.filter(kind__in=INSPECTIONS).only("pk", "date"):
        Audit.objects.filter(pk=audit.pk).update(corrections_due=add_months(audit.date, 2))
    CorrectiveAction = apps.get_model("audits", "CorrectiveAction")
    verified = CorrectiveAction.objects.filter(
        finding__audit__kind__in=INSPECTIONS, verified_at__isnull=False, answer=""
    )
    for action in verified.only("pk", "verified_at", "done_on"):
        day = max(timezone.localdate(action.verified_at), action.done_on)
        CorrectiveAction.objects.filter(pk=action.pk).update(answer="accepted", answered_on=day)


class Migration(migrations.Migration):
    dependencies = [("audits", "0009_inspection_trail")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
