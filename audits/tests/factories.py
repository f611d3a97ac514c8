import datetime

import factory

from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.tests.factories import CommuneFactory


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    commune = factory.SubFactory(CommuneFactory)
    kind = Audit.Kind.INTERNAL_AUDIT
    date = datetime.date(2017, 11, 20)
    lead = "Nguyễn Văn A"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    audit = factory.SubFactory(AuditFactory)
    clause = "4.2.3"
    severity = Finding.Severity.MINOR
    description = "Tài liệu chưa được kiểm soát"


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CorrectiveAction

    finding = factory.SubFactory(FindingFactory)
    description = "Cập nhật danh mục tài liệu"
    owner = "Thư ký ISO"
    due_date = datetime.date(2017, 12, 5)


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement

    commune = factory.SubFactory(CommuneFactory)
    decision_number = factory.Sequence(lambda n: f"{100 + n}/QĐ-UBND")
    decision_date = datetime.date(2017, 12, 1)
    standard = "2008"
    scope_size = 40
