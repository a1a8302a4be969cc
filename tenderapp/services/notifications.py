"""Sending a hand-off email through the outbox, to those who want it, and each person's
choice of the optional ones (``tenderapp.domain.notifications`` says which may be turned off)."""

from datetime import datetime

from sqlmodel import Session, col, select

from tenderapp.access import Actor
from tenderapp.domain.notifications import CATALOGUE, KINDS, OPTIONAL, Kind, Notice, wanted
from tenderapp.domain.roles import Role
from tenderapp.models import Agreement, Collaboration, NotificationOptOut, RoleAssignment, Tender, User
from tenderapp.services import audit, outbox


def turned_off(session: Session, user_id: int) -> set[str]:
    """The optional emails the person has turned off."""
    return set(session.exec(select(NotificationOptOut.notice).where(NotificationOptOut.user_id == user_id)).all())


def choices(session: Session, actor: Actor) -> list[tuple[Kind, bool]]:
    """Every email of the catalogue with whether the actor gets it."""
    off = turned_off(session, actor.user_id)
    return [(kind, wanted(kind.notice, off)) for kind in CATALOGUE]


def choose(session: Session, actor: Actor, wanted_ones: set[str], now: datetime) -> list[str]:
    """Keeps the optional emails in ``wanted_ones`` on and turns the other optional ones off
    (a required one cannot be turned off, whatever is asked); audited. Returns those now off."""
    off = {n.value for n in OPTIONAL} - set(wanted_ones)
    rows = {row.notice: row for row in session.exec(select(NotificationOptOut).where(
        NotificationOptOut.user_id == actor.user_id)).all()}
    for notice, row in rows.items():
        if notice not in off:
            session.delete(row)
    for notice in sorted(off - set(rows)):
        session.add(NotificationOptOut(user_id=actor.user_id, notice=notice, created_at=now))
    audit.record(session, actor, "account.notifications_chosen", "user_account", actor.user_id, now,
                 {"turned_off": sorted(off)})
    session.commit()
    return sorted(off)


def lead_admins(session: Session, of: Tender | Agreement) -> list[tuple[str, int]]:
    """The active procurement admins of the lead authority of the (scoped) tender's or
    agreement's collaboration (email, organisation)."""
    return list(session.exec(
        select(User.email, User.organisation_id)
        .join(RoleAssignment, col(RoleAssignment.user_id) == col(User.id))
        .join(Collaboration, col(Collaboration.lead_organisation_id) == col(User.organisation_id))
        .where(Collaboration.id == of.collaboration_id, RoleAssignment.role == Role.PROCUREMENT_ADMIN.value,
               col(User.active).is_(True)).order_by(col(User.email))).all())


def send(session: Session, notice: Notice, recipients: list[tuple[str, int]], subject: str, body: str,
         link: str, now: datetime) -> int:
    """Queues the email (its body ending with ``link``, the exact page) to each recipient
    (email address, organisation id) who has not turned it off; returns how many were queued.
    Raises ValueError without a link: every hand-off email takes its reader to the page."""
    if not link.strip():
        raise ValueError(f"a {notice.value} email needs the link to its page")
    emails = sorted({email for email, _ in recipients})
    declined: set[str] = set()
    if KINDS[notice].optional and emails:
        declined = set(session.exec(select(User.email).join(NotificationOptOut,
                                                            col(NotificationOptOut.user_id) == col(User.id))
                                    .where(col(User.email).in_(emails),
                                           NotificationOptOut.notice == notice.value)).all())
    sent = set()
    for email, organisation_id in recipients:
        if email in declined or email in sent:
            continue
        sent.add(email)
        outbox.queue(session, email, subject, f"{body.rstrip()}\n\n{link}\n", now, organisation_id)
    return len(sent)
