from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Province, is_national, territory_codes
from core.scope import EVERYTHING, NOTHING, Scope


def territory() -> Scope:
    """The deployment's territory (``QMS_PROVINCE`` and its predecessors), or everything (no
    province named, or a national deployment)."""
    if not territory_codes():
        return EVERYTHING
    return Scope(province_ids=Province.objects.in_territory().values("pk"))


class User(AbstractUser):
    """A person who signs in, with one role and the scope that role works in.

    DOST staff and managers work province-wide and have no scope; a district officer has a
    district, a commune officer a commune, a consultant a consulting organisation.
    """

    class Role(models.TextChoices):
        DOST_STAFF = "dost_staff", _("DOST staff")
        MANAGER = "manager", _("Manager")
        DISTRICT_OFFICER = "district_officer", _("District officer")
        COMMUNE_OFFICER = "commune_officer", _("Commune officer")
        CONSULTANT = "consultant", _("Consultant")

    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.DOST_STAFF)
    district = models.ForeignKey(
        "communes.District",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    commune = models.ForeignKey(
        "communes.Commune",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    consultant = models.ForeignKey(
        "roadmap.Consultant",
        verbose_name=_("consulting organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    role__in=[
                        "dost_staff",
                        "manager",
                        "district_officer",
                        "commune_officer",
                        "consultant",
                    ]
                ),
                name="%(app_label)s_%(class)s_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            models.CheckConstraint(
                # One implication per role, so that an unknown role breaks only role_valid.
                condition=(
                    ~Q(role__in=["dost_staff", "manager"])
                    | Q(district__isnull=True, commune__isnull=True, consultant__isnull=True)
                )
                & (
                    ~Q(role="district_officer")
                    | Q(district__isnull=False, commune__isnull=True, consultant__isnull=True)
                )
                & (
                    ~Q(role="commune_officer")
                    | Q(district__isnull=True, commune__isnull=False, consultant__isnull=True)
                )
                & (
                    ~Q(role="consultant")
                    | Q(district__isnull=True, commune__isnull=True, consultant__isnull=False)
                ),
                name="%(app_label)s_%(class)s_scope_matches_role",
                violation_error_message=_(
                    "A district officer needs a district, a commune officer a commune, a "
                    "consultant an organisation; DOST staff and managers need none."
                ),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def scope(self) -> Scope:
        """What this user may see: the one rule, applied by every ``visible_to(user)``.

        DOST staff and managers see the province; a district officer their district; a commune
        officer their commune; a consultant the communes of the programmes their organisation
        serves. An inactive user, an unknown role or a role without its unit sees nothing.
        """
        if not self.is_active:
            return NOTHING
        if self.role in (self.Role.DOST_STAFF, self.Role.MANAGER):
            return territory()
        if self.role == self.Role.DISTRICT_OFFICER and self.district_id:
            return Scope(district_id=self.district_id)
        if self.role == self.Role.COMMUNE_OFFICER and self.commune_id:
            return Scope(commune_id=self.commune_id)
        if self.role == self.Role.CONSULTANT and self.consultant_id:
            return Scope(
                consultant_id=self.consultant_id,
                commune_ids=Commune.objects.filter(
                    participations__programme__consultant_id=self.consultant_id
                ).values("pk"),
            )
        return NOTHING

    @property
    def is_province_wide(self) -> bool:
        """DOST staff and managers: they work on the whole territory, not on one unit."""
        return self.is_active and self.role in (self.Role.DOST_STAFF, self.Role.MANAGER)

    @property
    def scope_label(self) -> str:
        """What this user works on, for the page header."""
        unit = self.district or self.commune or self.consultant
        if unit is None and is_national():
            return str(_("Whole country"))
        return str(unit or _("Province"))
