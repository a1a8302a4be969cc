"""Scoping of collaborative agreements: parties and the lead, the versions each may read,
and the representations recorded in a collaboration."""

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import CompoundSelect, Select
from sqlmodel import Session, col, select

from tenderapp.access.core import Actor, scope
from tenderapp.access.organisations import get_led_collaboration
from tenderapp.domain.errors import NotFound
from tenderapp.domain.roles import OrganisationKind
from tenderapp.models import (
    Agreement,
    AgreementVersion,
    Collaboration,
    CollaborationMember,
    Organisation,
    Representation,
)

# --- agreements ----------------------------------------------------------------------------


def acting_organisations(actor: Actor, collaboration_ids: Collection[int]) -> CompoundSelect[int, int]:
    """(collaboration id, organisation id) for every organisation the actor may answer for in
    each of the collaborations: their own, where it is a member, and every member their
    organisation represents there."""
    own = select(CollaborationMember.collaboration_id, CollaborationMember.organisation_id).where(
        col(CollaborationMember.collaboration_id).in_(collaboration_ids),
        CollaborationMember.organisation_id == actor.organisation_id,
    )
    represented: Select[int, int] = select(Representation.collaboration_id,
                         col(Representation.represented_organisation_id).label("organisation_id")).where(
        col(Representation.collaboration_id).in_(collaboration_ids),
        Representation.representative_organisation_id == actor.organisation_id,
    )
    return own.union(represented)


@dataclass(frozen=True)
class Acting:
    """An organisation the actor may answer for in a collaboration, with the representation
    that allows it (None for the actor's own organisation)."""

    collaboration_id: int
    organisation: Organisation
    representation: Representation | None


def acting_for(session: Session, actor: Actor, collaboration_ids: Collection[int]) -> list[Acting]:
    """``acting_organisations`` as organisations, in two queries however many there are: the
    actor's own organisation first, then by name."""
    acting = acting_organisations(actor, collaboration_ids).subquery()
    rows = session.exec(
        select(acting.c.collaboration_id, Organisation)
        .join(Organisation, col(Organisation.id) == acting.c.organisation_id)
        .order_by(col(Organisation.id) != actor.organisation_id, Organisation.name)
    ).all()
    representing = {(r.collaboration_id, r.represented_organisation_id): r for r in session.exec(
        select(Representation).where(
            col(Representation.collaboration_id).in_(collaboration_ids),
            Representation.representative_organisation_id == actor.organisation_id,
            col(Representation.represented_organisation_id).in_(list({o.id for _, o in rows}))))}
    return [Acting(collaboration_id, o, representing.get((collaboration_id, o.id or 0)))
            for collaboration_id, o in rows]


def _party_collaboration_ids(actor: Actor) -> CompoundSelect[int]:
    member_of = select(CollaborationMember.collaboration_id).where(
        CollaborationMember.organisation_id == actor.organisation_id
    )
    representing_in = select(Representation.collaboration_id).where(
        Representation.representative_organisation_id == actor.organisation_id
    )
    return member_of.union(representing_in)


def party_agreements(session: Session, actor: Actor) -> list[tuple[Agreement, Collaboration]]:
    """Agreements of the collaborations the actor's organisation belongs to or acts in."""
    return list(
        session.exec(
            select(Agreement, Collaboration)
            .join(Collaboration, col(Collaboration.id) == Agreement.collaboration_id)
            .where(col(Agreement.collaboration_id).in_(_party_collaboration_ids(actor)))
            .order_by(Collaboration.name, Agreement.title)
        ).all()
    )


@scope("party_agreement")
def get_party_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    """Raises NotFound unless the actor's organisation belongs to, or acts in, the
    agreement's collaboration."""
    agreement = session.exec(
        select(Agreement).where(
            Agreement.id == agreement_id,
            col(Agreement.collaboration_id).in_(_party_collaboration_ids(actor)),
        )
    ).first()
    if agreement is None:
        raise NotFound("Agreement not found")
    return agreement


@scope("lead_agreement")
def get_lead_agreement(session: Session, actor: Actor, agreement_id: int) -> Agreement:
    """Raises NotFound unless the actor is a procurement admin of the collaboration's lead
    (``leads``)."""
    agreement = session.get(Agreement, agreement_id)
    if agreement is None or not leads(session, actor, agreement):
        raise NotFound("Agreement not found")
    return agreement


def leads(session: Session, actor: Actor, agreement: Agreement) -> bool:
    """Whether the actor is a procurement admin of the agreement's lead: the people who may
    see its drafts and its tracker."""
    try:
        get_led_collaboration(session, actor, agreement.collaboration_id)
    except NotFound:
        return False
    return True


def version_document(session: Session, actor: Actor, agreement: Agreement, number: int) -> AgreementVersion:
    """Version ``number`` of the agreement, for its PDF: any party may read an issued version,
    only the lead (``leads``) a draft. Raises NotFound otherwise, or when it has no PDF."""
    version = session.exec(select(AgreementVersion).where(
        AgreementVersion.agreement_id == agreement.id, AgreementVersion.number == number)).first()
    if version is None or not version.document_sha256 or not (version.issued_at or leads(session, actor, agreement)):
        raise NotFound("Document not found")
    return version


# --- representations ---------------------------------------------------------------------


def acting_authority(session: Session, organisation_id: int | None) -> Organisation | None:
    """The organisation a lead may record as acting for members: any authority on Tenderapp,
    a member of the collaboration or not (such as a commissioning support unit). None for a
    supplier, an unknown id or none chosen."""
    organisation = session.get(Organisation, organisation_id) if organisation_id else None
    if organisation is None or not OrganisationKind(organisation.kind).is_authority:
        return None
    return organisation


def representation_document(session: Session, collaboration: Collaboration, representation_id: int
                            ) -> Representation:
    """A representation of the (scoped) collaboration, for its authority document. Raises
    NotFound when it is another collaboration's or has no document."""
    row = session.get(Representation, representation_id)
    if row is None or row.collaboration_id != collaboration.id or not row.document_sha256:
        raise NotFound("Document not found")
    return row
