"""Every URL pattern of the project, for every persona: the answer each one must get.

The walk below lists every URL pattern (admin, static and media files and the language switch
left out) and fails when one has no entry in ``URLS``: a new page cannot ship without saying who
may open it. It also fails when ``URLS`` names a pattern that no longer exists.

==============================================================================================
ADDING A URL: add ONE entry to ``URLS`` below, keyed by the URL name ("app:name"):

    "app:name": case(
        kwargs=lambda s: {"pk": s.milestone.pk},   # sample arguments from the ``world`` fixture
        expect=everyone(200, other_commune_officer=404, manager=403),
        anonymous=LOGIN,                           # the default: redirected to the login page
        method="get",                              # or "post" (with ``data=lambda s: {...}``)
    ),

``s`` is a :class:`Samples`: the ``world`` dict as attributes (``s.commune``, ``s.district``,
``s.participation``, ...) plus sample rows made on demand (``s.milestone``, ``s.evidence``,
``s.audit``, ``s.finding``, ``s.action``, ``s.scope_item``, ``s.announcement``): add a
``cached_property`` there when your page needs another. Personas: dost_staff, manager,
district_officer (district 1: communes A and B), commune_officer (commune A),
other_commune_officer (commune C, district 2, another programme), consultant (serves A and B).
Out of scope is 404, a role that may not act is 403 (see ``accounts/access.py``).
==============================================================================================
"""

from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = [
    "dost_staff",
    "manager",
    "district_officer",
    "commune_officer",
    "other_commune_officer",
    "consultant",
]
LOGIN = "login"  # a redirect to the login page
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}
SKIPPED_PREFIXES = (settings.STATIC_URL.lstrip("/"), settings.MEDIA_URL.lstrip("/"))


def everyone(status, **overrides) -> dict:
    """The same answer for every persona, except the ones named."""
    unknown = set(overrides) - set(PERSONAS)
    assert not unknown, f"unknown personas: {unknown}"
    return {persona: overrides.get(persona, status) for persona in PERSONAS}


# Who may see commune A (and its district, district 1): all but the officer of commune C.
SEES_COMMUNE_A = everyone(200, other_commune_officer=404)
DOST_ONLY = everyone(403, dost_staff=200)
# Who may record audits, findings, actions, announcements and edit the scope of commune A.
WRITES_A = everyone(403, dost_staff=200, consultant=200, other_commune_officer=404)
# What only the province-wide roles open: 403 for a list, 404 for one of its rows.
PROVINCE_WIDE = everyone(403, dost_staff=200, manager=200)
PROVINCE_WIDE_404 = everyone(404, dost_staff=200, manager=200)
# Who may manage programme A (DOST staff); the officer of commune C does not see it.
MANAGES_PROGRAMME_A = everyone(403, dost_staff=200, other_commune_officer=404)


@dataclass
class Case:
    expect: dict
    kwargs: object = None
    anonymous: object = LOGIN
    method: str = "get"
    data: object = None
    args: list = field(default_factory=list)


def case(expect, *, kwargs=None, anonymous=LOGIN, method="get", data=None) -> Case:
    assert set(expect) == set(PERSONAS), "give an answer for every persona (use everyone())"
    return Case(expect=expect, kwargs=kwargs, anonymous=anonymous, method=method, data=data)


