"""Dates are checked against what they belong to, and an invalid date names its format."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from audits.forms import ActionDoneForm, AnnouncementForm, AuditForm, CorrectiveActionForm
from audits.tests.factories import AuditFactory, CorrectiveActionFactory
from core.forms import DATE_INVALID
from procedures.forms import ScopeItemForm
from roadmap.forms import (
    MilestoneUpdateForm,
    ParticipationBulkForm,
    ParticipationForm,
    ProgrammeForm,
)
from roadmap.tests.factories import MilestoneFactory

TODAY = datetime.date(2017, 12, 15)


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.QMS_AS_OF = TODAY
    settings.MEDIA_ROOT = tmp_path / "media"


def _forms(world):
    milestone = MilestoneFactory(participation=world["participation"])
    action = CorrectiveActionFactory(finding__audit__commune=world["commune"])
    programme, commune = world["programme"], world["commune"]
    return [
        AuditForm(may_inspect=True),
        CorrectiveActionForm(),
        ActionDoneForm(action=action),
        AnnouncementForm(commune=commune),
        ScopeItemForm(commune=commune),
        MilestoneUpdateForm.for_milestone(milestone),
        ProgrammeForm(),
        ParticipationForm(programme=programme),
        ParticipationBulkForm(programme=programme),
    ]


def test_every_date_field_names_the_format_and_refuses_years_before_2000(world):
    dates = 0
    for form in _forms(world):
        for name, field in form.fields.items():
            if isinstance(field, forms.DateField):
                dates += 1
                assert field.error_messages["invalid"] == DATE_INVALID, (type(form), name)
                with pytest.raises(forms.ValidationError):
                    field.clean("15/12/1999")
                assert field.clean("15/12/2017") == datetime.date(2017, 12, 15)
    assert dates >= 10


def test_an_invalid_date_says_dd_mm_yyyy(client, dost_staff, world, vietnamese):
    client.force_login(dost_staff)
    url = reverse("audits:audit_create", args=world["commune"].url_args)
    response = client.post(url, {"kind": "internal_audit", "date": "2017-31-12", "lead": "A"})
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.content.decode()


def test_a_step_cannot_be_done_before_its_programme_started(
    client, commune_officer, world, vietnamese
):
    milestone = MilestoneFactory(participation=world["participation"])
    client.force_login(commune_officer)
    data = {"status": "done", "note": "", "version": milestone.version}
    url = reverse("roadmap:milestone_update", args=[milestone.pk])
    response = client.post(url, {**data, "completed_on": "01/08/2017"})
    assert "Đợt triển khai bắt đầu ngày 08/08/2017" in response.content.decode()
    response = client.post(url, {**data, "completed_on": "16/12/2017"})
    assert "một ngày chưa tới" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    client.post(url, {**data, "completed_on": "08/08/2017"})
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2017, 8, 8)


def test_an_audit_cannot_come_before_its_commune_existed(client, dost_staff, world, vietnamese):
    commune = world["commune"]
    commune.valid_from = datetime.date(2017, 10, 1)
    commune.save()
    client.force_login(dost_staff)
    url = reverse("audits:audit_create", args=commune.url_args)
    data = {"kind": "internal_audit", "lead": "Nguyễn Văn A", "summary": ""}
    response = client.post(url, {**data, "date": "30/09/2017"})
    page = response.content.decode()  # the message (issue 10's) names both dates
    assert "30/09/2017" in page and "01/10/2017" in page and "is-invalid" in page
    assert not commune.audits.exists()
    response = client.post(url, {**data, "date": "01/10/2017"})
    assert response.status_code == 302
    assert commune.audits.count() == 1


def test_a_corrective_action_cannot_be_done_before_its_finding(world, vietnamese):
    audit = AuditFactory(commune=world["commune"], date=datetime.date(2017, 11, 20))
    action = CorrectiveActionFactory(finding__audit=audit)
    form = ActionDoneForm({"done_on": "19/11/2017"}, action=action)
    form.fields["evidence"].required = False
    assert not form.is_valid()
    assert "Phát hiện được ghi nhận ngày 20/11/2017" in str(form.errors["done_on"])


def test_the_import_date_widget_applies_the_forms_rules_and_messages(vietnamese):
    from core.widgets import DateWidget

    widget, form_field = DateWidget(), forms.DateField()
    from core.forms import date_field_rules

    date_field_rules(form_field)
    assert widget.clean("08/08/2017") == datetime.date(2017, 8, 8)
    assert widget.clean(datetime.datetime(2017, 8, 8, 0, 0)) == datetime.date(2017, 8, 8)
    assert widget.clean("2017-08-08") == form_field.clean("2017-08-08")
    for typed in ("2017/08/08", "31/02/2017", "8.8.2017"):
        with pytest.raises(ValueError) as refused:
            widget.clean(typed)
        with pytest.raises(forms.ValidationError) as form_refused:
            form_field.clean(typed)
        assert str(refused.value) == f"“{typed}”: {form_refused.value.messages[0]}"
        assert "dd/mm/yyyy" in str(refused.value)
    for old in ("15/12/1917", datetime.datetime(1917, 12, 15)):
        with pytest.raises(ValueError) as refused:
            widget.clean(old)
        with pytest.raises(forms.ValidationError) as form_refused:
            form_field.clean("15/12/1917")
        assert str(refused.value) == f"“15/12/1917”: {form_refused.value.messages[0]}"
        assert "Năm 1917 trước năm 2000" in str(refused.value)
