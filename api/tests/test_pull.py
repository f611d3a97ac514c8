"""``manage.py pull_annual_figures`` against a real served deployment (pytest-django's
``live_server`` plays the province): the figures stored are those the province's API gives, a
new pull replaces the old, a bad address, token or year is a Vietnamese error with nothing
saved; the national page shows them beside its own table, with the dashboard's labels."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from api.models import PulledYearFigures
from api.tests.conftest import bearer
from reports import metrics
from roadmap.models import Milestone
from roadmap.services import milestone_update_status

pytestmark = pytest.mark.django_db(transaction=True)


def _key(user) -> str:
    return bearer(user)["Authorization"].removeprefix("Bearer ")


def _pull(url, token, year) -> str:
    out = io.StringIO()
    call_command("pull_annual_figures", url, token, str(year), stdout=out)
    return out.getvalue()


def _refused(url, token, year) -> str:
    with pytest.raises(CommandError) as excinfo:
        _pull(url, token, year)
    return str(excinfo.value)


def _expected_table(user) -> list[list[str]]:
    figures = metrics.year_figures(metrics.participations_in_scope(user), 2017)
    with translation.override("en"):
        return [[str(label), str(value)] for label, value in metrics.year_table(figures)]


def _complete_a_step(api_world, user):
    milestone = api_world["milestones"]["participation"][1]
    milestone_update_status(
        milestone=milestone,
        by=user,
        status=Milestone.Status.DONE,
        completed_on=datetime.date(2017, 12, 1),
        note="",
        expected_version=milestone.version,
    )


def test_the_figures_pulled_are_the_provinces_and_a_new_pull_replaces_them(
    api_world, dost_staff, live_server
):
    out = _pull(live_server.url, _key(dost_staff), 2017)
    pulled = PulledYearFigures.objects.get()
    province = api_world["province"]
    assert (pulled.source_url, pulled.province_code, pulled.year) == (
        live_server.url,
        province.code,
        2017,
    )
    assert pulled.province_name == province.name
    assert pulled.as_of == datetime.date(2017, 12, 15)
    assert pulled.table == _expected_table(dost_staff)
    assert f"{len(pulled.table)} dòng" in out
    first_at = pulled.pulled_at
    _complete_a_step(api_world, dost_staff)
    _pull(live_server.url + "/api/v1/", _key(dost_staff), "2017")
    again = PulledYearFigures.objects.get()
    assert again.pk == pulled.pk
    assert again.pulled_at > first_at
    assert again.table == _expected_table(dost_staff)


@pytest.mark.parametrize(
    ("url", "year", "message"),
    [
        ("ftp://qms.example.vn", 2017, "không phải địa chỉ của một hệ thống"),
        ("qms.example.vn", 2017, "không phải địa chỉ của một hệ thống"),
        ("{live}", "20x7", "Năm phải là một năm từ 2000 đến 2017"),
        ("{live}", 1999, "Năm phải là một năm từ 2000 đến 2017"),
        ("{live}", 2018, "Năm phải là một năm từ 2000 đến 2017"),
        ("{live}", 2010, "không có số liệu năm 2010"),
        ("{live}/no-such-app", 2017, "không có số liệu năm 2017"),
        ("http://127.0.0.1:9", 2017, "Không kết nối được tới http://127.0.0.1:9"),
    ],
)
def test_a_bad_address_or_year_is_a_vietnamese_error_and_keeps_the_earlier_pull(
    api_world, dost_staff, live_server, url, year, message
):
    _pull(live_server.url, _key(dost_staff), 2017)
    before = PulledYearFigures.objects.get()
    assert message in _refused(url.format(live=live_server.url), _key(dost_staff), year)
    after = PulledYearFigures.objects.get()
    assert (after.pulled_at, after.table) == (before.pulled_at, before.table)


def test_a_wrong_token_is_refused_in_vietnamese_and_nothing_is_saved(api_world, live_server):
    message = _refused(live_server.url, "qms_not-a-token", 2017)
    assert "từ chối mã truy cập (401)" in message
    assert not PulledYearFigures.objects.exists()


@pytest.mark.parametrize("persona", ["commune_officer", "district_officer", "consultant"])
def test_a_token_of_less_than_the_province_is_refused(api_world, personas, live_server, persona):
    message = _refused(live_server.url, _key(personas[persona]), 2017)
    assert "không phải của tài khoản cấp tỉnh" in message
    assert not PulledYearFigures.objects.exists()


def test_the_national_page_shows_the_pulled_table_beside_its_own(
    api_world, dost_staff, live_server, client
):
    _complete_a_step(api_world, dost_staff)
    _pull(live_server.url, _key(dost_staff), 2017)
    client.force_login(dost_staff)
    response = client.get("/national-figures/", {"year": "2017"}, headers={"Accept-Language": "vi"})
    assert response.status_code == 200
    rows = response.context["rows"]
    figures = metrics.year_figures(metrics.participations_in_scope(dost_staff), 2017)
    with translation.override("vi"):
        dashboard = [(str(label), value) for label, value in metrics.year_table(figures)]
    assert [(label, mine) for label, mine, _theirs in rows] == dashboard
    assert [theirs for _label, _mine, theirs in rows] == [[value] for _label, value in dashboard]
    html = response.content.decode()
    assert api_world["province"].name in html
    assert dashboard[0][0] in html


@pytest.mark.parametrize("persona", ["commune_officer", "district_officer", "consultant"])
def test_the_national_page_is_for_the_province_wide_roles(api_world, personas, client, persona):
    client.force_login(personas[persona])
    assert client.get("/national-figures/").status_code == 403
