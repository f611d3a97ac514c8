import factory

from communes.models import Commune, District, Province


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = "83"
    name = "Tỉnh Bến Tre"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"{900 + n:03d}")
    name = factory.Sequence(lambda n: f"Huyện Thử {n}")
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"{50000 + n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    district = factory.SubFactory(DistrictFactory)
    province = factory.SelfAttribute("district.province")
