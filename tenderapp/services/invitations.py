"""Inviting a person into an organisation, and accepting the invitation."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session, select

from tenderapp import security
from tenderapp.access import Actor, require_role
from tenderapp.domain import invitations as rules
from tenderapp.domain.errors import Conflict, NotFound
from tenderapp.domain.passwords import check_new_password
from tenderapp.domain.roles import OrganisationKind, Role, check_roles
from tenderapp.domain.text import check_single_line
from tenderapp.formatting import uk_datetime
from tenderapp.models import Invitation, Organisation, RoleAssignment, User
from tenderapp.services import audit, end_read_transaction, outbox
from tenderapp.services.auth import normalise_email


@dataclass(frozen=True)
class InvitationRequest:
    organisation: Organisation  # one the actor manages, loaded through access
    email: str
    full_name: str
    roles: frozenset[Role]


def invite(session: Session, actor: Actor, request: InvitationRequest, now: datetime, link_for: Callable[[str], str],
           validity: timedelta = rules.DEFAULT_VALIDITY) -> Invitation:
    """Invites a person by email into an organisation the actor manages, with roles.

    Earlier unused invitations to the same address into the same organisation are withdrawn. Raises Conflict when the
    address already belongs to a user, RuleViolation when a role does not fit the organisation.
    """
    require_role(actor, Role.PROCUREMENT_ADMIN, Role.BIDDER)
    organisation = request.organisation
    check_roles(OrganisationKind(organisation.kind), request.roles)
    full_name = check_single_line(request.full_name, "full_name", "Full name", "Enter the person's full name")
    email = normalise_email(request.email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise Conflict("A user with this email address already exists", field="email")
    withdrawn = _withdraw_earlier(session, organisation, email, now)
    token = security.new_token()
    invitation = Invitation(organisation_id=organisation.id, email=email, full_name=full_name,
                            roles=sorted(r.value for r in request.roles), token_hash=security.token_hash(token),
                            invited_by_user_id=actor.user_id, created_at=now,
                            expires_at=rules.expiry_for(now, validity))
    session.add(invitation)
    session.flush()
    outbox.queue(session, recipient=email, subject=f"You have been invited to Tenderapp for {organisation.name}",
                 body=_invitation_body(invitation, organisation, actor, link_for(token)), now=now,
                 organisation_id=organisation.id)
    audit.record(session, actor, "invitation.sent", "invitation", invitation.id, now, {
        "email": email, "organisation_id": organisation.id, "roles": invitation.roles,
        "withdrawn_invitations": withdrawn}, organisation_id=organisation.id)
    session.commit()
    return invitation


def _withdraw_earlier(session: Session, organisation: Organisation, email: str, now: datetime) -> list[int]:
    """Withdraws the unused invitations to ``email`` into the organisation; returns their ids."""
    withdrawn = []
    for earlier in session.exec(
        select(Invitation).where(
            Invitation.email == email,
            Invitation.organisation_id == organisation.id,  # never another tenant's invitation
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    ).all():
        earlier.revoked_at = now
        session.add(earlier)
        withdrawn.append(earlier.id)
    return withdrawn


def _invitation_body(invitation: Invitation, organisation: Organisation, actor: Actor, link: str) -> str:
    roles = ", ".join(Role(r).label for r in invitation.roles)
    expires = uk_datetime(invitation.expires_at)
    return (
        f"Dear {invitation.full_name},\n\n"
        f"{actor.full_name} of {actor.organisation_name} has invited you to use Tenderapp "
        f"for {organisation.name}, with these roles: {roles}.\n\n"
        f"To accept, set your password using this link:\n{link}\n\n"
        f"The link works once and expires on {expires} (UK time).\n"
        "If you were not expecting this invitation, you can ignore this email.\n"
    )


def find_usable(session: Session, token: str, now: datetime) -> Invitation:
    """The invitation for a link. Raises NotFound for an unknown link, RuleViolation for a
    used, withdrawn or expired one."""
    invitation = session.exec(
        select(Invitation).where(Invitation.token_hash == security.token_hash(token))
    ).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid. Check you copied the whole link.")
    rules.check_usable(now, invitation.expires_at, invitation.accepted_at, invitation.revoked_at)
    return invitation


def accept(session: Session, token: str, password: str, now: datetime) -> User:
    """Creates the invited user with the invitation's roles and uses up the link.

    Raises as ``find_usable``; RuleViolation on ``password`` when it breaks the rules.
    """
    invitation = find_usable(session, token, now)
    check_new_password(password, invitation.email, field="password")
    end_read_transaction(session)
    password_hash = security.hash_password(password)
    # again inside the writing transaction, so that a simultaneous acceptance is seen
    invitation = find_usable(session, token, now)
    if session.exec(select(User.id).where(User.email == invitation.email)).first() is not None:
        raise Conflict("An account with this email address already exists. Sign in instead.")
    user = User(organisation_id=invitation.organisation_id, email=invitation.email, full_name=invitation.full_name,
                password_hash=password_hash, created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    for role in invitation.roles:
        session.add(RoleAssignment(user_id=user.id, role=role, granted_at=now))
    invitation.accepted_at, invitation.user_id = now, user.id
    session.add(invitation)
    audit.record(session, None, "invitation.accepted", "invitation", invitation.id, now,
                 {"user_id": user.id, "roles": invitation.roles},
                 organisation_id=invitation.organisation_id)
    session.commit()
    return user


def pending_for_organisation(session: Session, organisation_id: int, now: datetime) -> list[Invitation]:
    """Invitations not yet accepted, withdrawn or expired (the caller has checked access)."""
    return list(
        session.exec(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc())
        ).all()
    )


def organisation_of(session: Session, invitation: Invitation) -> Organisation:
    return session.get(Organisation, invitation.organisation_id)
