"""Scoping for evaluation. A tender's panel members reach that tender's evaluation only, and
only the criteria they are assigned to; bids only once opened and once cleared. The lead's
admins reach the panel, the declarations, the bids and their scores of a tender they have
loaded through ``get_lead_tender``: the functions below take that scoped tender."""

from sqlmodel import Session, select

from tenderapp.access.bids import opened_submissions_for_panel
from tenderapp.access.core import Actor, require_role, scope
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import BidSubmission, ConflictDeclaration, EvaluatorAssignment, QualityCriterion, Tender


def panel_tenders(session: Session, actor: Actor) -> list[Tender]:
    """The tenders whose panel the actor sits on."""
    if not actor.has_role(Role.EVALUATOR):
        return []
    ids = select(EvaluatorAssignment.tender_id).where(EvaluatorAssignment.user_id == actor.user_id)
    return list(session.exec(select(Tender).where(Tender.id.in_(ids)).order_by(Tender.created_at.desc())).all())


@scope("panel_tender")
def get_panel_tender(session: Session, actor: Actor, tender_id: int) -> tuple[Tender, list[int]]:
    """The tender and the criteria the actor evaluates on it. Raises NotFound when the actor
    is not on its panel (evaluators of other tenders or authorities reach nothing)."""
    require_role(actor, Role.EVALUATOR)
    criteria = list(session.exec(select(EvaluatorAssignment.criterion_id).where(
        EvaluatorAssignment.tender_id == tender_id, EvaluatorAssignment.user_id == actor.user_id)).all())
    tender = session.get(Tender, tender_id)
    if tender is None or not criteria:
        raise NotFound("Tender not found")
    return tender, criteria


@scope("panel_tender")
def get_evaluated_tender(session: Session, actor: Actor, tender_id: int) -> Tender:
    """The tender, for a member of its panel. Raises NotFound as ``get_panel_tender``."""
    tender, _ = get_panel_tender(session, actor, tender_id)
    return tender


# --- a lead-scoped tender's evaluation ------------------------------------------------------


def criteria(session: Session, tender: Tender) -> list[QualityCriterion]:
    """The tender's quality criteria, in their published order."""
    return list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                             .order_by(QualityCriterion.position)).all())


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
