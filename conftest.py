"""Personas shared by every app's tests: one user per role, and officers of two communes.

The world: one province, two districts; commune A and commune B in district 1, commune C in
district 2; one programme served by ``consultant_org`` with A and B participating, and another
programme with another consultant where C participates.
"""

import io
from pathlib import Path

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from roadmap.tests.factories import ConsultantFactory, ParticipationFactory, ProgrammeFactory

ROOT = Path(__file__).parent
# The heavy tests: a large world (the demo, the national lists, thousands of rows; marked
# `scale`) or real processes (gunicorn, backup and restore). They run together on one xdist
# worker (`make test` distributes with --dist loadgroup: by file, these as one group), where the
# worlds and the migrated database they share are built once.
SCALE = (
    "reports/tests/test_territory_national.py",
    "reports/tests/test_metrics_sql.py",
    "reports/tests/test_dashboard_scale.py",
    "reports/tests/test_one_timeline.py",
    "reports/tests/test_annual_report_demo.py",
    "reports/tests/test_maintained_sums.py",
    "reports/tests/test_page_queries.py",
    "demo/tests/test_demo.py",
    "demo/tests/test_glossary.py",
    "demo/tests/test_demo_password.py",
    "api/tests/test_figures_demo.py",
    "demo/tests/test_demo_trail.py",
    "bench/test_list_scaling.py",
)
PROCESSES = ("qms_rollout/tests/test_serving.py", "qms_rollout/tests/test_backup.py")
HEAVY_GROUP = "heavy"
# The worlds built once and shared by several test files (fixtures of this file).
WORLDS = {"demo_country", "demo_plain"}


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


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark the heavy tests (before xdist reads the groups), and run the tests of one shared
    world one after the other (it is built once for them, see ``shared_world``)."""
    for path in SCALE + PROCESSES:
        if not (ROOT / path).is_file():
            raise pytest.UsageError(f"conftest.py lists {path}, which is gone: update the list")
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path in SCALE:
            item.add_marker(pytest.mark.scale)
        if path in SCALE or path in PROCESSES:
            item.add_marker(pytest.mark.xdist_group(HEAVY_GROUP))
    for name in sorted(WORLDS):
        users = [item for item in items if name in item.fixturenames]
        if len(users) > 1:
            at = items.index(users[0])
            rest = [item for item in items if name not in item.fixturenames]
            items[:] = rest[:at] + users + rest[at:]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` sends a test file to a worker whole (as ``loadfile``), the tests of
    an ``xdist_group`` together, and the heavy files (by path: the controller collects nothing)
    as one unit, first (the longest)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesAndGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            if nodeid.rfind("@") > nodeid.rfind("]"):
                return nodeid.rsplit("@", 1)[-1]
            path = nodeid.split("::", 1)[0]
            return HEAVY_GROUP if path in SCALE or path in PROCESSES else path

        def _assign_work_unit(self, node):
            if HEAVY_GROUP in self.workqueue:
                self.workqueue.move_to_end(HEAVY_GROUP, last=False)
            super()._assign_work_unit(node)

    return FilesAndGroups(config, log)


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


# Worlds built once -------------------------------------------------------------------------------
# A world (the demo, the national lists) takes seconds to build: it is built into the worker's
# database once, outside the tests' transactions (each test rolls its changes back), and flushed
# when the next test does not use it. Only one such world is in the database at a time.

_shared = {"name": None, "value": None, "next": None}


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    _shared["next"] = nextitem  # read by the worlds' teardown below


def seed_legal_bases() -> None:
    """The legal bases the migrations seed (audits/0010), back after a flush empties them (a
    shared world's end, a transactional test)."""
    from importlib import import_module

    from audits.models import LegalBasis

    seeded = import_module("audits.migrations.0010_legal_bases_and_follow_up")
    for row in seeded.BASES:
        fields = {k: v for k, v in row.items() if k != "number"}
        LegalBasis.objects.get_or_create(number=row["number"], defaults=fields)


@pytest.fixture
def legal_bases(db):
    """The seeded legal bases, whatever flushed the database before this test."""
    seed_legal_bases()


def _flush(django_db_blocker) -> None:
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        seed_legal_bases()
    _shared["name"] = _shared["value"] = None


def shared_world(name: str, build, django_db_blocker):
    """A module fixture's body: the world ``name`` built by ``build()`` (its value yielded), or
    the same world left by the previous test file; flushed after the last test that uses it."""
    if _shared["name"] != name:
        if _shared["name"] is not None:
            _flush(django_db_blocker)
        with django_db_blocker.unblock():
            _shared["value"] = build()
        _shared["name"] = name
    yield _shared["value"]
    following = _shared["next"]
    if following is None or name not in following.fixturenames:
        _flush(django_db_blocker)


def _build_demo_country():
    """The 2017 list, the 2025 list from 1/7/2025, the conversion table, then the demo, without
    DEMO_PASSWORD (so it generates one): what ``load_demo`` printed.

    The lists go in first: imported after the demo, the 2017 list (read as the current list, by
    code) would rename the demo's 2025 units that reuse a 2017 code (28777, 28789, province 86).
    """
    from django.core.management import call_command

    data = ROOT / "reports" / "tests" / "data"
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DEMO_PASSWORD", raising=False)
        for *options, name in (
            ["national-2017-extract.csv"],
            ["--effective", "01/07/2025", "national-2025-extract.csv"],
        ):
            call_command("import_admin_units", "--no-progress", *options, data / name, stdout=out)
        call_command(
            "import_unit_successions",
            "--effective",
            "01/07/2025",
            data / "national-conversion-extract.csv",
            stdout=out,
        )
        demo = io.StringIO()
        call_command("load_demo", stdout=demo)
    return demo.getvalue()


@pytest.fixture(scope="module")
def demo_country(django_db_setup, django_db_blocker):
    """The demo over the national lists of 2017 and 2025 (``reports/tests/data``, an extract:
    every province, the demo's territory and its neighbours in full), imported with the
    management commands as a deployment would; the value is what ``load_demo`` printed."""
    yield from shared_world("demo_country", _build_demo_country, django_db_blocker)


DEMO_PASSWORD = "mật-khẩu-demo-2017"


def _build_demo():
    """The demo alone, with :data:`DEMO_PASSWORD`: what ``load_demo`` printed."""
    from django.core.management import call_command

    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_plain(django_db_setup, django_db_blocker):
    """The demo alone, built once for the test files that read it (demo/tests/test_demo.py,
    demo/tests/test_glossary.py, reports/tests/test_one_timeline.py); the value is what
    ``load_demo`` printed."""
    yield from shared_world("demo_plain", _build_demo, django_db_blocker)
