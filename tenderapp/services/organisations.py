"""Collaborations, their member organisations, and the roles people hold."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from tenderapp.access import Actor, require_role
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role, check_roles
from tenderapp.domain.text import check_single_line
from tenderapp.models import (
    Collaboration,
    CollaborationMember,
    Organisation,
    RoleAssignment,
    User,
)
from tenderapp.services import audit, same_text


def _name_taken(session: Session, model, name: str) -> bool:
    return (
        session.exec(select(model.id).where(same_text(model.name, name.strip()))).first()
        is not None
    )


def create_collaboration(session: Session, actor: Actor, name: str, now: datetime) -> Collaboration:
    """Creates a collaboration led by the actor's authority, which becomes its first member.

    Raises Forbidden for non-admins or suppliers, Conflict on ``name`` when it is taken.
    """
    require_role(actor, Role.PROCUREMENT_ADMIN)
    if not actor.organisation_kind.is_authority:
        raise RuleViolation("Only an authority can lead a collaboration")
    name = check_single_line(name, "name", "Collaboration name", "Enter a collaboration name")
    if _name_taken(session, Collaboration, name):
        raise Conflict("A collaboration with this name already exists", field="name")
    collaboration = Collaboration(name=name, lead_organisation_id=actor.organisation_id, created_at=now)
    session.add(collaboration)
    session.flush()
    session.add(CollaborationMember(collaboration_id=collaboration.id,
                                    organisation_id=actor.organisation_id, joined_at=now))
    audit.record(session, actor, "collaboration.created", "collaboration", collaboration.id, now,
                 {"name": name})
    session.commit()
    return collaboration


@dataclass(frozen=True)
class NewMember:
    """Either an existing organisation (chosen from ``addable_organisations``), or the name and
    kind of a new one."""

    organisation: Organisation | None = None
    name: str | None = None
    kind: OrganisationKind | None = None


def add_member(session: Session, actor: Actor, collaboration: Collaboration, member: NewMember,
               now: datetime) -> Organisation:
    """Adds an authority to a collaboration the actor's organisation leads (loaded through
    ``get_led_collaboration``), creating the organisation first when it is new. Suppliers
    cannot be members.

    Raises Conflict when already a member or the new name is taken; RuleViolation for a
    supplier or when no organisation is chosen.
    """
    organisation = member.organisation or _new_organisation(session, actor, member, now)
    if not OrganisationKind(organisation.kind).is_authority:
        raise RuleViolation("A supplier cannot be a member of a collaboration", field="organisation_id")
    already = session.exec(
        select(CollaborationMember.id).where(
            CollaborationMember.collaboration_id == collaboration.id,
            CollaborationMember.organisation_id == organisation.id,
        )
    ).first()
    if already is not None:
        raise Conflict(f"{organisation.name} is already a member", field="organisation_id")
    session.add(CollaborationMember(collaboration_id=collaboration.id,
                                    organisation_id=organisation.id, joined_at=now))
    audit.record(session, actor, "collaboration.member_added", "collaboration", collaboration.id, now,
                 {"organisation_id": organisation.id, "organisation": organisation.name})
    session.commit()
    return organisation


def _new_organisation(session: Session, actor: Actor, member: NewMember, now: datetime) -> Organisation:
    """The new organisation, managed by the actor's. Raises Conflict when its name is taken."""
    if member.kind is None:
        raise RuleViolation("Select an organisation", field="organisation_id")
    name = check_single_line(member.name, "name", "Organisation name", "Enter the organisation's name")
    if _name_taken(session, Organisation, name):
        raise Conflict("An organisation with this name is already on Tenderapp. Add it as an existing "
                       "organisation instead.", field="name")
    organisation = Organisation(name=name, kind=member.kind.value, created_at=now,
                                managed_by_organisation_id=actor.organisation_id)
    session.add(organisation)
    session.flush()
    audit.record(session, actor, "organisation.created", "organisation", organisation.id, now,
                 {"name": name, "kind": member.kind.value})
    return organisation


def members(session: Session, collaboration: Collaboration) -> list[tuple[Organisation, int]]:
    """Each member organisation with its number of users, by name (the caller has loaded the
    collaboration through access)."""
    user_count = (
        select(func.count(User.id)).where(User.organisation_id == Organisation.id).scalar_subquery()
    )
    rows = session.exec(
        select(Organisation, user_count)
        .join(CollaborationMember, CollaborationMember.organisation_id == Organisation.id)
        .where(CollaborationMember.collaboration_id == collaboration.id)
        .order_by(Organisation.name)
    ).all()
    return list(rows)


def addable_organisations(session: Session, collaboration: Collaboration) -> list[Organisation]:
    """Authorities not yet in the collaboration."""
    current = select(CollaborationMember.organisation_id).where(
        CollaborationMember.collaboration_id == collaboration.id
    )
    return list(
        session.exec(
            select(Organisation)
            .where(Organisation.kind != OrganisationKind.SUPPLIER.value, Organisation.id.not_in(current))
            .order_by(Organisation.name)
        ).all()
    )


def authorities(session: Session) -> list[Organisation]:
    """Every authority on Tenderapp, by name (names of public bodies are public)."""
    return list(session.exec(
        select(Organisation).where(Organisation.kind != OrganisationKind.SUPPLIER.value).order_by(Organisation.name)
    ).all())


def people(session: Session, organisation_id: int) -> list[tuple[User, list[Role]]]:
    """The organisation's users with their roles, in two queries whatever their number."""
    users = session.exec(
        select(User).where(User.organisation_id == organisation_id).order_by(User.full_name)
    ).all()
    roles: dict[int, list[Role]] = {u.id: [] for u in users}
    if users:
        for user_id, role in session.exec(
            select(RoleAssignment.user_id, RoleAssignment.role)
            .where(RoleAssignment.user_id.in_(list(roles)))
            .order_by(RoleAssignment.role)
        ).all():
            roles[user_id].append(Role(role))
    return [(u, roles[u.id]) for u in users]


def organisation_of(session: Session, user: User) -> Organisation:
    """The user's organisation (the caller has loaded the user through access)."""
    return session.get(Organisation, user.organisation_id)


def user_roles(session: Session, user_id: int) -> frozenset[Role]:
    return frozenset(
        Role(r) for r in session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user_id)).all()
    )


def change_roles(session: Session, actor: Actor, user: User, roles: frozenset[Role], now: datetime) -> User:
    """Replaces the roles of a user the actor manages (loaded through ``get_managed_user``).
    Raises RuleViolation when a role does not fit the organisation, or when admins would
    remove their own procurement admin role (they would lock themselves out)."""
    organisation = organisation_of(session, user)
    check_roles(OrganisationKind(organisation.kind), roles)
    if user.id == actor.user_id and Role.PROCUREMENT_ADMIN in actor.roles and Role.PROCUREMENT_ADMIN not in roles:
        raise RuleViolation("You cannot remove your own procurement admin role", field="roles")
    before = user_roles(session, user.id)
    for assignment in session.exec(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all():
        if Role(assignment.role) not in roles:
            session.delete(assignment)
    for role in sorted(roles - before):
        session.add(RoleAssignment(user_id=user.id, role=role.value, granted_at=now))
    audit.record(session, actor, "user.roles_changed", "user_account", user.id, now,
                 {"before": sorted(before), "after": sorted(roles)},
                 organisation_id=user.organisation_id)
    session.commit()
    return user
