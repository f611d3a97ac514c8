"""Numbers are grouped for display (1.234), but identifiers in ids, URLs and form values are not:
a row with pk 12345 must be addressed as 12345, never as "12.345" (PostgreSQL's sequences reach
such ids soon; a grouped id breaks htmx targets and form posts)."""

import datetime

from procedures.tests.factories import ScopeItemFactory
from roadmap.tests.factories import MilestoneFactory


def test_inline_milestone_editor_uses_the_plain_id(client, commune_officer, world):
    milestone = MilestoneFactory(pk=12345, participation=world["participation"])
    client.force_login(commune_officer)
    response = client.get(f"/milestones/{milestone.pk}/", {"inline": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="milestone-inline-12345"' in response.text
    assert "12.345" not in response.text


def test_scope_rows_use_the_plain_id(client, dost_staff, world):
    ScopeItemFactory(
        pk=23456, commune=world["commune"], state="issued", issued_on=datetime.date(2017, 10, 1)
    )
    client.force_login(dost_staff)
    response = client.get(f"/communes/{world['commune'].code}/{world['commune'].since_key}/scope/")
    assert response.status_code == 200
    assert 'id="scope-item-23456"' in response.text
    assert "?edit=23456" in response.text
    assert "23.456" not in response.text
