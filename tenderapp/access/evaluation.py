"""Scoping for evaluators: a tender's panel members reach that tender's evaluation only,
and only the criteria they are assigned to; bids only once opened and once cleared."""

from sqlmodel import Session, select

from tenderapp.access.core import Actor, require_role, scope
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import EvaluatorAssignment, Tender


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
