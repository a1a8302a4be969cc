"""The evaluation's use cases below the web: the panel, declarations of conflicts, scoring,
moderation and compliance, and the results."""

from datetime import timedelta

import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.access import evaluation as evaluation_access
from tenderapp.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from tenderapp.models import (
    ConflictDeclaration,
    ModeratedScore,
    OutboxMessage,
    QualityCriterion,
    Recommendation,
    Tender,
)
from tenderapp.services import evaluating, moderation, panel, results
from tests import factories
from tests.conftest import T0

LINK = "http://localhost/declaration"
MODERATION = "http://localhost/moderation"


@pytest.fixture
def evaluation(world, db):
    """The world's open tender, with a partner evaluator beside the lead admin (already on its panel)."""
    tender = world.open_tender
    evaluator = factories.user(db, world.partner, "evaluator@partner.example", ["evaluator"], T0, full_name="Pat Evans")
    criterion = db.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)).one()
    return tender, criterion, evaluator, actor_for(db, world.lead_admin, "lead"), actor_for(db, evaluator, "pat")


def _opened(db, world, tender):
    rival = factories.organisation(db, "Rival Mediation Ltd", T0, factories.OrganisationKind.SUPPLIER)
    return factories.opened_bids(db, tender, [world.supplier, rival], world.bidder, T0 + timedelta(days=21))


def test_the_panel_takes_evaluators_of_member_authorities_for_the_tenders_criteria(world, db, evaluation):
    tender, criterion, evaluator, lead, _ = evaluation
    added = panel.assign(db, lead, tender, evaluator.id, [criterion.id], T0, LINK)
    assert [(a.user_id, a.criterion_id) for a in added] == [(evaluator.id, criterion.id)]
    assert db.exec(select(OutboxMessage).where(OutboxMessage.recipient == evaluator.email)).one()
    assert panel.assign(db, lead, tender, evaluator.id, [criterion.id], T0, LINK) == []  # nothing new, no email
    assert len(db.exec(select(OutboxMessage).where(OutboxMessage.recipient == evaluator.email)).all()) == 1
    with pytest.raises(RuleViolation, match="Select an evaluator from a member authority"):
        panel.assign(db, lead, tender, world.other_admin.id, [criterion.id], T0, LINK)
    with pytest.raises(RuleViolation, match="Select the criteria"):
        panel.assign(db, lead, tender, evaluator.id, [criterion.id + 1000], T0, LINK)
    assert {m["user"].id: m["status"].value for m in panel.overview(db, tender)} == {
        world.lead_admin.id: "not_declared", evaluator.id: "not_declared"}


def test_a_declared_conflict_waits_for_the_admins_decision(world, db, evaluation):
    tender, criterion, evaluator, lead, pat = evaluation
    panel.assign(db, lead, tender, evaluator.id, [criterion.id], T0, LINK)
    evaluating.declare(db, pat, tender, True, "My sister is a director of a supplier that may bid.", T0)
    assert panel.cleared_status(db, tender, evaluator.id).value == "awaiting_decision"
    with pytest.raises(Conflict):
        evaluating.declare(db, pat, tender, False, "", T0)
    declaration = evaluation_access.declaration(db, tender, evaluator.id)
    with pytest.raises(RuleViolation, match="full sentence"):
        panel.resolve_conflict(db, lead, tender, declaration, "continue", "Watched", T0)
    panel.resolve_conflict(db, lead, tender, declaration, "continue",
                           "She takes no part in that supplier's bid and we check her scores.", T0)
    assert panel.cleared_status(db, tender, evaluator.id).value == "cleared"
    with pytest.raises(NotFound):
        panel.resolve_conflict(db, lead, tender, evaluation_access.declaration(db, tender, world.lead_admin.id),
                               "removed", "", T0)


def test_moderation_waits_for_every_score_and_compliance_is_recorded_with_its_reason(world, db, evaluation):
    tender, criterion, evaluator, lead, pat = evaluation
    panel.assign(db, lead, tender, evaluator.id, [criterion.id], T0, LINK)
    for actor in (lead, pat):
        evaluating.declare(db, actor, tender, False, "", T0)
    with pytest.raises(Forbidden):
        moderation.grid(db, lead, tender)  # sealed until opened
    first, second = _opened(db, world, tender)
    reasons = "The answer covers the requirement with clear local detail."
    with pytest.raises(Forbidden, match="submit all your own scores"):
        moderation.grid(db, lead, tender)
    for submission in (first, second):
        evaluating.submit_score(db, lead, tender, submission.id, criterion.id, 4, reasons, T0, MODERATION)
    with pytest.raises(RuleViolation, match="Every evaluator on the panel must score"):
        moderation.moderate(db, lead, tender, first, criterion, 4, "The panel agreed after discussion.", T0)
    evaluating.submit_score(db, pat, tender, first.id, criterion.id, 2, reasons, T0, MODERATION)
    with pytest.raises(Conflict):
        evaluating.submit_score(db, pat, tender, first.id, criterion.id, 3, reasons, T0, MODERATION)
    cell = moderation.grid(db, lead, tender).cell(first.id, criterion.id)
    assert cell.wide_spread and sorted(s.score for _, s in cell.individual) == [2, 4]
    moderation.moderate(db, lead, tender, first, criterion, 3, "The panel settled on three after discussing.", T0)
    assert db.exec(select(ModeratedScore)).one().score == 3
    with pytest.raises(RuleViolation):
        moderation.record_compliance(db, lead, tender, second, False, "", T0)
    moderation.record_compliance(db, lead, tender, second, False, "The mandatory insurance certificate is missing.", T0)
    assert moderation.grid(db, lead, tender).compliance[second.id].passed is False


def test_the_evaluation_closes_once_a_recommendation_is_recorded(world, db, evaluation):
    tender, criterion, evaluator, lead, _ = evaluation
    first, _ = _opened(db, world, tender)
    db.add(Recommendation(tender_id=tender.id, submission_id=first.id, rationale="Closed for the test.",
                          recommended_by_user_id=world.lead_admin.id, recommended_at=T0))
    db.commit()
    with pytest.raises(Conflict, match="this evaluation is closed"):
        panel.assign(db, lead, tender, evaluator.id, [criterion.id], T0, LINK)
    with pytest.raises(Conflict):
        moderation.record_compliance(db, lead, tender, first, True, "Every mandatory document is there.", T0)


def test_results_rank_the_seed_tender_with_mediation_partners_first(app, db, load_demo):
    load_demo()
    recommendation = db.exec(select(Recommendation)).one()
    tender = db.get(Tender, recommendation.tender_id)
    admin = db.exec(select(factories.User).where(factories.User.email == "admin@kent.example")).one()
    outcome = results.compute(db, actor_for(db, admin, "kent"), app.extensions["tenderapp.sealer"], tender)
    assert outcome.complete and [r.rank for r in outcome.rows] == [1, 2, 3]
    assert outcome.rows[0].supplier == "Mediation Partners Ltd"
    assert outcome.rows[0].submission_id == recommendation.submission_id
    assert not db.exec(select(ConflictDeclaration).where(ConflictDeclaration.has_conflict.is_(True))).all()
