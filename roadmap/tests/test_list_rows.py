"""The milestone list's rows, written in Python (roadmap.rows): the HTML its template loop wrote,
character for character, today and on a past day, for each role, in both languages."""

import datetime

import pytest
from django.utils import translation

from core.tests.loops import loop_html
from roadmap.rows import milestone_rows
from roadmap.tests.factories import update_milestone
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
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("persona", ["dost_staff", "commune_officer", "district_officer"])
def test_the_rows_are_those_the_template_wrote(
    client,
    personas,
    milestones,  # noqa: F811
    dost_staff,
    persona,
    language,
):
    """Overdue (by 14 days, by one), done, not started, changed by someone or by the system,
    a name with markup; offered for an update or not; today and on a past day."""
    a_audit, c_audit = milestones["a_audit"], milestones["c_audit"]
    update_milestone(a_audit, dost_staff, "blocked", note='Chờ <b>kinh phí</b> & "duyệt"')
    update_milestone(c_audit, None, "in_progress")
    update_milestone(
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
            expected = loop_html(TEMPLATE_ROWS, milestones=rows)
            assert milestone_rows(rows) == expected
            assert expected in response.content.decode()
            seen += len(rows)
    assert seen


# A roadmap's rows on a commune's page as the template loop of reports/commune_detail.html
# wrote them.
TIMELINE_ROWS = """{% load i18n %}{% for r in rows %}{% with m=r.milestone %}
<tr{% if r.overdue %} class="row-overdue"{% endif %}>
<th scope="row" class="fw-normal">{{ m.step.order }}. {{ m.step.name }}</th>
<td><span class="text-nowrap">{{ m.planned_start|date:"d/m/Y" }} –</span> <span class="text-nowrap">{{ m.due_date|date:"d/m/Y" }}</span></td>
<td><span class="status st-{{ m.status }}">{{ m.get_status_display }}</span>{% if r.overdue %} <strong class="text-danger-emphasis"><span aria-hidden="true">!</span> {% blocktranslate count days=r.days_overdue %}overdue {{ days }} day{% plural %}overdue {{ days }} days{% endblocktranslate %}</strong>{% endif %}{% if m.note %}<div class="small text-body-secondary">{{ m.note|truncatechars:100 }}</div>{% endif %}</td>
<td>{% if m.completed_on %}<span class="text-nowrap">{{ m.completed_on|date:"d/m/Y" }}</span>{% if m.days_late %} <span class="small text-nowrap">({% blocktranslate count days=m.days_late %}{{ days }} day late{% plural %}{{ days }} days late{% endblocktranslate %})</span>{% endif %}{% else %}–{% endif %}</td>
<td class="d-none d-md-table-cell">{{ r.bar }}</td>
<td>{% if m.editable %}{% url 'roadmap:milestone_update' m.pk as edit_url %}{% if edit_url %}<a class="btn btn-sm btn-outline-primary" href="{{ edit_url }}" data-hx-get="{{ edit_url }}?inline=1" data-hx-target="closest tr" data-hx-swap="afterend">{% translate "Update" %}<span class="visually-hidden">: {{ m.step.name }}</span></a>{% endif %}{% endif %}</td>
</tr>
{% endwith %}{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("persona", ["dost_staff", "commune_officer"])
def test_a_communes_roadmap_rows_are_those_the_template_wrote(
    client,
    personas,
    milestones,  # noqa: F811
    dost_staff,
    persona,
    language,
):
    """Overdue, done on time and late, a note (long, with markup), offered for an update or
    not, today and on past days."""
    from roadmap.rows import timeline_rows

    update_milestone(milestones["a_audit"], dost_staff, "blocked", note="Chờ <b>kinh phí</b> " * 20)
    update_milestone(
        milestones["a_survey"],
        dost_staff,
        "done",
        completed_on=datetime.date(2017, 9, 12),
        note='Xong & "trễ"',
        at=datetime.datetime(2017, 9, 12, 9, 0, tzinfo=datetime.UTC),
    )
    client.force_login(personas[persona])
    page = milestones["a_audit"].participation.commune.get_absolute_url()
    seen = 0
    with translation.override(language):
        for query in ({}, {"as_of": "02/12/2017"}, {"as_of": "13/09/2017"}):
            response = client.get(page, query, HTTP_ACCEPT_LANGUAGE=language)
            for roadmap in response.context["roadmaps"]:
                rows = roadmap["rows"]
                expected = loop_html(TIMELINE_ROWS, rows=rows)
                assert timeline_rows(rows) == expected
                assert expected in response.content.decode()
                seen += len(rows)
                with translation.override("en" if language == "vi" else "vi"):
                    # The rows the page keeps, written in the other language.
                    assert timeline_rows(rows) == loop_html(TIMELINE_ROWS, rows=rows)
    assert seen
