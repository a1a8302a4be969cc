"""The house rules, checked on the source (see tests/architecture.py; print the figures with
``python -m tests.architecture``)."""

import ast

import pytest

from tenderapp.web import guards
from tests import architecture

# Lookups by id outside access/ that are allowed: each reads the actor's own row or a row
# that belongs to no tenant (the audit chain's head, the outbox's own queue).
ALLOWED_ID_LOOKUPS = {
    "tenderapp/mail.py": {"OutboxMessage.id.in_(ids)"},
    "tenderapp/services/audit.py": {"AuditHead.id == chain"},
}
# Lookups still to move into access/ (issue 13). This list only shrinks.
NOT_YET_MOVED = {
}


def _allowed(place) -> bool:
    return any(place.what in table.get(place.path, ()) for table in (ALLOWED_ID_LOOKUPS, NOT_YET_MOVED))


def test_only_access_looks_tenant_owned_rows_up_by_id():
    assert [str(p) for p in architecture.id_lookups_outside_access() if not _allowed(p)] == []


def test_the_list_of_lookups_still_to_move_holds_only_real_ones():
    found = {(p.path, p.what) for p in architecture.id_lookups_outside_access()}
    stale = [(path, what) for path, whats in NOT_YET_MOVED.items() for what in whats if (path, what) not in found]
    assert stale == [], "moved into access/: take them off NOT_YET_MOVED"


def test_exports_are_pure_writers():
    assert [str(p) for p in architecture.impure_export_imports()] == []


def test_no_import_cycles():
    assert architecture.import_cycles() == []


# --- the checks themselves ----------------------------------------------------------------------


@pytest.mark.parametrize("source, found", [
    ("session.get(Tender, tender_id)", ["get(Tender, tender_id)"]),
    ("db.get(PricingLine, int(request.args['id']))", ["get(PricingLine, int(request.args['id']))"]),
    ("select(Tender).where(Tender.id == tender_id)", ["Tender.id == tender_id"]),
    ("select(Tender).where(tender_id == Tender.id)", ["Tender.id == tender_id"]),
    ("select(Bid).where(Bid.id.in_(ids))", ["Bid.id.in_(ids)"]),
    ("session.get(Organisation, tender.lead_id)", []),
    ("session.get(User, actor.user_id)", []),
    ("select(Tender).where(Tender.id == Bid.tender_id)", []),
    ("select(PricingLine).where(PricingLine.tender_id == tender.id)", []),
    ("session.get(NotAModel, some_id)", []),
])
def test_the_id_lookup_check(source, found):
    assert [what for _, what in architecture.id_lookups_in(ast.parse(source), {"Tender", "PricingLine", "Bid",
                                                                                "Organisation", "User"})] == found


def test_the_cycle_finder_sees_imports_in_both_directions():
    graph = architecture.import_graph()
    assert "tenderapp.domain.errors" in graph["tenderapp.domain.roles"]


def test_loading_guards_hand_the_view_its_object():
    def loader(session, actor, value):
        return ("loaded", value)

    loader.scope_kind = "thing"

    def view(thing):
        return thing

    guarded = guards.tenant_owned(thing_id=loader)(view)
    assert guarded.access_rule.objects == {"thing_id": "thing"}
    assert guarded.access_rule.loaded == {"thing_id"}

    with pytest.raises(TypeError):
        guards.tenant_owned(thing_id=loader)(lambda thing_id: thing_id)
