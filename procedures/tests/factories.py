import factory

from communes.tests.factories import CommuneFactory
from procedures.models import Field, Procedure, ScopeItem


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ["code"]

    code = "ho-tich"
    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure

    name = factory.Sequence(lambda n: f"Thủ tục thử {n}")
    field = factory.SubFactory(FieldFactory)
    processing_days = 3


class ScopeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScopeItem

    commune = factory.SubFactory(CommuneFactory)
    procedure = factory.SubFactory(ProcedureFactory)
    process_code = factory.Sequence(lambda n: f"QT-{n:02d}")
