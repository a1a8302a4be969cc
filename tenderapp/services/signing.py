"""A member's side of the collaborative agreement: agreeing in principle, signing and
declining, for their own organisation and any it is authorised to act for."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from tenderapp import access, security
from tenderapp.access import Actor, require_role
from tenderapp.access import agreements as agreement_access
from tenderapp.domain.agreements import Action, PartyStatus, check_move
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.notifications import Notice
from tenderapp.domain.roles import Role
from tenderapp.domain.text import check_single_line
from tenderapp.models import (
    Agreement,
    AgreementResponse,
    AgreementVersion,
    Organisation,
    Representation,
    Signature,
    User,
)
from tenderapp.services import audit, end_read_transaction, notifications
from tenderapp.services.agreement_status import current_version, current_versions, responses_by_party, status_of
from tenderapp.services.auth import ClientInfo


class VersionSuperseded(Conflict):
    """The version on the form is no longer the one issued (the text changed meanwhile)."""


@dataclass(frozen=True)
class Party:
    organisation: Organisation
    status: PartyStatus
    representation: Representation | None  # set when the actor acts on another's behalf


def parties(session: Session, actor: Actor, agreement: Agreement) -> list[Party]:
    """The organisations the actor may answer for in this agreement, with their status."""
    return parties_of(session, actor, [agreement])[agreement.id]


def parties_of(session: Session, actor: Actor, agreements: list[Agreement]) -> dict[int, list[Party]]:
    """``parties`` of each agreement (by id), in four queries however many agreements and
    organisations there are: the actor's own organisation first, then by name."""
    if not agreements:
        return {}
    acting = agreement_access.acting_for(session, actor, {a.collaboration_id for a in agreements})
    ids = list({a.organisation.id for a in acting})
    current = current_versions(session, [a.id for a in agreements])
    history = responses_by_party(session, [a.id for a in agreements], ids)
    return {agreement.id: [Party(a.organisation, status_of(current.get(agreement.id),
                                                          history.get((agreement.id, a.organisation.id), [])),
                                 a.representation)
                           for a in acting if a.collaboration_id == agreement.collaboration_id]
            for agreement in agreements}


def _check_request(
    session: Session, actor: Actor, agreement: Agreement, version_id: int, organisation_ids: list[int],
    action: Action,
) -> tuple[AgreementVersion, list[Party]]:
    """The version answered and the parties chosen. Raises VersionSuperseded when the version
    is no longer the one issued; RuleViolation for an organisation the actor cannot answer for
    or whose status does not allow ``action``."""
    require_role(actor, Role.SIGNATORY)
    current = current_version(session, agreement.id)
    if current is None:
        raise RuleViolation("The agreement has not been issued yet")
    if current.id != version_id:
        raise VersionSuperseded(
            f"The agreement has changed since you opened it. Read version {current.number} below before you answer.")
    if not organisation_ids:
        raise RuleViolation("Select the organisations you are answering for", field="organisation_ids")
    allowed = {p.organisation.id: p for p in parties(session, actor, agreement)}
    chosen = []
    for organisation_id in dict.fromkeys(organisation_ids):
        party = allowed.get(organisation_id)
        if party is None:
            raise RuleViolation("You can only answer for your organisation and those it acts for",
                                field="organisation_ids")
        if not (action is Action.SIGN and party.status is PartyStatus.SIGNED):
            check_move(party.status, action, party.organisation.name)
        chosen.append(party)
    return current, chosen


def _respond(session: Session, actor: Actor, agreement: Agreement, version: AgreementVersion, chosen: list[Party],
             action: Action, note: str | None, now: datetime, link: str | None) -> None:
    """Records the answer for each chosen organisation; with a ``link`` (the tracker), the
    lead's procurement admins are told who answered (``None``: no one is told)."""
    if link is not None and chosen:
        _tell_lead(session, actor, agreement, version, chosen, action, now, link)
    for party in chosen:
        session.add(AgreementResponse(
            agreement_id=agreement.id, version_id=version.id, organisation_id=party.organisation.id,
            action=action.value, note=note, user_id=actor.user_id, acting_organisation_id=actor.organisation_id,
            created_at=now))
        audit.record(session, actor, f"agreement.{action.value}", "agreement", agreement.id, now,
                     {"organisation_id": party.organisation.id, "version": version.number,
                      "sha256": version.sha256, "note": note},
                     organisation_id=party.organisation.id)


