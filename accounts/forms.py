from urllib.parse import urlsplit

from django.conf import settings
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
    links to ``SITE_URL`` (not to whatever host the request named), from the worker.

    Saving only queues the work (:func:`accounts.tasks.send_password_reset`), the same for a
    known and an unknown address: the page never looks the address up. The worker looks it up
    and mails (:meth:`deliver`)."""

    def save(self, **kwargs) -> None:
        from accounts.tasks import send_password_reset

        send_password_reset.enqueue(email=self.cleaned_data["email"])

    def deliver(self) -> int:
        """Mail each active account of the address its link (in the worker); how many."""
        site = urlsplit(settings.SITE_URL)
        users = list(self.get_users(self.cleaned_data["email"]))
        super().save(domain_override=site.netloc, use_https=site.scheme == "https")
        return len(users)

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