URLS: dict[str, Case] = {
    # accounts -----------------------------------------------------------------------------
    "accounts:home": case(everyone(302)),
    "accounts:login": case(everyone(302), anonymous=200),
    "accounts:logout": case(everyone(302), method="post", anonymous=302),
    "accounts:password_change": case(everyone(200)),
    "accounts:password_change_done": case(everyone(200)),
    # the health probe of the proxy and monitoring: open, nothing confidential
    "healthz": case(everyone(200), anonymous=200),
    # password reset by e-mail: open to anyone; a made-up link shows "this link no longer works"
    "accounts:password_reset": case(everyone(200), anonymous=200),
    "accounts:password_reset_done": case(everyone(200), anonymous=200),
    "accounts:password_reset_confirm": case(
        everyone(200), kwargs=lambda s: {"uidb64": "MQ", "token": "abc-def"}, anonymous=200
    ),
    "accounts:password_reset_complete": case(everyone(200), anonymous=200),
    # notifications: each user's own list, count and preferences
    "notifications:list": case(everyone(200)),
    "notifications:count": case(everyone(200)),
    "notifications:preferences": case(everyone(200)),
    # the REST API: the lists and objects of the pages (401 without credentials, not a redirect),
    # writes by the pages' rules; the schema and its docs open to all
    **{
        f"api:{name}": case(everyone(200), anonymous=401)
        for name in (
            "unit-list",
            "procedure-list",
            "programme-list",
            "participation-list",
            "milestone-list",
            "audit-list",
            "finding-list",
            "action-list",
            "announcement-list",
            "figures",
            "notifications",
        )
    },
    "api:year_figures": case(everyone(200), kwargs=lambda s: {"year": 2017}, anonymous=401),
    "api:unit-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.commune.code}, anonymous=401
    ),
    "api:unit-period": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.commune.code, "since": "0"}, anonymous=401
    ),
    "api:unit-scope": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.commune.code, "since": "0"}, anonymous=401
    ),
    "api:procedure-detail": case(
        everyone(200), kwargs=lambda s: {"pk": s.scope_item.procedure_id}, anonymous=401
    ),
    "api:programme-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.programme.pk}, anonymous=401
    ),
    "api:participation-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.participation.pk}, anonymous=401
    ),
    "api:milestone-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.milestone.pk}, anonymous=401
    ),
    "api:milestone-evidence": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.milestone.pk}, anonymous=401
    ),
    "api:evidence-download": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.evidence.pk}, anonymous=401
    ),
    # corrective actions done and verified: a write needs the version read (If-Match), so a
    # role that may write gets 428 without it; one that may not, 403; out of scope, 404
    "api:action-done": case(
        everyone(428, other_commune_officer=404, manager=403, district_officer=403),
        kwargs=lambda s: {"pk": s.action.pk},
        method="post",
        anonymous=401,
    ),
    "api:action-verify": case(
        everyone(403, dost_staff=428, consultant=428, other_commune_officer=404),
        kwargs=lambda s: {"pk": s.done_action.pk},
        method="post",
        anonymous=401,
    ),
    # the Sở's inspections as the pages show them (audits:plan_list, plan_detail, inspection_detail)
    "api:inspectionplan-list": case(PROVINCE_WIDE, anonymous=401),
    "api:inspectionplan-detail": case(
        PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.plan.pk}, anonymous=401
    ),
    "api:inspectionplan-document": case(
        PROVINCE_WIDE_404,
        kwargs=lambda s: {"pk": s.plan.pk, "kind": "request", "fmt": "docx"},
        anonymous=401,
    ),
    "api:plannedinspection-list": case(everyone(200), anonymous=401),
    "api:plannedinspection-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.visit.pk}, anonymous=401
    ),
    "api:plannedinspection-document": case(
        SEES_COMMUNE_A,
        kwargs=lambda s: {"pk": s.visit.pk, "kind": "minutes", "fmt": "docx"},
        anonymous=401,
    ),
    # the national picture: the province-wide roles (the figures pulled from the provinces)
    "api:national_figures": case(PROVINCE_WIDE),
    "api:audit-detail": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.audit.pk}, anonymous=401),
    "api:finding-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.finding.pk}, anonymous=401
    ),
    "api:action-detail": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.action.pk}, anonymous=401),
    "api:announcement-detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.announcement.pk}, anonymous=401
    ),
    "api:audit-list#create": case(
        everyone(403, dost_staff=201, consultant=201, other_commune_officer=404),
        method="post",
        data=lambda s: {
            "commune_code": s.commune.code,
            "commune_since": "0",
            "kind": "internal_audit",
            "date": "01/12/2017",
            "lead": "A",
        },
        anonymous=401,
    ),
    "api:audit-findings": case(
        everyone(403, dost_staff=201, consultant=201, other_commune_officer=404),
        kwargs=lambda s: {"pk": s.audit.pk},
        method="post",
        data=lambda s: {"clause": "7", "severity": "minor", "description": "x"},
        anonymous=401,
    ),
    "api:finding-corrective-actions": case(
        everyone(403, dost_staff=201, consultant=201, other_commune_officer=404),
        kwargs=lambda s: {"pk": s.finding.pk},
        method="post",
        data=lambda s: {"description": "x", "owner": "y", "due_date": "01/12/2017"},
        anonymous=401,
    ),
    "api:schema": case(everyone(200), anonymous=200),
    "api:docs": case(everyone(200), anonymous=200),
    "api:not_found": case(everyone(404), anonymous=404),
    # API tokens: each user's own page; nobody revokes another's token
    "api:token_list": case(everyone(200)),
    "api:token_revoke": case(everyone(404), kwargs=lambda s: {"pk": s.api_token.pk}, method="post"),
    # reading pages ------------------------------------------------------------------------
    "reports:dashboard": case(everyone(200)),
    "reports:commune_list": case(everyone(200)),
    # Old addresses by code alone: a redirect to the unit's own address for who sees it.
    "communes:commune_by_code": case(
        everyone(302, other_commune_officer=404),
        kwargs=lambda s: {"code": s.commune.code, "rest": ""},
    ),
    "communes:district_by_code": case(
        everyone(302, other_commune_officer=404), kwargs=lambda s: {"code": s.district.code}
    ),
    "communes:commune_report_by_code": case(
        everyone(302, other_commune_officer=404),
        kwargs=lambda s: {"code": s.commune.code, "fmt": "xlsx"},
    ),
    "communes:district_report_by_code": case(
        everyone(302, other_commune_officer=404),
        kwargs=lambda s: {"code": s.district.code, "fmt": "xlsx"},
    ),
    "reports:commune_detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.commune.code, "since": s.commune.since_key}
    ),
    "reports:district_detail": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.district.code, "since": s.district.since_key}
    ),
    "roadmap:milestone_list": case(everyone(200)),
    "audits:finding_list": case(everyone(200)),
    "audits:action_list": case(everyone(200)),
    "audits:announcement_list": case(everyone(200)),
    # milestone update and evidence (part B) -----------------------------------------------
    # Reading the milestone is open to whoever sees the commune; the form posts need the write
    # right (tested in roadmap/tests/test_milestone_update.py).
    "roadmap:milestone_update": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.milestone.pk}),
    "roadmap:evidence_download": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.evidence.pk}),
    # procedures (part B) -------------------------------------------------------------------
    "procedures:procedure_list": case(everyone(200)),
    "procedures:scope_edit": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"code": s.commune.code, "since": s.commune.since_key}
    ),
    # audits, announcements (part B) ---------------------------------------------------------
    # Recording needs the quality-records right (DOST staff, the consultant serving the commune);
    # a POST without data shows the form again with its errors (200) to those who may.
    "audits:audit_create": case(
        WRITES_A, kwargs=lambda s: {"code": s.commune.code, "since": s.commune.since_key}
    ),
    "audits:audit_detail": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.audit.pk}),
    "audits:audit_report": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.inspection.pk}),
    "audits:finding_create": case(WRITES_A, kwargs=lambda s: {"pk": s.audit.pk}, method="post"),
    "audits:action_create": case(WRITES_A, kwargs=lambda s: {"pk": s.finding.pk}, method="post"),
    # Closing redirects back to the audit page (302) for those who may.
    "audits:finding_close": case(
        {**WRITES_A, "dost_staff": 302, "consultant": 302},
        kwargs=lambda s: {"pk": s.finding.pk},
        method="post",
    ),
    "audits:action_update": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.action.pk}),
    "audits:action_evidence": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.done_action.pk}),
    "audits:announcement_create": case(
        WRITES_A, kwargs=lambda s: {"code": s.commune.code, "since": s.commune.since_key}
    ),
    # the Sở's inspections and annual report (TT 26/2014): province-wide roles read, DOST write;
    # a commune sees its own inspection, its decision and minutes ------------------------------
    "audits:plan_list": case(PROVINCE_WIDE),
    "audits:plan_create": case(DOST_ONLY),
    "audits:plan_detail": case(PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.plan.pk}),
    "audits:inspection_detail": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.visit.pk}),
    # Posting an empty form: DOST staff get the page back with its errors (or a redirect).
    "audits:inspection_decision": case(
        everyone(403, dost_staff=302, other_commune_officer=404),
        kwargs=lambda s: {"pk": s.visit.pk},
        method="post",
    ),
    "audits:inspection_minutes": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.visit.pk}, method="post"
    ),
    "audits:inspection_presence": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.visit.pk}, method="post"
    ),
    # A visit has minutes, not the letter of a check of records: 404 for the one who may write.
    "audits:inspection_letter": case(
        everyone(403, dost_staff=404, other_commune_officer=404),
        kwargs=lambda s: {"pk": s.visit.pk},
        method="post",
    ),
    "audits:inspection_answer": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.visit.pk}, method="post"
    ),
    "reports:plan_file": case(
        PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.plan.pk, "name": "request", "fmt": "docx"}
    ),
    "reports:inspection_file": case(
        SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.visit.pk, "name": "minutes", "fmt": "docx"}
    ),
    "reports:annual_report_list": case(PROVINCE_WIDE),
    "reports:annual_report_detail": case(
        PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.annual_report.pk}
    ),
    "reports:annual_report_document": case(
        PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.annual_report.pk, "fmt": "docx"}
    ),
    "reports:annual_report_province_document": case(
        PROVINCE_WIDE_404, kwargs=lambda s: {"pk": s.annual_report.pk, "fmt": "pdf"}
    ),
    # the money by year and line, the register of bodies: read by the province-wide roles,
    # written by DOST staff (an edit page is a write)
    "reports:budget_year": case(PROVINCE_WIDE),
    "reports:budget_line_update": case(DOST_ONLY, kwargs=lambda s: {"pk": s.budget_line.pk}),
    "reports:body_list": case(PROVINCE_WIDE),
    "reports:body_update": case(DOST_ONLY, kwargs=lambda s: {"pk": s.body.pk}),
    # programme management (part B): DOST staff write; the others read what they may see -------
    "roadmap:programme_list": case(everyone(200)),
    "roadmap:programme_create": case(DOST_ONLY),
    "roadmap:programme_from_successors": case(DOST_ONLY),
    "roadmap:programme_detail": case(SEES_COMMUNE_A, kwargs=lambda s: {"pk": s.programme.pk}),
    "roadmap:participation_create": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.programme.pk}, method="post"
    ),
    "roadmap:participation_bulk_create": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.programme.pk}, method="post"
    ),
    "roadmap:programme_apply_template": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.programme.pk}, method="post"
    ),
    "roadmap:officer_assign": case(
        MANAGES_PROGRAMME_A, kwargs=lambda s: {"pk": s.programme.pk}, method="post"
    ),
    # report downloads ---------------------------------------------------------------------
    "reports:province_report": case(
        everyone(403, dost_staff=200, manager=200), kwargs=lambda s: {"fmt": "xlsx"}
    ),
    "reports:district_report": case(
        SEES_COMMUNE_A,
        kwargs=lambda s: {"code": s.district.code, "since": s.district.since_key, "fmt": "xlsx"},
    ),
    "reports:commune_report": case(
        SEES_COMMUNE_A,
        kwargs=lambda s: {"code": s.commune.code, "since": s.commune.since_key, "fmt": "xlsx"},
    ),
    # an export made by the worker: only its user's (reports/tests/test_long_work.py)
    "reports:export_task": case(
        everyone(404), kwargs=lambda s: {"task_id": "00000000-0000-0000-0000-000000000000"}
    ),
    # imports (DOST staff only) --------------------------------------------------------------
    "imports:index": case(DOST_ONLY),
    "imports:upload": case(DOST_ONLY, kwargs=lambda s: {"kind": "milestones"}),
    "imports:template": case(DOST_ONLY, kwargs=lambda s: {"kind": "milestones", "fmt": "xlsx"}),
    # The same pages for the national lists of 2025 and the conversion table ("name#variant").
    "imports:upload#admin-units": case(DOST_ONLY, kwargs=lambda s: {"kind": "admin-units"}),
    "imports:upload#unit-successions": case(
        DOST_ONLY, kwargs=lambda s: {"kind": "unit-successions"}
    ),
    "imports:template#unit-successions": case(
        DOST_ONLY, kwargs=lambda s: {"kind": "unit-successions", "fmt": "csv"}
    ),
    "imports:preview#unit-successions": case(
        everyone(403, dost_staff=404),
        kwargs=lambda s: {"kind": "unit-successions", "token": "x" * 32},
    ),
    "imports:confirm#unit-successions": case(
        everyone(403, dost_staff=404),
        kwargs=lambda s: {"kind": "unit-successions", "token": "x" * 32},
        method="post",
    ),
    # An unknown upload token: refused before anything is looked up.
    "imports:preview": case(
        everyone(403, dost_staff=404), kwargs=lambda s: {"kind": "milestones", "token": "x" * 32}
    ),
    "imports:confirm": case(
        everyone(403, dost_staff=404),
        kwargs=lambda s: {"kind": "milestones", "token": "x" * 32},
        method="post",
    ),
}


