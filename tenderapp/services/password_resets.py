"""Forgotten passwords: a single-use link, valid for an hour, sent to the account's address."""

from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session, select

from tenderapp import security
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.domain.passwords import check_new_password
from tenderapp.formatting import uk_datetime
from tenderapp.models import PasswordReset, User
from tenderapp.services import audit, end_read_transaction, outbox
from tenderapp.services.auth import end_all_sessions, normalise_email

VALIDITY = timedelta(hours=1)


def request_reset(session: Session, email: str, now: datetime, link_for: Callable[[str], str]) -> None:
    """Sends a reset link when the address belongs to an active account; says nothing either
    way, so the form cannot be used to find out who has an account. Earlier links stop working."""
    user = session.exec(select(User).where(User.email == normalise_email(email), User.active.is_(True))).first()
    if user is None:
        return
    reset, token = issue(session, user, now)
    outbox.queue(session, user.email, "Reset your Tenderapp password",
                 f"Dear {user.full_name},\n\nSomeone asked to reset the password of your Tenderapp account.\n\n"
                 f"To choose a new password, use this link:\n{link_for(token)}\n\n"
                 f"The link works once and expires on {uk_datetime(reset.expires_at)} (UK time).\n"
                 "If you did not ask for this, ignore this email: your password has not changed.\n",
                 now, user.organisation_id)
    audit.record(session, None, "auth.password_reset_requested", "user_account", user.id, now,
                 organisation_id=user.organisation_id)
    session.commit()


def issue(session: Session, user: User, now: datetime) -> tuple[PasswordReset, str]:
    """A new link for ``user`` (the row and the token that goes in its URL), valid for VALIDITY;
    earlier unused links stop working. The caller audits and commits."""
    for earlier in session.exec(select(PasswordReset).where(PasswordReset.user_id == user.id,
                                                            PasswordReset.used_at.is_(None))).all():
        earlier.used_at = now
        session.add(earlier)
    token = security.new_token()
    reset = PasswordReset(user_id=user.id, token_hash=security.token_hash(token), created_at=now,
                          expires_at=now + VALIDITY)
    session.add(reset)
    session.flush()
    return reset, token


def find_usable(session: Session, token: str, now: datetime) -> PasswordReset:
    """Raises NotFound for an unknown link, RuleViolation for a used or expired one."""
    reset = session.exec(select(PasswordReset).where(PasswordReset.token_hash == security.token_hash(token))).first()
    if reset is None:
        raise NotFound("This link is not valid. Check you copied the whole link.")
    if reset.used_at is not None:
        raise RuleViolation("This link has already been used or replaced by a newer one. Ask for a new link.")
    if now >= reset.expires_at:
        raise RuleViolation("This link has expired. Ask for a new link.")
    return reset


def reset_password(session: Session, token: str, password: str, now: datetime) -> User:
    """Sets the new password, uses up the link and ends every session of the account.
    Raises as ``find_usable``; RuleViolation on ``password`` when it breaks the rules."""
    reset = find_usable(session, token, now)
    user = session.get(User, reset.user_id)
    check_new_password(password, user.email, field="password")
    end_read_transaction(session)
    password_hash = security.hash_password(password)
    reset = find_usable(session, token, now)  # again, inside the writing transaction
    user = session.get(User, reset.user_id, populate_existing=True)
    user.password_hash, user.password_changed_at = password_hash, now
    reset.used_at = now
    session.add_all([user, reset])
    end_all_sessions(session, user.id, now, "password_reset")
    audit.record(session, None, "auth.password_reset", "user_account", user.id, now,
                 organisation_id=user.organisation_id)
    session.commit()
    return user
