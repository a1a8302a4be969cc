"""Two-factor sign-in: setting up an authenticator app, checking codes, recovery codes, and an
admin's reset for someone who lost their phone.

The TOTP secret is sealed at rest (``Sealer.seal_value``); each accepted code moves the user's
last time step forward under a row lock, so a code cannot be used twice, even by two requests
at once. Recovery codes are kept as SHA-256 hashes and each works once.
"""

import hashlib
import hmac
from datetime import datetime

import pyotp
from sqlmodel import Session, func, select

from tenderapp import security
from tenderapp.access import Actor
from tenderapp.domain import two_factor as rules
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.seals import totp_secret_binding
from tenderapp.models import RecoveryCode, User, UserSession
from tenderapp.sealing import Sealer
from tenderapp.services import audit
from tenderapp.services.auth import end_all_sessions

PURPOSE = "two-factor secret"
ISSUER = "Tenderapp"


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def _matching_step(secret: str, code: str, now: datetime, last_used: int | None) -> int | None:
    totp = pyotp.TOTP(secret)
    for step in rules.candidate_steps(rules.time_step(now.timestamp()), last_used):
        if hmac.compare_digest(totp.at(step * rules.STEP_SECONDS), code):
            return step
    return None


def _locked(session: Session, user: User) -> User:
    """The user's row read again under a row lock, so that no code is taken twice."""
    session.refresh(user, with_for_update=True)
    return user


def _own_row(session: Session, actor: Actor) -> User:
    """The actor's own row, locked."""
    return _locked(session, session.get(User, actor.user_id))


def _this_session(session: Session, actor: Actor) -> UserSession | None:
    return session.exec(
        select(UserSession).where(UserSession.token_hash == security.token_hash(actor.session_token))
    ).first()


def _pass_second_factor(session: Session, actor: Actor, now: datetime) -> None:
    user_session = _this_session(session, actor)
    if user_session is not None:
        user_session.second_factor_at = now
        session.add(user_session)


def _delete_recovery_codes(session: Session, user_id: int) -> None:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all():
        session.delete(old)
    session.flush()


def _replace_recovery_codes(session: Session, user_id: int, now: datetime) -> list[str]:
    _delete_recovery_codes(session, user_id)
    codes = rules.new_recovery_codes()
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=_code_hash(code), created_at=now))
    return [rules.display(code) for code in codes]


def _enrolled_user(session: Session, actor: Actor) -> User:
    """The actor's own row, locked so that no code is taken twice. Raises RuleViolation when no
    app is set up."""
    user = _own_row(session, actor)
    if user.totp_enrolled_at is None:
        raise RuleViolation(rules.SET_UP_FIRST, field="code")
    return user


def _accept_app_code(user: User, sealer: Sealer, code: str, now: datetime) -> bool:
    """Whether ``code`` is the user's current app code, never used before; moves the last step on."""
    secret = sealer.open_value(PURPOSE, user.totp_secret_sealed, totp_secret_binding(user.id)).decode()
    step = _matching_step(secret, code, now, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    return True


def _refuse(session: Session, actor: Actor, user_id: int, now: datetime, details: dict, message: str,
            action: str = "auth.two_factor_failed"):
    """Records the failed attempt (committed, so the refusal cannot roll it back) and refuses."""
    audit.record(session, actor, action, "user_account", user_id, now, details)
    session.commit()
    raise RuleViolation(message, field="code")


def refuse_too_many(session: Session, actor: Actor, stage: str, seconds_left: int, now: datetime) -> None:
    """A code sent when the actor's account has had too many wrong codes is refused without
    being checked (a right one too, or the limit would let guesses through): records that, and
    raises RuleViolation on ``code`` saying how long to wait."""
    _refuse(session, actor, actor.user_id, now, {"stage": stage, "retry_after_seconds": seconds_left},
            rules.too_many_codes(seconds_left), action="auth.two_factor_locked_out")


def enrol(session: Session, actor: Actor, sealer: Sealer, secret: str, typed: str, now: datetime) -> list[str]:
    """Sets up the app whose secret is ``secret`` once ``typed`` is its current code; this session
    counts as having passed the second factor. Returns the new recovery codes (shown once).
    Raises RuleViolation on ``code`` when the code is wrong; Conflict when already set up."""
    code = rules.app_code(typed)
    user = _own_row(session, actor)
    if user.totp_enrolled_at is not None:
        raise Conflict("Two-factor sign-in is already set up for your account")
    step = _matching_step(secret, code, now, None)
    if step is None:
        _refuse(session, actor, user.id, now, {"stage": "set_up"}, rules.SET_UP_CODE_WRONG)
    user.totp_secret_sealed = sealer.seal_value(PURPOSE, secret.encode(), totp_secret_binding(user.id))
    user.totp_enrolled_at = now
    user.totp_last_step = step
    session.add(user)
    codes = _replace_recovery_codes(session, user.id, now)
    _pass_second_factor(session, actor, now)
    audit.record(session, actor, "auth.two_factor_enrolled", "user_account", user.id, now)
    session.commit()
    return codes


def verify(session: Session, actor: Actor, sealer: Sealer, typed: str, now: datetime) -> str:
    """Passes this session's second factor with an app code or an unused recovery code.
    Returns "totp" or "recovery". Raises RuleViolation on ``code`` when it is wrong."""
    kind, code = rules.classify(typed)
    user = _enrolled_user(session, actor)
    if kind == "totp":
        accepted = _accept_app_code(user, sealer, code, now)
        session.add(user)
    else:
        stored = session.exec(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _code_hash(code),
                                       RecoveryCode.used_at.is_(None))
        ).first()
        accepted = stored is not None
        if accepted:
            stored.used_at = now
            session.add(stored)
    if not accepted:
        _refuse(session, actor, user.id, now, {"kind": kind}, rules.CODE_WRONG)
    _pass_second_factor(session, actor, now)
    audit.record(session, actor, "auth.two_factor_passed", "user_account", user.id, now, {"kind": kind})
    session.commit()
    return kind


def renew_recovery_codes(session: Session, actor: Actor, sealer: Sealer, typed: str, now: datetime) -> list[str]:
    """New recovery codes (the old ones stop working), confirmed with a current app code."""
    code = rules.app_code(typed)
    user = _enrolled_user(session, actor)
    if not _accept_app_code(user, sealer, code, now):
        _refuse(session, actor, user.id, now, {"stage": "renew"}, rules.APP_CODE_WRONG)
    session.add(user)
    codes = _replace_recovery_codes(session, user.id, now)
    audit.record(session, actor, "auth.recovery_codes_renewed", "user_account", user.id, now)
    session.commit()
    return codes


def unused_recovery_codes(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).one()


def reset(session: Session, actor: Actor, user: User, now: datetime) -> User:
    """An admin who manages the person (loaded through ``get_managed_user``) removes their app
    and recovery codes (a lost phone) and ends their sessions: at the next sign-in they set it
    up again. Not for one's own account."""
    if user.id == actor.user_id:
        raise RuleViolation("You cannot reset your own two-factor sign-in. Ask another admin.")
    if user.totp_enrolled_at is None:
        raise Conflict(f"{user.full_name} has not set up two-factor sign-in")
    user = _locked(session, user)
    user.totp_secret_sealed = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    session.add(user)
    _delete_recovery_codes(session, user.id)
    end_all_sessions(session, user.id, now, "two_factor_reset")
    audit.record(session, actor, "auth.two_factor_reset", "user_account", user.id, now,
                 organisation_id=user.organisation_id)
    session.commit()
    return user
