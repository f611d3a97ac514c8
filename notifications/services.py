"""The daily digest: who gets one today, with which reminders, and sending it.

One mail per person and day at most, never an empty one. A :class:`~notifications.models.Digest`
row records each mail (to whom, when, the reminder keys it carried) in the same transaction as
the sending, so a failed send leaves no record and the next run tries again, and a second run the
same day finds the row and sends nothing.

One recipient's failure (an address the mail server refuses, or one that is not an address at
all) stops only that digest: it is recorded as a
:class:`~notifications.models.DigestFailure` with the server's answer, the connection is opened
afresh, and the others are sent.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import ngettext, override

from accounts.models import User
from core.mail import absolute_url, build_mail, recipient_language
from notifications import items as reminders
from notifications.models import Digest, DigestFailure, NotificationPreference

logger = logging.getLogger(__name__)

# Keys older than this are forgotten: every stage of the cadence is shorter.
MEMORY_DAYS = 400


@dataclass
class PlannedDigest:
    """The digest one user gets today."""

    user: User
    items: list
    language: str

    @property
    def reminder_keys(self) -> list[str]:
        return [item.reminder_key for item in self.items]


@dataclass
class DigestRun:
    """What a run did: the digests planned (sent, or printed in a dry run) and who was skipped."""

    as_of: datetime.date
    planned: list[PlannedDigest] = field(default_factory=list)
    sent: int = 0
    failed: int = 0
    already_sent: int = 0
    without_address: list[User] = field(default_factory=list)
    failures: list[DigestFailure] = field(default_factory=list)


def recipients():
    """Active users whose role is reminded of something, with their preferences."""
    roles = [*reminders.COMMUNE_ROLES, *reminders.SUMMARY_ROLES]
    return (
        User.objects.filter(is_active=True, role__in=roles)
        .select_related("notification_preference", "commune", "consultant", "district")
        .order_by("role", "username")
    )


def _mailed_keys(as_of: datetime.date) -> dict[int, set[str]]:
    """The reminder keys already mailed to each user (one query)."""
    rows = Digest.objects.filter(
        sent_on__gt=as_of - datetime.timedelta(days=MEMORY_DAYS), sent_on__lte=as_of
    ).values_list("user_id", "reminder_keys")
    mailed: dict[int, set[str]] = {}
    for user_id, keys in rows:
        mailed.setdefault(user_id, set()).update(keys)
    return mailed


def _preference(user) -> NotificationPreference:
    try:
        return user.notification_preference
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def digest_plan(*, as_of: datetime.date) -> DigestRun:
    """Today's digests: for each person, the items whose reminder is due and was never mailed."""
    run = DigestRun(as_of=as_of)
    mailed = _mailed_keys(as_of)
    done_today = set(Digest.objects.filter(sent_on=as_of).values_list("user_id", flat=True))
    for user in recipients():
        preference = _preference(user)
        if not preference.digest_enabled:
            continue
        if user.pk in done_today:
            run.already_sent += 1
            continue
        language = recipient_language(user)
        with override(language):
            items = [
                item
                for item in reminders.items_for(user, as_of)
                if preference.wants(item.kind)
                and item.reminder_key not in mailed.get(user.pk, set())
            ]
        if not items:
            continue
        if not user.email:
            run.without_address.append(user)
            continue
        run.planned.append(PlannedDigest(user=user, items=items, language=language))
    return run


def digest_message(*, planned: PlannedDigest, as_of: datetime.date):
    """The mail of ``planned``: plain text and HTML, every link absolute."""
    with override(planned.language):
        groups = reminders.by_commune(planned.items)
        subject_count = ngettext(
            "%(n)s thing to act on", "%(n)s things to act on", len(planned.items)
        ) % {"n": len(planned.items)}
        context = {
            "user": planned.user,
            "groups": groups,
            "count": len(planned.items),
            "count_text": subject_count,
            "as_of": date_format(as_of, "d/m/Y"),
            "list_url": absolute_url(reverse("notifications:list")),
            "preferences_url": absolute_url(reverse("notifications:preferences")),
        }
    return build_mail(
        to=planned.user.email,
        template_prefix="notifications/email/digest",
        context=context,
        language=planned.language,
    )


def digest_send(*, planned: PlannedDigest, as_of: datetime.date, mailer) -> Digest:
    """Record and send one digest through ``mailer`` (an open connection of Django's mailers);
    the record is kept only when the mail went out."""
    message = digest_message(planned=planned, as_of=as_of)
    with transaction.atomic():
        digest = Digest.objects.create(
            user=planned.user,
            sent_on=as_of,
            to_address=planned.user.email,
            subject=message.subject[:255],
            reminder_keys=planned.reminder_keys,
        )
        mailer.send_messages([message])
    return digest


def digests_send(*, as_of: datetime.date, dry_run: bool = False) -> DigestRun:
    """Plan today's digests and send them over one connection (nothing is sent in a dry run)."""
    run = digest_plan(as_of=as_of)
    if dry_run or not run.planned:
        return run
    try:
        with mailers.default as mailer:
            for planned in run.planned:
                _send_one(run, planned, mailer)
    except OSError:  # the server could not be reached at all
        logger.exception("The mail server could not be reached")
        run.failed = len(run.planned) - run.sent - run.already_sent
    return run


def _send_one(run: DigestRun, planned: PlannedDigest, mailer) -> None:
    try:
        digest_send(planned=planned, as_of=run.as_of, mailer=mailer)
    except IntegrityError:
        run.already_sent += 1  # another run sent it meanwhile
    except (OSError, ValueError) as exc:  # refused by the server (SMTPException), or no address
        logger.warning("The digest to %s could not be sent: %s", planned.user.email, exc)
        run.failed += 1
        run.failures.append(
            DigestFailure.objects.create(
                user=planned.user,
                sent_on=run.as_of,
                to_address=planned.user.email[:254],
                error=_error_text(exc),
            )
        )
        _reconnect(mailer)  # whatever state the refusal left the session in
    else:
        run.sent += 1


def _error_text(exc: Exception) -> str:
    """What the server answered (``550 5.1.1 ...`` for each refused recipient), else the error."""
    refused = getattr(exc, "recipients", None)
    if isinstance(refused, dict) and refused:
        return "; ".join(
            f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            for code, reply in refused.values()
        )
    return str(exc) or exc.__class__.__name__


def _reconnect(mailer) -> None:
    """A new session for the next digest; an unreachable server raises (every other fails)."""
    mailer.close()
    mailer.open()
