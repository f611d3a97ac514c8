"""The deployment's territory in the reports and on the dashboard (fast cases with factories;
the demo with the national lists is ``test_territory_national.py``)."""

import datetime
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from communes.models import Province
from communes.tests.factories import CommuneFactory, DistrictFactory, ProvinceFactory
from reports.documents.official import issuer
from reports.services import territory_label
from roadmap.tests.factories import ParticipationFactory, ProgrammeFactory

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture
def elsewhere(world):
    """A province outside the territory, with a district, a commune and a participation."""
    province = ProvinceFactory(code="82", name="Tỉnh Tiền Giang")
    district = DistrictFactory(province=province, code="815", name="Huyện Cái Bè")
    commune = CommuneFactory(district=district, code="28300", name="Xã Hậu Mỹ Bắc A")
    ParticipationFactory(programme=ProgrammeFactory(province=province), commune=commune)
    return province


@pytest.fixture
def territory(settings, world):
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = world["province"].code
    settings.QMS_PROVINCE_PREDECESSORS = []
    settings.QMS_ISSUER_PARENT = ""
    settings.QMS_ISSUER_PLACE = ""
    settings.LANGUAGE_CODE = "en"
    return settings


def test_the_issuer_is_the_provinces_peoples_committee_unless_overridden(settings):
    province = Province(code="86", name="Tỉnh Vĩnh Long")
    settings.QMS_ISSUER_PARENT = settings.QMS_ISSUER_PLACE = ""
    assert issuer(province)["parent_body"] == "UBND TỈNH VĨNH LONG"
    assert issuer(province)["place"] == "Vĩnh Long"
    assert issuer(Province(code="01", name="Thành phố Hà Nội"))["place"] == "Hà Nội"
    settings.QMS_ISSUER_PARENT, settings.QMS_ISSUER_PLACE = "UBND TỈNH BẾN TRE", "Bến Tre"
    assert issuer(province)["parent_body"] == "UBND TỈNH BẾN TRE"
    assert issuer(province)["place"] == "Bến Tre"


def test_the_scope_line_names_the_territory():
    with translation.override("en"):
        assert territory_label(Province(name="Tỉnh Vĩnh Long")) == "The whole of tỉnh Vĩnh Long"
        assert territory_label(None) == "The whole country"


def test_the_province_report_is_issued_by_the_territorys_province(
    client, dost_staff, world, elsewhere, territory
):
    world["province"].name = "Tỉnh Bến Tre"
    world["province"].save()
    client.force_login(dost_staff)
    response = client.get("/reports/province.pdf")
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    ).split()
    text = " ".join(text)
    assert "UBND TỈNH BẾN TRE" in text
    assert "The whole of tỉnh Bến Tre" in text
    assert "Tiền Giang" not in text and "Hậu Mỹ Bắc A" not in text


def test_filters_and_forms_offer_only_the_territory(
    client, dost_staff, world, elsewhere, territory
):
    client.force_login(dost_staff)
    html = client.get("/communes/").content.decode()
    assert "Huyện Chợ Lách" in html
    assert "Huyện Cái Bè" not in html
    assert client.get("/districts/815/0/").status_code == 404
    assert client.get("/communes/28300/0/").status_code == 404
    assert set(Province.objects.visible_to(dost_staff)) == {world["province"]}


def test_a_provincial_deployment_has_no_drill_down_outside_its_territory(
    client, dost_staff, world, elsewhere, territory
):
    client.force_login(dost_staff)
    assert client.get("/dashboard/?province=82").status_code == 404
    own = client.get(f"/dashboard/?province={world['province'].code}")
    assert own.status_code == 200
    assert own.context["figures"].total == 3
    assert not own.context["national"]


def test_a_national_deployment_sees_every_province_and_says_so(
    client, dost_staff, world, elsewhere, settings
):
    settings.QMS_AS_OF = TODAY
    settings.QMS_PROVINCE = "*"
    client.force_login(dost_staff)
    response = client.get("/dashboard/")
    assert response.context["national"]
    codes = [row.code for row in response.context["group_rows"]]
    assert codes == sorted([world["province"].code, "82"])
    assert [row.communes for row in response.context["group_rows"]] == [
        3 if code == world["province"].code else 1 for code in codes
    ]
    with translation.override("en"):
        assert dost_staff.scope_label == "Whole country"
    drilled = client.get("/dashboard/?province=82")
    assert drilled.context["figures"].total == 1
    assert [p.code for p, _values in response.context["year_provinces"]["rows"]] == codes
