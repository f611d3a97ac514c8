"""Template filters of the administrative units."""

from django import template

from communes.models import commune_level_label

register = template.Library()


@register.filter
def commune_level_on(day) -> str:
    """The commune level named as on ``day`` (today when empty): ``{{ as_of_choice.date|commune_level_on }}``."""
    return commune_level_label(day or None)