_ANSWERED = {Action.AGREE_IN_PRINCIPLE: "agreed in principle to", Action.SIGN: "signed",
             Action.DECLINE: "declined"}


def _tell_lead(session: Session, actor: Actor, agreement: Agreement, version: AgreementVersion, chosen: list[Party],
               action: Action, now: datetime, link: str) -> None:
    names = ", ".join(p.organisation.name for p in chosen)
    lead = notifications.lead_admins(session, agreement)
    notifications.send(session, Notice.AGREEMENT_ANSWERED, lead,
                       f"{names} {_ANSWERED[action]} the agreement",
                       f"{actor.full_name} ({actor.organisation_name}) {_ANSWERED[action]} “{agreement.title}”, "
                       f"version {version.number}, for {names}. See every member's answer on the tracker:", link, now)


def agree_in_principle(
    session: Session, actor: Actor, agreement: Agreement, version_id: int, organisation_ids: list[int],
    note: str, now: datetime, link: str | None,
) -> list[Party]:
    """Records 'agreed in principle' (with a note, such as the governance still needed); the
    lead's admins are told, with ``link`` (the tracker; ``None`` tells no one: a demo's
    story)."""
    version, chosen = _check_request(session, actor, agreement, version_id, organisation_ids,
                                     Action.AGREE_IN_PRINCIPLE)
    _respond(session, actor, agreement, version, chosen, Action.AGREE_IN_PRINCIPLE, note.strip() or None, now, link)
    session.commit()
    return chosen


def decline(
    session: Session, actor: Actor, agreement: Agreement, version_id: int, organisation_ids: list[int],
    reason: str, now: datetime, link: str | None,
) -> list[Party]:
    """Records that the organisations decline this version (the lead's admins are told, with
    ``link``, the tracker; ``None`` tells no one). Raises RuleViolation without a reason."""
    if not reason.strip():
        raise RuleViolation("Enter the reason for declining", field="reason")
    version, chosen = _check_request(session, actor, agreement, version_id, organisation_ids, Action.DECLINE)
    _respond(session, actor, agreement, version, chosen, Action.DECLINE, reason.strip(), now, link)
    session.commit()
    return chosen


@dataclass(frozen=True)
class SignatureRequest:
    version_id: int
    organisation_ids: list[int]
    full_name: str
    job_title: str
    authorised: bool
    password: str


@dataclass(frozen=True)
class Signer:
    """Who signs, as the signature records them."""

    full_name: str
    job_title: str


def sign(
    session: Session, actor: Actor, agreement: Agreement, request: SignatureRequest, now: datetime, link: str,
    client: ClientInfo = ClientInfo(),
) -> list[Signature]:
    """Signs the current version for each chosen organisation: one signature per organisation,
    bound to the version's number and SHA-256, after re-entry of the signer's password. The
    lead's admins are told, with ``link`` (the tracker).

    Signing again what is already signed changes nothing and returns the existing signatures.
    Raises VersionSuperseded when the version changed; RuleViolation for a missing name, job
    title or confirmation, a wrong password, or an organisation the signer cannot sign for.
    """
    signer = _reauthenticated_signer(session, actor, request)
    return record_signatures(session, actor, agreement, request.version_id, request.organisation_ids, signer, now,
                             link, client)


def _reauthenticated_signer(session: Session, actor: Actor, request: SignatureRequest) -> Signer:
    """The signer's name and job title, once they confirmed their authority and re-entered
    their password. Raises RuleViolation otherwise."""
    full_name = check_single_line(request.full_name, "full_name", "Full name", "Enter your full name")
    job_title = check_single_line(request.job_title, "job_title", "Job title", "Enter your job title")
    if not request.authorised:
        raise RuleViolation("Confirm that you are authorised to sign for the organisations selected",
                            field="authorised")
    password_hash = session.get(User, actor.user_id).password_hash
    end_read_transaction(session)
    if not security.verify_password(password_hash, request.password):
        raise RuleViolation("Your password is incorrect", field="password")
    return Signer(full_name, job_title)


