"""Account workflows that send mail: the welcome mail of a new account, the limits of the
password-reset requests."""

import hashlib

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
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


RESET_WINDOW = 3600  # seconds: the limits of the reset requests are per hour


def _over(key: str, limit: int) -> bool:
    """Count one more request under ``key`` (a window of :data:`RESET_WINDOW` from the first);
    True when that makes more than ``limit``."""
    cache.add(key, 0, timeout=RESET_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=RESET_WINDOW)
        count = 1
    return count > limit


def password_reset_throttled(*, email: str, client: str | None) -> bool:
    """Count a reset request for ``email`` from ``client`` (an address); True when either has
    asked more than its limit this hour (``PASSWORD_RESET_PER_ADDRESS``, ``_PER_CLIENT``).
    Known and unknown addresses are counted alike: the answer tells nothing of the account."""
    folded = hashlib.sha256(email.strip().casefold().encode()).hexdigest()
    by_address = _over(f"password-reset:address:{folded}", settings.PASSWORD_RESET_PER_ADDRESS)
    by_client = _over(f"password-reset:client:{client or '-'}", settings.PASSWORD_RESET_PER_CLIENT)
    return by_address or by_client
