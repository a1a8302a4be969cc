"""Sentences people read: they say what happened, in the state the thing is in."""

from datetime import timedelta

from sqlmodel import select

from tenderapp.models import OutboxMessage
from tests import factories
from tests.web.test_contracts import decision_form
from tests.web.test_evaluation import opened  # noqa: F401  (the fixture)


def test_an_optional_date_that_is_not_a_date_is_named_without_optional(world, sign_in_as):
    lead = sign_in_as("admin@lead.example")
    response = lead.submit(f"/collaborations/{world.collab.id}/decisions/new",
                           decision_form("W/1", taken=("31", "2", "2026")))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Taken on must be a real date" in page
    assert "(optional) must" not in page


def test_the_agreement_email_names_the_agreement_as_what_was_issued(world, db, clock, sign_in_as):
    draft = factories.agreement(db, world.collab, world.lead_admin, clock.moment, title="SEND mediation agreement",
                                issued=False)
    assert sign_in_as("admin@lead.example").submit(f"/agreements/{draft.id}/issue", {}).status_code == 302
    body = db.exec(select(OutboxMessage.body)).first()
    assert body.startswith(f"{world.lead.name} has issued “SEND mediation agreement” (version 1) for signature.")
    assert "has been issued" not in body


def test_the_bid_box_says_sealed_only_while_the_bids_are(world, db, clock, sign_in_as, opened):  # noqa: F811
    tender, _ = opened
    page = sign_in_as("admin@lead.example").get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert "The bids were opened" in page
    assert "sealed" not in page

    waiting = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "WORD-2",
                                         clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    page = sign_in_as("admin@lead.example").get(f"/tenders/{waiting.id}").get_data(as_text=True)
    assert "Bids stay sealed until the deadline" in page
    clock.set(waiting.submission_deadline + timedelta(minutes=1))
    page = sign_in_as("admin@lead.example").get(f"/tenders/{waiting.id}").get_data(as_text=True)
    assert "The deadline has passed: the bids stay sealed until 2 of the named openers open them together." in page
