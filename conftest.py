"""Personas shared by every app's tests: one user per role, and officers of two communes.

The world: one province, two districts; commune A and commune B in district 1, commune C in
district 2; one programme served by ``consultant_org`` with A and B participating, and another
programme with another consultant where C participates.
"""

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from roadmap.tests.factories import ConsultantFactory, ParticipationFactory, ProgrammeFactory


def pytest_configure(config):
    """One fast password hasher for the whole suite: the real one costs ~0.3 s a password."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests build provinces of their own: no territory (and no issuer override) from `.env`
    # unless a test sets one.
    settings.QMS_PROVINCE = ""
    settings.QMS_PROVINCE_PREDECESSORS = []
    settings.QMS_ISSUER_PARENT = ""
    settings.QMS_ISSUER_PLACE = ""


@pytest.fixture(autouse=True)
def _test_storages_and_cache(settings, request):
    """Static files from the source folders (no collectstatic in tests), and a cache of the
    test's own, empty at its start (the database cache would outlive a live-server test)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    from django.core.cache import caches

    own = caches["default"]
    yield
    own.clear()


@pytest.fixture
def world(db):
    province = ProvinceFactory()
    d1 = DistrictFactory(province=province, code="832", name="Huyện Chợ Lách")
    d2 = DistrictFactory(province=province, code="834", name="Huyện Giồng Trôm")
    a = CommuneFactory(district=d1, code="28873", name="Xã Phú Phụng")
    b = CommuneFactory(district=d1, code="28876", name="Xã Sơn Định")
    c = CommuneFactory(district=d2, code="28987", name="Xã Phong Nẫm")
    consultant_org = ConsultantFactory(name="Công ty Tư vấn A")
    other_org = ConsultantFactory(name="Công ty Tư vấn B")
    programme = ProgrammeFactory(consultant=consultant_org, province=province)
    other_programme = ProgrammeFactory(consultant=other_org, province=province)
    pa = ParticipationFactory(programme=programme, commune=a)
    pb = ParticipationFactory(programme=programme, commune=b)
    pc = ParticipationFactory(programme=other_programme, commune=c)
    return {
        "province": province,
        "district": d1,
        "other_district": d2,
        "commune": a,
        "neighbour_commune": b,
        "other_commune": c,
        "consultant_org": consultant_org,
        "other_consultant_org": other_org,
        "programme": programme,
        "other_programme": other_programme,
        "participation": pa,
        "neighbour_participation": pb,
        "other_participation": pc,
    }


@pytest.fixture
def dost_staff(world):
    return UserFactory(username="dost", role=User.Role.DOST_STAFF)


@pytest.fixture
def manager(world):
    return UserFactory(username="manager", role=User.Role.MANAGER)


@pytest.fixture
def district_officer(world):
    return UserFactory(
        username="district", role=User.Role.DISTRICT_OFFICER, district=world["district"]
    )


@pytest.fixture
def commune_officer(world):
    return UserFactory(
        username="officer-a", role=User.Role.COMMUNE_OFFICER, commune=world["commune"]
    )


@pytest.fixture
def other_commune_officer(world):
    """The officer of a commune in another district and programme."""
    return UserFactory(
        username="officer-c", role=User.Role.COMMUNE_OFFICER, commune=world["other_commune"]
    )


@pytest.fixture
def consultant(world):
    return UserFactory(
        username="consultant", role=User.Role.CONSULTANT, consultant=world["consultant_org"]
    )


@pytest.fixture
def personas(
    dost_staff, manager, district_officer, commune_officer, other_commune_officer, consultant
):
    return {
        "dost_staff": dost_staff,
        "manager": manager,
        "district_officer": district_officer,
        "commune_officer": commune_officer,
        "other_commune_officer": other_commune_officer,
        "consultant": consultant,
    }
