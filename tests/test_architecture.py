"""The house rules, checked on the source (see tests/architecture.py; print the figures with
``python -m tests.architecture``)."""

import ast

import pytest

from tenderapp.web import guards
from tests import architecture

# Lookups by id outside access/ that are allowed: each reads the actor's own row or a row
# that belongs to no tenant (the audit chain's head, the outbox's own queue).
ALLOWED_ID_LOOKUPS = {
    "tenderapp/services/audit.py": {"AuditHead.id == chain"},
}


def test_only_access_looks_tenant_owned_rows_up_by_id():
    found = [str(p) for p in architecture.id_lookups_outside_access()
             if p.what not in ALLOWED_ID_LOOKUPS.get(p.path, ())]
    assert found == [], "look rows up by a request's id through tenderapp/access/"


def test_the_allowed_lookups_are_still_there():
    found = {(p.path, p.what) for p in architecture.id_lookups_outside_access()}
    assert {(path, what) for path, whats in ALLOWED_ID_LOOKUPS.items() for what in whats} <= found


def test_no_function_is_longer_than_40_lines():
    assert [str(p) for p in architecture.long_functions(40)] == []


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
    with pytest.raises(TypeError):
        guards.tenant_owned(thing_id="thing")


def test_every_tenant_owned_route_loads_its_objects(app):
    for rule in app.url_map.iter_rules():
        marker = getattr(app.view_functions[rule.endpoint], "access_rule", None)
        if marker and marker.kind == "tenant":
            assert marker.loaded == set(marker.objects), rule.rule
