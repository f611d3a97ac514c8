"""Mail the application sends: rendered from templates in the recipient's language, plain text
with an HTML alternative, every link absolute (``settings.SITE_URL``).

A mail is three templates sharing a prefix: ``<prefix>_subject.txt`` (one line),
``<prefix>.txt`` and ``<prefix>.html``.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path: str) -> str:
    """``path`` (from ``reverse`` or ``get_absolute_url``) as a full address for a mail."""
    return f"{settings.SITE_URL}{path}"


def recipient_language(user) -> str:
    """The language ``user`` reads their mail in: their preference, else the site's language.

    The preference is the user's ``notification_preference`` row when there is one (read by
    attribute, so this module imports no app).
    """
    preference = getattr(user, "notification_preference", None)
    language = getattr(preference, "language", "") or settings.LANGUAGE_CODE
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


def render_mail(template_prefix: str, context: dict, *, language: str) -> tuple[str, str, str]:
    """(subject, text, html) of the mail ``template_prefix`` rendered in ``language``."""
    context = {
        "site_url": settings.SITE_URL,
        "sender_name": settings.QMS_MAIL_SENDER_NAME,
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return " ".join(subject.split()), text, html


def build_mail(
    *, to: str, template_prefix: str, context: dict, language: str
) -> EmailMultiAlternatives:
    """The mail ``template_prefix`` to ``to``, ready to ``send()`` (through the default mailer,
    ``settings.MAILERS["default"]``) or to hand to an open mailer's ``send_messages``."""
    subject, text, html = render_mail(template_prefix, context, language=language)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
