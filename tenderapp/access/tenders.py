"""Scoping of tenders. A draft is the lead's admins' alone; a published tender's public
part (details, documents, pricing schedule, criteria) is open to every signed-in user, as
a published tender notice is. Bids are scoped in ``tenderapp.access.bids``.

A tender's own rows (pricing lines, criteria, documents, clarification questions) are found
through the tender the route has already scoped: another tender's row is NotFound."""

from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from tenderapp.access.core import Actor, scope
from tenderapp.access.organisations import _led_collaboration_ids
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import (
    Clarification,
    CollaborationMember,
    PricingLine,
    QualityCriterion,
    Tender,
    TenderDocument,
)


def _leads(actor: Actor) -> ColumnElement[bool]:
    return Tender.collaboration_id.in_(_led_collaboration_ids(actor))


def lead_tenders(session: Session, actor: Actor) -> list[Tender]:
    """Every tender, drafts included, of the collaborations the actor's authority leads."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return []
    return list(session.exec(select(Tender).where(_leads(actor)).order_by(Tender.created_at.desc())).all())


def published_tenders(session: Session, actor: Actor, members_only: bool = False) -> list[Tender]:
    """Published tenders, newest first; for an authority, ``members_only`` keeps those of
    its own collaborations."""
    query = select(Tender).where(Tender.published_at.is_not(None))
    if members_only:
        member_of = select(CollaborationMember.collaboration_id).where(
            CollaborationMember.organisation_id == actor.organisation_id)
        query = query.where(Tender.collaboration_id.in_(member_of))
    return list(session.exec(query.order_by(Tender.published_at.desc())).all())


@scope("lead_tender")
def get_lead_tender(session: Session, actor: Actor, tender_id: int) -> Tender:
    """Raises NotFound unless the actor is a procurement admin of the tender's lead."""
    tender = None
    if actor.has_role(Role.PROCUREMENT_ADMIN):
        tender = session.exec(select(Tender).where(Tender.id == tender_id, _leads(actor))).first()
    if tender is None:
        raise NotFound("Tender not found")
    return tender


@scope("visible_tender")
def get_visible_tender(session: Session, actor: Actor, tender_id: int) -> Tender:
    """A published tender for anyone signed in; a draft only for the lead's admins."""
    tender = session.get(Tender, tender_id)
    if tender is None:
        raise NotFound("Tender not found")
    if tender.published_at is None:
        return get_lead_tender(session, actor, tender_id)
    return tender


def is_lead(session: Session, actor: Actor, tender: Tender) -> bool:
    try:
        get_lead_tender(session, actor, tender.id)
    except NotFound:
        return False
    return True


def tender_line(session: Session, tender: Tender, line_id: int) -> PricingLine:
    """A pricing line of ``tender``. Raises NotFound for another tender's line."""
    line = session.get(PricingLine, line_id)
    if line is None or line.tender_id != tender.id:
        raise NotFound("Line not found")
    return line


def tender_criterion(session: Session, tender: Tender, criterion_id: int) -> QualityCriterion:
    """A quality criterion of ``tender``. Raises NotFound for another tender's criterion."""
    criterion = session.get(QualityCriterion, criterion_id)
    if criterion is None or criterion.tender_id != tender.id:
        raise NotFound("Criterion not found")
    return criterion


def tender_document(session: Session, tender: Tender, document_id: int) -> TenderDocument:
    """A document of ``tender`` that is not withdrawn. Raises NotFound otherwise."""
    document = session.get(TenderDocument, document_id)
    if document is None or document.tender_id != tender.id or document.withdrawn_at is not None:
        raise NotFound("Document not found")
    return document


def tender_clarification(session: Session, tender: Tender, clarification_id: int) -> Clarification:
    """A clarification question asked about ``tender``. Raises NotFound for another tender's."""
    asked = session.get(Clarification, clarification_id)
    if asked is None or asked.tender_id != tender.id:
        raise NotFound("Question not found")
    return asked
