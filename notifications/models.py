from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The kinds of things a person is reminded of (``notifications.items`` computes them)."""

    STEP_DUE = "step_due", _("Roadmap steps coming due")
    STEP_OVERDUE = "step_overdue", _("Overdue roadmap steps")
    ACTION_DUE = "action_due", _("Corrective actions coming due")
    ACTION_OVERDUE = "action_overdue", _("Overdue corrective actions")
    SILENT_COMMUNE = "silent_commune", _("Communes with no update")
    COMMUNE_OVERDUE = "commune_overdue", _("Overdue steps by commune")
    ACTION_PAST_DEADLINE = (
        "action_past_deadline",
        _("Corrective actions open past the deadline after their audit"),
    )
    ESCALATION = "escalation", _("Escalations: items overdue for a long time")


class NotificationPreference(models.Model):
    """One user's choices: whether they get the daily digest, of which kinds, in which language.

    A user without a row gets the defaults (digest on, every kind, Vietnamese).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    digest_enabled = models.BooleanField(_("daily digest by e-mail"), default=True)
    muted_kinds = models.JSONField(_("kinds left out of the digest"), default=list, blank=True)
    language = models.CharField(
        _("language of the mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="%(app_label)s_%(class)s_language_valid",
                violation_error_message=_("Unknown language."),
            ),
        ]

    def __str__(self):
        return str(self.user)

    def get_absolute_url(self):
        return reverse("notifications:preferences")

    def wants(self, kind: str) -> bool:
        return kind not in self.muted_kinds


class Digest(models.Model):
    """A daily digest mailed to a user: to which address, when, and the reminders it carried.

    ``reminder_keys`` are the keys of the items at their cadence stage (``milestone:12:due-7``):
    an item is mailed again only when it reaches a new stage. One digest per user and day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    sent_on = models.DateField(_("for the day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    to_address = models.EmailField(_("sent to"))
    subject = models.CharField(_("subject"), max_length=255)
    reminder_keys = models.JSONField(_("reminders"), default=list)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-sent_on", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on"],
                name="%(app_label)s_%(class)s_once_per_user_and_day",
                violation_error_message=_("This user already got a digest that day."),
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.sent_on:%d/%m/%Y}"


class DigestFailure(models.Model):
    """A digest that could not be mailed: to whom, for which day, and what the mail server (or
    the address itself) answered. No :class:`Digest` is recorded for it, so the next run of
    ``send_reminders`` tries again; these rows stay as the record of each attempt."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="digest_failures",
    )
    sent_on = models.DateField(_("for the day"))
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)
    to_address = models.CharField(_("address tried"), max_length=254)
    error = models.TextField(_("error"))

    class Meta:
        verbose_name = _("digest not sent")
        verbose_name_plural = _("digests not sent")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.user} – {self.sent_on:%d/%m/%Y}: {self.error[:60]}"


class FileReady(models.Model):
    """A report or an export the background worker finished (or failed) for a user: shown once
    in the page the user is on, then listed on the notifications page for a week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="files_ready",
    )
    task_id = models.UUIDField(_("task"), unique=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    url = models.CharField(_("address"), max_length=2000)
    failed = models.BooleanField(_("failed"), default=False)
    created_at = models.DateTimeField(_("finished at"), auto_now_add=True)
    shown_at = models.DateTimeField(_("shown at"), null=True, blank=True)

    class Meta:
        verbose_name = _("file ready")
        verbose_name_plural = _("files ready")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} – {self.filename or self.task_id}"

    def get_absolute_url(self):
        return self.url
