import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Count, Max, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province, territory_codes
from core import clock
from core.generation import OTHER, kept
from core.querysets import in_force_q
from core.scope import EVERYTHING, NOTHING, Scope, scope_of


def territory() -> Scope:
    """The deployment's territory (``QMS_PROVINCE`` and its predecessors), or everything (no
    province named, or a national deployment)."""
    if not territory_codes():
        return EVERYTHING
    return Scope(province_ids=Province.objects.in_territory().values("pk"))


def territory_name(on=None) -> str:
    """The name of the deployment's territory on day ``on`` (default today): the whole country
    (a national deployment, or no one province), else its province of that day
    (:meth:`ProvinceQuerySet.territory_province`: tỉnh Bến Tre before 1/7/2025). Every staff
    page names it in its title: kept in the process while no unit or programme changes."""
    day = on or clock.today()
    name = kept(
        "territory-name",
        (day, settings.QMS_PROVINCE, tuple(territory_codes())),
        lambda: getattr(Province.objects.territory_province(day), "name", None),
        (OTHER,),
    )
    return name if name is not None else str(_("Whole country"))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The people ``user`` may see (the admin's list of users): those of the units and
        organisations in ``user``'s scope, the province-wide roles for a province-wide user,
        and ``user``; everyone for a user who sees everything, no one for an anonymous one."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        if scope.everything:
            return self.all()
        communes = Commune.objects.filter(scope.q(""))
        seen = (
            Q(commune__in=communes)
            | Q(district__in=District.objects.visible_to(user))
            | Q(consultant__in=communes.values("participations__programme__consultant_id"))
            | Q(pk=user.pk)
        )
        if user.is_province_wide:
            seen |= Q(role__in=[User.Role.DOST_STAFF, User.Role.MANAGER])
        return self.filter(seen)


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager, with :meth:`UserQuerySet.visible_to`."""


@dataclass
class EndedUnit:
    """The unit of a user that ended (a district abolished on 1/7/2025, a merged commune): what
    the banner of every page says, and the day their pages open on."""

    unit: object
    last_day: datetime.date
    successors: list = field(default_factory=list)
    is_district: bool = False


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

    objects = ScopedUserManager()

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
        if not self.unit_in_territory:
            return NOTHING
        if self.role == self.Role.DISTRICT_OFFICER and self.district_id:
            return Scope(district_id=self.district_id)
        if self.role == self.Role.COMMUNE_OFFICER and self.commune_id:
            return Scope(commune_id=self.commune_id)
        if self.role == self.Role.CONSULTANT and self.consultant_id:
            served = Commune.objects.filter(
                participations__programme__consultant_id=self.consultant_id
            )
            if territory_codes():
                served = served.filter(province__in=Province.objects.in_territory())
            return Scope(consultant_id=self.consultant_id, commune_ids=served.values("pk"))
        return NOTHING

    @cached_property
    def unit_in_territory(self) -> bool:
        """False for a district or commune officer whose unit lies outside the deployment's
        territory (``QMS_PROVINCE`` and its predecessors): they see nothing, as no one of the
        territory sees their unit. True without a territory (no query then)."""
        codes = territory_codes()
        if not codes:
            return True
        field = {self.Role.DISTRICT_OFFICER: "district", self.Role.COMMUNE_OFFICER: "commune"}
        name = field.get(self.role)
        if name is None or getattr(self, f"{name}_id") is None:
            return True
        # The territory is its provinces' codes (ProvinceQuerySet.in_territory): the unit's
        # province, loaded with the user by the sign-in backend, answers without a query.
        return getattr(self, name).province.code in codes

    @cached_property
    def ended_unit(self) -> EndedUnit | None:
        """A district officer's district or a commune officer's commune that had ended before
        today, with the units it went into; None when it is in force (or the user has none)."""
        if self.role == self.Role.DISTRICT_OFFICER and self.district_id:
            unit = self.district
        elif self.role == self.Role.COMMUNE_OFFICER and self.commune_id:
            unit = self.commune
        else:
            return None
        if unit.last_day is None:  # in force today
            return None
        district = isinstance(unit, District)
        successors = unit.successor_communes() if district else unit.successor_units()
        return EndedUnit(unit, unit.last_day, list(successors), is_district=district)

    @cached_property
    def last_day_in_scope(self) -> datetime.date | None:
        """The day a user's pages open on when nothing of their scope is in force today: the
        last day of their ended unit, or of the last commune a consultant served (None: today)."""
        if self.ended_unit is not None:
            return self.ended_unit.last_day
        if self.role != self.Role.CONSULTANT or not self.consultant_id:
            return None
        served = Commune.objects.filter(self.scope.q("")).aggregate(
            last=Max("valid_until"),
            in_force=Count("pk", filter=in_force_q(clock.today())),
            served=Count("pk"),
        )
        return served["last"] if served["served"] and not served["in_force"] else None

    @property
    def is_province_wide(self) -> bool:
        """DOST staff and managers: they work on the whole territory, not on one unit."""
        return self.is_active and self.role in (self.Role.DOST_STAFF, self.Role.MANAGER)

    @property
    def scope_label(self) -> str:
        """The name of what this user works on, for titles: the commune, the district, the
        consulting organisation, or the province (:func:`territory_name`); cached on the user."""
        if not hasattr(self, "_scope_label"):
            self._scope_label = self.scope_label_on(None)
        return self._scope_label

    def scope_label_on(self, day) -> str:
        """:attr:`scope_label` on ``day`` (default today): the province of that day. Kept on
        the user for the request (a page names it in its title and its heading)."""
        labels = self.__dict__.setdefault("_scope_labels", {})
        if day not in labels:
            unit = self.district or self.commune or self.consultant
            labels[day] = str(unit) if unit else territory_name(day)
        return labels[day]

    @property
    def dashboard_title(self) -> str:
        """The dashboard's heading: the overview of the user's scope, named."""
        return self.dashboard_title_on(None)

    def dashboard_title_on(self, day) -> str:
        """:attr:`dashboard_title` on ``day``: tỉnh Bến Tre in the 2017 picture."""
        label = self.scope_label_on(day)
        if self.consultant_id and not (self.district_id or self.commune_id):
            return _("Communes advised by %(name)s") % {"name": label}
        return _("Overview: %(name)s") % {"name": label}
