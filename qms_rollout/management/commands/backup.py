"""``manage.py backup [--output FILE]``: the database and the uploaded files in one archive."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qms_rollout.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="The archive to write (default: qms-backup-<date and time>.tar.gz here).",
        )

    def handle(self, *args, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        output = Path(options["output"] or f"qms-backup-{stamp}.tar.gz").resolve()
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{output}: {manifest['vendor']} database, {manifest['media_files']} uploaded files"
        )
