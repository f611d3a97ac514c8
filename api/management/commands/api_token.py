"""``manage.py api_token USERNAME [--name NAME] [--days N]``: print a new API token for scripts."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api.models import ApiToken


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is not stored, only its hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="script", help="What will use it.")
        parser.add_argument("--days", type=int, default=365, help="Valid for N days (0: no end).")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        if days < 0:
            raise CommandError("--days cannot be negative.")
        _token, key = ApiToken.issue(user=user, name=name, days=days or None)
        self.stdout.write(key)
