"""An organisation's registered identifiers (Companies House, Charity Commission, PPON,
local-authority code, ...): read for its page and the open data, changed by those who manage it."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from tenderapp.access import Actor, require_role
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.identifiers import BY_CODE, Identifier, check_identifiers, ordered
from tenderapp.domain.roles import Role
from tenderapp.models import Organisation, OrganisationIdentifier
from tenderapp.services import audit


def of_organisations(session: Session, organisation_ids: Iterable[int]) -> dict[int, list[Identifier]]:
    """Each organisation's identifiers, main one first, in one query (an organisation with
    none is absent)."""
    ids = sorted(set(organisation_ids))
    found: dict[int, list[Identifier]] = defaultdict(list)
    if not ids:
        return found
    rows = session.exec(select(OrganisationIdentifier)
                        .where(col(OrganisationIdentifier.organisation_id).in_(ids))).all()
    for row in rows:
        found[row.organisation_id].append(Identifier(row.scheme, row.identifier))
    return {organisation_id: ordered(identifiers) for organisation_id, identifiers in found.items()}


def of_organisation(session: Session, organisation: Organisation) -> list[Identifier]:
    return of_organisations(session, [organisation.id]).get(organisation.id, [])


def _check_unused(session: Session, organisation: Organisation, identifiers: list[Identifier]) -> None:
    for identifier in identifiers:
        holder = session.exec(select(OrganisationIdentifier.organisation_id).where(
            OrganisationIdentifier.scheme == identifier.scheme, OrganisationIdentifier.identifier == identifier.id,
            OrganisationIdentifier.organisation_id != organisation.id)).first()
        if holder is not None:
            scheme = BY_CODE[identifier.scheme]
            raise RuleViolation(f"Another organisation is registered with this {scheme.name}", scheme.field)


def add(session: Session, organisation: Organisation, identifiers: list[Identifier], now: datetime) -> None:
    """Adds the identifiers of a new organisation inside the caller's transaction. Raises
    RuleViolation when another organisation holds one of them."""
    _check_unused(session, organisation, identifiers)
    session.add_all([OrganisationIdentifier(organisation_id=organisation.id, scheme=i.scheme, identifier=i.id,
                                            recorded_at=now) for i in identifiers])


def save(session: Session, actor: Actor, organisation: Organisation, values: dict[str, str | None],
         now: datetime) -> list[Identifier]:
    """Replaces the organisation's identifiers with ``values`` (scheme code -> id; blank
    removes it), audited. Raises RuleViolation beside the field of an identifier that is not
    in its scheme's format or that another organisation holds."""
    require_role(actor, Role.PROCUREMENT_ADMIN, Role.BIDDER)
    identifiers = check_identifiers(values)
    _check_unused(session, organisation, identifiers)
    rows = {row.scheme: row for row in session.exec(select(OrganisationIdentifier).where(
        OrganisationIdentifier.organisation_id == organisation.id)).all()}
    before = {scheme: row.identifier for scheme, row in rows.items()}
    after = {i.scheme: i.id for i in identifiers}
    for scheme, row in rows.items():
        if after.get(scheme) != row.identifier:
            session.delete(row)
    session.flush()
    session.add_all([OrganisationIdentifier(organisation_id=organisation.id, scheme=scheme, identifier=value,
                                            recorded_at=now)
                     for scheme, value in after.items() if before.get(scheme) != value])
    audit.record(session, actor, "organisation.identifiers_changed", "organisation", organisation.id, now,
                 {"before": before, "after": after}, organisation_id=organisation.id)
    session.commit()
    return identifiers
