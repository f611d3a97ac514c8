"""The procedure catalogue and a commune's QMS scope: reading, adding, changing, removing."""

import datetime

import pytest
from django.urls import reverse

from procedures.models import ScopeItem
from procedures.tests.factories import FieldFactory, ProcedureFactory, ScopeItemFactory


@pytest.fixture(autouse=True)
def _pinned(settings):
    settings.QMS_AS_OF = datetime.date(2017, 12, 15)


@pytest.fixture
def catalogue(db):
    civil = FieldFactory(code="ho-tich", name="Hộ tịch")
    land = FieldFactory(code="dat-dai", name="Đất đai")
    return {
        "birth": ProcedureFactory(name="Đăng ký khai sinh", national_code="1.001193", field=civil),
        "marriage": ProcedureFactory(name="Đăng ký kết hôn", national_code="1.000894", field=civil),
        "land": ProcedureFactory(name="Hòa giải tranh chấp đất đai", field=land),
        "gone": ProcedureFactory(
            name="Đăng ký giám hộ cũ", field=civil, abolished_on=datetime.date(2017, 1, 1)
        ),
    }


def scope_url(commune):
    return reverse("procedures:scope_edit", args=commune.url_args)


LIST = reverse("procedures:procedure_list")


# Catalogue ------------------------------------------------------------------------------------


