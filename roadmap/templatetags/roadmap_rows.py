"""The milestone list's and a commune's roadmaps' rows, written in Python (:mod:`roadmap.rows`)."""

from django import template

from roadmap.rows import milestone_rows as write_rows
from roadmap.rows import timeline_rows as write_timeline

register = template.Library()


@register.simple_tag
def milestone_rows(milestones):
    """``{% milestone_rows milestones %}``: the ``<tr>`` rows of the milestone list."""
    return write_rows(milestones)


@register.simple_tag
def timeline_rows(rows):
    """``{% timeline_rows roadmap.rows %}``: the ``<tr>`` rows of a roadmap on a commune's page."""
    return write_timeline(rows)
