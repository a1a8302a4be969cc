"""Scoping of decisions and their documents. The lead's procurement admins read and manage
every decision of the collaborations they lead; the other members read the published ones
only; anyone else is told a decision does not exist."""

from collections import defaultdict

from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tenderapp.access.contracts import child_of
from tenderapp.access.core import Actor, scope
from tenderapp.access.listing import ListFilter, Page, conditions_of, day_between, narrowed, page_of
from tenderapp.access.organisations import (
    _led_collaboration_ids,
    get_led_collaboration,
    led_collaborations,
    member_collaborations,
)
from tenderapp.domain.decisions import DecisionStatus
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import Role
from tenderapp.models import Collaboration, CollaborationMember, Decision, DecisionDocument


def _decision(session: Session, decision_id: int) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Decision not found")
    return decision


def _leads(session: Session, actor: Actor, decision: Decision) -> bool:
    try:
        get_led_collaboration(session, actor, decision.collaboration_id)
    except NotFound:
        return False
    return True


def _is_member(session: Session, actor: Actor, collaboration_id: int) -> bool:
    return session.exec(select(CollaborationMember.id).where(
        CollaborationMember.collaboration_id == collaboration_id,
        CollaborationMember.organisation_id == actor.organisation_id)).first() is not None


@scope("decision")
def get_readable_decision(session: Session, actor: Actor, decision_id: int) -> tuple[Decision, bool]:
    """The decision and whether the actor leads its collaboration. Members read published
    decisions only; anyone else is told it does not exist (NotFound)."""
    decision = _decision(session, decision_id)
    if _leads(session, actor, decision):
        return decision, True
    if decision.published_at is None or not _is_member(session, actor, decision.collaboration_id):
        raise NotFound("Decision not found")
    return decision, False


@scope("lead_decision")
def get_lead_decision(session: Session, actor: Actor, decision_id: int) -> Decision:
    """A decision of a collaboration the actor's authority leads, for its procurement admins
    (NotFound for anyone else)."""
    decision = _decision(session, decision_id)
    get_led_collaboration(session, actor, decision.collaboration_id)
    return decision


def collaboration_decision(session: Session, collaboration_id: int, decision_id: int) -> Decision | None:
    """The decision chosen on a form when it is one of the collaboration's (None otherwise),
    for a caller that has already scoped the collaboration."""
    decision = session.get(Decision, decision_id) if decision_id else None
    return decision if decision is not None and decision.collaboration_id == collaboration_id else None


def decision_document(session: Session, decision: Decision, document_id: int) -> DecisionDocument:
    """A document of the scoped ``decision``; NotFound for any other."""
    return child_of(session, DecisionDocument, document_id, "decision_id", decision.id, "Document")


def readable_decisions(session: Session, actor: Actor) -> list[tuple[Collaboration, bool, list[Decision]]]:
    """Each collaboration the actor's organisation belongs to, whether the actor leads it, and
    the decisions the actor may read: every one for the lead's admins, the published ones for
    other members. Three queries however many collaborations and decisions there are."""
    memberships = [collaboration for collaboration, _ in member_collaborations(session, actor)]
    if not memberships:
        return []
    led = {c.id for c in led_collaborations(session, actor)}
    grouped: dict[int | None, list[Decision]] = defaultdict(list)
    for decision in session.exec(
            select(Decision).where(
                col(Decision.collaboration_id).in_([c.id for c in memberships]),
                or_(col(Decision.collaboration_id).in_(led), col(Decision.published_at).is_not(None)))
            .order_by(col(Decision.created_at))).all():
        grouped[decision.collaboration_id].append(decision)
    return [(c, c.id in led, grouped[c.id]) for c in memberships]


def _readable(actor: Actor) -> ColumnElement[bool]:
    member_of = select(CollaborationMember.collaboration_id).where(
        CollaborationMember.organisation_id == actor.organisation_id)
    published = col(Decision.published_at).is_not(None)
    if not actor.has_role(Role.PROCUREMENT_ADMIN):  # as readable_decisions: only the lead's admins see drafts
        return and_(col(Decision.collaboration_id).in_(member_of), published)
    return and_(col(Decision.collaboration_id).in_(member_of),
                or_(col(Decision.collaboration_id).in_(_led_collaboration_ids(actor)), published))


def _status_is(status: DecisionStatus) -> ColumnElement[bool]:
    """The condition of ``domain.decisions.status`` returning ``status``, in SQL (checked
    against the rule in tests/services/test_listing.py)."""
    published, taken = col(Decision.published_at).is_not(None), col(Decision.taken_on).is_not(None)
    endorsed = col(Decision.endorsed_on).is_not(None)
    return {
        DecisionStatus.PUBLISHED: published,
        DecisionStatus.TAKEN: and_(~published, taken),
        DecisionStatus.ENDORSED: and_(~published, ~taken, endorsed),
        DecisionStatus.PROPOSED: and_(~published, ~taken, ~endorsed),
    }[status]


def _decision_conditions(wanted: ListFilter) -> list[ColumnElement[bool]]:
    conditions = conditions_of(wanted, (Decision.number, Decision.title), DecisionStatus, _status_is,
                               Decision.collaboration_id)
    return conditions + day_between(col(Decision.taken_on), wanted.date_from, wanted.date_to)


def decision_list(session: Session, actor: Actor, wanted: ListFilter) -> Page[Decision]:
    """One page of the decisions the actor may read (every one of the collaborations the
    actor's authority leads, for its admins; the published ones of its other collaborations)
    that match ``wanted`` (text in the number or title, status, collaboration, taken on those
    days), newest first. Two queries. ``extra["led"]`` holds the ids of the collaborations the
    actor leads (one more query), where the list offers to publish."""
    query = narrowed(select(Decision).where(_readable(actor)), _decision_conditions(wanted))
    page = page_of(session, query.order_by(col(Decision.created_at).desc(), col(Decision.id).desc()), wanted.page)
    page.extra["led"] = {c.id for c in led_collaborations(session, actor)}
    return page
