"""The stored search and sort columns: kept current on save and on bulk writes, filled by the
data migrations, and searched word by word."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from audits.tests.factories import CorrectiveActionFactory, FindingFactory
from communes.models import Commune
from communes.tests.factories import CommuneFactory
from core.search import fill_sort_fields, search_q
from core.text import unit_sort_key, vn_sort_key
from procedures.models import Field, Procedure
from procedures.tests.factories import ProcedureFactory
from roadmap.tests.factories import RoadmapStepFactory


def test_save_fills_the_columns_and_update_fields_keeps_them_current(world):
    commune = CommuneFactory(district=world["district"], code="28999", name="Xã Đa Phước")
    commune.refresh_from_db()
    assert commune.search_text == "xa da phuoc"
    assert commune.sort_key == unit_sort_key("Xã Đa Phước", "28999")

    commune.name = "Xã Ân Hòa"
    commune.save(update_fields=["name"])
    commune.refresh_from_db()
    assert (commune.search_text, commune.sort_key) == (
        "xa an hoa",
        unit_sort_key("Xã Ân Hòa", "28999"),
    )


def test_bulk_create_and_bulk_update_fill_the_columns(world):
    made = Commune.objects.bulk_create(
        Commune(code=f"2900{i}", name=name, district=world["district"], province=world["province"])
        for i, name in enumerate(["Xã Đa Phước", "Phường An Hội"])
    )
    assert [c.search_text for c in Commune.objects.filter(code__startswith="2900")] == [
        "xa da phuoc",
        "phuong an hoi",
    ]
    made[0].name = "Xã Tân Hào"
    Commune.objects.bulk_update(made[:1], ["name"])
    assert Commune.objects.get(code="29000").sort_key == unit_sort_key("Xã Tân Hào", "29000")
    assert list(
        Commune.objects.filter(code__startswith="2900")
        .order_by("sort_key")
        .values_list("code", flat=True)
    ) == ["29001", "29000"]


def test_fill_sort_fields_serves_writes_that_bypass_save(db):
    field = Field(code="ho-tich", name="Hộ tịch")
    [filled] = fill_sort_fields([field])
    assert (filled.search_text, filled.sort_key) == ("ho tich", vn_sort_key("Hộ tịch"))


def test_every_model_with_folded_text_fills_it(world):
    procedure = ProcedureFactory(name="Đăng ký khai sinh", national_code="1.001193")
    assert procedure.search_text == "dang ky khai sinh 1.001193"
    assert procedure.sort_key == vn_sort_key("Đăng ký khai sinh")
    assert procedure.field.sort_key == vn_sort_key(procedure.field.name)
    assert RoadmapStepFactory(name="Đánh giá nội bộ").search_text == "danh gia noi bo"
    finding = FindingFactory(clause="7.5.3", description="Hồ sơ lưu chưa đủ")
    assert finding.search_text == "7.5.3 ho so luu chua du"
    action = CorrectiveActionFactory(finding=finding, description="Bổ sung hồ sơ", owner="Chị Lê")
    assert action.search_text == "bo sung ho so chi le"


def _migration(app: str, name: str):
    """The migration module and the historical models as of it (plain managers, no methods)."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state((app, name))
    return importlib.import_module(f"{app}.migrations.{name}"), state.apps


def test_the_data_migrations_fill_the_rows_stored_before_the_columns(world):
    procedures = [ProcedureFactory(name=f"Thủ tục {i}", national_code=f"1.{i}") for i in range(3)]
    Procedure.objects.update(search_text="", sort_key="")
    Commune.objects.update(search_text="", sort_key="")

    module, apps = _migration("procedures", "0003_search_text_sort_key")
    module.fill(apps, None)
    module, apps = _migration("communes", "0002_search_text_sort_key")
    module.fill_units(apps, None)

    procedure = Procedure.objects.get(pk=procedures[2].pk)
    assert (procedure.search_text, procedure.sort_key) == (
        "thu tuc 2 1.2",
        vn_sort_key("Thủ tục 2"),
    )
    commune = Commune.objects.get(code="28876")
    assert (commune.search_text, commune.sort_key) == (
        "xa son dinh",
        unit_sort_key("Xã Sơn Định", "28876"),
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["28873", "28876", "28987"]),
        ("PHÚ  phụng", ["28873"]),
        ("son dinh", ["28876"]),  # "d" finds "Đ"
        ("giong", ["28987"]),  # the district's name
        ("2898", ["28987"]),  # the code
        ("phu giong", []),  # every word, in one of the texts
    ],
)
def test_search_q_needs_every_word_in_one_of_the_texts(world, query, expected):
    condition = search_q(query, "search_text", "code", "district__search_text")
    found = Commune.objects.filter(condition).order_by("code").values_list("code", flat=True)
    assert list(found) == expected