def record_signatures(
    session: Session, actor: Actor, agreement: Agreement, version_id: int, organisation_ids: list[int],
    signer: Signer, now: datetime, link: str | None, client: ClientInfo = ClientInfo(),
) -> list[Signature]:
    """``sign`` once the signer is re-authenticated (``sign`` does that; a demo scenario records
    signatures its story says were made, telling no one: ``link`` is ``None``). Raises as
    ``sign`` does for the version and the organisations."""
    version, chosen = _check_request(session, actor, agreement, version_id, organisation_ids, Action.SIGN)
    existing = {s.organisation_id: s for s in _signatures(session, version, chosen)}
    to_sign = [p for p in chosen if p.organisation.id not in existing]
    created = [_signature(actor, version, party, signer, now, client) for party in to_sign]
    try:
        session.add_all(created)
        session.flush()
        _respond(session, actor, agreement, version, to_sign, Action.SIGN, None, now, link)
        session.commit()
    except IntegrityError:
        # A simultaneous second submission signed first: it holds the one signature.
        session.rollback()
        return _signatures(session, version, chosen)
    return created + list(existing.values()) if created else _signatures(session, version, chosen)


def _signatures(session: Session, version: AgreementVersion, chosen: list[Party]) -> list[Signature]:
    return list(session.exec(select(Signature).where(
        Signature.version_id == version.id,
        Signature.organisation_id.in_([p.organisation.id for p in chosen]))).all())


def _signature(actor: Actor, version: AgreementVersion, party: Party, signer: Signer, now: datetime,
               client: ClientInfo) -> Signature:
    return Signature(
        version_id=version.id, organisation_id=party.organisation.id, signer_user_id=actor.user_id,
        signer_organisation_id=actor.organisation_id,
        representation_id=party.representation.id if party.representation else None,
        signer_name=signer.full_name, signer_job_title=signer.job_title,
        version_number=version.number, version_sha256=version.sha256, signed_at=now, reauthenticated_at=now,
        ip_address=(client.ip_address or "")[:64] or None, user_agent=(client.user_agent or "")[:500] or None)


def overview(session: Session, actor: Actor) -> list[tuple[Agreement, list[Party]]]:
    """Each agreement the actor's organisation is party to (or answers in), with the status of
    every organisation the actor may answer for: what the dashboard shows."""
    agreements = [agreement for agreement, _ in access.party_agreements(session, actor)]
    found = parties_of(session, actor, agreements)
    return [(agreement, found[agreement.id]) for agreement in agreements]


def history(session: Session, actor: Actor, agreement: Agreement) -> list[tuple[AgreementResponse, int, Organisation]]:
    """Responses for the organisations the actor may answer for, newest first."""
    ids = [p.organisation.id for p in parties(session, actor, agreement)]
    rows = session.exec(
        select(AgreementResponse, AgreementVersion.number, Organisation)
        .join(AgreementVersion, AgreementVersion.id == AgreementResponse.version_id)
        .join(Organisation, Organisation.id == AgreementResponse.organisation_id)
        .where(AgreementResponse.agreement_id == agreement.id, AgreementResponse.organisation_id.in_(ids))
        .order_by(AgreementResponse.created_at.desc(), AgreementResponse.id.desc())
    ).all()
    return list(rows)


def signed_members(session: Session, agreement: Agreement) -> list[tuple[str, datetime]]:
    """Which members have signed the current version, and when: what every member may see."""
    current = current_version(session, agreement.id)
    if current is None:
        return []
    return list(session.exec(
        select(Organisation.name, Signature.signed_at)
        .join(Signature, Signature.organisation_id == Organisation.id)
        .where(Signature.version_id == current.id)
        .order_by(Organisation.name)
    ).all())
