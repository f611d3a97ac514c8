"""The commune page across the 2025 reorganisation: the unit in force on the page's date, what
an ended unit became, and a new unit's inheritance from its predecessors."""

import datetime

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from audits.models import Audit
from audits.tests.factories import AnnouncementFactory, AuditFactory
from communes.models import Commune, Province, Succession
from communes.tests.factories import CommuneFactory

D = datetime.date
REORGANISED = D(2025, 7, 1)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.QMS_AS_OF = D(2026, 12, 1)
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def reorganised(world):
    """Phong Nẫm (28987, from the shared world), Lương Hòa (28999) and Sơn Phú (29014) of 2017
    end on 30/06/2025; Xã Lương Hòa (28987 reused) and Phường An Hội (28777) begin in Vĩnh Long."""
    phong_nam = world["other_commune"]
    district = phong_nam.district
    luong_hoa_2017 = CommuneFactory(code="28999", name="Xã Lương Hòa", district=district)
    son_phu = CommuneFactory(code="29014", name="Xã Sơn Phú", district=district)
    Commune.objects.filter(pk__in=[phong_nam.pk, luong_hoa_2017.pk, son_phu.pk]).update(
        valid_until=REORGANISED - datetime.timedelta(days=1)
    )
    vinh_long = Province.objects.create(code="86", name="Tỉnh Vĩnh Long")
    new = {
        code: Commune.objects.create(
            code=code, name=name, kind=kind, province=vinh_long, valid_from=REORGANISED
        )
        for code, name, kind in [
            ("28987", "Xã Lương Hòa", Commune.Kind.COMMUNE),
            ("28777", "Phường An Hội", Commune.Kind.WARD),
        ]
    }
    for old, successor in [(phong_nam, "28987"), (luong_hoa_2017, "28987"), (son_phu, "28777")]:
        Succession.objects.create(
            predecessor=old, successor=new[successor], effective_on=REORGANISED
        )
    AnnouncementFactory(commune=phong_nam, decision_number="245/QĐ-UBND")
    AuditFactory(commune=luong_hoa_2017, kind=Audit.Kind.INTERNAL_AUDIT, date=D(2024, 5, 6))
    return {"phong_nam": phong_nam, "son_phu": son_phu, **new}


def page(client, user, url):
    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_the_reused_code_shows_the_2025_unit_with_its_predecessors(client, reorganised, dost_staff):
    html = page(client, dost_staff, "/communes/28987/2025-07-01/")

    assert '<h1 class="h3 mb-1">Xã Lương Hòa</h1>' in html
    assert "in force from 01/07/2025" in html and "Tỉnh Vĩnh Long" in html
    assert "Predecessors and inheritance" in html
    assert 'href="/communes/28987/0/">Xã Phong Nẫm</a>' in html
    assert 'href="/communes/28999/0/">Xã Lương Hòa</a>' in html
    assert "Xã Phong Nẫm: 245/QĐ-UBND (01/12/2017)" in html
    assert "Xã Lương Hòa: Internal audit 06/05/2024" in html
    assert "This unit ended" not in html


def test_an_ended_unit_opens_on_its_last_day_and_says_what_it_became(
    client, reorganised, dost_staff
):
    client.force_login(dost_staff)
    response = client.get("/communes/29014/0/")
    assert response.context["as_of_choice"].date == D(2025, 6, 30)
    html = response.content.decode()
    assert '<h1 class="h3 mb-1">Xã Sơn Phú</h1>' in html
    assert "This unit ended on 30/06/2025." in html
    assert (
        'all of it went to\n      <a class="alert-link" href="/communes/28777/2025-07-01/">Phường An Hội</a>'
        in html
    )


