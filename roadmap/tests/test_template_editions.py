"""Roadmap templates are per edition of TCVN ISO 9001: a programme is offered, and may apply,
only the templates of its edition or those that serve either."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from roadmap.models import Milestone, RoadmapTemplate
from roadmap.services import participation_apply_template
from roadmap.tests.factories import RoadmapStepFactory, RoadmapTemplateFactory


@pytest.fixture
def templates(world):
    made = {}
    for standard in ("2008", "2015", ""):
        name = f"Lộ trình {standard or 'chung'}"
        made[standard] = RoadmapTemplateFactory(name=name, kind="new", standard=standard)
        RoadmapStepFactory(template=made[standard], order=1)
    return made


def test_the_programme_page_offers_only_its_editions_templates(
    client, dost_staff, world, templates
):
    programme = world["programme"]
    programme.standard = "2015"
    programme.save()
    assert set(RoadmapTemplate.objects.for_standard("2015")) == {templates["2015"], templates[""]}
    client.force_login(dost_staff)
    page = client.get(reverse("roadmap:programme_detail", args=[programme.pk])).text
    assert "Lộ trình 2015" in page and "Lộ trình chung" in page
    assert "Lộ trình 2008" not in page
    url = reverse("roadmap:programme_apply_template", args=[programme.pk])
    response = client.post(url, {"t-template": templates["2008"].pk})
    assert response.status_code == 200 and not Milestone.objects.exists()
    assert response.context["template_form"].errors["template"]
    client.post(url, {"t-template": templates["2015"].pk})
    assert Milestone.objects.exists()


def test_the_service_refuses_a_template_of_another_edition(world, templates):
    participation = world["participation"]
    participation.programme.standard = "2008"
    participation.programme.save()
    with pytest.raises(ValidationError) as error:
        participation_apply_template(participation=participation, template=templates["2015"])
    assert "TCVN ISO 9001:2008" in error.value.messages[0]
    assert not participation.milestones.exists()
    assert participation_apply_template(participation=participation, template=templates[""])
