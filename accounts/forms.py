from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from core.mail import build_mail, recipient_language


class LoginForm(AuthenticationForm):
    """The sign-in form, with messages of our own (Django's Vietnamese catalogue lacks them)."""

    error_messages = {
        "invalid_login": _(
            "Please enter a correct user name and password. Both are case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the mail goes in the recipient's language, text and HTML, with
    links to ``SITE_URL`` (not to whatever host the request named)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        build_mail(
            to=to_email,
            template_prefix="registration/password_reset_email",
            context=context,
            language=recipient_language(context["user"]),
        ).send()