def test_an_old_link_by_code_opens_the_unit_of_its_day_or_lists_the_units_of_the_code(
    client, reorganised, dost_staff
):
    before = page(client, dost_staff, "/communes/28987/?as_of=15/12/2017")
    last_day = page(client, dost_staff, "/communes/28987/?as_of=30/06/2025")
    after = page(client, dost_staff, "/communes/28987/?as_of=01/07/2025")

    assert '<h1 class="h3 mb-1">Xã Phong Nẫm</h1>' in before
    assert "This unit ended" not in before and "as of 15/12/2017" in before
    assert '<h1 class="h3 mb-1">Xã Phong Nẫm</h1>' in last_day
    assert '<h1 class="h3 mb-1">Xã Lương Hòa</h1>' in after
    # Without a day, the code alone cannot tell: the units that carried it, with their periods.
    client.force_login(dost_staff)
    response = client.get("/communes/28987/")
    assert response.status_code == 300
    carriers = response.context["units"]
    assert [(u.name, u.valid_from, u.valid_until) for u in carriers] == [
        ("Xã Phong Nẫm", None, D(2025, 6, 30)),
        ("Xã Lương Hòa", REORGANISED, None),
    ]
    html = response.content.decode()
    assert 'href="/communes/28987/0/"' in html and 'href="/communes/28987/2025-07-01/"' in html
    # A code one unit carried redirects to it, keeping the query; the report links too.
    response = client.get("/communes/29014/?year=2024")
    assert response["Location"] == "/communes/29014/0/?year=2024"
    response = client.get("/reports/communes/28987.pdf?as_of=15/12/2017")
    assert response["Location"] == "/reports/communes/28987/0.pdf?as_of=15%2F12%2F2017"


def test_one_address_names_one_unit_for_every_role(client, reorganised, dost_staff, consultant):
    """The same URL shows the same unit to every role that may see it, and a 404 to a role that
    may not (before, a code named the unit in force for one role and the one that carried it
    last for another)."""
    phong_nam = reorganised["phong_nam"]
    seen = []
    for user in (dost_staff, consultant):
        client.force_login(user)
        response = client.get("/communes/28987/0/?as_of=15/12/2017")
        if Commune.objects.visible_to(user).filter(pk=phong_nam.pk).exists():
            assert response.context["commune"] == phong_nam
            seen.append(user.username)
        else:
            assert response.status_code == 404
        new = client.get("/communes/28987/2025-07-01/")
        if Commune.objects.visible_to(user).filter(pk=reorganised["28987"].pk).exists():
            assert new.context["commune"] == reorganised["28987"]
        else:
            assert new.status_code == 404
    assert dost_staff.username in seen


def test_an_ended_unit_seen_after_its_end_links_to_its_successor(client, reorganised, dost_staff):
    html = page(client, dost_staff, "/communes/28999/0/?as_of=01/12/2026")

    assert "This unit ended on 30/06/2025." in html
    assert (
        '<a class="alert-link" href="/communes/28987/2025-07-01/">Xã Lương Hòa</a> (28987)' in html
    )


def test_the_2017_picture_of_a_unit_shows_nothing_of_its_later_lineage(
    client, reorganised, dost_staff
):
    html = page(client, dost_staff, "/communes/28987/0/?as_of=15/12/2017")
    assert "This unit ended" not in html and "Lương Hòa" not in html


def test_the_new_units_officer_sees_the_inheritance_another_gets_404(client, reorganised):
    officer = UserFactory(
        username="xa2025-28987", role=User.Role.COMMUNE_OFFICER, commune=reorganised["28987"]
    )
    html = page(client, officer, "/communes/28987/2025-07-01/")
    assert "245/QĐ-UBND" in html

    client.force_login(officer)
    assert client.get("/communes/28777/2025-07-01/").status_code == 404
    assert client.get("/communes/28777/").status_code == 404


def test_an_officer_of_a_merged_commune_starts_on_its_last_day_with_a_banner(client, reorganised):
    officer = UserFactory(
        username="commune-28987", role=User.Role.COMMUNE_OFFICER, commune=reorganised["phong_nam"]
    )
    client.force_login(officer)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/communes/28987/0/?as_of=30%2F06%2F2025"
    html = response.content.decode()
    banner = html[html.index('class="alert alert-warning ended-unit"') :]
    banner = banner[: banner.index("</div>")]
    assert "Xã Phong Nẫm ended on 30/06/2025." in banner
    assert "It went into:" in banner and "Xã Lương Hòa" in banner
    # An officer of a unit in force sees no banner.
    client.force_login(UserFactory(role=User.Role.COMMUNE_OFFICER, commune=reorganised["28777"]))
    assert "ended-unit" not in client.get("/", follow=True).content.decode()
