"""Text enters clean (:func:`core.text.clean_text`): in NFC, without control characters, through
the pages' forms, the spreadsheet imports and the admin."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile

from communes.models import Commune
from core.forms import CleanTextAdminMixin, CleanTextMixin, clean_data
from core.spreadsheets import read_sheet
from core.text import clean_text
from roadmap.models import Consultant, RoadmapTemplate

BAD = "\x01\x07\x1b"
PROJECT_APPS = {"communes", "accounts", "procedures", "roadmap", "audits", "reports"}
PROJECT_APPS |= {"notifications", "imports", "demo"}


def test_clean_text_keeps_tabs_and_line_breaks_and_composes_vietnamese():
    decomposed = "Nguye\u0302\u0303n"  # "Nguyễn" as a Mac keyboard or a PDF may give it
    assert clean_text(f"a{BAD}\tb\r\nc\x00\x7f\x85\ufffe{decomposed}") == "a\tb\r\ncNguyễn"
    assert clean_text("") == ""


def test_a_forms_submitted_text_reaches_its_fields_cleaned():
    from django import forms
    from django.http import QueryDict

    class Form(CleanTextMixin, forms.Form):
        name = forms.CharField()
        tags = forms.MultipleChoiceField(choices=[("a", "a"), ("b", "b")])

    data = QueryDict(mutable=True)
    data["name"] = f"Xã{BAD} An"
    data.setlist("tags", [f"a{BAD}", "b"])
    form = Form(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Xã An", "tags": ["a", "b"]}
    assert data["name"] == f"Xã{BAD} An"  # the request's own data is left as it was
    assert clean_data({"x": [f"1{BAD}"], "y": 2}) == {"x": ["1"], "y": 2}


def test_a_spreadsheet_cell_is_read_without_its_control_characters():
    data = f"Mã,Tên\n28873,Xã{BAD} Phú Phụng\n".encode()
    sheet = read_sheet(data, "units.csv")
    assert sheet.rows[0][1][1] == "Xã Phú Phụng"


def test_a_unit_imported_through_the_page_is_stored_without_control_characters(
    client, dost_staff, world
):
    header = "Tỉnh / Thành Phố,Mã TP,Quận Huyện,Mã QH,Phường Xã,Mã PX,Cấp"
    row = f"Tỉnh Trà Vinh,84,Thành phố Trà Vinh,842,Phường{BAD} 4,29233,Phường"
    data = f"{header}\n{row}\n".encode()
    client.force_login(dost_staff)
    response = client.post("/imports/admin-units/", {"file": SimpleUploadedFile("gso.csv", data)})
    assert response.status_code == 302, response.content.decode()
    preview = client.get(response["Location"])
    assert "Phường 4" in preview.content.decode()
    done = client.post(response["Location"].replace("/preview/", "/confirm/"))
    assert done.status_code == 200
    assert Commune.objects.get(code="29233").name == "Phường 4"


@pytest.fixture
def superuser(db):
    from accounts.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def test_text_typed_in_the_admin_is_stored_cleaned(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/roadmap/consultant/add/",
        {"name": f"Công ty{BAD} Mới", "short_name": "", "representative": "", "phone": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Consultant.objects.get().name == "Công ty Mới"


def test_text_typed_in_an_admin_inline_is_stored_cleaned(client, superuser):
    client.force_login(superuser)
    data = {
        "name": f"Lộ trình{BAD} mẫu",
        "kind": "new",
        "standard": "",
        "description": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1",
        "steps-0-key": "",
        "steps-0-name": f"Khảo sát{BAD}",
        "steps-0-expected_evidence": "",
        "steps-0-offset_days": "0",
        "steps-0-duration_days": "10",
        "steps-0-weight": "1",
    }
    response = client.post("/admin/roadmap/roadmaptemplate/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    template = RoadmapTemplate.objects.get()
    assert template.name == "Lộ trình mẫu"
    assert [step.name for step in template.steps.all()] == ["Khảo sát"]


def test_every_admin_of_the_project_cleans_its_text():
    ours = [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in PROJECT_APPS
    ]
    assert len(ours) > 20
    missing = [type(m).__name__ for m in ours if not isinstance(m, CleanTextAdminMixin)]
    assert missing == []


@pytest.mark.parametrize("module", ["audits", "roadmap", "reports", "procedures", "notifications"])
def test_every_form_of_the_pages_cleans_its_text(module):
    import importlib
    import inspect

    from django import forms

    forms_module = importlib.import_module(f"{module}.forms")
    classes = [
        cls
        for _name, cls in inspect.getmembers(forms_module, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and cls.__module__ == forms_module.__name__
    ]
    assert classes
    assert [c.__name__ for c in classes if not issubclass(c, CleanTextMixin)] == []
