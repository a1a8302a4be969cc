"""Scoping of tenders. A draft is the lead's admins' alone; a published tender's public
part (details, documents, pricing schedule, criteria) is open to every signed-in user, as
a published tender notice is. Bids are scoped in ``tenderapp.access.bids``.

A tender's own rows (pricing lines, criteria, documents, clarification questions) are found
through the tender the route has already scoped: another tender's row is NotFound."""

from datetime import datetime
from typing import TypeVar

from sqlalchemy import and_, exists, not_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tenderapp.access.core import Actor, scope
from tenderapp.access.listing import ListFilter, Page, conditions_of, instant_between, narrowed, page_of
from tenderapp.access.organisations import _led_collaboration_ids
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.domain.tenders import TenderStatus
from tenderapp.domain.uk_time import uk_today
from tenderapp.models import (
    Clarification,
    Collaboration,
    CollaborationMember,
    Contract,
    Decision,
    Organisation,
    PricingLine,
    QualityCriterion,
    Recommendation,
    Tender,
    TenderDocument,
)


def _leads(actor: Actor) -> ColumnElement[bool]:
    return col(Tender.collaboration_id).in_(_led_collaboration_ids(actor))


def lead_tenders(session: Session, actor: Actor) -> list[Tender]:
    """Every tender, drafts included, of the collaborations the actor's authority leads."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return []
    return list(session.exec(select(Tender).where(_leads(actor)).order_by(col(Tender.created_at).desc())).all())


def published_tenders(session: Session, actor: Actor, members_only: bool = False) -> list[Tender]:
    """Published tenders, newest first; for an authority, ``members_only`` keeps those of
    its own collaborations."""
    query = select(Tender).where(col(Tender.published_at).is_not(None))
    if members_only:
        member_of = select(CollaborationMember.collaboration_id).where(
            CollaborationMember.organisation_id == actor.organisation_id)
        query = query.where(col(Tender.collaboration_id).in_(member_of))
    return list(session.exec(query.order_by(col(Tender.published_at).desc())).all())


# --- what anyone may read: a published tender's notice and open data ------------------------


def public_tender(session: Session, reference: str, now: datetime) -> Tender:
    """The tender with this reference once published (its notice is public). Raises NotFound
    for a draft, a tender whose publication time is still to come, or no such tender."""
    tender = session.exec(select(Tender).where(Tender.reference == reference)).first()
    if tender is None or tender.published_at is None or tender.published_at > now:
        raise NotFound("Tender not found")
    return tender


def public_tenders(session: Session, now: datetime) -> list[tuple[Tender, str]]:
    """Every published tender with its lead authority's name, newest first, in one query."""
    query = (select(Tender, Organisation.name)
             .join(Collaboration, col(Collaboration.id) == col(Tender.collaboration_id))
             .join(Organisation, col(Organisation.id) == col(Collaboration.lead_organisation_id))
             .where(col(Tender.published_at).is_not(None), col(Tender.published_at) <= now)
             .order_by(col(Tender.published_at).desc(), col(Tender.id).desc()))
    return [(tender, name) for tender, name in session.exec(query).all()]
def _visible(actor: Actor) -> ColumnElement[bool]:
    """The tenders the tender list shows the actor: for an authority, its collaborations'
    published tenders and, for the lead's admins, every tender they lead; for anyone else,
    every published tender (as its notice is public)."""
    published = col(Tender.published_at).is_not(None)
    if not actor.organisation_kind.is_authority:
        return published
    member_of = select(CollaborationMember.collaboration_id).where(
        CollaborationMember.organisation_id == actor.organisation_id)
    theirs = and_(published, col(Tender.collaboration_id).in_(member_of))
    return or_(_leads(actor), theirs) if actor.has_role(Role.PROCUREMENT_ADMIN) else theirs


