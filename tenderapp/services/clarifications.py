"""Clarification questions: suppliers ask privately until the clarification deadline; the
lead answers, publishing the answer to every interested supplier without saying who asked
(the default) or replying privately with a recorded reason."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from tenderapp.access import Actor, require_role
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.domain.notifications import Notice
from tenderapp.domain.roles import Role
from tenderapp.formatting import uk_datetime
from tenderapp.models import Clarification, Organisation, Tender, User
from tenderapp.services import audit, notifications, suppliers
from tenderapp.services.tenders import interested_bidders

MAX_QUESTION = 5000


def ask(session: Session, actor: Actor, tender: Tender, question: str, now: datetime,
        link: Callable[[int], str]) -> Clarification:
    """Raises RuleViolation after the clarification deadline or for an empty question, and
    NotFound for a draft. Asking registers the supplier's interest; the lead's admins are told,
    with ``link(id)``, the page where the question is answered."""
    require_role(actor, Role.BIDDER)
    if tender.published_at is None:
        raise NotFound("Tender not found")
    if now >= tender.clarification_deadline:
        raise RuleViolation(f"The deadline for questions was {uk_datetime(tender.clarification_deadline)}. "
                            "You can no longer ask a question.", "question")
    question = question.strip()
    if not question:
        raise RuleViolation("Enter your question", "question")
    if len(question) > MAX_QUESTION:
        raise RuleViolation("Question must be 5,000 characters or fewer", "question")
    suppliers.register_interest(session, actor, tender, now)
    asked = Clarification(tender_id=tender.id, organisation_id=actor.organisation_id, asked_by_user_id=actor.user_id,
                          question=question, asked_at=now)
    session.add(asked)
    session.flush()
    notifications.send(session, Notice.QUESTION_ASKED, lead_admins(session, tender),
                       f"New clarification question: tender {tender.reference}",
                       f"A supplier asked a question about tender {tender.reference}, “{tender.title}”, before "
                       f"the clarification deadline of {uk_datetime(tender.clarification_deadline)}. Answer it here:",
                       link(asked.id), now)
    audit.record(session, actor, "clarification.asked", "clarification", asked.id, now, {"tender_id": tender.id})
    session.commit()
    return asked


def lead_admins(session: Session, tender: Tender) -> list[tuple[str, int]]:
    """The procurement admins of the tender's lead authority."""
    return notifications.lead_admins(session, tender)


def answer(session: Session, actor: Actor, tender: Tender, asked: Clarification, text: str, publish: bool,
           private_reason: str | None, now: datetime, link: str) -> Clarification:
    """Records the answer to ``asked`` (a question about ``tender``) and tells suppliers, with
    ``link`` (the tender's page): every interested one when published, the asker's people when
    private. Raises
    RuleViolation once answered, without an answer, or without a reason to keep it private."""
    if asked.answered_at is not None:
        raise RuleViolation("This question has already been answered. To correct an answer, amend the tender.")
    if not text.strip():
        raise RuleViolation("Enter the answer", "answer")
    if not publish and not (private_reason or "").strip():
        raise RuleViolation("Enter why this answer is not published to every supplier", "private_reason")
    asked.answer, asked.answered_at, asked.answered_by_user_id = text.strip(), now, actor.user_id
    asked.visibility = "published" if publish else "private"
    asked.private_reason = None if publish else private_reason.strip()
    session.add(asked)
    if publish:
        recipients = interested_bidders(session, tender)
    else:
        recipients = list(session.exec(select(User.email, User.organisation_id).where(
            User.organisation_id == asked.organisation_id, User.active.is_(True))).all())
    # a private answer goes only to the asker, who is always told: it answers their own question
    notifications.send(session, Notice.ANSWER_PUBLISHED, recipients,
                       f"Clarification answered: tender {tender.reference}",
                       f"Question: {asked.question}\n\nAnswer: {asked.answer}\n\nSee every published answer on the "
                       "tender's page:", link, now)
    audit.record(session, actor, "clarification.answered", "clarification", asked.id, now,
                 {"visibility": asked.visibility, "private_reason": asked.private_reason})
    session.commit()
    return asked


def for_supplier(session: Session, actor: Actor, tender: Tender) -> list[Clarification]:
    """Published answers (never saying who asked) and the supplier's own questions."""
    return list(session.exec(
        select(Clarification).where(
            Clarification.tender_id == tender.id,
            or_(Clarification.visibility == "published", Clarification.organisation_id == actor.organisation_id))
        .order_by(Clarification.asked_at)).all())


def published(session: Session, tender: Tender) -> list[Clarification]:
    return list(session.exec(select(Clarification).where(Clarification.tender_id == tender.id,
                                                         Clarification.visibility == "published")
                             .order_by(Clarification.asked_at)).all())


def for_lead(session: Session, tender: Tender) -> list[tuple[Clarification, str]]:
    """Every question with the asking organisation's name (for the lead's admins)."""
    return list(session.exec(select(Clarification, Organisation.name)
                             .join(Organisation, Organisation.id == Clarification.organisation_id)
                             .where(Clarification.tender_id == tender.id).order_by(Clarification.asked_at)).all())
