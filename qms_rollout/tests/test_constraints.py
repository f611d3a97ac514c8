"""Every database constraint of the domain is tried here: each case breaks exactly one rule and
the database refuses it. The last test fails when a model gains a constraint with no case."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.tests.factories import UserFactory
from audits.tests.factories import (
    AnnouncementFactory,
    AuditFactory,
    CorrectiveActionFactory,
    FindingFactory,
)
from communes.models import Commune, District, Province, ProvinceSuccession, Succession
from communes.tests.factories import CommuneFactory, DistrictFactory
from procedures.tests.factories import FieldFactory, ProcedureFactory, ScopeItemFactory
from roadmap.tests.factories import (
    ConsultantFactory,
    MilestoneFactory,
    ParticipationFactory,
    ProgrammeFactory,
    RoadmapStepFactory,
    RoadmapTemplateFactory,
)

D = datetime.date


def _unit_cases(model, factory):
    label = model._meta.label_lower.replace(".", "_")

    def duplicate_current_code():
        factory(code="77777")
        factory(code="77777")

    return {
        f"{label}_code_current_unique": duplicate_current_code,
        f"{label}_validity_ordered": lambda: factory(
            valid_from=D(2020, 1, 1), valid_until=D(2019, 1, 1)
        ),
        f"{label}_code_not_empty": lambda: factory(code=""),
        f"{label}_kind_valid": lambda: factory(kind="bogus"),
    }


def _province(**kwargs):
    kwargs.setdefault("code", f"{Province.objects.count() + 10}")
    return Province.objects.create(name="Tỉnh X", **kwargs)


_district = DistrictFactory
_commune = CommuneFactory


def _succession(*, same=False):
    old = Commune.objects.filter(code="60001").first() or _commune(
        code="60001", valid_until=D(2025, 6, 30)
    )
    new = old if same else (Commune.objects.filter(code="60002").first() or _commune(code="60002"))
    return Succession.objects.create(predecessor=old, successor=new, effective_on=D(2025, 7, 1))


def _province_succession(*, same=False):
    old = Province.objects.filter(code="98").first() or _province(
        code="98", valid_until=D(2025, 6, 30)
    )
    new = old if same else (Province.objects.filter(code="99").first() or _province(code="99"))
    return ProvinceSuccession.objects.create(
        predecessor=old, successor=new, effective_on=D(2025, 7, 1)
    )


def _broken_user(**kwargs):
    return UserFactory(**kwargs)


CASES = {
    **_unit_cases(Province, _province),
    **_unit_cases(District, _district),
    **_unit_cases(Commune, _commune),
    "communes_succession_not_self": lambda: _succession(same=True),
    "communes_succession_unique": lambda: [_succession(), _succession()],
    "communes_provincesuccession_not_self": lambda: _province_succession(same=True),
    "communes_provincesuccession_unique": lambda: [
        _province_succession(),
        _province_succession(),
    ],
    # procedures
    "procedures_procedure_national_code_unique": lambda: [
        ProcedureFactory(national_code="1.001193"),
        ProcedureFactory(national_code="1.001193"),
    ],
    "procedures_procedure_name_unique_in_field": lambda: [
        ProcedureFactory(name="Đăng ký khai sinh", field=FieldFactory()),
        ProcedureFactory(name="Đăng ký khai sinh", field=FieldFactory()),
    ],
    "procedures_procedure_not_replaced_by_self": lambda: _self_ref(
        ProcedureFactory(abolished_on=D(2018, 1, 1)), "replaced_by"
    ),
    "procedures_procedure_replaced_is_abolished": lambda: ProcedureFactory(
        replaced_by=ProcedureFactory()
    ),
    "procedures_procedure_legal_basis_length": lambda: ProcedureFactory(legal_basis="x" * 4001),
    "procedures_scopeitem_procedure_once_per_commune": lambda: _twice(ScopeItemFactory),
    "procedures_scopeitem_process_code_unique_in_commune": lambda: _same_commune(
        ScopeItemFactory, process_code="QT-01"
    ),
    "procedures_scopeitem_state_valid": lambda: ScopeItemFactory(state="bogus"),
    "procedures_scopeitem_issued_has_date": lambda: ScopeItemFactory(state="issued"),
    # roadmap
    "roadmap_programme_years_ordered": lambda: ProgrammeFactory(year_start=2019, year_end=2017),
    "roadmap_programme_budget_not_negative": lambda: ProgrammeFactory(budget=-1),
    "roadmap_programme_standard_valid": lambda: ProgrammeFactory(standard="2000"),
    "roadmap_roadmapstep_order_unique": lambda: _same_template(order=1),
    "roadmap_roadmapstep_key_unique": lambda: _same_template(key="announcement"),
    "roadmap_roadmapstep_duration_positive": lambda: RoadmapStepFactory(duration_days=0),
    "roadmap_roadmapstep_weight_positive": lambda: RoadmapStepFactory(weight=0),
    "roadmap_participation_commune_once_per_programme": lambda: _twice(ParticipationFactory),
    "roadmap_participation_kind_valid": lambda: ParticipationFactory(kind="bogus"),
    "roadmap_participation_budget_not_negative": lambda: ParticipationFactory(budget_spent=-5),
    "roadmap_milestone_step_once_per_participation": lambda: _twice(MilestoneFactory),
    "roadmap_milestone_due_after_start": lambda: MilestoneFactory(
        planned_start=D(2017, 9, 1), due_date=D(2017, 8, 1)
    ),
    "roadmap_milestone_status_valid": lambda: MilestoneFactory(status="bogus"),
    "roadmap_milestone_done_has_date": lambda: MilestoneFactory(status="done"),
    "roadmap_milestone_date_only_when_done": lambda: MilestoneFactory(
        status="in_progress", completed_on=D(2017, 9, 1)
    ),
    "roadmap_milestone_blocked_has_note": lambda: MilestoneFactory(status="blocked", note=""),
    "roadmap_milestone_version_positive": lambda: MilestoneFactory(version=0),
    "roadmap_evidence_not_empty": lambda: _empty_evidence(),
    "roadmap_milestone_note_length": lambda: MilestoneFactory(note="ư" * 2001),
    "roadmap_roadmaptemplate_description_length": lambda: RoadmapTemplateFactory(
        description="x" * 4001
    ),
    "roadmap_roadmaptemplate_standard_valid": lambda: RoadmapTemplateFactory(standard="2000"),
    # audits
    "audits_audit_kind_valid": lambda: AuditFactory(kind="bogus"),
    "audits_audit_lead_required": lambda: AuditFactory(lead=""),
    "audits_finding_severity_valid": lambda: FindingFactory(severity="bogus"),
    "audits_finding_status_valid": lambda: FindingFactory(status="bogus"),
    "audits_finding_closed_has_date": lambda: FindingFactory(status="closed"),
    "audits_audit_summary_length": lambda: AuditFactory(summary="x" * 4001),
    "audits_finding_description_length": lambda: FindingFactory(description="ầ" * 4001),
    "audits_correctiveaction_description_length": lambda: CorrectiveActionFactory(
        description="x" * 4001
    ),
    "audits_finding_description_required": lambda: FindingFactory(description=""),
    "audits_correctiveaction_verified_only_when_done": lambda: CorrectiveActionFactory(
        verified_by=UserFactory(), verified_at=datetime.datetime(2017, 12, 1, tzinfo=datetime.UTC)
    ),
    "audits_correctiveaction_verification_complete": lambda: CorrectiveActionFactory(
        done_on=D(2017, 12, 1), verified_by=UserFactory()
    ),
    "audits_correctiveaction_owner_required": lambda: CorrectiveActionFactory(owner=""),
    "audits_announcement_decision_unique_in_commune": lambda: _same_commune(
        AnnouncementFactory, decision_number="12/QĐ-UBND"
    ),
    "audits_announcement_kind_valid": lambda: AnnouncementFactory(kind="bogus"),
    "audits_announcement_standard_valid": lambda: AnnouncementFactory(standard="2000"),
    "audits_announcement_sent_after_decision": lambda: AnnouncementFactory(
        decision_date=D(2017, 12, 1), sent_to_dost_on=D(2017, 11, 1)
    ),
    # accounts
    "accounts_user_role_valid": lambda: _broken_user(role="bogus"),
    "accounts_user_scope_matches_role": lambda: _broken_user(role=User.Role.COMMUNE_OFFICER),
}


def _plan(**kwargs):
    from audits.models import InspectionPlan
    from communes.tests.factories import ProvinceFactory

    kwargs.setdefault("year", 2018)
    return InspectionPlan.objects.create(province=ProvinceFactory(), **kwargs)


def _visit(**kwargs):
    from audits.models import PlannedInspection

    kwargs.setdefault("form", "records")
    plan = kwargs.pop("plan", None) or _plan()
    commune = kwargs.pop("commune", None) or CommuneFactory()
    return PlannedInspection.objects.create(plan=plan, commune=commune, **kwargs)


def _answer(**kwargs):
    from audits.models import ChecklistAnswer

    kwargs.setdefault("item", "1a")
    kwargs.setdefault("result", "conforms")
    audit = kwargs.pop("audit", None) or AuditFactory()
    return ChecklistAnswer.objects.create(audit=audit, **kwargs)


def _item_twice():
    from audits.models import AnnouncementItem

    announcement, procedure = AnnouncementFactory(), ProcedureFactory()
    for _ in range(2):
        AnnouncementItem.objects.create(
            announcement=announcement, procedure=procedure, procedure_name=procedure.name
        )


def _same_commune_twice():
    plan, commune = _plan(), CommuneFactory()
    _visit(plan=plan, commune=commune)
    _visit(plan=plan, commune=commune)


def _same_item_twice():
    audit = AuditFactory()
    _answer(audit=audit)
    _answer(audit=audit)


CYCLE_CASES = {
    "roadmap_programme_year_from_2000": lambda: ProgrammeFactory(year_start=1999, year_end=2001),
    "audits_announcementitem_procedure_once": _item_twice,
    "audits_inspectionplan_one_per_year": lambda: [_plan(year=2019), _plan(year=2019)],
    "audits_inspectionplan_year_from_2000": lambda: _plan(year=1999),
    "audits_inspectionplan_period_ordered": lambda: _plan(
        period_start=D(2019, 5, 1), period_end=D(2019, 4, 1)
    ),
    "audits_inspectionplan_budget_not_negative": lambda: _plan(budget=-1),
    "audits_plannedinspection_commune_once_per_plan": _same_commune_twice,
    "audits_plannedinspection_form_valid": lambda: _visit(form="bogus"),
    "audits_plannedinspection_decision_only_on_site": lambda: _visit(
        form="records", decision_number="12/QĐ-SKHCN"
    ),
    "audits_checklistanswer_item_once_per_inspection": _same_item_twice,
    "audits_checklistanswer_item_valid": lambda: _answer(item="9z"),
    "audits_checklistanswer_result_valid": lambda: _answer(result="bogus"),
    "audits_checklistanswer_nonconformity_has_note": lambda: _answer(result="does_not", note=""),
}
CASES.update(CYCLE_CASES)


def _legal_basis(**kwargs):
    from audits.models import LegalBasis

    kwargs.setdefault("number", "999/2099/QĐ-TEST")
    return LegalBasis.objects.create(kind="Quyết định", **kwargs)


def _body(**kwargs):
    from communes.models import Body
    from communes.tests.factories import ProvinceFactory

    kwargs.setdefault("name", "Sở Tư pháp")
    kwargs.setdefault("level", "provincial")
    return Body.objects.create(province=ProvinceFactory(), **kwargs)


def _catalogue(**kwargs):
    from procedures.models import Catalogue

    kwargs.setdefault("name", f"Danh mục thử {Catalogue.objects.count() + 1}")
    return Catalogue.objects.create(**kwargs)


def _budget_line(**kwargs):
    from communes.tests.factories import ProvinceFactory
    from roadmap.models import BudgetLine

    kwargs.setdefault("year", 2018)
    kwargs.setdefault("line", "consultancy")
    if kwargs["line"] != "inspection" and "body" not in kwargs:
        kwargs.setdefault("commune", CommuneFactory())
    return BudgetLine.objects.create(province=ProvinceFactory(), **kwargs)


def _budget_twice(**kwargs):
    _budget_line(**kwargs)
    _budget_line(**kwargs)


def _roadmap_day_twice():
    from roadmap.models import RoadmapDay

    participation = ParticipationFactory()
    for _ in range(2):
        RoadmapDay.objects.create(participation=participation, day=D(2018, 3, 1))


_REPORTED = {"done_on": D(2017, 12, 1), "answered_on": D(2017, 12, 10)}

REGISTER_CASES = {
    # audits: the Sở's answer on a corrective action
    "audits_correctiveaction_answer_valid": lambda: CorrectiveActionFactory(
        answer="bogus", **_REPORTED
    ),
    "audits_correctiveaction_answer_dated_after_report": lambda: CorrectiveActionFactory(
        answer="accepted", done_on=D(2017, 12, 1)
    ),
    "audits_correctiveaction_refusal_has_reason": lambda: CorrectiveActionFactory(
        answer="refused", answer_note="", **_REPORTED
    ),
    # audits: the inspection plan and its visits
    "audits_inspectionplan_approval_kind_valid": lambda: _plan(approval_kind="bogus"),
    "audits_inspectionplan_request_due_after_request": lambda: _plan(
        request_date=D(2018, 3, 1), request_due=D(2018, 3, 1)
    ),
    "audits_plannedinspection_announcement_only_on_site": lambda: _visit(
        form="records", place="Hội trường UBND xã"
    ),
    "audits_plannedinspection_ends_after_start": lambda: _visit(
        started_at=datetime.time(9, 0), ended_at=datetime.time(8, 30)
    ),
    "audits_plannedinspection_letter_only_for_records": lambda: _visit(
        form="onsite", letter_number="15/SKHCN-TĐC"
    ),
    # audits: the legal bases cited
    "audits_legalbasis_topic_valid": lambda: _legal_basis(topic="bogus"),
    "audits_legalbasis_period_ordered": lambda: _legal_basis(
        in_force_from=D(2020, 1, 1), in_force_until=D(2019, 12, 31)
    ),
    "audits_legalbasis_in_force_after_signed": lambda: _legal_basis(
        signed_on=D(2020, 1, 2), in_force_from=D(2020, 1, 1)
    ),
    "audits_legalbasis_number_required": lambda: _legal_basis(number=""),
    # communes: the registered bodies
    "communes_body_level_valid": lambda: _body(level="bogus"),
    "communes_body_edition_valid": lambda: _body(edition="2000"),
    "communes_body_validity_ordered": lambda: _body(
        valid_from=D(2020, 1, 1), valid_until=D(2019, 12, 31)
    ),
    "communes_body_announced_after_applying": lambda: _body(
        applying_since=D(2018, 2, 1), announced_on=D(2018, 1, 1)
    ),
    "communes_body_name_not_empty": lambda: _body(name=""),
    # procedures: the catalogues
    "procedures_catalogue_note_length": lambda: _catalogue(note="ư" * 2001),
    "procedures_catalogue_one_per_day": lambda: [
        _catalogue(valid_from=D(2099, 1, 1)),
        _catalogue(valid_from=D(2099, 1, 1)),
    ],
    # roadmap: the budget lines and the days of a roadmap
    "roadmap_budgetline_line_valid": lambda: _budget_line(line="bogus"),
    "roadmap_budgetline_year_in_range": lambda: _budget_line(year=1999),
    "roadmap_budgetline_not_negative": lambda: _budget_line(allocated=0, spent=-1),
    "roadmap_budgetline_spent_within_allocated": lambda: _budget_line(allocated=5, spent=10),
    "roadmap_budgetline_one_body": lambda: _budget_line(commune=None),
    "roadmap_budgetline_one_per_commune": lambda: _budget_twice(commune=CommuneFactory()),
    "roadmap_budgetline_one_per_body": lambda: _budget_twice(body=_body()),
    "roadmap_budgetline_one_inspection": lambda: _budget_twice(line="inspection"),
    "roadmap_roadmapday_once_per_day": _roadmap_day_twice,
}
CASES.update(REGISTER_CASES)


def _self_ref(obj, field):
    type(obj).objects.filter(pk=obj.pk).update(**{field: obj})


def _twice(factory):
    first = factory()
    kwargs = {
        f.name: getattr(first, f.name)
        for f in first._meta.concrete_fields
        if f.is_relation and f.name not in ("updated_by",)
    }
    factory(**kwargs)


def _same_commune(factory, **kwargs):
    commune = CommuneFactory()
    factory(commune=commune, **kwargs)
    factory(commune=commune, **kwargs)


def _same_template(**kwargs):
    first = RoadmapStepFactory(**kwargs)
    RoadmapStepFactory(template=first.template, **kwargs)


def _empty_evidence():
    from roadmap.models import Evidence

    Evidence.objects.create(milestone=MilestoneFactory(), file="x.pdf", original_name="x", size=0)


def _declared_constraints():
    names = set()
    for label in ("accounts", "communes", "procedures", "roadmap", "audits"):
        for model in apps.get_app_config(label).get_models():
            for constraint in model._meta.constraints:
                names.add(constraint.name)
    return names


@pytest.mark.parametrize("name", sorted(CASES))
def test_database_refuses_a_row_breaking(name, db):
    # Build what the case needs first, then expect the one insert or update to fail.
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        CASES[name]()
    message = str(excinfo.value).lower()
    # SQLite and PostgreSQL name the check constraint; unique violations name the columns.
    if "check constraint" in message:
        assert name in message


def test_every_declared_constraint_has_a_case():
    assert _declared_constraints() == set(CASES)


def test_a_valid_row_of_each_kind_is_accepted(db):
    MilestoneFactory(status="done", completed_on=D(2017, 8, 20))
    MilestoneFactory(status="blocked", note="Chờ cán bộ mới")
    MilestoneFactory(note="ư" * 2000)  # at the limit, counted in characters, not bytes
    CorrectiveActionFactory(
        done_on=D(2017, 12, 1),
        verified_by=UserFactory(),
        verified_at=datetime.datetime(2017, 12, 2, tzinfo=datetime.UTC),
    )
    ScopeItemFactory(state="applied", issued_on=D(2017, 10, 1))
    UserFactory(role=User.Role.CONSULTANT, consultant=ConsultantFactory())
    old = CommuneFactory(code="28990", valid_until=D(2020, 1, 31))
    CommuneFactory(code="28990")  # a new unit may reuse the code of one that ended
    assert old.pk
