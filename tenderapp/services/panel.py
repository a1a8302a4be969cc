"""The evaluation panel, managed by the lead's procurement admins: who evaluates which
criteria, and what happens to a declared conflict of interest."""

from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access import evaluation as evaluation_access
from tenderapp.domain.errors import Conflict, Forbidden, NotFound, RuleViolation
from tenderapp.domain.evaluation import PanelStatus, panel_status
from tenderapp.domain.roles import Role
from tenderapp.models import (
    CollaborationMember,
    ConflictDeclaration,
    EvaluatorAssignment,
    IndividualScore,
    Organisation,
    QualityCriterion,
    Recommendation,
    RoleAssignment,
    Tender,
    User,
)
from tenderapp.services import audit, outbox


def eligible_evaluators(session: Session, tender: Tender) -> list[tuple[User, str]]:
    """Evaluators of the collaboration's member authorities, with their organisation's name."""
    members = select(CollaborationMember.organisation_id).where(
        CollaborationMember.collaboration_id == tender.collaboration_id)
    return list(session.exec(
        select(User, Organisation.name).join(Organisation, Organisation.id == User.organisation_id)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.EVALUATOR.value, User.active.is_(True), User.organisation_id.in_(members))
        .order_by(Organisation.name, User.full_name)).all())


def assign(session: Session, actor: Actor, tender: Tender, user_id: int, criterion_ids: list[int], now: datetime,
           link: str | None) -> list[EvaluatorAssignment]:
    """Puts an evaluator of a member authority on the panel of the lead's tender for the given
    criteria (adding to any they have); a newcomer is emailed ``link``, where they declare any
    conflict (``None`` tells no one: a demo's panel of years ago). Raises RuleViolation for
    anyone else or for unknown criteria; Conflict once the evaluation is closed."""
    check_open(session, tender)
    person = next((u for u, _ in eligible_evaluators(session, tender) if u.id == user_id), None)
    if person is None:
        raise RuleViolation("Select an evaluator from a member authority", "user_id")
    criteria = {c.id for c in evaluation_access.criteria(session, tender)}
    if not criterion_ids or not set(criterion_ids) <= criteria:
        raise RuleViolation("Select the criteria they will evaluate", "criterion_ids")
    held = set(session.exec(select(EvaluatorAssignment.criterion_id).where(
        EvaluatorAssignment.tender_id == tender.id, EvaluatorAssignment.user_id == person.id)).all())
    added = [EvaluatorAssignment(tender_id=tender.id, user_id=person.id, criterion_id=c,
                                 assigned_by_user_id=actor.user_id, assigned_at=now)
             for c in sorted(set(criterion_ids) - held)]
    session.add_all(added)
    if not held and link is not None:
        if not link.strip():
            raise ValueError("the panel email needs the link to the declaration page")
        outbox.queue(session, person.email, f"You are on the evaluation panel for tender {tender.reference}",
                     f"{actor.full_name} has asked you to evaluate bids for “{tender.title}”.\n\n"
                     f"First declare any conflict of interest here:\n{link}\n", now, person.organisation_id)
    audit.record(session, actor, "evaluation.panel_assigned", "tender", tender.id, now,
                 {"user_id": person.id, "criteria": sorted(set(criterion_ids) - held)})
    session.commit()
    return added


def resolve_conflict(session: Session, actor: Actor, tender: Tender, declaration: ConflictDeclaration | None,
                     decision: str, mitigation: str, now: datetime) -> ConflictDeclaration:
    """The admin decides on a declared conflict on the lead's tender: continue (with the
    mitigation) or remove. Raises NotFound when no conflict is declared."""
    check_open(session, tender)
    if declaration is None or declaration.tender_id != tender.id or not declaration.has_conflict:
        raise NotFound("No conflict declared")
    if decision not in ("continue", "removed"):
        raise RuleViolation("Select a decision", "decision")
    if decision == "continue" and len(mitigation.strip().split()) < 5:
        raise RuleViolation("Describe how the conflict is managed, in a full sentence", "mitigation")
    before = {"decision": declaration.resolution, "mitigation": declaration.mitigation}
    declaration.resolution, declaration.mitigation = decision, mitigation.strip() or None
    declaration.resolved_by_user_id, declaration.resolved_at = actor.user_id, now
    session.add(declaration)
    audit.record(session, actor, "evaluation.conflict_resolved", "tender", tender.id, now,
                 {"user_id": declaration.user_id, "decision": decision, "mitigation": declaration.mitigation,
                  "before": before})
    session.commit()
    return declaration


def overview(session: Session, tender: Tender) -> list[dict]:
    """Each panel member of the lead's tender: their organisation, criteria and conflicts
    status (with the details for the admin to decide)."""
    rows = session.exec(select(EvaluatorAssignment, User, Organisation.name, QualityCriterion.title)
                        .join(User, User.id == EvaluatorAssignment.user_id)
                        .join(Organisation, Organisation.id == User.organisation_id)
                        .join(QualityCriterion, QualityCriterion.id == EvaluatorAssignment.criterion_id)
                        .where(EvaluatorAssignment.tender_id == tender.id)
                        .order_by(User.full_name, QualityCriterion.position)).all()
    declarations = evaluation_access.declarations(session, tender)
    panel: dict[int, dict] = {}
    for _, user, organisation, criterion in rows:
        entry = panel.setdefault(user.id, {"user": user, "organisation": organisation, "criteria": [],
                                           "declaration": declarations.get(user.id)})
        entry["criteria"].append(criterion)
    for entry in panel.values():
        d = entry["declaration"]
        entry["status"] = panel_status(d is not None, bool(d and d.has_conflict), d.resolution if d else None)
    return list(panel.values())


def check_open(session: Session, tender: Tender) -> None:
    """Raises Conflict once a recommendation is recorded: the evaluation is then closed."""
    if session.exec(select(Recommendation.id).where(Recommendation.tender_id == tender.id)).first() is not None:
        raise Conflict("A recommendation is recorded: this evaluation is closed")


removed_evaluators = evaluation_access.removed_evaluators  # where the evaluators' services look for it


def check_panel_member_has_scored(session: Session, actor: Actor, tender: Tender) -> None:
    """Independence: a procurement admin who also sits on the panel sees the others' scores
    (through moderation or results) only once all of their own are in."""
    mine = session.exec(select(EvaluatorAssignment.criterion_id).where(
        EvaluatorAssignment.tender_id == tender.id, EvaluatorAssignment.user_id == actor.user_id)).all()
    if not mine or tender.opened_at is None or actor.user_id in removed_evaluators(session, tender):
        return
    submissions = evaluation_access.submissions(session, tender)
    scored = set(session.exec(select(IndividualScore.submission_id, IndividualScore.criterion_id).where(
        IndividualScore.tender_id == tender.id, IndividualScore.evaluator_user_id == actor.user_id)).all())
    if any((s.id, c) not in scored for s in submissions for c in mine):
        raise Forbidden("You are on this tender's panel: submit all your own scores before you see the others' "
                        "or moderate")


def cleared_status(session: Session, tender: Tender, user_id: int) -> PanelStatus:
    """Where the person stands on the tender's panel: to declare, waiting for a decision, cleared or removed."""
    d = evaluation_access.declaration(session, tender, user_id)
    return panel_status(d is not None, bool(d and d.has_conflict), d.resolution if d else None)
