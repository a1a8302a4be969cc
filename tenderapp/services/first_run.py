"""First run: on a database with no organisations, the first authority and its first procurement
admin, who sets a password with a single-use link (a password-reset link) and then sets up
two-factor sign-in, as every procurement admin must."""

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import text
from sqlmodel import Session, select

from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.domain.text import check_single_line
from tenderapp.models import Organisation, RoleAssignment, User
from tenderapp.services import audit, password_resets
from tenderapp.services.auth import normalise_email

BAD_EMAIL = "Enter an email address in the correct format, like name@example.com"
ALREADY_SET_UP = ("Tenderapp already has organisations, so the first run has been done. Ask one of its "
                  "procurement admins to invite people instead.")


@dataclass(frozen=True)
class FirstRunRequest:
    organisation_name: str
    email: str
    full_name: str
    kind: OrganisationKind = OrganisationKind.LOCAL_AUTHORITY


@dataclass(frozen=True)
class FirstRun:
    organisation: Organisation
    admin: User
    link: str  # where the admin sets a password: works once, until expires_at
    expires_at: datetime


def check_email(email: str) -> str:
    """The address, normalised (lower case). Raises RuleViolation on ``email`` when it is not one."""
    value = (email or "").strip()
    if not value:
        raise RuleViolation("Enter an email address", field="email")
    if len(value) > 320:
        raise RuleViolation("Email address must be 320 characters or fewer", field="email")
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise RuleViolation(BAD_EMAIL, field="email") from None
    return normalise_email(value)


def _check(request: FirstRunRequest) -> tuple[str, str, str]:
    """(organisation name, email, full name) checked. Raises RuleViolation naming the field."""
    if not request.kind.is_authority:
        raise RuleViolation("The first organisation must be an authority, not a supplier", field="kind")
    name = check_single_line(request.organisation_name, "organisation_name", "Organisation name",
                             "Enter the organisation's name")
    email = check_email(request.email)
    full_name = check_single_line(request.full_name, "full_name", "Full name", "Enter the admin's full name")
    return name, email, full_name


def _refuse_unless_empty(session: Session) -> None:
    """Raises Conflict when any organisation exists. On PostgreSQL two first runs at once queue on
    a lock (SQLite's one writer does the same), so only one of them can find the database empty."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("LOCK TABLE organisation IN SHARE ROW EXCLUSIVE MODE"))
    if session.exec(select(Organisation.id).limit(1)).first() is not None:
        raise Conflict(ALREADY_SET_UP)


def bootstrap(session: Session, request: FirstRunRequest, now: datetime, link_for: Callable[[str], str]) -> FirstRun:
    """Creates the first organisation and its procurement admin (who has no password yet) and a
    link to set one, valid for ``password_resets.VALIDITY``.

    Raises RuleViolation for a bad name, email or kind; Conflict when any organisation exists.
    """
    name, email, full_name = _check(request)
    _refuse_unless_empty(session)
    organisation = Organisation(name=name, kind=request.kind.value, created_at=now)
    session.add(organisation)
    session.flush()
    # "" is no argon2 hash, so no password matches it until the link sets one
    admin = User(organisation_id=organisation.id, email=email, full_name=full_name, password_hash="",
                 created_at=now, password_changed_at=now)
    session.add(admin)
    session.flush()
    session.add(RoleAssignment(user_id=admin.id, role=Role.PROCUREMENT_ADMIN.value, granted_at=now))
    reset, token = password_resets.issue(session, admin, now)
    details = {"first_run": True}
    audit.record(session, None, "organisation.created", "organisation", organisation.id, now,
                 {"name": name, "kind": request.kind.value, **details}, organisation_id=organisation.id)
    audit.record(session, None, "user.created", "user_account", admin.id, now,
                 {"email": email, "roles": [Role.PROCUREMENT_ADMIN.value], **details},
                 organisation_id=organisation.id)
    audit.record(session, None, "auth.password_reset_requested", "user_account", admin.id, now, details,
                 organisation_id=organisation.id)
    session.commit()
    return FirstRun(organisation, admin, link_for(token), reset.expires_at)
