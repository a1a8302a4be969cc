"""The parts of a tender a bid answers: pricing lines, quality criteria, and documents.
After publication, changing the pricing schedule starts a new schedule version, so that an
Excel template for an older version is refused."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session, col, select

from tenderapp.access import Actor
from tenderapp.domain.documents import check_document, safe_filename
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.text import check_single_line
from tenderapp.models import PricingLine, QualityCriterion, Tender, TenderDocument
from tenderapp.services import same_text
from tenderapp.services.tenders import record_change
from tenderapp.storage import DocumentStore


@dataclass(frozen=True)
class LineInput:
    code: str
    description: str
    unit: str
    evaluation_quantity: int
    per_authority: bool


@dataclass(frozen=True)
class CriterionInput:
    title: str
    guidance: str
    weight: int
    max_score: int
    min_score: int | None
    descriptors: str
    word_limit: int


def lines(session: Session, tender: Tender) -> list[PricingLine]:
    return lines_of(session, [tender.id]).get(tender.id, [])


def lines_of(session: Session, tender_ids: list[int | None]) -> dict[int, list[PricingLine]]:
    """Each tender's pricing lines in schedule order, in one query (none: absent)."""
    found: dict[int, list[PricingLine]] = {}
    if tender_ids:
        for line in session.exec(select(PricingLine).where(col(PricingLine.tender_id).in_(tender_ids))
                                 .order_by(PricingLine.position, PricingLine.id)).all():
            found.setdefault(line.tender_id, []).append(line)
    return found


def criteria(session: Session, tender: Tender) -> list[QualityCriterion]:
    return list(session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                             .order_by(QualityCriterion.position, QualityCriterion.id)).all())


def documents(session: Session, tender: Tender) -> list[TenderDocument]:
    return list(session.exec(select(TenderDocument).where(TenderDocument.tender_id == tender.id,
                                                          TenderDocument.withdrawn_at.is_(None))
                             .order_by(TenderDocument.uploaded_at, TenderDocument.id)).all())


def _check_line(session: Session, tender: Tender, data: LineInput, line: PricingLine | None) -> dict:
    code = check_single_line(data.code, "code", "Code", "Enter a code for the line, like CORE-Y1", 20)
    clash = select(PricingLine.id).where(PricingLine.tender_id == tender.id, same_text(PricingLine.code, code))
    if line is not None:
        clash = clash.where(PricingLine.id != line.id)
    if session.exec(clash).first() is not None:
        raise Conflict("Another line already has this code", "code")
    if data.evaluation_quantity < 0:
        raise RuleViolation("Evaluation quantity must be 0 or more", "evaluation_quantity")
    return {"code": code,
            "description": check_single_line(data.description, "description", "Description", "Enter a description",
                                             300),
            "unit": check_single_line(data.unit, "unit", "Unit", "Enter the unit, like per authority per year", 60),
            "evaluation_quantity": data.evaluation_quantity, "per_authority": data.per_authority}


def _schedule_changed(session: Session, actor: Actor, tender: Tender, action: str, details: dict,
                      summary: str | None, now: datetime) -> None:
    note = ""
    if tender.published_at is not None:
        tender.schedule_version += 1
        session.add(tender)
        details = {**details, "schedule_version": tender.schedule_version}
        note = (f"The pricing schedule is now version {tender.schedule_version}. If you have already submitted "
                "a bid, it was for the earlier version: check your prices and submit again before the deadline. "
                "Excel templates of earlier versions are no longer accepted.\n\n")
    record_change(session, actor, tender, action, details, summary, now, note)


Row = TypeVar("Row", PricingLine, QualityCriterion)


def _put(session: Session, row: Row, values: dict) -> Row:
    """``row`` with ``values`` set, flushed so that it has its id."""
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def save_line(session: Session, actor: Actor, tender: Tender, line: PricingLine | None, data: LineInput,
              amendment_summary: str | None, now: datetime) -> PricingLine:
    """Adds a line (``line`` None) or changes one. Raises Conflict for a code another line
    has, RuleViolation for bad values or a tender that can no longer change."""
    values = _check_line(session, tender, data, line)
    line = _put(session, line or PricingLine(tender_id=tender.id, position=len(lines(session, tender)) + 1), values)
    _schedule_changed(session, actor, tender, "tender.pricing_line_saved", {"line": line.id, **values},
                      amendment_summary, now)
    session.commit()
    return line


