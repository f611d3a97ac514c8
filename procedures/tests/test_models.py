import datetime

from procedures.models import ScopeItem
from procedures.tests.factories import ProcedureFactory, ScopeItemFactory

D = datetime.date


def test_a_process_issued_before_its_procedure_was_amended_needs_revision(db):
    amended = ProcedureFactory(amended_on=D(2017, 6, 1))
    stale = ScopeItemFactory(procedure=amended, state="applied", issued_on=D(2016, 5, 10))
    fresh = ScopeItemFactory(procedure=amended, state="applied", issued_on=D(2017, 7, 1))
    untouched = ScopeItemFactory(state="issued", issued_on=D(2016, 5, 10))
    abolished = ScopeItemFactory(
        procedure=ProcedureFactory(abolished_on=D(2017, 9, 1)),
        state="issued",
        issued_on=D(2017, 1, 1),
    )
    assert set(ScopeItem.objects.needing_revision()) == {stale, abolished}
    assert stale.needs_revision and abolished.needs_revision
    assert not fresh.needs_revision and not untouched.needs_revision


def test_names_are_stored_in_nfc(db):
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Đăng ký khai tử")
    procedure = ProcedureFactory(name=decomposed)
    procedure.refresh_from_db()
    assert procedure.name == "Đăng ký khai tử"
    assert unicodedata.is_normalized("NFC", procedure.name)
