"""The bid use cases below the web: saving a draft, submitting with a receipt, withdrawing and
resubmitting, the deadline, attached files, and the opening by two named openers."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tenderapp.access import actor_for, get_lead_tender
from tenderapp.access import bids as bid_access
from tenderapp.domain import seals
from tenderapp.domain.bids import REQUIRED_DECLARATIONS, BidState, DeadlinePassed, content_hash
from tenderapp.domain.errors import Forbidden, NotFound, RuleViolation
from tenderapp.models import AuditEvent, BidSubmission, LateAttempt, OutboxMessage, TenderInterest
from tenderapp.services import bid_attachments, bids, opening
from tests import factories
from tests.hostile import pdf

OPENING, PANEL = "http://localhost/opening", "http://localhost/evaluate"


@pytest.fixture
def sealer(app):
    return app.extensions["tenderapp.sealer"]


@pytest.fixture
def bidder(db, world):
    return actor_for(db, world.bidder, "bidder-session")


@pytest.fixture
def tender(world):
    return world.open_tender


def _own(db, bidder, sealer, tender):
    return bids.load(db, bidder, sealer, tender)


def _complete(db, bidder, sealer, tender, now, core="7480", payg="1000"):
    """Prices, answers and declarations saved: a bid ready to submit."""
    lines, criteria = bid_access.schedule(db, tender)
    bids.save_prices(db, bidder, sealer, _own(db, bidder, sealer, tender), lines, {"CORE": core, "PAYG": payg}, now)
    bids.save_answers(db, bidder, sealer, _own(db, bidder, sealer, tender), criteria,
                      {str(c.id): "We will run the service from three hubs." for c in criteria}, now)
    bids.save_declarations(db, bidder, sealer, _own(db, bidder, sealer, tender), list(REQUIRED_DECLARATIONS), now)
    return lines, criteria


def _submit(db, bidder, sealer, tender, now):
    lines, criteria = bid_access.schedule(db, tender)
    return bids.submit(db, bidder, sealer, _own(db, bidder, sealer, tender), lines, criteria, now)


def test_a_first_save_starts_a_sealed_draft_and_registers_interest(db, world, bidder, sealer, tender, clock):
    own = _own(db, bidder, sealer, tender)
    assert own.bid is None and own.state is BidState.NOT_STARTED
    lines, _ = bid_access.schedule(db, tender)
    bids.save_prices(db, bidder, sealer, own, lines, {"CORE": "£7,480.00", "PAYG": ""}, clock.moment)
    again = _own(db, bidder, sealer, tender)
    assert again.state is BidState.DRAFT and again.draft.prices == {"CORE": "7480.00"}
    assert b"7480" not in again.bid.draft
    assert sealer.open(tender.id, again.bid.draft, seals.draft_binding(tender.id, world.supplier.id))
    assert db.exec(select(TenderInterest).where(TenderInterest.tender_id == tender.id)).one()
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "bid.draft_saved")).one()


def test_prices_that_cannot_be_read_are_refused_line_by_line_and_nothing_saved(db, bidder, sealer, tender, clock):
    lines, _ = bid_access.schedule(db, tender)
    with pytest.raises(bids.PriceErrors) as raised:
        bids.save_prices(db, bidder, sealer, _own(db, bidder, sealer, tender), lines,
                         {"CORE": "-5", "PAYG": "a thousand"}, clock.moment)
    assert raised.value.errors == {"CORE": "Line 1 (CORE): enter a price of £0 or more",
                                   "PAYG": "Line 2 (PAYG): enter a number, like 1250.00"}
    assert _own(db, bidder, sealer, tender).bid is None


def test_a_complete_bid_is_submitted_with_a_receipt_matching_its_sealed_content(db, world, bidder, sealer, tender,
                                                                                 clock):
    _complete(db, bidder, sealer, tender, clock.moment)
    submission = _submit(db, bidder, sealer, tender, clock.moment)
    own = _own(db, bidder, sealer, tender)
    assert own.state is BidState.SUBMITTED and own.current.id == submission.id and submission.number == 1
    content = bids.submitted_content(sealer, own, submission)
    assert content_hash(content) == submission.content_sha256 and '"CORE":"7480.00"' in content
    receipt = db.exec(select(OutboxMessage).where(OutboxMessage.subject.startswith("Receipt"))).one()
    assert submission.receipt in receipt.body and submission.content_sha256 in receipt.body
    assert submission.audit_seq is not None
    assert bid_access.own_submission(db, own.bid, 1).id == submission.id
    with pytest.raises(NotFound):
        bid_access.own_submission(db, own.bid, 2)


def test_an_incomplete_bid_or_none_at_all_cannot_be_submitted(db, bidder, sealer, tender, clock):
    with pytest.raises(RuleViolation, match="^Your bid is not complete: Enter your prices$"):
        _submit(db, bidder, sealer, tender, clock.moment)
    lines, _ = bid_access.schedule(db, tender)
    bids.save_prices(db, bidder, sealer, _own(db, bidder, sealer, tender), lines, {"CORE": "7480"}, clock.moment)
    with pytest.raises(RuleViolation, match="Enter the unit price for PAYG"):
        _submit(db, bidder, sealer, tender, clock.moment)
    assert db.exec(select(BidSubmission)).first() is None


def test_withdraw_and_resubmit_keep_every_version_and_the_last_counts(db, world, bidder, sealer, tender, clock):
    admin = actor_for(db, world.lead_admin, "admin-session")
    _complete(db, bidder, sealer, tender, clock.moment)
    first = _submit(db, bidder, sealer, tender, clock.moment)
    assert bid_access.submitted_count(db, admin, tender.id) == 1
    withdrawn = bids.withdraw(db, bidder, _own(db, bidder, sealer, tender), clock.moment)
    assert withdrawn.id == first.id and withdrawn.withdrawn_at == clock.moment
    assert _own(db, bidder, sealer, tender).state is BidState.WITHDRAWN
    assert bid_access.submitted_count(db, admin, tender.id) == 0
    with pytest.raises(RuleViolation, match="^You have no submitted bid to withdraw$"):
        bids.withdraw(db, bidder, _own(db, bidder, sealer, tender), clock.moment)
    second = _submit(db, bidder, sealer, tender, clock.moment)
    own = _own(db, bidder, sealer, tender)
    assert [s.number for s in own.submissions] == [2, 1] and own.current.id == second.id
    # the one query over the box and the rule over the bid's own versions agree
    assert [b.submission.id for b in bid_access.box_contents(db, tender)] == [second.id]
    assert bids.supplier_overview(db, bidder, clock.moment) == [(tender, "Submitted")]


def test_at_the_deadline_every_move_is_refused_logged_and_the_draft_kept(db, world, bidder, sealer, clock):
    from tests import factories

    tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "SOON-001",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    _complete(db, bidder, sealer, tender, clock.moment)
    late = tender.submission_deadline
    lines, _ = bid_access.schedule(db, tender)
    with pytest.raises(DeadlinePassed):
        bids.save_prices(db, bidder, sealer, _own(db, bidder, sealer, tender), lines, {"CORE": "1", "PAYG": "1"}, late)
    with pytest.raises(DeadlinePassed):
        _submit(db, bidder, sealer, tender, late)
    assert [a.action for a in db.exec(select(LateAttempt).order_by(LateAttempt.id))] == ["save prices", "submit"]
    assert _own(db, bidder, sealer, tender).draft.prices == {"CORE": "7480.00", "PAYG": "1000.00"}
    assert db.exec(select(BidSubmission)).first() is None


def test_files_are_sealed_listed_read_back_and_removed(db, world, bidder, sealer, tender, clock):
    _, criteria = bid_access.schedule(db, tender)
    criterion, document = criteria[0], pdf("our method statement")
    attachment = bid_attachments.add(db, bidder, sealer, _own(db, bidder, sealer, tender), criterion, document,
                                     "method.pdf", clock.moment)
    own = _own(db, bidder, sealer, tender)
    assert [(f.name, f.size) for f in bids.attached_files(db, sealer, own)] == [("method.pdf", len(document))]
    found = bid_access.own_attachment(db, own.bid, attachment.id)
    assert bid_attachments.read_own(sealer, own, found) == ("method.pdf", document)
    assert document not in attachment.content
    bid_attachments.remove(db, bidder, own, found, clock.moment)
    assert bids.attached_files(db, sealer, _own(db, bidder, sealer, tender)) == []
    with pytest.raises(NotFound):
        bid_access.own_attachment(db, None, attachment.id)


def test_the_box_opens_with_two_named_openers_keys_and_not_before(db, world, bidder, sealer, tender, clock):
    _complete(db, bidder, sealer, tender, clock.moment)
    submission = _submit(db, bidder, sealer, tender, clock.moment)
    first, second = (actor_for(db, user, f"opener-{user.id}", second_factor_passed=True)
                     for user in (world.lead_admin, world.lead_admin2))
    with pytest.raises(Forbidden):
        opening.unsealed_bids(db, sealer, get_lead_tender(db, first, tender.id))
    with pytest.raises(RuleViolation, match="before the submission deadline"):
        opening.turn_key(db, first, get_lead_tender(db, first, tender.id), clock.moment, OPENING, PANEL)
    after = tender.submission_deadline + timedelta(minutes=1)
    assert opening.turn_key(db, first, get_lead_tender(db, first, tender.id), after, OPENING, PANEL) is False
    with pytest.raises(RuleViolation, match="You have turned your key"):
        opening.turn_key(db, first, get_lead_tender(db, first, tender.id), after, OPENING, PANEL)
    assert opening.turn_key(db, second, get_lead_tender(db, second, tender.id), after, OPENING, PANEL) is True
    opened = opening.unsealed_bids(db, sealer, get_lead_tender(db, first, tender.id))
    assert [(b.submission.id, b.supplier, str(b.evaluated_price)) for b in opened] == [
        (submission.id, "Supplier Ltd", "231680.00")]
    assert opening.opened_bid(db, sealer, tender, submission.id).prices["CORE"] == 7480
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "tender.opened")).one()


def test_the_bids_in_a_box_are_counted_only_once_it_is_opened(db, world, bidder, sealer, tender, clock):
    _complete(db, bidder, sealer, tender, clock.moment)
    submission = _submit(db, bidder, sealer, tender, clock.moment)
    other = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "PUB-OPENED")
    factories.opened_bids(db, other, [world.supplier], world.bidder, clock.moment)
    with pytest.raises(Forbidden):
        bid_access.box_submission_ids(db, [tender])
    with pytest.raises(Forbidden):  # one unopened tender among opened ones is refused too
        bid_access.box_submission_ids(db, [other, tender])
    tender.opened_at = clock.moment + timedelta(days=30)
    db.add(tender)
    db.commit()
    found = bid_access.box_submission_ids(db, [other, tender])
    assert found[tender.id] == {submission.id} and len(found[other.id]) == 1
