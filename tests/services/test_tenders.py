"""Building, publishing and amending a tender through the services, below the HTML: the
rules each use case keeps, what it records, and who is told."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.demo.documents import text_pdf
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.tenders import PriceMethod, Regime, TenderStatus, Timetable
from tenderapp.models import AuditEvent, OutboxMessage, TenderAmendment
from tenderapp.services import suppliers, tender_schedule, tenders
from tenderapp.services.tender_schedule import CriterionInput, LineInput
from tenderapp.services.tenders import TenderDetails
from tenderapp.storage import DocumentStore
from tests import factories
from tests.conftest import T0

PDF = text_pdf(["Specification", "", "1. The provider runs a telephone line."])
LINE = LineInput(code="CORE", description="Core subscription", unit="per authority per year",
                 evaluation_quantity=16, per_authority=True)
CRITERION = CriterionInput(title="Service delivery", guidance="How you will deliver it.", weight=60, max_score=5,
                           min_score=None, descriptors="0 - none\n5 - excellent", word_limit=500)


def details(reference="NEW-001", **changes) -> TenderDetails:
    values = dict(reference=reference, title="SEND mediation", description="Mediation for the members.",
                  regime=Regime.PA2023, light_touch=False, cpv_code="85320000", estimated_value=Decimal("100000"),
                  contract_start=date(2027, 6, 1), initial_term_months=36, extensions_allowed=1,
                  extension_max_months=12)
    return TenderDetails(**{**values, **changes})


def timetable(submission_in=timedelta(days=40)) -> Timetable:
    return Timetable(publication_at=T0 + timedelta(hours=1), clarification_deadline=T0 + timedelta(days=20),
                     submission_deadline=T0 + submission_in, evaluation_date=None, award_date=None,
                     contract_start=date(2027, 6, 1))


@pytest.fixture
def admin(db, world):
    return actor_for(db, world.lead_admin, "test")


@pytest.fixture
def ready(db, world, admin, tmp_path):
    """A draft with everything publication needs."""
    tender = tenders.create(db, admin, world.collab, details(), T0)
    tenders.set_timetable(db, admin, tender, timetable(), None, T0)
    tender_schedule.save_line(db, admin, tender, None, LINE, None, T0)
    tender_schedule.save_criterion(db, admin, tender, None, CRITERION, None, T0)
    tender_schedule.add_document(db, admin, tender, "Specification", PDF, "specification.pdf",
                                 DocumentStore(str(tmp_path)), None, T0)
    tenders.set_weighting(db, admin, tender, 40, PriceMethod.LOWEST, None, T0)
    tenders.record_conflicts_assessment(db, admin, tender, "Every officer declared their interests: none.", T0)
    factories.name_openers(db, tender, [world.lead_admin, world.lead_admin2], T0)
    return tender


def test_a_new_tender_is_a_draft_of_the_collaboration(db, world, admin):
    tender = tenders.create(db, admin, world.collab, details(), T0)
    assert tender.collaboration_id == world.collab.id and tender.published_at is None
    assert tenders.status_of(tender, T0) is TenderStatus.DRAFT
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "tender.created")).first() is not None


def test_references_are_unique_whatever_their_case(db, world, admin):
    with pytest.raises(Conflict, match="A tender with this reference already exists"):
        tenders.create(db, admin, world.collab, details(reference=world.tender.reference.lower()), T0)


def test_a_draft_changes_without_an_amendment(db, world, admin):
    tenders.update_details(db, admin, world.tender, details(reference=world.tender.reference, title="New title"),
                           None, T0)
    assert world.tender.title == "New title"
    assert db.exec(select(TenderAmendment)).all() == []


def test_publication_lists_what_is_missing(db, world, admin):
    with pytest.raises(RuleViolation, match="Before you publish: .*Set the timetable"):
        tenders.publish(db, admin, world.tender, T0)


def test_a_ready_draft_is_published_once(db, admin, ready):
    assert tenders.readiness(db, ready, T0) == []
    tenders.publish(db, admin, ready, T0)
    assert ready.published_at == T0 and tenders.status_of(ready, T0) is TenderStatus.PUBLISHED
    with pytest.raises(Conflict, match="This tender is already published"):
        tenders.publish(db, admin, ready, T0)


def test_after_publication_a_change_is_an_amendment_told_to_interested_suppliers(db, world, admin):
    tender = world.open_tender
    suppliers.register_interest(db, actor_for(db, world.bidder, "bidder"), tender, T0)
    changed = details(reference=tender.reference, title="Mediation, amended", contract_start=tender.contract_start)
    with pytest.raises(RuleViolation, match="Enter a summary of the change for suppliers"):
        tenders.update_details(db, admin, tender, changed, None, T0)
    tenders.update_details(db, admin, tender, changed, "The title is clearer.", T0)
    assert [a.summary for a in tenders.amendments(db, tender)] == ["The title is clearer."]
    told = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == world.bidder.email)).all()
    assert [m.subject for m in told] == [f"Tender {tender.reference} has been amended"]


def test_the_reference_stays_after_publication(db, world, admin):
    with pytest.raises(RuleViolation, match="The reference cannot change after publication"):
        tenders.update_details(db, admin, world.open_tender, details(reference="OTHER-REF"), "New reference", T0)


def test_a_published_deadline_moves_later_never_earlier(db, world, admin):
    tender = world.open_tender
    earlier = Timetable(tender.publication_at, tender.clarification_deadline,
                        tender.submission_deadline - timedelta(days=1), None, None, tender.contract_start)
    with pytest.raises(RuleViolation, match="can be extended, not brought forward"):
        tenders.set_timetable(db, admin, tender, earlier, "Earlier", T0)
    later = Timetable(tender.publication_at, tender.clarification_deadline,
                      tender.submission_deadline + timedelta(days=7), None, None, tender.contract_start)
    tenders.set_timetable(db, admin, tender, later, "A week longer to bid.", T0)
    assert tender.submission_deadline == T0 + timedelta(days=27)


def test_a_schedule_change_after_publication_starts_a_new_version(db, world, admin):
    tender = world.open_tender
    version = tender.schedule_version
    line = tender_schedule.lines(db, tender)[0]
    tender_schedule.remove_line(db, admin, tender, line, "CORE is no longer priced.", T0)
    assert tender.schedule_version == version + 1
    assert [remaining.code for remaining in tender_schedule.lines(db, tender)] == ["PAYG"]


def test_line_codes_are_unique_within_a_tender(db, world, admin):
    with pytest.raises(Conflict, match="Another line already has this code"):
        tender_schedule.save_line(db, admin, world.open_tender, None, LINE, "Another core line", T0)


def test_nothing_changes_once_the_deadline_has_passed(db, world, admin):
    tender = world.open_tender
    after = tender.submission_deadline
    with pytest.raises(RuleViolation, match="the tender can no longer change"):
        tender_schedule.save_criterion(db, admin, tender, None, CRITERION, "Another criterion", after)
    db.rollback()  # as the request would
    with pytest.raises(RuleViolation, match="the tender can no longer change"):
        tenders.set_weighting(db, admin, tender, 40, PriceMethod.DEVIATION, "Scored by deviation", after)