def test_catalogue_needs_a_login(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def names(response):
    return [p.name for p in response.context["procedures"]]


def test_catalogue_search_ignores_accents_and_d(client, commune_officer, catalogue):
    client.force_login(commune_officer)
    assert names(client.get(LIST, {"q": "dang ky khai sinh"})) == ["Đăng ký khai sinh"]
    assert names(client.get(LIST, {"q": "DANG KY"})) == ["Đăng ký kết hôn", "Đăng ký khai sinh"]
    assert names(client.get(LIST, {"q": "1.000894"})) == ["Đăng ký kết hôn"]
    assert names(client.get(LIST, {"q": "hoa giai"})) == ["Hòa giải tranh chấp đất đai"]


def test_catalogue_field_filter_and_vietnamese_order(client, manager, catalogue):
    client.force_login(manager)
    # Fields in Vietnamese order: "Đất đai" (đ after d) before "Hộ tịch"; "kết" before "khai".
    assert names(client.get(LIST)) == [
        "Hòa giải tranh chấp đất đai",
        "Đăng ký kết hôn",
        "Đăng ký khai sinh",
    ]
    assert names(client.get(LIST, {"field": "dat-dai"})) == ["Hòa giải tranh chấp đất đai"]
    assert "Đăng ký giám hộ cũ" in names(client.get(LIST, {"abolished": "1"}))


def test_catalogue_htmx_returns_the_results_partial(client, dost_staff, catalogue):
    client.force_login(dost_staff)
    response = client.get(LIST, {"q": "ket hon"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="results">')
    assert "Đăng ký kết hôn" in response.text


@pytest.mark.parametrize("n", [1, 20])
def test_catalogue_queries_do_not_grow_with_rows(client, dost_staff, django_assert_num_queries, n):
    field = FieldFactory()
    ProcedureFactory.create_batch(n, field=field)
    client.force_login(dost_staff)
    client.get(LIST)
    # session, index, page rows, fields (the user is kept from the first request)
    with django_assert_num_queries(4):
        response = client.get(LIST)
    assert len(response.context["procedures"]) == n


# Scope ----------------------------------------------------------------------------------------


@pytest.fixture
def item(world, catalogue):
    return ScopeItemFactory(
        commune=world["commune"],
        procedure=catalogue["birth"],
        process_code="QT-HT-01",
        state=ScopeItem.State.ISSUED,
        issued_on=datetime.date(2017, 10, 1),
    )


def test_scope_needs_a_login(client, world):
    assert client.get(scope_url(world["commune"])).status_code == 302


def test_scope_of_another_commune_is_404(client, other_commune_officer, consultant, world):
    client.force_login(other_commune_officer)
    assert client.get(scope_url(world["commune"])).status_code == 404
    client.force_login(consultant)  # serves A and B, not C
    assert client.get(scope_url(world["other_commune"])).status_code == 404


@pytest.mark.parametrize("persona", ["commune_officer", "manager", "district_officer"])
def test_readers_see_the_scope_but_cannot_change_it(client, personas, persona, world, item):
    client.force_login(personas[persona])
    response = client.get(scope_url(world["commune"]))
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in response.text
    assert 'name="action"' not in response.text
    data = {"action": "remove", "item": item.pk}
    assert client.post(scope_url(world["commune"]), data).status_code == 403
    assert ScopeItem.objects.filter(pk=item.pk).exists()
    assert client.get(scope_url(world["commune"]), {"edit": item.pk}).status_code == 403


@pytest.mark.parametrize("persona", ["consultant", "dost_staff"])
def test_editors_add_a_procedure(client, personas, persona, world, catalogue):
    user = personas[persona]
    client.force_login(user)
    response = client.post(
        scope_url(world["commune"]),
        {
            "action": "add",
            "new-procedure": catalogue["marriage"].pk,
            "new-process_code": "QT-HT-02",
            "new-revision": "0",
            "new-issued_on": "05/11/2017",
            "new-state": "issued",
        },
    )
    assert response.status_code == 302
    item = ScopeItem.objects.get(commune=world["commune"], procedure=catalogue["marriage"])
    assert item.process_code == "QT-HT-02"
    assert item.issued_on == datetime.date(2017, 11, 5)
    assert item.history.get().history_user == user


def test_adding_checks_the_constraints_involving_the_commune(
    client, consultant, world, item, catalogue
):
    client.force_login(consultant)
    base = {"action": "add", "new-revision": "0", "new-state": "planned"}
    # The same process code again in this commune.
    response = client.post(
        scope_url(world["commune"]),
        {**base, "new-procedure": catalogue["marriage"].pk, "new-process_code": "QT-HT-01"},
    )
    assert response.status_code == 200
    assert response.context["add_form"].errors
    # A procedure already in the scope is not offered.
    response = client.post(
        scope_url(world["commune"]), {**base, "new-procedure": catalogue["birth"].pk}
    )
    assert "procedure" in response.context["add_form"].errors
    # Issued needs an issue date.
    response = client.post(
        scope_url(world["commune"]),
        {**base, "new-procedure": catalogue["land"].pk, "new-state": "issued"},
    )
    assert response.context["add_form"].errors
    assert ScopeItem.objects.filter(commune=world["commune"]).count() == 1


def test_editors_update_an_item_and_history_records_from_and_to(client, consultant, world, item):
    client.force_login(consultant)
    response = client.post(
        scope_url(world["commune"]),
        {
            "action": "update",
            "item": item.pk,
            f"item{item.pk}-process_code": "QT-HT-01",
            f"item{item.pk}-revision": "2",
            f"item{item.pk}-issued_on": "10/12/2017",
            f"item{item.pk}-state": "applied",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.revision, item.state) == (2, ScopeItem.State.APPLIED)
    last = item.history.order_by("-history_date").first()
    assert last.history_user == consultant
    assert last.prev_record.revision == 0
    assert last.revision == 2


def test_update_with_htmx_returns_the_row(client, dost_staff, world, item):
    client.force_login(dost_staff)
    response = client.get(scope_url(world["commune"]), {"edit": item.pk}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith(f'<tr id="scope-item-{item.pk}"')
    assert f'name="item{item.pk}-revision"' in response.text
    response = client.post(
        scope_url(world["commune"]),
        {
            "action": "update",
            "item": item.pk,
            f"item{item.pk}-process_code": "QT-HT-01",
            f"item{item.pk}-revision": "1",
            f"item{item.pk}-issued_on": "10/12/2017",
            f"item{item.pk}-state": "issued",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="scope-item-{item.pk}"')
    item.refresh_from_db()
    assert item.revision == 1


def test_editors_remove_an_item(client, consultant, world, item):
    client.force_login(consultant)
    response = client.post(scope_url(world["commune"]), {"action": "remove", "item": item.pk})
    assert response.status_code == 302
    assert not ScopeItem.objects.filter(pk=item.pk).exists()
    assert ScopeItem.history.filter(id=item.pk, history_type="-").get().history_user == consultant


def test_an_item_of_another_commune_cannot_be_touched_through_this_page(
    client, dost_staff, world, catalogue
):
    other = ScopeItemFactory(commune=world["other_commune"], procedure=catalogue["land"])
    client.force_login(dost_staff)
    response = client.post(scope_url(world["commune"]), {"action": "remove", "item": other.pk})
    assert response.status_code == 404
    assert ScopeItem.objects.filter(pk=other.pk).exists()


def test_processes_needing_revision_are_flagged(client, commune_officer, world, item, catalogue):
    procedure = catalogue["birth"]
    procedure.amended_on = datetime.date(2017, 11, 20)  # after the process was issued
    procedure.save()
    ScopeItemFactory(commune=world["commune"], procedure=catalogue["land"], process_code="QT-DD-01")
    client.force_login(commune_officer)
    response = client.get(scope_url(world["commune"]))
    assert "20/11/2017" in response.text
    flagged = [i for i in response.context["items"] if i.needs_revision]
    assert [i.pk for i in flagged] == [item.pk]
    response = client.get(scope_url(world["commune"]), {"revision": "1"})
    assert [i.pk for i in response.context["items"]] == [item.pk]
    assert response.context["figures"].scope_needing_revision == 1


@pytest.mark.parametrize("n", [1, 20])
def test_scope_page_queries_do_not_grow_with_items(
    client, consultant, world, django_assert_num_queries, n
):
    for _ in range(n):
        ScopeItemFactory(commune=world["commune"])
    client.force_login(consultant)
    client.get(scope_url(world["commune"]))
    with django_assert_num_queries(SCOPE_PAGE_QUERIES):
        response = client.get(scope_url(world["commune"]))
    assert len(response.context["items"]) == n


# session, commune (the user is kept from the first request), may the consultant edit (does it serve the commune?), the scope items,
# the commune's scope figures (its participations the user sees; the scope added up and the
# procedures in force in one query: procedures.models.ScopeItemQuerySet.figures, core.sql.scalars),
# the procedures the "add" form offers, and the banner of every page asking whether the
# consultant's communes have all ended (one query); the procedure catalogue in force today, to
# name it on the page (one; the count of the procedures in force asks it in a subquery). The
# same for 1 item and for 20.
SCOPE_PAGE_QUERIES = 9
