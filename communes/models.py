import datetime
import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, Value, When
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.querysets import ScopedQuerySet, in_force_q
from core.scope import Scope
from core.search import FoldedBulkWrites, FoldedText
from core.text import fold, unit_sort_key, unit_sort_key_length, vn_sort_key, vn_sort_key_length


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form the database stores."""
    return unicodedata.normalize("NFC", text or "").strip()


# The period key of a unit that began before the records (no ``valid_from``).
BEFORE_RECORDS = "0"

# A unit's page, by route and script prefix: the route reversed once with placeholders (lists
# print a link per row). What is not a unit's code and period key goes through ``reverse``.
_UNIT_PATHS: dict[tuple[str, str], str] = {}
_UNIT_ARGS = re.compile(r"[0-9]{1,5}/(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|0)")


def unit_path(route: str, code: str, since: str) -> str:
    """``reverse(route, args=[code, since])`` for the page of a unit (``route``: a route of
    ``reports.urls.UNIT``), at a fraction of the cost."""
    if not _UNIT_ARGS.fullmatch(f"{code}/{since}"):
        return reverse(route, args=[code, since])
    key = (route, get_script_prefix())
    pattern = _UNIT_PATHS.get(key)
    if pattern is None:
        sample = reverse(route, args=["00000", "0000-00-00"])
        pattern = sample.replace("00000", "{code}", 1).replace("0000-00-00", "{since}", 1)
        _UNIT_PATHS[key] = pattern
    return pattern.format(code=code, since=since)


class UnitQuerySet(FoldedBulkWrites, ScopedQuerySet):
    def current(self, on=None):
        """Units valid on ``on`` (default: the application's today)."""
        return self.filter(in_force_q(on or clock.today()))

    def by_key(self, code: str, since: str):
        """The unit that carried GSO ``code`` from ``since`` (:attr:`AdministrativeUnit.since_key`:
        its first day as yyyy-mm-dd, or ``0`` for a unit older than the records); ``None``
        when there is none or ``since`` cannot be read."""
        units = self.filter(code=code)
        if since == BEFORE_RECORDS:
            return units.filter(valid_from__isnull=True).order_by("-valid_until").first()
        try:
            day = datetime.date.fromisoformat(since)
        except ValueError:
            return None
        return units.filter(valid_from=day).first()

    def carriers(self, code: str):
        """Every unit that carried GSO ``code``, in the order of their periods (codes are reused:
        an old link by code alone leads to the list of them)."""
        return self.filter(code=code).order_by(F("valid_from").asc(nulls_first=True), "pk")

    def by_code(self, code: str, on=None):
        """The unit with GSO ``code`` valid on ``on``; else the one that ended last (or ``None``).

        Codes are reused after a unit ends, so "the unit 28987" means the current one; a code no
        current unit carries leads to the unit that carried it last.
        """
        units = self.filter(code=code)
        return units.current(on).first() or units.order_by(F("valid_until").desc()).first()


# The deployment's territory --------------------------------------------------------------------
# QMS_PROVINCE names the province (after 1/7/2025 the new one) and QMS_PROVINCE_PREDECESSORS the
# provinces it succeeds; "*" is a national deployment (every province, the ministry's view); empty
# is every province of the database, shown as one province (a database of one province's units).

NATIONAL = "*"

# From 1/7/2025 local government has two levels (Luật 72/2025/QH15): the commune level is made
# of communes, wards and special zones (no townships); before, of communes, wards and townships.
TWO_LEVELS_FROM = datetime.date(2025, 7, 1)


def commune_level_label(day: datetime.date | None = None) -> str:
    """The commune level named as on ``day`` (default today): "Xã, phường, thị trấn" before
    1/7/2025, "Xã, phường, đặc khu" from then (navigation, commune lists, exports)."""
    from django.utils.translation import pgettext

    if (day or clock.today()) >= TWO_LEVELS_FROM:
        return pgettext("the commune level from 1/7/2025", "Communes")
    return str(_("Communes"))


def is_national() -> bool:
    """A ministry-level deployment: the dashboard has the provinces as rows."""
    return settings.QMS_PROVINCE.strip() == NATIONAL


def territory_codes() -> list[str]:
    """The GSO codes of the deployment's provinces, its own first; empty for every province."""
    if is_national():
        return []
    codes = [settings.QMS_PROVINCE, *settings.QMS_PROVINCE_PREDECESSORS]
    return [code.strip() for code in codes if code and code.strip()]


class ProvinceQuerySet(UnitQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if scope.everything:
            return Q()
        if scope.province_ids is not None:
            return Q(pk__in=scope.province_ids)
        return Q(pk__in=Commune.objects.filter(scope.q("")).values("province_id"))

    def in_territory(self):
        """The provinces of the deployment's territory (every province when it names none)."""
        codes = territory_codes()
        return self.filter(code__in=codes) if codes else self.all()

    def territory_province(self, on=None):
        """The territory's province in force on ``on``, the one rule of "the province of a day"
        (the dashboard's title, the reports' heading): of the deployment's provinces then in
        force, the only one, else the only one that runs a programme by then (tỉnh Bến Tre in
        the 2017 picture), else the deployment's own; without a territory, the only province in
        force that runs a programme. ``None`` for a national deployment or when it cannot be
        told."""
        if is_national():
            return None
        day = on or clock.today()
        # Whether each runs a programme by then, read with it (one query, not one per province).
        by_then = Q(programmes__start_date__lte=day)
        current = self.current(day).annotate(running=Count("programmes", filter=by_then))
        codes = territory_codes()
        candidates = sorted(
            current.filter(code__in=codes) if codes else current,
            key=lambda p: codes.index(p.code) if codes else 0,
        )
        if len(candidates) == 1:
            return candidates[0]
        running = [p for p in candidates if p.running]
        if len(running) == 1:
            return running[0]
        return candidates[0] if codes and candidates else None


class DistrictQuerySet(UnitQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        if scope.everything:
            return Q()
        if scope.district_id is not None:
            return Q(pk=scope.district_id)
        if scope.province_ids is not None:
            return Q(province_id__in=scope.province_ids)
        return Q(pk__in=Commune.objects.filter(scope.q("")).values("district_id"))


class CommuneQuerySet(UnitQuerySet):
    commune_path = ""


class AdministrativeUnit(FoldedText, models.Model):
    """What provinces, districts and communes share: a GSO code, a name, a kind and a validity.

    A unit merged, split or abolished keeps its row, with ``valid_until`` set; what it became is
    recorded as successions (``Succession``, ``ProvinceSuccession``). A code reused by a new unit
    is a new row with its own validity, never a rename; the code of a current unit is unique.
    ``search_text`` (the folded name) and ``sort_key`` (Vietnamese order of the name without its
    kind, then the code) are derived on save and on bulk writes: lists search and sort on them in
    the database.
    """

    code = models.CharField(_("GSO code"), max_length=5, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    search_text = models.TextField(_("folded name"), blank=True, editable=False)
    sort_key = models.CharField(
        _("sort key"),
        max_length=unit_sort_key_length(100, 5),
        blank=True,
        editable=False,
        db_index=True,
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_until__isnull=True),
                name="%(app_label)s_%(class)s_code_current_unique",
                violation_error_message=_("A current unit with this GSO code already exists."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_validity_ordered",
                violation_error_message=_("A unit cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(code=""),
                name="%(app_label)s_%(class)s_code_not_empty",
                violation_error_message=_("The GSO code is required."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.code = (self.code or "").strip()
        super().save(*args, **kwargs)

    def fill_sort_fields(self) -> None:
        self.search_text = fold(self.name)
        self.sort_key = unit_sort_key(self.name, self.code)

    @property
    def since_key(self) -> str:
        """What tells this unit from every other that carried its code: its first day
        (yyyy-mm-dd), or ``0`` when it began before the records. Its pages are addressed by
        ``code`` and ``since_key`` together, never by the code alone."""
        return self.valid_from.isoformat() if self.valid_from else BEFORE_RECORDS

    @property
    def url_args(self) -> list[str]:
        """The arguments of this unit's URLs: its code and its period key."""
        return [self.code, self.since_key]

    @property
    def last_day(self):
        """The last day it was in force when it has ended before today; else None (its page
        opens on that day)."""
        ended = self.valid_until is not None and clock.is_past(self.valid_until)
        return self.valid_until if ended else None

    @property
    def is_current(self) -> bool:
        return self.is_valid_on(clock.today())

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )


class Province(AdministrativeUnit):
    """A province or centrally-run city (tỉnh / thành phố trực thuộc trung ương)."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Province")
        CITY = "thanh_pho", _("Centrally-run city")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PROVINCE)

    objects = ProvinceQuerySet.as_manager()

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            *AdministrativeUnit.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["tinh", "thanh_pho"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of province."),
            ),
        ]

    @property
    def short_name(self) -> str:
        """The name without its kind ("Vĩnh Long" for "Tỉnh Vĩnh Long"): the place of a document."""
        for prefix in ("tỉnh ", "thành phố "):
            if self.name.lower().startswith(prefix):
                return self.name[len(prefix) :]
        return self.name

    @property
    def people_committee(self) -> str:
        """Its People's Committee as a document's parent body: "UBND TỈNH VĨNH LONG"."""
        return f"UBND {self.name.upper()}"


class District(AdministrativeUnit):
    """A district-level unit (huyện / quận / thị xã / thành phố thuộc tỉnh); abolished 1/7/2025."""

    class Kind(models.TextChoices):
        RURAL = "huyen", _("Rural district")
        URBAN = "quan", _("Urban district")
        TOWN = "thi_xa", _("Town")
        CITY = "thanh_pho", _("Provincial city")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.RURAL)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="districts",
    )

    objects = DistrictQuerySet.as_manager()

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            *AdministrativeUnit.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["huyen", "quan", "thi_xa", "thanh_pho"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of district."),
            ),
        ]

    def get_absolute_url(self):
        """The page of this very district, by its code and period (codes are reused)."""
        return unit_path("reports:district_detail", self.code, self.since_key)

    def successor_communes(self):
        """The units its communes went into when they ended (the communes of 1/7/2025 for a
        district abolished that day), in Vietnamese order."""
        return (
            Commune.objects.filter(precedents__predecessor__district=self)
            .distinct()
            .order_by("sort_key", "code")
        )


class Commune(AdministrativeUnit):
    """A commune-level unit (xã / phường / thị trấn / đặc khu): the People's Committee that builds
    a QMS.

    ``district`` is empty only for units created after 1/7/2025, when districts were abolished;
    ``province`` is always set (kept in step with the district's province on save).
    """

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Commune")
        WARD = "phuong", _("Ward")
        TOWNSHIP = "thi_tran", _("Township")
        SPECIAL_ZONE = "dac_khu", _("Special zone")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COMMUNE)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
    )
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="communes",
    )

    objects = CommuneQuerySet.as_manager()

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        constraints = [
            *AdministrativeUnit.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=["xa", "phuong", "thi_tran", "dac_khu"]),
                name="%(app_label)s_%(class)s_kind_valid",
                violation_error_message=_("Unknown kind of commune."),
            ),
        ]

    def save(self, *args, **kwargs):
        if self.district_id and not self.province_id:
            self.province_id = self.district.province_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The page of this very unit, by its code and period (codes are reused): the same unit
        whoever reads it and on whatever day; an ended unit's page opens on its last day."""
        return unit_path("reports:commune_detail", self.code, self.since_key)

    # The words of the kinds as names begin with them ("Xã Phú Phụng", "Phường 2").
    KIND_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ")

    @property
    def name_in_text(self) -> str:
        """The name as a sentence writes it after another word, its kind in lower case:
        "Ủy ban nhân dân xã Phú Phụng", "tại phường An Hội"."""
        for word in self.KIND_WORDS:
            if self.name.startswith(word):
                return word.lower() + self.name[len(word) :]
        return self.name

    @property
    def committee_name(self) -> str:
        """Its People's Committee as documents name a body: "UBND xã Bình Hòa"."""
        return f"UBND {self.name_in_text}"

    def successor_units(self):
        """The units it went into (all of it or part of it), in Vietnamese order."""
        return Commune.objects.filter(precedents__predecessor=self).distinct().order_by("sort_key")

    def ancestry(self, on=None) -> list["Succession"]:
        """Every succession that led to this unit by day ``on`` (default: all): its
        predecessors first, then theirs (the 2017 picture holds no merger of 2020)."""
        return self.lineage(on)[0]

    def lineage(self, on=None) -> tuple[list["Succession"], list["Succession"]]:
        """:meth:`ancestry` and what this unit became (every succession from it, whatever the
        day, by pk); the first generation and the successions in one query."""
        successions = Succession.objects.select_related("predecessor__district", "successor")
        before = Q(effective_on__lte=on) if on is not None else Q()
        first = list(successions.filter((Q(successor=self) & before) | Q(predecessor=self)))
        became = sorted((s for s in first if s.predecessor_id == self.pk), key=lambda s: s.pk)
        found, seen = [], {self.pk}
        rows = [s for s in first if s.successor_id == self.pk and s.predecessor_id not in seen]
        while rows:
            seen.update(s.predecessor_id for s in rows)
            found += rows
            frontier = [s.predecessor_id for s in rows]
            rows = [
                s
                for s in successions.filter(before, successor__in=frontier)
                if s.predecessor_id not in seen
            ]
        return found, became


class SuccessionBase(models.Model):
    """What one unit became on a date: all of it (a merger) or part of it (a split).

    A unit merged into one successor has one succession marked whole; a unit split between
    several has one row per successor, each marked partly. ``legal_basis`` is the act the user
    types (a resolution number and date); the product never fills it in.
    """

    effective_on = models.DateField(_("effective on"))
    whole = models.BooleanField(
        _("whole unit"),
        default=True,
        help_text=_("Unticked when only part of the predecessor went to this successor."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["effective_on", "predecessor__code", "successor__code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="%(app_label)s_%(class)s_not_self",
                violation_error_message=_("A unit cannot succeed itself."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor", "effective_on"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message=_(
                    "This succession (same predecessor, successor and date) already exists."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class Succession(SuccessionBase):
    """A commune-level unit that became (all or part of) another on ``effective_on``."""

    predecessor = models.ForeignKey(
        Commune,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Commune,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="precedents",
    )

    class Meta(SuccessionBase.Meta):
        verbose_name = _("succession")
        verbose_name_plural = _("successions")


class ProvinceSuccession(SuccessionBase):
    """A province merged into (or split towards) another on ``effective_on``."""

    predecessor = models.ForeignKey(
        Province,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Province,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="precedents",
    )

    class Meta(SuccessionBase.Meta):
        verbose_name = _("province succession")
        verbose_name_plural = _("province successions")


# The other state administrative bodies the Sở answers for (QĐ 19/2014 Art. 2.1, Art. 12.6) -----


class Edition(models.TextChoices):
    """The edition of TCVN ISO 9001 a body's QMS follows (the same values as the programmes')."""

    ISO_2008 = "2008", "TCVN ISO 9001:2008"
    ISO_2015 = "2015", "TCVN ISO 9001:2015"


def body_applying_q(day) -> Q:
    """The one rule of a body applying its QMS on ``day``: begun by then."""
    return Q(applying_since__lte=day)


def body_announced_q(day) -> Q:
    """The one rule of a body with its QMS announced (QĐ 19/2014 Art. 4.3) by ``day``."""
    return Q(announced_on__lte=day)


class BodyQuerySet(FoldedBulkWrites, ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> Q:
        """The province's register: the province-wide roles see it, as the inspection plans."""
        if scope.everything:
            return Q()
        if scope.province_ids is not None:
            return Q(province_id__in=scope.province_ids)
        return Q(pk__in=[])

    def in_territory(self):
        """The bodies of the deployment's provinces (every province when it names none)."""
        codes = territory_codes()
        return self.filter(province__code__in=codes) if codes else self.all()

    def in_force_on(self, day):
        """The bodies that existed on ``day`` (the one rule of :func:`in_force_q`)."""
        return self.filter(in_force_q(day))

    def in_level_order(self):
        """Provincial bodies, then sub-departments, then the district level; by name within."""
        rank = Case(
            When(level="provincial", then=Value(0)),
            When(level="sub_department", then=Value(1)),
            default=Value(2),
        )
        return self.order_by(rank, "sort_key", "pk")

    def applying_on(self, day):
        """Applying their QMS on ``day`` (:func:`body_applying_q`)."""
        return self.filter(body_applying_q(day))

    def announced_by(self, day):
        """With their QMS announced on or before ``day`` (:func:`body_announced_q`)."""
        return self.filter(body_announced_q(day))


class Body(FoldedText, models.Model):
    """A state administrative body of the province other than the commune-level units (QĐ 19/2014
    Art. 2.1): a provincial department or agency, one of their sub-departments, and until
    30/6/2025 a district People's Committee or its agencies. The Sở registers the bodies it
    answers for, with their QMS status; the annual report counts them by level (Art. 12.6).
    The communes, wards and special zones are the units (:class:`Commune`), not rows here.

    Master data like the units: a body merged or dissolved keeps its row with ``valid_until``
    set; its status is dated (applying since, announced on), so a report of an earlier day
    counts it as it stood then."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("Provincial department or agency")
        SUB_DEPARTMENT = "sub_department", _("Sub-department")
        DISTRICT = "district", _("District level (until 30/6/2025)")

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="bodies",
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("under"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
        help_text=_("A sub-department's department, a district agency's People's Committee."),
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="bodies",
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    applying_since = models.DateField(
        _("applying the QMS since"),
        null=True,
        blank=True,
        help_text=_("Empty while the body does not apply a QMS."),
    )
    edition = models.CharField(_("edition"), max_length=4, choices=Edition, blank=True)
    announced_on = models.DateField(_("QMS announced on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_text = models.TextField(_("folded name"), blank=True, editable=False)
    sort_key = models.CharField(
        _("sort key"),
        max_length=vn_sort_key_length(200),
        blank=True,
        editable=False,
        db_index=True,
    )

    objects = BodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("state administrative body")
        verbose_name_plural = _("state administrative bodies")
        ordering = ["level", "sort_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["provincial", "sub_department", "district"]),
                name="%(app_label)s_%(class)s_level_valid",
                violation_error_message=_("Unknown level of body."),
            ),
            models.CheckConstraint(
                condition=Q(edition__in=["", "2008", "2015"]),
                name="%(app_label)s_%(class)s_edition_valid",
                violation_error_message=_("Unknown edition of TCVN ISO 9001."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="%(app_label)s_%(class)s_validity_ordered",
                violation_error_message=_("A body cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(announced_on__isnull=True)
                | (Q(applying_since__isnull=False) & Q(announced_on__gte=F("applying_since"))),
                name="%(app_label)s_%(class)s_announced_after_applying",
                violation_error_message=_(
                    "A body announces its QMS after it begins to apply it (QĐ 19/2014 Art. 4): "
                    "enter the day it began applying, not after the announcement."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="%(app_label)s_%(class)s_name_not_empty",
                violation_error_message=_("The name is required."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        super().save(*args, **kwargs)

    def fill_sort_fields(self) -> None:
        self.search_text = fold(self.name)
        self.sort_key = vn_sort_key(self.name)

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or self.valid_until >= day
        )
