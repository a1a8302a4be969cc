"""The signed-in actor and role checks."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlmodel import Session, select

from tenderapp.domain import two_factor
from tenderapp.domain.errors import Forbidden
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import Organisation, RoleAssignment, User


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them. Flask-Login's user object."""

    user_id: int
    email: str
    full_name: str
    organisation_id: int
    organisation_name: str
    organisation_kind: OrganisationKind
    roles: frozenset[Role]
    session_token: str
    # Two-factor sign-in: whether this person has set up an app, and whether this session
    # passed the second factor (see tenderapp.domain.two_factor).
    two_factor_enrolled: bool = False
    second_factor_passed: bool = False

    # Flask-Login protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def needs_second_factor(self) -> bool:
        """Signed in with a password but still to pass the second factor this session needs."""
        return two_factor.required_for(self.roles, self.two_factor_enrolled) and not self.second_factor_passed


class TableRow(Protocol):
    """A table row: its id is None until it is saved."""

    @property
    def id(self) -> int | None: ...


def saved_id(row: TableRow) -> int:
    """The id of a row known to be saved (loaded from the database, or flushed)."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has not been saved")
    return row.id


Loader = TypeVar("Loader", bound=Callable[..., Any])


def scope(kind: str) -> Callable[[Loader], Loader]:
    """Marks ``loader(session, actor, id)`` as the access rule of one kind of tenant-owned
    object, so a route can name it (``tenant_owned(tender_id=access.get_lead_tender)``): the
    route's guard then loads the object before the view runs, and the tenant-isolation test
    knows the kind by this name."""

    def mark(loader: Loader) -> Loader:
        loader.scope_kind = kind  # type: ignore[attr-defined]  # a mark on the function, read by the route guards
        return loader

    return mark


def require_role(actor: Actor, *roles: Role) -> None:
    """Raises Forbidden unless the actor holds one of ``roles``."""
    if not actor.has_role(*roles):
        raise Forbidden("You do not have permission to do this")


def actor_for(session: Session, user: User, session_token: str, second_factor_passed: bool = False) -> Actor:
    organisation = session.get(Organisation, user.organisation_id)
    if organisation is None:  # the foreign key keeps every user's organisation
        raise LookupError(f"the organisation of user {user.id} is missing")
    roles = session.exec(
        select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)
    ).all()
    return Actor(
        user_id=saved_id(user),
        email=user.email,
        full_name=user.full_name,
        organisation_id=saved_id(organisation),
        organisation_name=organisation.name,
        organisation_kind=OrganisationKind(organisation.kind),
        roles=frozenset(Role(r) for r in roles),
        session_token=session_token,
        two_factor_enrolled=user.totp_enrolled_at is not None,
        second_factor_passed=second_factor_passed,
    )


