"""Account workflows that send mail: the welcome mail of a new account."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.mail import absolute_url, build_mail, recipient_language


def set_password_url(user) -> str:
    """The absolute link where ``user`` chooses a password (Django's password-reset token)."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return absolute_url(path)


def user_send_welcome(*, user) -> None:
    """Mail a new account's owner their user name and a link to set their password.

    The link is valid for ``PASSWORD_RESET_TIMEOUT``; once it has expired, "Forgot your
    password?" on the sign-in page sends a new one.
    """
    context = {
        "user": user,
        "set_password_url": set_password_url(user),
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    build_mail(
        to=user.email,
        template_prefix="accounts/email/welcome",
        context=context,
        language=recipient_language(user),
    ).send()
