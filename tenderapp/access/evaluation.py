"""Scoping for evaluation. A tender's panel members reach that tender's evaluation only, and
only the criteria they are assigned to; bids only once opened and once cleared. The lead's
admins reach the panel, the declarations, the bids and their scores of a tender they have
loaded through ``get_lead_tender``: the functions below take that scoped tender."""

from sqlmodel import Session, col, select

from tenderapp.access.bids import opened_submissions_for_panel
from tenderapp.access.core import Actor, require_role, scope
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import (
    Bid,
    BidSubmission,
    ComplianceCheck,
    ConflictDeclaration,
    EvaluatorAssignment,
    IndividualScore,
    ModeratedScore,
    Organisation,
    QualityCriterion,
    Tender,
    User,
)


def panel_tenders(session: Session, actor: Actor) -> list[Tender]:
    """The tenders whose panel the actor sits on."""
    if not actor.has_role(Role.EVALUATOR):
        return []
    ids = select(EvaluatorAssignment.tender_id).where(EvaluatorAssignment.user_id == actor.user_id)
    return list(session.exec(select(Tender).where(col(Tender.id).in_(ids))
                             .order_by(col(Tender.created_at).desc())).all())


def assigned_criteria(session: Session, actor: Actor, tender: Tender) -> list[int]:
    """The ids of the criteria the actor evaluates on the (scoped) tender."""
    return list(session.exec(select(EvaluatorAssignment.criterion_id).where(
        EvaluatorAssignment.tender_id == tender.id, EvaluatorAssignment.user_id == actor.user_id)).all())


@scope("panel_tender")
def get_panel_tender(session: Session, actor: Actor, tender_id: int) -> Tender:
    """The tender, for a member of its panel. Raises NotFound when the actor is not on it
    (evaluators of other tenders or authorities reach nothing)."""
    require_role(actor, Role.EVALUATOR)
    tender = session.get(Tender, tender_id)
    if tender is None or not assigned_criteria(session, actor, tender):
        raise NotFound("Tender not found")
    return tender


# --- a lead-scoped tender's evaluation ------------------------------------------------------


def criteria(session: Session, tender: Tender) -> list[QualityCriterion]:
    """The tender's quality criteria, in their published order."""
    return list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                             .order_by(col(QualityCriterion.position))).all())


def submissions(session: Session, tender: Tender) -> list[BidSubmission]:
    """Every bid's current submission, oldest first. Raises Forbidden before the opening."""
    return opened_submissions_for_panel(session, tender)


def declarations(session: Session, tender: Tender) -> dict[int, ConflictDeclaration]:
    """Each panel member's declaration of conflicts, by user id."""
    return {d.user_id: d for d in session.exec(
        select(ConflictDeclaration).where(ConflictDeclaration.tender_id == tender.id))}


def declaration(session: Session, tender: Tender, user_id: int) -> ConflictDeclaration | None:
    """The person's declaration of conflicts for the tender, if they made one."""
    return session.exec(select(ConflictDeclaration).where(ConflictDeclaration.tender_id == tender.id,
                                                          ConflictDeclaration.user_id == user_id)).first()


def removed_evaluators(session: Session, tender: Tender) -> set[int]:
    """The people the admins removed from the tender's panel over a conflict."""
    return set(session.exec(select(ConflictDeclaration.user_id).where(
        ConflictDeclaration.tender_id == tender.id, ConflictDeclaration.resolution == "removed")).all())


def supplier_names(session: Session, tender: Tender) -> dict[int, str]:
    """The name of each bid's supplier, by bid id."""
    rows = session.exec(select(col(Bid.id), Organisation.name)
                        .join(Organisation, col(Organisation.id) == col(Bid.organisation_id))
                        .where(Bid.tender_id == tender.id)).all()
    return {bid_id: name for bid_id, name in rows if bid_id is not None}  # a primary key is never NULL


Key = tuple[int, int]  # (submission id, criterion id)


def individual_scores(session: Session, submissions: list[BidSubmission],
                      removed: set[int]) -> dict[Key, list[tuple[str, IndividualScore]]]:
    """The evaluators' scores of the submissions, each with its evaluator's name, oldest first;
    none from the ``removed`` evaluators."""
    found: dict[Key, list[tuple[str, IndividualScore]]] = {}
    for name, score in session.exec(select(User.full_name, IndividualScore)
                                    .join(User, col(User.id) == col(IndividualScore.evaluator_user_id))
                                    .where(col(IndividualScore.submission_id).in_([s.id for s in submissions]),
                                           col(IndividualScore.evaluator_user_id).not_in(removed))
                                    .order_by(col(IndividualScore.submitted_at))).all():
        found.setdefault((score.submission_id, score.criterion_id), []).append((name, score))
    return found


def moderated_scores(session: Session, submissions: list[BidSubmission]) -> dict[Key, ModeratedScore]:
    """The consensus scores of the submissions."""
    return {(m.submission_id, m.criterion_id): m for m in session.exec(
        select(ModeratedScore).where(col(ModeratedScore.submission_id).in_([s.id for s in submissions])))}


def compliance_checks(session: Session, submissions: list[BidSubmission]) -> dict[int, ComplianceCheck]:
    """The compliance check of each submission that has one, by submission id."""
    return {c.submission_id: c for c in session.exec(
        select(ComplianceCheck).where(col(ComplianceCheck.submission_id).in_([s.id for s in submissions])))}


def panel_emails(session: Session, tender: Tender) -> list[tuple[str, int]]:
    """The email address and organisation of each active member of the (scoped) tender's panel
    who has not been removed over a conflict."""
    removed = removed_evaluators(session, tender)
    rows = session.exec(select(User.id, User.email, User.organisation_id)
                        .join(EvaluatorAssignment, col(EvaluatorAssignment.user_id) == col(User.id))
                        .where(EvaluatorAssignment.tender_id == tender.id, col(User.active).is_(True))
                        .distinct().order_by(col(User.email))).all()
    return [(email, organisation_id) for user_id, email, organisation_id in rows if user_id not in removed]
