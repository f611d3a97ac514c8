import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: A token starts with this, so a leaked one is recognisable (secret scanners, logs).
TOKEN_PREFIX = "qms_"  # noqa: S105 - a marker, not a secret
#: How many characters of the token are kept in clear to tell tokens apart.
SHOWN_CHARS = 12


def hash_key(key: str) -> str:
    """The SHA-256 of a token, hex: what the database keeps (never the token)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Tokens not revoked and not expired at ``now``."""
        now = now or timezone.now()
        return self.filter(revoked=False).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A personal API token: sent as ``Authorization: Bearer <token>``, it acts as its user with
    exactly the user's scope and rights. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=SHOWN_CHARS, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_required",
                violation_error_message=_("Give the token a name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str, days: int | None = None) -> tuple["ApiToken", str]:
        """A new token for ``user``, valid ``days`` days (for ever when None): the saved row and
        the token itself, which is not kept anywhere and must be shown now."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        expires = timezone.now() + datetime.timedelta(days=days) if days else None
        token = cls.objects.create(
            user=user,
            name=name.strip(),
            key_hash=hash_key(key),
            prefix=key[:SHOWN_CHARS],
            expires_at=expires,
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.revoked and not self.is_expired


class PulledYearFiguresQuerySet(models.QuerySet):
    def of_year(self, year: int):
        return self.filter(year=year).order_by("province_code", "source_url")


class PulledYearFigures(models.Model):
    """A province's annual figures as a national deployment pulled them from that province's own
    deployment (``manage.py pull_annual_figures URL TOKEN YEAR``): the annual report's table as
    the province's API gave it (labels as their English message ids, shown translated beside
    this deployment's own), replaced whole by the next pull of the same address, province and
    year."""

    source_url = models.URLField(_("address of the deployment"), max_length=300)
    province_code = models.CharField(_("province code"), max_length=3)
    province_name = models.CharField(_("province"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    as_of = models.DateField(_("figures as of"))
    table = models.JSONField(_("table"), default=list)
    figures = models.JSONField(_("figures as received"), default=dict)
    pulled_at = models.DateTimeField(_("pulled at"))

    objects = PulledYearFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("pulled annual figures")
        verbose_name_plural = _("pulled annual figures")
        ordering = ["-year", "province_code", "source_url"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url", "province_code", "year"],
                name="%(app_label)s_%(class)s_one_per_source_province_year",
                violation_error_message=_("These figures were already pulled."),
            ),
        ]

    def __str__(self):
        return f"{self.province_name} {self.year} ({self.source_url})"

    def values_by_label(self) -> dict:
        """The table's values by their label (the English message id)."""
        return {row[0]: row[1] for row in self.table if isinstance(row, list) and len(row) == 2}
