"""The filter bars' drop-downs written in Python (core.filters.QuickSelect): on every list page,
each is the HTML Django's select templates write for it, to the character, in both languages,
filtered or not."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from core.filters import QuickSelect

LISTS = [
    "roadmap:milestone_list",
    "reports:commune_list",
    "audits:finding_list",
    "audits:announcement_list",
    "audits:action_list",
    "procedures:procedure_list",
]


def _template_render(bound) -> str:
    """``bound``'s drop-down as Django's templates write it."""
    widget = bound.field.widget
    widget.__class__ = forms.Select
    try:
        return str(bound)
    finally:
        widget.__class__ = QuickSelect


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("name", LISTS)
def test_each_drop_down_is_what_the_templates_write(client, dost_staff, world, name, language):
    client.force_login(dost_staff)
    url = reverse(name)
    quick = 0
    with translation.override(language):
        for query in ({}, {"status": "open", "district": world["district"].code, "kind": "x<"}):
            response = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            page = response.content.decode()
            for bound in response.context["filterset"].form:
                if type(bound.field.widget) is QuickSelect:
                    quick += 1
                    html = str(bound)
                    assert html == _template_render(bound)
                    assert html in page
    assert quick, f"{name} has no drop-down"


def test_grouped_choices_go_through_the_templates():
    choices = [("", "Tất cả"), ("Huyện A", [("1", "Xã <1>"), ("2", "Xã & 2")])]
    quick = QuickSelect(attrs={"class": "form-select"}, choices=choices).render("d", "2")
    assert quick == forms.Select(attrs={"class": "form-select"}, choices=choices).render("d", "2")
    assert "<optgroup" in quick
