"""The query side of the searchable lists (tenderapp/access/listing.py): the SQL form of a
tender's status agrees with the domain's rule for every status, and pages count right."""

from datetime import date, timedelta

from sqlmodel import col, select

from tenderapp.access.listing import page_of, page_of_rows
from tenderapp.access.tenders import _status_is
from tenderapp.domain.tenders import TenderStatus
from tenderapp.models import Contract, Recommendation, Tender
from tenderapp.services import tenders as tender_service
from tests import factories
from tests.conftest import T0


def _arrange_every_status(db, world):
    """Beside the world's draft and open tenders and the demo's awarded one: a closed tender,
    an opened one, one recommended and one with its award decided."""
    closed = factories.published_tender(db, world.collab, world.lead_admin, T0 - timedelta(days=30), "CLOSED-1",
                                        clarification_in=timedelta(days=5), submission_in=timedelta(days=10))
    states = {}
    for reference in ("OPENED-1", "RECOMMENDED-1", "DECIDED-1"):
        tender = factories.published_tender(db, world.collab, world.lead_admin, T0 - timedelta(days=30), reference,
                                            clarification_in=timedelta(days=5), submission_in=timedelta(days=10))
        states[reference] = (tender, factories.opened_bids(db, tender, [world.supplier], world.bidder, T0))
    tender, submissions = states["RECOMMENDED-1"]
    db.add(Recommendation(tender_id=tender.id, submission_id=submissions[0].id, rationale="Best.",
                          recommended_by_user_id=world.lead_admin.id, recommended_at=T0))
    tender, _ = states["DECIDED-1"]
    decision = factories.decision(db, world.collab, world.lead_admin, T0, "DECIDED/1")
    decision.tender_id = tender.id
    db.add(decision)
    db.commit()
    return closed


def _agree(db, now):
    tenders = list(db.exec(select(Tender)).all())
    progress = tender_service.progress_of(db, tenders)
    derived = {t.id: tender_service.status_of(t, now, progress.get(t.id)) for t in tenders}
    for status in TenderStatus:
        in_sql = set(db.exec(select(Tender.id).where(_status_is(status, now))).all())
        assert in_sql == {i for i, s in derived.items() if s is status}, status
    return set(derived.values())


def test_the_sql_status_agrees_with_the_domain_rule_for_every_status(world, db, load_demo):
    load_demo()
    _arrange_every_status(db, world)
    seen = _agree(db, T0)
    contract = db.exec(select(Contract)).first()
    contract.standstill_last_day = date(2026, 12, 4)  # the demo's award, still in standstill
    db.add(contract)
    db.commit()
    seen |= _agree(db, T0)
    assert seen == set(TenderStatus)  # every status was met at least once
    assert _agree(db, T0 + timedelta(days=10)) >= {TenderStatus.AWARDED}  # standstill over


def test_a_page_counts_every_match_and_holds_at_most_a_page(world, db):
    for n in range(1, 8):
        factories.draft_tender(db, world.collab, world.lead_admin, T0 + timedelta(minutes=n), f"P-{n}")
    query = select(Tender).where(col(Tender.reference).like("P-%")).order_by(col(Tender.reference))
    page = page_of(db, query, 2, per_page=3)
    assert page.total == 7 and page.pages == 3 and [t.reference for t in page.items] == ["P-4", "P-5", "P-6"]
    assert (page.first_shown, page.last_shown) == (4, 6)
    assert page_of(db, query, 4, per_page=3).items == []
    rows = page_of_rows(list(range(7)), 3, per_page=3)
    assert rows.items == [6] and rows.total == 7 and rows.last_shown == 7


def test_an_empty_list_has_one_page_showing_nothing(world, db):
    page = page_of(db, select(Tender).where(Tender.reference == "NONE"), 1)
    assert (page.total, page.pages, page.first_shown, page.last_shown) == (0, 1, 0, 0)



def test_the_sql_decision_status_agrees_with_the_domain_rule(world, db):
    from tenderapp.access.decisions import _status_is as decision_status_is
    from tenderapp.domain.decisions import DecisionStatus
    from tenderapp.models import Decision
    from tenderapp.services.decisions import decision_status

    for number, endorsed, taken, published in [("S/1", None, None, None), ("S/2", date(2026, 10, 1), None, None),
                                                ("S/3", date(2026, 10, 1), date(2026, 10, 2), None),
                                                ("S/4", None, date(2026, 10, 2), T0)]:
        row = factories.decision(db, world.collab, world.lead_admin, T0, number, taken=taken)
        row.endorsed_on, row.published_at = endorsed, published
        db.add(row)
    db.commit()
    decisions = list(db.exec(select(Decision)).all())
    for status in DecisionStatus:
        in_sql = set(db.exec(select(Decision.id).where(decision_status_is(status))).all())
        assert in_sql == {d.id for d in decisions if decision_status(d) is status}, status
        assert in_sql, status  # each status was met


def test_the_sql_contract_status_agrees_with_the_domain_rule_on_any_day(world, db, load_demo):
    from tenderapp.access.contracts import _status_is as contract_status_is
    from tenderapp.domain.contracts import ContractStatus
    from tenderapp.domain.contracts import status as contract_status
    from tenderapp.models import ContractExtension

    load_demo()
    contract = db.exec(select(Contract)).one()
    extended = db.exec(select(ContractExtension).where(ContractExtension.contract_id == contract.id)).all()
    seen = set()
    for entered in (None, contract.start_date):
        contract.entered_into_on = entered
        db.add(contract)
        db.commit()
        for today in (contract.start_date - timedelta(days=1), contract.start_date, contract.end_date,
                      contract.end_date + timedelta(days=1)):
            expected = contract_status(contract.start_date, contract.end_date, entered, len(extended), today)
            for status in ContractStatus:
                matched = db.exec(select(Contract.id).where(contract_status_is(status, today))).all()
                assert (matched == [contract.id]) == (status is expected), (entered, today, status)
            seen.add(expected)
    assert seen >= {ContractStatus.AWAITING_SIGNATURE, ContractStatus.NOT_STARTED, ContractStatus.EXPIRED}