class Samples:
    """The ``world`` as attributes, and sample rows in commune A made when first asked for."""

    def __init__(self, world):
        self.world = world

    def __getattr__(self, name):
        try:
            return self.world[name]
        except KeyError:
            raise AttributeError(name) from None

    @cached_property
    def milestone(self):
        from roadmap.tests.factories import MilestoneFactory

        return MilestoneFactory(participation=self.participation)

    @cached_property
    def evidence(self):
        from roadmap.models import Evidence

        return Evidence.objects.create(
            milestone=self.milestone,
            file=ContentFile(b"%PDF-1.4 sample", name="bien-ban.pdf"),
            original_name="bien-ban.pdf",
            content_type="application/pdf",
            size=15,
        )

    @cached_property
    def audit(self):
        from audits.tests.factories import AuditFactory

        return AuditFactory(commune=self.commune)

    @cached_property
    def finding(self):
        from audits.tests.factories import FindingFactory

        return FindingFactory(audit=self.audit)

    @cached_property
    def action(self):
        from audits.tests.factories import CorrectiveActionFactory

        return CorrectiveActionFactory(finding=self.finding)

    @cached_property
    def inspection(self):
        """A DOST inspection of commune A with its report file."""
        from audits.tests.factories import AuditFactory

        return AuditFactory(
            commune=self.commune,
            kind="inspection_onsite",
            report=ContentFile(b"%PDF-1.4 sample", name="bien-ban.pdf"),
        )

    @cached_property
    def done_action(self):
        """A corrective action marked done, with its evidence file."""
        from audits.tests.factories import CorrectiveActionFactory

        return CorrectiveActionFactory(
            finding=self.finding,
            done_on=__import__("datetime").date(2017, 12, 1),
            evidence=ContentFile(b"%PDF-1.4 sample", name="phieu.pdf"),
        )

    @cached_property
    def announcement(self):
        from audits.tests.factories import AnnouncementFactory

        return AnnouncementFactory(commune=self.commune)

    @cached_property
    def plan(self):
        from audits.models import InspectionPlan

        return InspectionPlan.objects.create(province=self.province, year=2017)

    @cached_property
    def visit(self):
        """Commune A's on-site inspection in the plan, with its minutes (the inspection)."""
        from audits.models import PlannedInspection

        return PlannedInspection.objects.create(
            plan=self.plan, commune=self.commune, form="onsite", audit=self.inspection
        )

    @cached_property
    def annual_report(self):
        from reports.models import AnnualReport

        return AnnualReport.objects.create(province=self.province, year=2017)

    @cached_property
    def budget_line(self):
        from roadmap.models import BudgetLine

        return BudgetLine.objects.create(
            province=self.province, year=2017, line="inspection", allocated=1
        )

    @cached_property
    def body(self):
        from communes.models import Body

        return Body.objects.create(province=self.province, name="Sở Tư pháp", level="provincial")

    @cached_property
    def api_token(self):
        """A token of a user who is none of the personas."""
        from accounts.tests.factories import UserFactory
        from api.models import ApiToken

        return ApiToken.issue(user=UserFactory(username="someone-else"), name="x")[0]

    @cached_property
    def scope_item(self):
        from procedures.tests.factories import ScopeItemFactory

        return ScopeItemFactory(commune=self.commune)


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or namespace
            if ns in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}:{p.namespace}" if namespace and p.namespace else ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            if route.lstrip("^/").startswith(SKIPPED_PREFIXES) or p.name in SKIPPED_NAMES:
                continue
            name = p.name or route
            yield f"{namespace}:{name}" if namespace else name


