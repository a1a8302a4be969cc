"""The demo evaluation of an opened tender, played through the evaluation's own use cases:
the panel is assigned, declares no conflicts, scores, and the lead moderates and checks
compliance, each at the moment the scenario file gives; the recommendation follows."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from tenderapp.access import Actor, actor_for
from tenderapp.access import evaluation as evaluation_access
from tenderapp.models import Bid, BidSubmission, Organisation, QualityCriterion, Recommendation, Tender, User
from tenderapp.services import audit, evaluating, moderation, panel

DEMO_SESSION = "demo scenario"  # the actors' session token: no one signs in with it


def _justification(criterion: QualityCriterion, score: int, supplier: str) -> str:
    lines = (line.strip() for line in criterion.descriptors.splitlines())
    descriptor = next((line for line in lines if line.startswith(str(score))), str(score))
    return f"{descriptor}. {supplier}'s answer to “{criterion.title}” was read against the guidance and descriptors."


def _person(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def load(session: Session, tender: Tender, spec: dict, now: datetime) -> None:
    """The opened tender evaluated and recommended, as the scenario's ``evaluation`` says; each
    step raises as its use case does if the scenario breaks a rule. It happened years ago:
    no one is told (the panel and the moderators get no email, the use cases no link)."""
    at = datetime.fromisoformat(spec["at"])
    panel_users = [_person(session, email) for email in spec["panel"]]
    actors = [actor_for(session, user, DEMO_SESSION) for user in panel_users]
    lead = actors[0]
    criteria = evaluation_access.criteria(session, tender)
    submissions = dict(session.exec(
        select(Organisation.name, BidSubmission).join(Bid, Bid.id == BidSubmission.bid_id)
        .join(Organisation, Organisation.id == Bid.organisation_id).where(Bid.tender_id == tender.id)).all())
    for evaluator in panel_users:
        panel.assign(session, lead, tender, evaluator.id, [c.id for c in criteria], at - timedelta(days=14), None)
    for actor in actors:
        evaluating.declare(session, actor, tender, False, "", at - timedelta(days=10))
    for entry in spec["scores"]:  # every score is in before the lead, who sits on the panel, moderates
        _score(session, tender, criteria, actors, submissions[entry["supplier"]], entry, at)
    for entry in spec["scores"]:
        _moderate(session, tender, criteria, lead, submissions[entry["supplier"]], entry, spec, at)
    _recommend(session, tender, spec["recommendation"], submissions, at)
    audit.record(session, None, "evaluation.recorded", "tender", tender.id, now,
                 {"source": "demo scenario", "panel": [u.id for u in panel_users],
                  "recommended": spec["recommendation"]["supplier"]},
                 organisation_id=lead.organisation_id)


def _score(session: Session, tender: Tender, criteria: list[QualityCriterion], actors: list, submission: BidSubmission,
           entry: dict, at: datetime) -> None:
    """Each evaluator's scores of one bid."""
    for criterion, individual in zip(criteria, entry["individual"], strict=True):
        for actor, score in zip(actors, individual, strict=True):
            evaluating.submit_score(session, actor, tender, submission.id, criterion.id, score,
                                    _justification(criterion, score, entry["supplier"]), at, None)


def _moderate(session: Session, tender: Tender, criteria: list[QualityCriterion], lead: Actor,
              submission: BidSubmission, entry: dict, spec: dict, at: datetime) -> None:
    """The consensus on each criterion of one bid, and its compliance check."""
    for criterion, individual, moderated in zip(criteria, entry["individual"], entry["moderated"], strict=True):
        wide = max(individual) - min(individual) >= tender.spread_threshold
        rationale = spec["wide_spread_rationale"] if wide else \
            f"The panel agreed the evaluators' view: {_justification(criterion, moderated, entry['supplier'])}"
        moderation.moderate(session, lead, tender, submission, criterion, moderated, rationale, at + timedelta(days=1))
    moderation.record_compliance(session, lead, tender, submission, True, spec["compliance"], at)


def _recommend(session: Session, tender: Tender, choice: dict, submissions: dict, at: datetime) -> None:
    # Written as recorded: the recommendation's use case needs the sealer, which the demo's
    # loader of tenders does not hand this module.
    session.add(Recommendation(tender_id=tender.id, submission_id=submissions[choice["supplier"]].id,
                               rationale=choice["rationale"], recommended_by_user_id=_person(session, choice["by"]).id,
                               recommended_at=at + timedelta(days=2)))
