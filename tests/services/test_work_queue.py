"""The work queue: each role's tasks appear when something waits for them and go once done."""

from datetime import timedelta

from sqlmodel import select

from tenderapp.domain.roles import OrganisationKind
from tenderapp.models import Bid, ConflictDeclaration, OpeningKey
from tenderapp.services import clarifications, evaluating, panel, signing, tenders, work_queue
from tenderapp.services.agreement_status import current_version
from tests import factories
from tests.conftest import T0


def _tasks(db, person, now=T0, **kwargs):
    return work_queue.tasks_for(db, factories.actor(db, person), now, **kwargs)


def _kinds(db, person, now=T0):
    return [t.kind for t in _tasks(db, person, now)]


def _one(db, person, kind, now=T0):
    found = [t for t in _tasks(db, person, now) if t.kind == kind]
    assert len(found) == 1, [t.kind for t in _tasks(db, person, now)]
    return found[0]


def test_a_draft_says_what_still_stops_its_publication_as_the_publish_rule_does(world, db):
    task = next(t for t in _tasks(db, world.lead_admin) if t.kind == "publish_tender"
                and t.about.startswith(world.tender.reference))
    missing = tenders.readiness(db, world.tender, T0)
    assert missing and task.detail == "Still missing: " + "; ".join(missing)
    assert task.link.endpoint == "tenders.tender" and task.link.as_dict() == {"tender_id": world.tender.id}
    assert "publish_tender" not in _kinds(db, world.other_admin) or all(
        not t.about.startswith(world.tender.reference) for t in _tasks(db, world.other_admin))


def test_a_question_waits_for_the_leads_admins_until_it_is_answered(world, db):
    asked = clarifications.ask(db, factories.actor(db, world.bidder), world.open_tender, "Is TUPE likely?", T0,
                               lambda clarification_id: f"http://localhost/questions/{clarification_id}")
    task = _one(db, world.lead_admin, "answer_questions")
    assert task.title == "Answer 1 clarification question"
    assert task.due == world.open_tender.clarification_deadline and task.waiting_since == T0
    assert task.link.as_dict() == {"tender_id": world.open_tender.id}
    assert "answer_questions" not in _kinds(db, world.other_admin)
    clarifications.answer(db, factories.actor(db, world.lead_admin), world.open_tender, asked, "Possibly.", True,
                          None, T0, "http://localhost/tender")
    assert "answer_questions" not in _kinds(db, world.lead_admin)


def test_each_opener_is_asked_for_their_key_naming_the_others_until_they_turn_it(world, db):
    after = world.open_tender.submission_deadline + timedelta(hours=1)
    first = _one(db, world.lead_admin, "turn_key", after)
    assert first.link.endpoint == "opening.opening_page"
    assert "0 of 2 keys turned" in first.detail and world.lead_admin2.full_name in first.detail
    db.add(OpeningKey(tender_id=world.open_tender.id, user_id=world.lead_admin.id, turned_at=after))
    db.commit()
    assert "turn_key" not in _kinds(db, world.lead_admin, after)
    second = _one(db, world.lead_admin2, "turn_key", after)
    assert f"{world.lead_admin.full_name} (key turned)" in second.detail and "1 of 2 keys turned" in second.detail
    assert "turn_key" not in _kinds(db, world.lead_admin2)  # before the deadline there is no key to turn


def test_an_evaluator_declares_first_and_a_declared_conflict_waits_for_the_admin(world, db):
    assert _one(db, world.lead_admin, "declare_conflicts").link.endpoint == "evaluation.declaration"
    evaluating.declare(db, factories.actor(db, world.lead_admin), world.open_tender, True,
                       "My sister works for one of the bidders.", T0)
    assert "declare_conflicts" not in _kinds(db, world.lead_admin)
    task = _one(db, world.lead_admin2, "decide_conflict")
    assert task.link.as_dict() == {"tender_id": world.open_tender.id, "user_id": world.lead_admin.id}
    declaration = db.exec(select(ConflictDeclaration).where(ConflictDeclaration.user_id == world.lead_admin.id)).one()
    panel.resolve_conflict(db, factories.actor(db, world.lead_admin2), world.open_tender, declaration, "continue",
                           "They do not score that bidder's answer.", T0)
    assert "decide_conflict" not in _kinds(db, world.lead_admin2)


