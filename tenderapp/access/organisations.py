"""Scoping of organisations, people, collaborations and the outbox."""

from typing import Any, TypeVar

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from tenderapp.access.core import Actor, scope
from tenderapp.access.listing import ListFilter, Page, conditions_of, instant_between, narrowed, page_of
from tenderapp.domain.errors import NotFound
from tenderapp.domain.labels import LabelledEnum
from tenderapp.domain.roles import Role
from tenderapp.models import Collaboration, CollaborationMember, Organisation, OutboxMessage, User

# --- organisations an admin manages -----------------------------------------------------


def _led_collaboration_ids(actor: Actor) -> SelectOfScalar[int | None]:
    return select(col(Collaboration.id)).where(
        Collaboration.lead_organisation_id == actor.organisation_id
    )


def managed_organisation_ids(actor: Actor) -> SelectOfScalar[int | None]:
    """A procurement admin manages their own organisation and the organisations their
    authority brought onto Tenderapp (``managed_by``). Membership of a collaboration alone
    grants nothing over an organisation. A supplier's bidders manage their own supplier.
    Anyone else manages nothing."""
    if actor.has_role(Role.BIDDER) and not actor.organisation_kind.is_authority:
        return select(col(Organisation.id)).where(Organisation.id == actor.organisation_id)
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return select(col(Organisation.id)).where(False)
    return select(col(Organisation.id)).where(
        or_(col(Organisation.id) == actor.organisation_id,
            col(Organisation.managed_by_organisation_id) == actor.organisation_id)
    )


Row = TypeVar("Row")


def _managed(session: Session, query: SelectOfScalar[Row], message: str) -> Row:
    """The one row ``query`` finds. Raises NotFound with ``message`` when there is none."""
    row = session.exec(query).first()
    if row is None:
        raise NotFound(message)
    return row


@scope("organisation")
def get_managed_organisation(session: Session, actor: Actor, organisation_id: int) -> Organisation:
    """Raises NotFound unless the actor manages this organisation."""
    return _managed(session, select(Organisation).where(
        Organisation.id == organisation_id, col(Organisation.id).in_(managed_organisation_ids(actor))),
        "Organisation not found")


@scope("user")
def get_managed_user(session: Session, actor: Actor, user_id: int) -> User:
    """Raises NotFound unless the user belongs to an organisation the actor manages."""
    return _managed(session, select(User).where(
        User.id == user_id, col(User.organisation_id).in_(managed_organisation_ids(actor))), "User not found")


# --- collaborations ------------------------------------------------------------------------


def led_collaborations(session: Session, actor: Actor) -> list[Collaboration]:
    """Collaborations the actor's organisation leads (procurement admins only)."""
    if not actor.has_role(Role.PROCUREMENT_ADMIN):
        return []
    return list(
        session.exec(
            select(Collaboration)
            .where(col(Collaboration.id).in_(_led_collaboration_ids(actor)))
            .order_by(Collaboration.name)
        ).all()
    )


@scope("collaboration")
def get_led_collaboration(session: Session, actor: Actor, collaboration_id: int) -> Collaboration:
    """Raises NotFound unless the actor is a procurement admin of the collaboration's lead."""
    collaboration = session.get(Collaboration, collaboration_id)
    if (
        collaboration is None
        or not actor.has_role(Role.PROCUREMENT_ADMIN)
        or collaboration.lead_organisation_id != actor.organisation_id
    ):
        raise NotFound("Collaboration not found")
    return collaboration


def member_collaborations(session: Session, actor: Actor) -> list[tuple[Collaboration, Organisation]]:
    """Collaborations the actor's organisation belongs to, each with its lead organisation."""
    rows = session.exec(
        select(Collaboration, Organisation)
        .join(CollaborationMember, col(CollaborationMember.collaboration_id) == col(Collaboration.id))
        .join(Organisation, col(Organisation.id) == col(Collaboration.lead_organisation_id))
        .where(CollaborationMember.organisation_id == actor.organisation_id)
        .order_by(Collaboration.name)
    ).all()
    return list(rows)


