"""The milestone list's rows, written in Python (:mod:`roadmap.rows`)."""

from django import template

from roadmap.rows import milestone_rows as write_rows

register = template.Library()


@register.simple_tag
def milestone_rows(milestones):
    """``{% milestone_rows milestones %}``: the ``<tr>`` rows of the milestone list."""
    return write_rows(milestones)