def _status_is(status: TenderStatus, now: datetime) -> ColumnElement[bool]:
    """The condition of ``domain.tenders.tender_status`` returning ``status``, in SQL, so that a
    list filtered by status pages in the database (tests/access/test_listing.py checks that both
    agree for every status)."""
    opened, published = col(Tender.opened_at).is_not(None), col(Tender.published_at).is_not(None)
    passed = and_(col(Tender.submission_deadline).is_not(None), col(Tender.submission_deadline) <= now)
    own = col(Tender.id)
    in_standstill = exists().where(col(Contract.tender_id) == own, col(Contract.standstill_last_day) >= uk_today(now))
    contracted = exists().where(col(Contract.tender_id) == own)
    decided = exists().where(col(Decision.tender_id) == own, col(Decision.kind) == "award",
                             col(Decision.taken_on).is_not(None))
    recommended = exists().where(col(Recommendation.tender_id) == own)
    return {
        TenderStatus.DRAFT: and_(not_(opened), not_(published)),
        TenderStatus.PUBLISHED: and_(not_(opened), published, not_(passed)),
        TenderStatus.CLOSED: and_(not_(opened), published, passed),
        TenderStatus.OPENED: and_(opened, not_(contracted), not_(decided), not_(recommended)),
        TenderStatus.AWARD_RECOMMENDED: and_(opened, not_(contracted), not_(decided), recommended),
        TenderStatus.AWARD_DECIDED: and_(opened, not_(contracted), decided),
        TenderStatus.STANDSTILL: and_(opened, in_standstill),
        TenderStatus.AWARDED: and_(opened, contracted, not_(in_standstill)),
    }[status]


def _tender_conditions(wanted: ListFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions = conditions_of(wanted, (Tender.reference, Tender.title), TenderStatus, lambda s: _status_is(s, now),
                               Tender.collaboration_id)
    return conditions + instant_between(col(Tender.submission_deadline), wanted.date_from, wanted.date_to)


def tender_list(session: Session, actor: Actor, wanted: ListFilter, now: datetime) -> Page[Tender]:
    """One page of the tenders the actor's list shows (see ``_visible``) that match ``wanted``
    (text in the reference or title, status now, collaboration, submission deadline on those
    UK days), newest first. Two queries."""
    query = select(Tender).where(_visible(actor))
    query = narrowed(query, _tender_conditions(wanted, now))
    return page_of(session, query.order_by(col(Tender.created_at).desc(), col(Tender.id).desc()), wanted.page)


def tender_list_collaborations(session: Session, actor: Actor) -> list[Collaboration]:
    """The collaborations of the tenders the actor's list shows, by name (one query): the
    choices of the list's collaboration filter."""
    return list(session.exec(select(Collaboration).where(col(Collaboration.id).in_(
        select(Tender.collaboration_id).where(_visible(actor)))).order_by(Collaboration.name)).all())


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
    """Whether the actor is a procurement admin of the tender's lead."""
    if tender.id is None:
        return False
    try:
        get_lead_tender(session, actor, tender.id)
    except NotFound:
        return False
    return True


Child = TypeVar("Child", PricingLine, QualityCriterion, TenderDocument, Clarification)


def _child(session: Session, model: type[Child], tender: Tender, child_id: int, what: str) -> Child:
    row = session.get(model, child_id)
    if row is None or row.tender_id != tender.id:
        raise NotFound(f"{what} not found")
    return row


def tender_line(session: Session, tender: Tender, line_id: int) -> PricingLine:
    """A pricing line of ``tender``. Raises NotFound for another tender's line."""
    return _child(session, PricingLine, tender, line_id, "Line")


def tender_criterion(session: Session, tender: Tender, criterion_id: int) -> QualityCriterion:
    """A quality criterion of ``tender``. Raises NotFound for another tender's criterion."""
    return _child(session, QualityCriterion, tender, criterion_id, "Criterion")


def tender_document(session: Session, tender: Tender, document_id: int) -> TenderDocument:
    """A document of ``tender`` that is not withdrawn. Raises NotFound otherwise."""
    document = _child(session, TenderDocument, tender, document_id, "Document")
    if document.withdrawn_at is not None:
        raise NotFound("Document not found")
    return document


def tender_clarification(session: Session, tender: Tender, clarification_id: int) -> Clarification:
    """A clarification question asked about ``tender``. Raises NotFound for another tender's."""
    return _child(session, Clarification, tender, clarification_id, "Question")
