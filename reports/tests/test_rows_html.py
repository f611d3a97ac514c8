"""Rows of the reports' tables written in Python (reports.dashboard): the HTML their template
loops wrote, character for character, in both languages."""

import datetime

import pytest
from django.utils import timezone, translation

from core.tests.loops import loop_html
from reports.dashboard import district_rows, silent_rows
from reports.metrics.definitions import MilestoneCounts
from reports.metrics.rows import CommuneRow
from reports.views_units import DistrictCommune

# The dashboard's rows of silent communes as its template loop wrote them.
SILENT_ROWS = """{% load i18n %}{% for c in rows %}
<tr><th scope="row" class="fw-normal"><a href="{{ c.url }}">{{ c.name }}</a></th>{% if districts %}<td>{{ c.district_name }}</td>{% endif %}<td>{% if c.last_change %}{{ c.last_change|date:"d/m/Y" }}{% else %}{% translate "never" %}{% endif %}</td><td class="num">{{ c.progress|floatformat:0 }}</td></tr>
{% endfor %}"""


def _row(n: int, **values) -> CommuneRow:
    return CommuneRow(
        participation_id=n,
        commune_id=n,
        code=f"{28700 + n}",
        name=values.pop("name", f"Xã Số {n}"),
        district_code=values.pop("district_code", "832"),
        district_name=values.pop("district_name", "Huyện Chợ Lách"),
        kind=values.pop("kind", "extension"),
        valid_from=datetime.date(2008, 1, 1),
        **values,
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_silent_communes_rows_are_those_the_template_wrote(settings, language):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    late_evening = datetime.datetime(2017, 11, 30, 23, 30, tzinfo=datetime.UTC)
    rows = [
        _row(1, last_change=None, progress=0.0),
        _row(2, last_change=late_evening, progress=55.5),  # the next day in Việt Nam
        _row(3, name='Xã <b>"A"</b> & B', district_name="Huyện <i>X</i>", progress=99.5),
        _row(4, last_change=late_evening, progress=100.0, district_name=""),
    ]
    with translation.override(language), timezone.override("Asia/Ho_Chi_Minh"):
        for districts in (True, False):
            expected = loop_html(SILENT_ROWS, rows=rows, districts=districts)
            assert silent_rows(rows, districts=districts) == expected
            assert silent_rows(rows, districts=districts) == expected  # as kept on the rows
            assert "01/12/2017" in expected
    other = "en" if language == "vi" else "vi"
    with translation.override(other), timezone.override("UTC"):  # the same rows kept
        expected = loop_html(SILENT_ROWS, rows=rows, districts=True)
        assert silent_rows(rows, districts=True) == expected
        assert "30/11/2017" in expected


# A district page's rows of communes as its template loop wrote them.
DISTRICT_ROWS = """{% load i18n %}{% for c in communes %}{% with r=c.row %}
<tr>
<th scope="row" class="fw-normal"><a href="{{ r.url }}">{{ r.name }}</a></th>
<td>{{ r.kind_label }}</td>
<td>{{ r.stage_label }}</td>
<td class="num">{{ r.progress|floatformat:1 }} / {{ r.planned_progress|floatformat:1 }}</td>
<td class="num">{% if r.counts.overdue %}<span aria-hidden="true" class="sym-overdue">!</span> <strong>{{ r.counts.overdue }}</strong>{% else %}0{% endif %}</td>
<td>{{ c.qms_representative|default:"–" }}</td>
<td>{{ c.iso_secretary|default:"–" }}</td>
<td>{% if r.last_change %}{{ r.last_change|date:"d/m/Y" }}{% else %}{% translate "never" %}{% endif %}{% if r.silent %} <span class="badge text-bg-warning">{% translate "silent" %}</span>{% endif %}</td>
</tr>{% endwith %}
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_district_pages_rows_are_those_the_template_wrote(language):
    late_evening = datetime.datetime(2017, 11, 30, 23, 30, tzinfo=datetime.UTC)
    rows = [
        DistrictCommune(_row(1, progress=12.25, planned_progress=40.0), "", ""),
        DistrictCommune(
            _row(
                2,
                stage="announced",
                progress=100.0,
                planned_progress=99.95,
                last_change=late_evening,
                silent=True,
                counts=MilestoneCounts(overdue=1234),
            ),
            "Nguyễn <Văn> A",
            "Trần & B",
        ),
        DistrictCommune(
            _row(3, stage="building", kind="new", counts=MilestoneCounts(overdue=3)), "C", ""
        ),
    ]

    def expected() -> str:
        return loop_html(DISTRICT_ROWS, communes=rows)

    with translation.override(language), timezone.override("Asia/Ho_Chi_Minh"):
        assert district_rows(rows) == expected()
        assert "01/12/2017" in expected() and "1.234" in expected().replace(",", ".")
        assert district_rows(rows) == expected()  # kept on the rows
    # Kept rows written again in another language, then another time zone, then with other
    # QMS people: one thing changed at a time.
    other = "en" if language == "vi" else "vi"
    with translation.override(other), timezone.override("Asia/Ho_Chi_Minh"):
        assert district_rows(rows) == expected()
    with translation.override(other), timezone.override("UTC"):
        assert district_rows(rows) == expected() and "30/11/2017" in expected()
        rows[0] = rows[0]._replace(qms_representative="Lê Thị D")
        assert district_rows(rows) == expected() and "Lê Thị D" in expected()


# The list of communes' rows as its template loop wrote them.
COMMUNE_LIST_ROWS = """{% load i18n %}{% translate 'District' as l_district %}{% translate 'Kind' as l_kind %}{% translate 'Stage' as l_stage %}{% translate 'Progress (actual / planned) %' as l_progress %}{% translate 'Overdue steps' as l_overdue %}{% translate 'Last change' as l_change %}{% translate "never" as l_never %}{% for r in page %}
<tr>
<th scope="row" class="fw-normal"><a href="{{ r.url }}">{{ r.name }}</a> <span class="small text-body-secondary">{{ r.code }}</span></th>
{% if with_districts %}<td data-label="{{ l_district }}">{% if r.district_code %}<a href="{{ r.district_url }}">{{ r.district_name }}</a>{% endif %}</td>{% endif %}
<td data-label="{{ l_kind }}">{{ r.kind_label }}</td>
<td data-label="{{ l_stage }}">{{ r.stage_label }}</td>
<td data-label="{{ l_progress }}" class="num">{{ r.progress|floatformat:1 }} / {{ r.planned_progress|floatformat:1 }}</td>
<td data-label="{{ l_overdue }}" class="num">{% if r.counts.overdue %}<span aria-hidden="true" class="sym-overdue">!</span> <strong>{{ r.counts.overdue }}</strong>{% else %}0{% endif %}</td>
<td data-label="{{ l_change }}">{% if r.last_change %}{{ r.last_change|date:"d/m/Y" }}{% else %}{{ l_never }}{% endif %}{% if r.silent %} <span class="badge text-bg-warning">{% translate "silent" %}</span>{% endif %}</td>
</tr>
{% endfor %}"""


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_list_of_communes_rows_are_those_the_template_wrote(language):
    from reports.dashboard import commune_list_rows

    late_evening = datetime.datetime(2017, 11, 30, 23, 30, tzinfo=datetime.UTC)
    rows = [
        _row(1, progress=12.25, planned_progress=40.0, district_valid_from=None),
        _row(
            2,
            name="Xã <A> & B",
            stage="announced",
            last_change=late_evening,
            silent=True,
            counts=MilestoneCounts(overdue=1234),
            district_valid_from=datetime.date(2008, 1, 1),
        ),
        _row(3, district_code="", district_name="", stage="building", kind="new"),
    ]
    with translation.override(language), timezone.override("Asia/Ho_Chi_Minh"):
        for districts in (True, False):
            expected = loop_html(COMMUNE_LIST_ROWS, page=rows, with_districts=districts)
            assert commune_list_rows(rows, districts=districts) == expected