# --- outbox --------------------------------------------------------------------------------


def visible_outbox(session: Session, actor: Actor, limit: int = 200) -> list[OutboxMessage]:
    """Messages to people in organisations the actor manages, newest first."""
    return list(
        session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.organisation_id).in_(managed_organisation_ids(actor)))
            .order_by(col(OutboxMessage.id).desc())
            .limit(limit)
        ).all()
    )


def _failed_in_managed(actor: Actor) -> SelectOfScalar[OutboxMessage]:
    return select(OutboxMessage).where(col(OutboxMessage.failed_at).is_not(None),
                                       col(OutboxMessage.organisation_id).in_(managed_organisation_ids(actor)))


def failed_outbox(session: Session, actor: Actor, limit: int = 200) -> list[OutboxMessage]:
    """Messages to people in organisations the actor manages that the outbox worker gave up
    on, most recently failed first."""
    return list(session.exec(_failed_in_managed(actor).order_by(col(OutboxMessage.failed_at).desc(),
                                                                col(OutboxMessage.id).desc()).limit(limit)).all())


def failed_outbox_count(session: Session, actor: Actor) -> int:
    """How many messages ``failed_outbox`` would list (counted, not loaded)."""
    return session.exec(select(func.count()).select_from(_failed_in_managed(actor).subquery())).one()


class DeliveryStatus(LabelledEnum):
    """Where a message stands with the mail worker, as the outbox list shows it."""

    QUEUED = "queued", "Queued"
    RETRYING = "retrying", "Not delivered yet, to be tried again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


def _delivery_is(status: DeliveryStatus) -> ColumnElement[bool]:
    sent, failed = col(OutboxMessage.sent_at).is_not(None), col(OutboxMessage.failed_at).is_not(None)
    errored = col(OutboxMessage.delivery_error).is_not(None)
    return {
        DeliveryStatus.SENT: sent,
        DeliveryStatus.FAILED: and_(~sent, failed),
        DeliveryStatus.RETRYING: and_(~sent, ~failed, errored),
        DeliveryStatus.QUEUED: and_(~sent, ~failed, ~errored),
    }[status]


def _message_conditions(wanted: ListFilter, when: Any) -> list[ColumnElement[bool]]:
    conditions = conditions_of(wanted, (OutboxMessage.subject, OutboxMessage.recipient), DeliveryStatus, _delivery_is)
    return conditions + instant_between(when, wanted.date_from, wanted.date_to)


def outbox_list(session: Session, actor: Actor, wanted: ListFilter) -> Page[OutboxMessage]:
    """One page of ``visible_outbox`` (every message, not the newest 200) matching ``wanted``:
    text in the subject or the address, delivery status, written on those UK days. Two queries."""
    query = select(OutboxMessage).where(col(OutboxMessage.organisation_id).in_(managed_organisation_ids(actor)))
    query = narrowed(query, _message_conditions(wanted, col(OutboxMessage.created_at)))
    return page_of(session, query.order_by(col(OutboxMessage.id).desc()), wanted.page)


def failed_outbox_list(session: Session, actor: Actor, wanted: ListFilter) -> Page[OutboxMessage]:
    """One page of ``failed_outbox`` matching ``wanted`` (text in the subject or the address,
    given up on those UK days), most recently failed first. Two queries."""
    query = narrowed(_failed_in_managed(actor), _message_conditions(wanted, col(OutboxMessage.failed_at)))
    return page_of(session, query.order_by(col(OutboxMessage.failed_at).desc(), col(OutboxMessage.id).desc()),
                   wanted.page)


@scope("failed_message")
def get_failed_message(session: Session, actor: Actor, message_id: int) -> OutboxMessage:
    """Raises NotFound unless the message failed and is to someone in an organisation the actor manages."""
    message: OutboxMessage = _managed(session, _failed_in_managed(actor).where(OutboxMessage.id == message_id),
                                      "Message not found")
    return message