def test_a_tender_without_a_panel_asks_for_one(world, db):
    other = factories.published_tender(db, world.collab, world.lead_admin, T0, "NOPANEL-1")
    assert any(t.kind == "assign_panel" and t.about.startswith("NOPANEL-1") for t in _tasks(db, world.lead_admin))
    factories.assign_evaluator(db, other, world.lead_admin, T0)
    assert not any(t.kind == "assign_panel" and t.about.startswith("NOPANEL-1") for t in _tasks(db, world.lead_admin))


def test_scoring_counts_n_of_m_for_the_evaluator_and_the_moderator(world, db):
    second = factories.organisation(db, "Second Supplier Ltd", T0, OrganisationKind.SUPPLIER)
    evaluating.declare(db, factories.actor(db, world.lead_admin), world.open_tender, False, "", T0)
    after = world.open_tender.submission_deadline + timedelta(hours=2)
    factories.opened_bids(db, world.open_tender, [world.supplier, second], world.bidder, after)
    assert _one(db, world.lead_admin, "score_answers", after).title == "Score the answers: 0 of 2 scored"
    assert _one(db, world.lead_admin2, "moderation_waiting", after).title == "Moderation waiting: 0 of 2 scores in"


def test_a_signatory_reads_then_signs_and_the_lead_sees_the_signatures_outstanding(world, db):
    agreement = world.agreement
    task = _one(db, world.partner_signatory, "read_agreement")
    assert task.link.as_dict() == {"agreement_id": agreement.id} and "Partner Borough Council" in task.detail
    outstanding = _one(db, world.lead_admin, "signatures_outstanding")
    assert outstanding.action.endpoint == "agreements.reminders" and outstanding.action_label == "Send reminders"
    signing.agree_in_principle(db, factories.actor(db, world.partner_signatory), agreement,
                               current_version(db, agreement.id).id, [world.partner.id], "Governance next.", T0,
                               "http://localhost/tracker")
    task = _one(db, world.partner_signatory, "sign_agreement")
    assert task.link.endpoint == "agreements.sign"


def test_a_bidders_draft_is_due_at_the_deadline_and_goes_after_it(world, db):
    db.add(Bid(tender_id=world.open_tender.id, organisation_id=world.supplier.id, draft=b"sealed", created_at=T0,
               updated_at=T0, updated_by_user_id=world.bidder.id))
    db.commit()
    task = _one(db, world.bidder, "submit_bid")
    assert task.due == world.open_tender.submission_deadline
    assert task.link.endpoint == "bids.overview"
    assert "submit_bid" not in _kinds(db, world.bidder, world.open_tender.submission_deadline)


def test_a_published_answer_is_news_for_interested_suppliers_for_two_weeks(world, db):
    bidder = factories.actor(db, world.bidder)
    asked = clarifications.ask(db, bidder, world.open_tender, "Which areas?", T0, lambda clarification_id: f"http://localhost/questions/{clarification_id}")
    clarifications.answer(db, factories.actor(db, world.lead_admin), world.open_tender, asked, "All members.", True,
                          None, T0, "http://localhost/tender")
    assert _one(db, world.bidder, "read_answers").title == "Read 1 new answer to clarification questions"
    assert "read_answers" not in _kinds(db, world.bidder, T0 + timedelta(days=work_queue.NEWS_DAYS, hours=1))


def test_a_published_decision_is_news_for_the_members_viewers(world, db):
    world.decision.published_at = T0
    db.add(world.decision)
    db.commit()
    task = _one(db, world.lead_viewer, "read_decision")
    assert task.link.as_dict() == {"decision_id": world.decision.id} and world.decision.number in task.about
    assert "read_decision" not in _kinds(db, world.other_admin)


def test_tasks_are_most_urgent_first(world, db):
    clarifications.ask(db, factories.actor(db, world.bidder), world.open_tender, "Is TUPE likely?", T0,
                               lambda clarification_id: f"http://localhost/questions/{clarification_id}")
    found = _tasks(db, world.lead_admin)
    dated = [t for t in found if t.due is not None]
    assert found[:len(dated)] == dated  # the dated ones first, the earliest first
