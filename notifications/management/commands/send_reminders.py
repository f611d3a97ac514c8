"""``manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]``: the daily digests.

Run it once a day (cron or a systemd timer, see the README). Running it again the same day sends
nothing: each digest is recorded with the reminders it carried.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import override

from core import clock
from notifications.services import digest_message, digests_send


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Mail each person their daily digest of reminders (at most one a day, never empty)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )
        parser.add_argument(
            "--date", type=_date, help="The day to remind for (default: QMS_AS_OF or today)."
        )

    def handle(self, *args, dry_run=False, date=None, **options):
        as_of = date or clock.today()
        run = digests_send(as_of=as_of, dry_run=dry_run)
        if dry_run:
            for planned in run.planned:
                self._print(planned, as_of)
        for user in run.without_address:
            self.stderr.write(f"{user.username}: something to act on, but no e-mail address.")
        for failure in run.failures:
            self.stderr.write(
                f"{failure.user.username} <{failure.to_address}>: not sent ({failure.error}); "
                "tried again on the next run."
            )
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"{as_of:%d/%m/%Y}: {len(run.planned) if dry_run else run.sent} digest(s) {verb}, "
            f"{run.already_sent} already sent today, {len(run.without_address)} without address, "
            f"{run.failed} failed."
        )
        if run.failed:
            raise CommandError(f"{run.failed} digest(s) could not be sent; run again to retry.")

    def _print(self, planned, as_of):
        message = digest_message(planned=planned, as_of=as_of)
        with override(planned.language):
            self.stdout.write(f"=== To: {planned.user.username} <{planned.user.email}>")
            self.stdout.write(f"Subject: {message.subject}")
            self.stdout.write(message.body)
