"""Signing in and out, server-side sessions, and password changes."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from tenderapp import security
from tenderapp.access import Actor, actor_for
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.passwords import check_new_password
from tenderapp.models import User, UserSession
from tenderapp.services import audit, end_read_transaction

SIGN_IN_FAILED = "Enter a correct email address and password"


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None = None
    user_agent: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _start_session(session: Session, user: User, now: datetime, hours: int, client: ClientInfo,
                   second_factor_at: datetime | None = None) -> str:
    token = security.new_token()
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=security.token_hash(token),
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            ip_address=(client.ip_address or "")[:64] or None,
            user_agent=(client.user_agent or "")[:500] or None,
            second_factor_at=second_factor_at,
        )
    )
    return token


def sign_in(session: Session, email: str, password: str, now: datetime, session_hours: int,
            client: ClientInfo = ClientInfo()) -> Actor:
    """Starts a server-side session. Raises RuleViolation (one message for any wrong
    email or password, so accounts cannot be discovered) when the credentials fail."""
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    end_read_transaction(session)
    if user is None or not user.active:
        security.burn_verification_time(password)  # as slow as a wrong password
        verified = False
    else:
        verified = security.verify_password(user.password_hash, password)
    if not verified:
        # Only a known account's own address is logged: text typed into the email box
        # (perhaps a password) never enters the permanent log.
        audit.record(session, None, "auth.sign_in_failed", "user_account", user.id if user else "-", now,
                     {"known_account": user is not None}, organisation_id=user.organisation_id if user else None)
        session.commit()
        raise RuleViolation(SIGN_IN_FAILED, field="email")
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
        session.add(user)
    token = _start_session(session, user, now, session_hours, client)
    actor = actor_for(session, user, token)
    audit.record(session, actor, "auth.signed_in", "user_account", user.id, now,
                 {"ip_address": client.ip_address})
    session.commit()
    return actor


def load_actor(session: Session, token: str, now: datetime) -> Actor | None:
    """The actor for a session token, or None when the session has ended, expired,
    or its user was deactivated."""
    row = session.exec(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == security.token_hash(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    if user_session.ended_at is not None or now >= user_session.expires_at or not user.active:
        return None
    return actor_for(session, user, token, second_factor_passed=user_session.second_factor_at is not None)


def sign_out(session: Session, actor: Actor, now: datetime) -> None:
    """Ends this session on the server: a copy of its cookie no longer signs anyone in."""
    user_session = session.exec(
        select(UserSession).where(UserSession.token_hash == security.token_hash(actor.session_token))
    ).first()
    if user_session is not None and user_session.ended_at is None:
        user_session.ended_at = now
        user_session.ended_reason = "signed_out"
        session.add(user_session)
    audit.record(session, actor, "auth.signed_out", "user_account", actor.user_id, now)
    session.commit()


def end_all_sessions(session: Session, user_id: int, now: datetime, reason: str) -> None:
    for user_session in session.exec(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    ).all():
        user_session.ended_at = now
        user_session.ended_reason = reason
        session.add(user_session)


def change_password(session: Session, actor: Actor, current_password: str, new_password: str, now: datetime,
                    session_hours: int, client: ClientInfo = ClientInfo()) -> Actor:
    """Changes the password, ends every session of the user (other browsers and copied
    cookies included) and returns the actor for a fresh session in this browser.

    Raises RuleViolation on ``current_password`` when it is wrong, or on ``new_password``
    when it breaks the password rules.
    """
    user = session.get(User, actor.user_id)
    end_read_transaction(session)
    if not security.verify_password(user.password_hash, current_password):
        raise RuleViolation("Your current password is incorrect", field="current_password")
    check_new_password(new_password, user.email, field="new_password")
    if new_password == current_password:
        raise RuleViolation("New password must be different from your current password", field="new_password")
    new_hash = security.hash_password(new_password)
    user = session.get(User, actor.user_id, populate_existing=True)
    user.password_hash, user.password_changed_at = new_hash, now
    session.add(user)
    end_all_sessions(session, user.id, now, "password_changed")
    # the new session in this browser keeps the second factor this one passed
    token = _start_session(session, user, now, session_hours, client,
                           second_factor_at=now if actor.second_factor_passed else None)
    audit.record(session, actor, "auth.password_changed", "user_account", user.id, now)
    session.commit()
    return actor_for(session, user, token, second_factor_passed=actor.second_factor_passed)


def set_password(session: Session, user: User, new_password: str, now: datetime) -> None:
    """Sets a password without the old one (used by invitations and the demo loader);
    the caller audits and commits. Ends the user's sessions."""
    user.password_hash = security.hash_password(new_password)
    user.password_changed_at = now
    session.add(user)
    if user.id is not None:
        end_all_sessions(session, user.id, now, "password_set")


def user_of(session: Session, actor: Actor) -> User:
    return session.get(User, actor.user_id)
