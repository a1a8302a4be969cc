"""Formal decisions of a collaboration (award, extension, other) and the papers behind them,
kept by the lead's procurement admins and published to the members."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.domain import decisions as rules
from tenderapp.domain.decisions import DecisionKind, DecisionStatus
from tenderapp.domain.documents import check_document, safe_filename
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.text import check_single_line
from tenderapp.models import Collaboration, Decision, DecisionDocument, Tender
from tenderapp.services import audit, same_text


@dataclass(frozen=True)
class DecisionInput:
    number: str
    title: str
    kind: str
    key_decision: bool
    decision_maker: str
    forum: str | None
    delegation_reference: str | None
    summary: str
    endorsed_on: date | None
    taken_on: date | None


def _optional(text: str | None) -> str | None:
    return (text or "").strip() or None


def _checked(session: Session, data: DecisionInput) -> tuple[str, DecisionKind]:
    number = check_single_line(data.number, "number", "Decision number", "Enter the decision number", 40)
    if session.exec(select(Decision.id).where(same_text(Decision.number, number))).first():
        raise Conflict("A decision with this number is already recorded", "number")
    kind = rules.check_kind(data.kind)
    if not data.summary.strip():
        raise RuleViolation("Enter a summary of the decision", "summary")
    rules.check_dates(data.endorsed_on, data.taken_on)
    return number, kind


def record_decision(session: Session, actor: Actor, collaboration: Collaboration, data: DecisionInput,
                    now: datetime, tender: Tender | None = None) -> Decision:
    """Records a decision of the (scoped) collaboration the actor's authority leads. Raises
    Conflict for a number already recorded; RuleViolation for a missing field or a decision
    taken before it was endorsed."""
    number, kind = _checked(session, data)
    decision = Decision(
        collaboration_id=collaboration.id, tender_id=tender.id if tender else None, number=number,
        title=check_single_line(data.title, "title", "Title", "Enter the decision's title", 300), kind=kind.value,
        key_decision=data.key_decision,
        decision_maker=check_single_line(data.decision_maker, "decision_maker", "Decision maker",
                                         "Enter who took the decision", 300),
        forum=_optional(data.forum), delegation_reference=_optional(data.delegation_reference),
        summary=data.summary.strip(), endorsed_on=data.endorsed_on, taken_on=data.taken_on,
        created_by_user_id=actor.user_id, created_at=now)
    session.add(decision)
    session.flush()
    audit.record(session, actor, "decision.recorded", "decision", decision.id, now,
                 {"number": number, "kind": kind.value,
                  "taken_on": data.taken_on.isoformat() if data.taken_on else None})
    session.commit()
    return decision


def decision_status(decision: Decision) -> DecisionStatus:
    return rules.status(decision.endorsed_on, decision.taken_on, decision.published_at)


def publish_decision(session: Session, actor: Actor, decision: Decision, now: datetime) -> Decision:
    """Makes a taken decision (of a collaboration the actor leads) readable by every member of
    the collaboration. Raises RuleViolation before it is taken."""
    rules.check_move(decision_status(decision), rules.Move.PUBLISH, decision.kind)
    decision.published_at = now
    session.add(decision)
    audit.record(session, actor, "decision.published", "decision", decision.id, now)
    session.commit()
    return decision


def decisions_of(session: Session, collaboration: Collaboration, kind: DecisionKind | None = None) -> list[Decision]:
    """The collaboration's decisions (of ``kind``, when given), oldest first."""
    query = select(Decision).where(Decision.collaboration_id == collaboration.id)
    if kind is not None:
        query = query.where(Decision.kind == kind.value)
    return list(session.exec(query.order_by(Decision.created_at)).all())


def decision_documents(session: Session, decision: Decision) -> list[DecisionDocument]:
    return list(session.exec(select(DecisionDocument).where(DecisionDocument.decision_id == decision.id)
                             .order_by(DecisionDocument.uploaded_at, DecisionDocument.id)).all())


def add_decision_document(session: Session, actor: Actor, decision: Decision, kind: str, title: str,
                          content: bytes | None, filename: str | None, store, now: datetime) -> DecisionDocument:
    """Keeps a paper behind a decision the actor's authority leads. Raises RuleViolation for an
    unknown kind, a missing title or a file that is not a PDF, Word or Excel document."""
    document_kind = rules.check_document_kind(kind)
    title = check_single_line(title, "title", "Title", "Enter a title for the document", 200)
    media_type = check_document(content, filename, "document")
    document = DecisionDocument(decision_id=decision.id, kind=document_kind.value, title=title,
                                filename=safe_filename(filename, "document", media_type), sha256=store.save(content),
                                size=len(content), uploaded_by_user_id=actor.user_id, uploaded_at=now)
    session.add(document)
    session.flush()
    audit.record(session, actor, "decision.document_added", "decision", decision.id, now,
                 {"document": document.id, "kind": document_kind.value, "title": title, "sha256": document.sha256})
    session.commit()
    return document
