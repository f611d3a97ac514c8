"""A commune's QMS scope on a day is one rule: the database's (ScopeItemQuerySet.in_scope_on,
which every figure asks) and the yearly figures' reading of rows already loaded
(reports.compliance.scope_on) agree on every kind of item and day."""

import datetime
import itertools

import pytest
from django.db import IntegrityError, transaction

from procedures.models import ScopeItem
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory
from reports.compliance import scope_on

D = datetime.date
DAYS = [D(2017, 6, 1), D(2017, 12, 15), D(2018, 3, 1), D(2019, 1, 1)]
FIELDS = ("procedure_id", "procedure__name", "state", "revision", "issued_on")


@pytest.mark.django_db
def test_the_scope_of_a_day_is_the_same_in_the_database_and_over_loaded_rows(world):
    commune = world["commune"]
    states = [s.value for s in ScopeItem.State]
    issued = [None, D(2017, 10, 1), D(2018, 2, 1)]
    abolished = [None, D(2017, 11, 1), D(2018, 6, 1)]
    for state, revision, on, gone in itertools.product(states, [0, 1], issued, abolished):
        procedure = ProcedureFactory(abolished_on=gone)
        try:
            with transaction.atomic():
                ScopeItemFactory(
                    commune=commune,
                    procedure=procedure,
                    state=state,
                    revision=revision,
                    issued_on=on,
                )
        except IntegrityError:
            continue  # a combination the constraints refuse (an issued process has its date)
    items = list(
        ScopeItem.objects.filter(commune=commune).values(*FIELDS, "procedure__abolished_on")
    )
    seen = set()
    for day in DAYS:
        in_db = set(
            ScopeItem.objects.filter(commune=commune)
            .in_scope_on(day)
            .values_list("procedure_id", flat=True)
        )
        assert in_db == set(scope_on(items, day)), day
        seen.add(len(in_db))
    assert len(seen) > 1  # the days differ: the rule is not trivially constant
