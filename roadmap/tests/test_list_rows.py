"""The milestone list's rows, written in Python (roadmap.rows): the HTML its template loop wrote,
character for character, today and on a past day, for each role, in both languages."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from roadmap.models import Milestone
from roadmap.rows import milestone_rows
from roadmap.services import milestone_update_status
from roadmap.tests.test_lists import TODAY, URL, milestones, steps  # noqa: F401 (fixtures)

# The rows as the template loop of roadmap/milestone_list.html wrote them.
TEMPLATE_ROWS = """{% load i18n %}{% translate 'Step' as l_step %}{% translate 'Due' as l_due %}{% translate 'Status' as l_status %}{% translate 'Done on' as l_done %}{% translate 'Changed' as l_changed %}{% translate "Update" as l_update %}{% for m in milestones %}
<tr{% if m.is_overdue %} class="row-overdue"{% endif %}>
<th scope="row" class="fw-normal"><a href="{{ m.participation.commune.get_absolute_url }}">{{ m.participation.commune.name }}</a><div class="small text-body-secondary">{{ m.participation.commune.district.name }}</div></th>
<td data-label="{{ l_step }}" class="wide">{{ m.step.order }}. {{ m.step.name }}</td>
<td data-label="{{ l_due }}" class="text-nowrap">{{ m.due_date|date:"d/m/Y" }}</td>
<td data-label="{{ l_status }}"><span class="status st-{{ m.status }}">{{ m.get_status_display }}</span>{% if m.is_overdue %} <strong class="text-danger-emphasis text-nowrap"><span aria-hidden="true">!</span> {% blocktranslate count days=m.days_late %}overdue {{ days }} day{% plural %}overdue {{ days }} days{% endblocktranslate %}</strong>{% endif %}</td>
<td data-label="{{ l_done }}" class="text-nowrap">{{ m.completed_on|date:"d/m/Y"|default:"–" }}</td>
<td data-label="{{ l_changed }}" class="small">{% if m.read_only %}{{ m.changed_then|date:"d/m/Y"|default:"–" }}{% elif m.version > 1 %}{{ m.updated_at|date:"d/m/Y" }}{% if m.updated_by %} · {{ m.updated_by }}{% endif %}{% else %}–{% endif %}</td>
<td>{% if m.editable %}{% url 'roadmap:milestone_update' m.pk as update_url %}<a class="btn btn-sm btn-outline-primary" href="{{ update_url }}" data-hx-get="{{ update_url }}?inline=1" data-hx-target="closest tr" data-hx-swap="afterend">{{ l_update }}<span class="visually-hidden">: {{ m.participation.commune.name }}, {{ m.step.name }}</span></a>{% endif %}</td>
</tr>
{% endfor %}"""  # noqa: E501


def _update(milestone, by, status, completed_on=None, note="", at=None):
    m = Milestone.objects.get(pk=milestone.pk)
    milestone_update_status(
        milestone=m,
        by=by,
        status=status,
        completed_on=completed_on,
        note=note,
        expected_version=m.version,
        at=at,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("persona", ["dost_staff", "commune_officer", "district_officer"])
def test_the_rows_are_those_the_template_wrote(
    client, personas, milestones, dost_staff, persona, language
):
    """Overdue (by 14 days, by one), done, not started, changed by someone or by the system,
    a name with markup; offered for an update or not; today and on a past day."""
    a_audit, c_audit = milestones["a_audit"], milestones["c_audit"]
    _update(a_audit, dost_staff, "blocked", note="Chờ <b>kinh phí</b> & \"duyệt\"")
    _update(c_audit, None, "in_progress")
    _update(
        milestones["a_survey"],
        dost_staff,
        "done",
        completed_on=datetime.date(2017, 9, 1),
        at=datetime.datetime(2017, 9, 1, 20, 0, tzinfo=datetime.UTC),
    )
    commune = a_audit.participation.commune
    commune.name = 'Xã <i>Phú</i> "Phụng"'
    commune.save()
    client.force_login(personas[persona])
    seen = 0
    with translation.override(language):
        for query in ({}, {"as_of": "02/12/2017"}, {"as_of": "01/09/2017"}):
            response = client.get(URL, query, HTTP_ACCEPT_LANGUAGE=language)
            rows = response.context["milestones"]
            expected = "".join(
                Template(TEMPLATE_ROWS).render(Context({"milestones": rows})).split("\n")
            )
            assert milestone_rows(rows) == expected
            assert expected in response.content.decode()
            seen += len(rows)
    assert seen