def remove_line(session: Session, actor: Actor, tender: Tender, line: PricingLine, amendment_summary: str | None,
                now: datetime) -> None:
    _schedule_changed(session, actor, tender, "tender.pricing_line_removed", {"line": line.id, "code": line.code},
                      amendment_summary, now)
    session.delete(line)
    session.commit()


def _check_criterion(data: CriterionInput) -> dict:
    title = check_single_line(data.title, "title", "Title", "Enter the criterion's title")
    if not data.guidance.strip():
        raise RuleViolation("Enter guidance for bidders: what a good answer covers", "guidance")
    if not 1 <= data.weight <= 100:
        raise RuleViolation("Weighting must be between 1 and 100", "weight")
    if not 1 <= data.max_score <= 10:
        raise RuleViolation("Maximum score must be between 1 and 10", "max_score")
    if data.min_score is not None and not 0 <= data.min_score <= data.max_score:
        raise RuleViolation(f"Minimum score must be between 0 and {data.max_score}", "min_score")
    if not data.descriptors.strip():
        raise RuleViolation("Enter the score descriptors, one line for each score", "descriptors")
    if not 50 <= data.word_limit <= 10000:
        raise RuleViolation("Word limit must be between 50 and 10,000", "word_limit")
    return {**asdict(data), "title": title, "guidance": data.guidance.strip(), "descriptors": data.descriptors.strip()}


def save_criterion(session: Session, actor: Actor, tender: Tender, criterion: QualityCriterion | None,
                   data: CriterionInput, amendment_summary: str | None, now: datetime) -> QualityCriterion:
    """Adds a criterion (``criterion`` None) or changes one. Raises RuleViolation for bad
    values or a tender that can no longer change."""
    values = _check_criterion(data)
    criterion = _put(session, criterion or QualityCriterion(tender_id=tender.id,
                                                            position=len(criteria(session, tender)) + 1), values)
    record_change(session, actor, tender, "tender.criterion_saved", {"criterion": criterion.id, **values},
                  amendment_summary, now)
    session.commit()
    return criterion


def remove_criterion(session: Session, actor: Actor, tender: Tender, criterion: QualityCriterion,
                     amendment_summary: str | None, now: datetime) -> None:
    record_change(session, actor, tender, "tender.criterion_removed",
                  {"criterion": criterion.id, "title": criterion.title}, amendment_summary, now)
    session.delete(criterion)
    session.commit()


def add_document(session: Session, actor: Actor, tender: Tender, title: str, content: bytes | None,
                 filename: str | None, store: DocumentStore, amendment_summary: str | None,
                 now: datetime) -> TenderDocument:
    """Stores a PDF, Word or Excel document by content hash. Raises RuleViolation for a missing,
    empty, too large or unrecognised file, or a name that is not a plain file name."""
    title = check_single_line(title, "title", "Title", "Enter a title for the document, like Specification")
    kind = check_document(content, filename, "document")
    document = TenderDocument(tender_id=tender.id, title=title, filename=safe_filename(filename, "document", kind),
                              sha256=store.save(content), size=len(content), uploaded_by_user_id=actor.user_id,
                              uploaded_at=now)
    session.add(document)
    session.flush()
    record_change(session, actor, tender, "tender.document_added",
                  {"document": document.id, "title": title, "sha256": document.sha256}, amendment_summary, now)
    session.commit()
    return document


def withdraw_document(session: Session, actor: Actor, tender: Tender, document: TenderDocument,
                      amendment_summary: str | None, now: datetime) -> None:
    record_change(session, actor, tender, "tender.document_withdrawn",
                  {"document": document.id, "title": document.title}, amendment_summary, now)
    document.withdrawn_at = now
    session.add(document)
    session.commit()