def project_url_names() -> set[str]:
    return set(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_an_entry():
    missing = sorted(project_url_names() - set(URLS))
    assert not missing, f"URL patterns without an entry in URLS (add one each): {missing}"


def test_no_entry_for_a_url_pattern_that_is_gone():
    stale = sorted({url_name(key) for key in URLS} - project_url_names())
    assert not stale, f"entries in URLS for URL patterns that no longer exist: {stale}"


@pytest.fixture(autouse=True)
def _pinned(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.QMS_AS_OF = __import__("datetime").date(2017, 12, 15)


def url_name(key: str) -> str:
    """The URL name of an entry of ``URLS`` ("name" or "name#variant")."""
    return key.split("#")[0]


def _request(client, name, entry, samples):
    kwargs = entry.kwargs(samples) if entry.kwargs else {}
    url = reverse(url_name(name), kwargs=kwargs)
    if entry.method == "post":
        data = entry.data(samples) if entry.data else {}
        return client.post(url, data)
    return client.get(url)


@pytest.mark.parametrize("name", sorted(URLS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_gets_the_expected_answer(client, request, world, name, persona):
    if url_name(name) not in project_url_names():
        pytest.fail(f"{name} has an entry but no URL pattern")
    entry = URLS[name]
    client.force_login(request.getfixturevalue(persona))
    response = _request(client, name, entry, Samples(world))
    assert response.status_code == entry.expect[persona], (
        f"{name} for {persona}: {response.status_code}, expected {entry.expect[persona]}"
    )


@pytest.mark.parametrize("name", sorted(URLS))
def test_anonymous_gets_the_expected_answer(client, world, name):
    if url_name(name) not in project_url_names():
        pytest.fail(f"{name} has an entry but no URL pattern")
    entry = URLS[name]
    response = _request(client, name, entry, Samples(world))
    if entry.anonymous == LOGIN:
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), (
            f"{name} sends anonymous users to {response['Location']}"
        )
    else:
        assert response.status_code == entry.anonymous, f"{name}: {response.status_code}"
