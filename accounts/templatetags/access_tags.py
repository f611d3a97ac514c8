"""What the menu and pages may offer a user, from ``accounts/access.py``: templates ask these
filters instead of checking roles (``{% load access_tags %}{% if user|can_manage_programmes %}``).
"""

from django import template

from accounts import access

register = template.Library()


@register.filter
def can_manage_programmes(user) -> bool:
    return access.can_manage_programmes(user)


@register.filter
def can_import(user) -> bool:
    return access.can_import(user)


@register.filter
def can_edit_milestone(user, milestone) -> bool:
    return access.can_edit_milestone(user, milestone)


@register.filter
def can_download_province_report(user) -> bool:
    return access.can_download_province_report(user)


@register.filter
def scope_label_on(user, day) -> str:
    """What ``user`` works on, named as on ``day`` (a list of 2017 says tỉnh Bến Tre):
    ``{{ user|scope_label_on:as_of_choice.date }}``."""
    return user.scope_label_on(day)
