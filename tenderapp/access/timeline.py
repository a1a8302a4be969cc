"""The audit events of one tender, for its timeline: those naming the tender itself and
those naming its bids, clarification questions, contract and decisions (an event names its
object by ``object_type`` and ``object_id``). One query however many events and children.

The tender is one the route has already scoped. Until the bids are opened, the events of
bids (who saved, submitted or withdrew one, and late attempts) are left out for everyone:
the authority side may know only how many bids there are until the box is opened.
"""

from typing import Any

from sqlalchemy import String, and_, cast, or_
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from tenderapp.models import AuditEvent, Bid, Clarification, Contract, Decision, Organisation, Tender, User


def _names(object_type: str, ids: Any) -> ColumnElement[bool]:
    return and_(col(AuditEvent.object_type) == object_type, col(AuditEvent.object_id).in_(ids))


def _about(tender: Tender) -> ColumnElement[bool]:
    def ids_of(model: Any) -> Any:
        return select(cast(model.id, String)).where(model.tender_id == tender.id)

    children = [_names("clarification", ids_of(Clarification)), _names("contract", ids_of(Contract)),
                _names("decision", ids_of(Decision))]
    own = and_(col(AuditEvent.object_type) == "tender", col(AuditEvent.object_id) == str(tender.id))
    if tender.opened_at is None:
        return or_(and_(own, ~col(AuditEvent.action).startswith("bid.")), *children)
    return or_(own, _names("bid", ids_of(Bid)), *children)


def tender_events(session: Session, tender: Tender) -> list[tuple[AuditEvent, str | None, str | None]]:
    """Every audit event about ``tender`` (see the module), oldest first, each with the name of
    the person who acted and of the organisation whose chain it is on (None for the system)."""
    organisation = aliased(Organisation)
    rows = session.exec(
        select(AuditEvent, User.full_name, organisation.name)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_user_id))
        .outerjoin(organisation, col(organisation.id) == col(AuditEvent.organisation_id))
        .where(_about(tender))
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))).all()
    return list(rows)
