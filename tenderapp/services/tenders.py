"""Building and publishing a tender (the lead's procurement admins). After publication every
change is a recorded amendment that interested suppliers are told about."""

import json
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, func, select

from tenderapp.access import Actor
from tenderapp.domain.audit_chain import canonical_json
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.money import storable_pence
from tenderapp.domain.tenders import (
    AwardProgress,
    PriceMethod,
    Readiness,
    Regime,
    TenderEvent,
    TenderStatus,
    Timetable,
    check_contract_start,
    check_event,
    check_new_deadline,
    check_timetable,
    check_weights,
    period_shortfall,
    publication_problems,
    tender_status,
)
from tenderapp.domain.text import check_reference, check_single_line
from tenderapp.domain.uk_time import uk_date_of, uk_today
from tenderapp.models import (
    Collaboration,
    Contract,
    Decision,
    Organisation,
    PricingLine,
    QualityCriterion,
    Recommendation,
    Tender,
    TenderAmendment,
    TenderDocument,
    TenderInterest,
    TenderOpener,
    User,
)
from tenderapp.services import audit, outbox, same_text


@dataclass(frozen=True)
class TenderDetails:
    reference: str
    title: str
    description: str
    regime: Regime
    light_touch: bool
    cpv_code: str
    estimated_value: Decimal | None
    contract_start: date | None
    initial_term_months: int | None
    extensions_allowed: int
    extension_max_months: int


def _check_details(details: TenderDetails) -> dict:
    reference = check_reference(details.reference)
    title = check_single_line(details.title, "title", "Title", "Enter a title")
    if not details.description.strip():
        raise RuleViolation("Enter a description of what is being bought", "description")
    cpv = details.cpv_code.strip()
    if not (len(cpv) in (8, 10) and cpv[:8].isdigit()):
        raise RuleViolation("Enter the CPV code in the correct format: 8 digits, like 85320000", "cpv_code")
    if details.extensions_allowed and not details.extension_max_months:
        raise RuleViolation("Enter how long each extension may be", "extension_max_months")
    return {
        "reference": reference, "title": title, "description": details.description.strip(),
        "regime": details.regime.value, "light_touch": details.light_touch, "cpv_code": cpv,
        "estimated_value_pence": (storable_pence(details.estimated_value, "estimated_value", "Estimated total value")
                                  if details.estimated_value is not None else None),
        "contract_start": details.contract_start, "initial_term_months": details.initial_term_months,
        "extensions_allowed": details.extensions_allowed,
        "extension_max_months": details.extension_max_months if details.extensions_allowed else 0,
    }


def _reference_taken(session: Session, reference: str, tender_id: int | None) -> bool:
    query = select(Tender.id).where(same_text(Tender.reference, reference))
    if tender_id is not None:
        query = query.where(Tender.id != tender_id)
    return session.exec(query).first() is not None


def create(session: Session, actor: Actor, collaboration: Collaboration, details: TenderDetails,
           now: datetime) -> Tender:
    """A draft tender for ``collaboration`` (one the actor's authority leads, as the route
    scoped it). Raises Conflict when the reference is taken."""
    values = _check_details(details)
    if values["contract_start"] is not None:
        check_contract_start(values["contract_start"], None, uk_today(now))
    if _reference_taken(session, values["reference"], None):
        raise Conflict("A tender with this reference already exists", "reference")
    tender = Tender(collaboration_id=collaboration.id, created_by_user_id=actor.user_id, created_at=now, **values)
    session.add(tender)
    session.flush()
    audit.record(session, actor, "tender.created", "tender", tender.id, now, {"reference": tender.reference})
    session.commit()
    return tender


def status_of(tender: Tender, now: datetime, progress: AwardProgress | None = None) -> TenderStatus:
    """The tender's status now, derived from its timestamps (and the award's progress)."""
    return tender_status(tender.published_at, tender.submission_deadline, tender.opened_at, now, progress)


def _changes(tender: Tender, values: dict) -> dict:
    return {k: [_plain(getattr(tender, k)), _plain(v)] for k, v in values.items() if getattr(tender, k) != v}


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def record_change(session: Session, actor: Actor, tender: Tender, action: str, changes: dict,
                  summary: str | None, now: datetime, note_for_bidders: str = "") -> None:
    """Audits a change; once the tender is published, also records it as an amendment (a
    summary for suppliers is then required) and tells every interested supplier. Raises
    RuleViolation once the submission deadline has passed: the tender is then frozen."""
    check_event(status_of(tender, now), TenderEvent.CHANGE)
    if tender.published_at is not None:
        if not (summary or "").strip():
            raise RuleViolation("Enter a summary of the change for suppliers", "amendment_summary")
        amendment = TenderAmendment(tender_id=tender.id, summary=summary.strip(), changes=canonical_json(changes),
                                    made_by_user_id=actor.user_id, made_at=now)
        session.add(amendment)
        for email, organisation_id in interested_bidders(session, tender):
            outbox.queue(session, email, f"Tender {tender.reference} has been amended",
                         f"The buyer has amended tender {tender.reference}, “{tender.title}”:\n\n"
                         f"{summary.strip()}\n\n{note_for_bidders}Read the tender again before you submit your bid.\n",
                         now, organisation_id)
    audit.record(session, actor, action, "tender", tender.id, now,
                 {"changes": changes, "amendment": (summary or "").strip() or None})


def interested_bidders(session: Session, tender: Tender) -> list[tuple[str, int]]:
    """The address and organisation of every active user of every supplier that registered
    interest."""
    return list(session.exec(
        select(User.email, User.organisation_id)
        .join(TenderInterest, TenderInterest.organisation_id == User.organisation_id)
        .where(TenderInterest.tender_id == tender.id, User.active.is_(True))
        .order_by(User.email)
    ).all())


def _apply(session: Session, actor: Actor, tender: Tender, action: str, values: dict, summary: str | None,
           now: datetime) -> None:
    """Sets what differs in ``values`` on the tender and records it as one change (an
    amendment once published); nothing when nothing differs."""
    changes = _changes(tender, values)
    if changes:
        record_change(session, actor, tender, action, changes, summary, now)
        for key, value in values.items():
            setattr(tender, key, value)
        session.add(tender)


def update_details(session: Session, actor: Actor, tender: Tender, details: TenderDetails,
                   amendment_summary: str | None, now: datetime) -> Tender:
    """Raises Conflict for a reference another tender has, RuleViolation for bad details or
    a changed reference after publication."""
    values = _check_details(details)
    if _reference_taken(session, values["reference"], tender.id):
        raise Conflict("A tender with this reference already exists", "reference")
    if tender.published_at is not None and values["reference"] != tender.reference:
        raise RuleViolation("The reference cannot change after publication", "reference")
    if values["contract_start"] is not None and values["contract_start"] != tender.contract_start:
        check_contract_start(values["contract_start"], _planned_award(tender), uk_today(now))
    _apply(session, actor, tender, "tender.details_changed", values, amendment_summary, now)
    session.commit()
    return tender


def set_timetable(session: Session, actor: Actor, tender: Tender, timetable: Timetable,
                  amendment_summary: str | None, now: datetime) -> list[str]:
    """Sets the dates and, for a tendering period shorter than the minimum, the legal ground
    for it (dropped when the period needs none); returns notes for the lead. Raises
    RuleViolation when the timetable breaks a rule (domain.tenders.check_timetable), or when
    a published tender's deadline would move into the past or earlier."""
    check_event(status_of(tender, now), TenderEvent.CHANGE)
    timetable = _with_ground(timetable)
    check_new_deadline(tender.published_at, tender.submission_deadline, timetable.submission_deadline, now)
    check_timetable(timetable, Regime(tender.regime), tender.light_touch, now, tender.published_at is not None)
    notes = []
    if timetable.shorter_period_ground and not period_shortfall(timetable, Regime(tender.regime), tender.light_touch):
        notes.append("The legal ground for a shorter period was not kept: the tendering period meets the minimum")
        timetable = replace(timetable, shorter_period_ground=None)
    _apply(session, actor, tender, "tender.timetable_changed", asdict(timetable), amendment_summary, now)
    session.commit()
    return notes


def _with_ground(timetable: Timetable) -> Timetable:
    ground = (timetable.shorter_period_ground or "").strip() or None
    if ground and len(ground) > 2000:
        raise RuleViolation("Legal ground for a shorter period must be 2,000 characters or fewer",
                            "shorter_period_ground")
    return replace(timetable, shorter_period_ground=ground)


def _timetable_of(tender: Tender) -> Timetable | None:
    if tender.submission_deadline is None or tender.contract_start is None:
        return None
    return Timetable(tender.publication_at, tender.clarification_deadline, tender.submission_deadline,
                     tender.evaluation_date, tender.award_date, tender.contract_start, tender.shorter_period_ground)


def _planned_award(tender: Tender) -> date | None:
    if tender.award_date:
        return tender.award_date
    return uk_date_of(tender.submission_deadline) if tender.submission_deadline else None


def timetable_problem(tender: Tender, now: datetime) -> str | None:
    """What the timetable rules refuse if the draft were published now: the tendering period
    then runs from now when the planned publication has passed."""
    timetable = _timetable_of(tender)
    if timetable is None:
        return None
    try:
        check_timetable(replace(timetable, publication_at=max(timetable.publication_at, now)),
                        Regime(tender.regime), tender.light_touch, now)
    except RuleViolation as error:
        return error.message
    return None


def criteria_weights(session: Session, tender: Tender) -> list[int]:
    return list(session.exec(select(QualityCriterion.weight).where(QualityCriterion.tender_id == tender.id)).all())


def set_weighting(session: Session, actor: Actor, tender: Tender, price_weight: int, method: PriceMethod,
                  amendment_summary: str | None, now: datetime, abnormally_low_percent: int | None = None,
                  spread_threshold: int | None = None) -> Tender:
    """Sets the price weighting and scoring method; the quality criteria take the rest.
    Raises RuleViolation unless the weightings add up to 100."""
    weights = criteria_weights(session, tender)
    if weights:
        check_weights(price_weight, weights)
    elif not 0 <= price_weight <= 100:
        raise RuleViolation("Price weighting must be between 0 and 100", "price_weight")
    values = {"price_weight": price_weight, "price_method": method.value,
              "abnormally_low_percent": abnormally_low_percent or tender.abnormally_low_percent,
              "spread_threshold": spread_threshold or tender.spread_threshold}
    if not 1 <= values["abnormally_low_percent"] <= 100:
        raise RuleViolation("Abnormally low threshold must be between 1 and 100", "abnormally_low_percent")
    _apply(session, actor, tender, "tender.weighting_changed", values, amendment_summary, now)
    session.commit()
    return tender


def record_conflicts_assessment(session: Session, actor: Actor, tender: Tender, assessment: str,
                                now: datetime) -> Tender:
    """Records the conflicts assessment the Procurement Act 2023 (s.83) requires before publication."""
    if len(assessment.strip()) < 20:
        raise RuleViolation("Describe the conflicts assessment: who was considered, what was found and "
                            "how any conflict is managed", "assessment")
    tender.conflicts_assessment = assessment.strip()
    tender.conflicts_assessed_at, tender.conflicts_assessed_by_user_id = now, actor.user_id
    session.add(tender)
    audit.record(session, actor, "tender.conflicts_assessed", "tender", tender.id, now)
    session.commit()
    return tender


def readiness(session: Session, tender: Tender, now: datetime) -> list[str]:
    """What still stops this tender being published (empty when it can be)."""
    lines = session.exec(select(func.count()).select_from(PricingLine).where(PricingLine.tender_id == tender.id)).one()
    documents = session.exec(select(func.count()).select_from(TenderDocument).where(
        TenderDocument.tender_id == tender.id, TenderDocument.withdrawn_at.is_(None))).one()
    return publication_problems(Readiness(
        has_contract_terms=bool(tender.contract_start and tender.initial_term_months),
        has_timetable=tender.submission_deadline is not None,
        submission_deadline_passed=tender.submission_deadline is not None and tender.submission_deadline <= now,
        pricing_lines=lines, criteria_weights=criteria_weights(session, tender), price_weight=tender.price_weight,
        conflicts_recorded=tender.conflicts_assessed_at is not None, documents=documents,
        openers=session.exec(select(func.count()).select_from(TenderOpener).where(
            TenderOpener.tender_id == tender.id, TenderOpener.removed_at.is_(None))).one(),
        opening_quorum=tender.opening_quorum,
        timetable_problem=timetable_problem(tender, now) if tender.published_at is None else None))


def publish(session: Session, actor: Actor, tender: Tender, now: datetime) -> Tender:
    """Publishes the tender. Raises Conflict when already published, RuleViolation listing
    what is missing otherwise."""
    check_event(status_of(tender, now), TenderEvent.PUBLISH)
    problems = readiness(session, tender, now)
    if problems:
        raise RuleViolation("Before you publish: " + "; ".join(problems))
    tender.published_at, tender.published_by_user_id = now, actor.user_id
    session.add(tender)
    audit.record(session, actor, "tender.published", "tender", tender.id, now,
                 {"reference": tender.reference, "submission_deadline": tender.submission_deadline.isoformat(),
                  "schedule_version": tender.schedule_version})
    session.commit()
    return tender


def amendments(session: Session, tender: Tender) -> list[TenderAmendment]:
    return list(session.exec(select(TenderAmendment).where(TenderAmendment.tender_id == tender.id)
                             .order_by(TenderAmendment.made_at)).all())


def changes_of(amendment: TenderAmendment) -> dict:
    return json.loads(amendment.changes)


def lead_name(session: Session, tender: Tender) -> str:
    collaboration = session.get(Collaboration, tender.collaboration_id)
    return session.get(Organisation, collaboration.lead_organisation_id).name


def progress_of(session: Session, tenders: list[Tender]) -> dict[int, AwardProgress]:
    """Each opened tender's progress towards the award, in three queries however many tenders
    (three even when none is opened, so that a list's pages all cost the same)."""
    ids = [t.id for t in tenders if t.opened_at is not None]
    recommended = set(session.exec(select(Recommendation.tender_id).where(Recommendation.tender_id.in_(ids))).all())
    decided = set(session.exec(select(Decision.tender_id).where(
        Decision.tender_id.in_(ids), Decision.kind == "award", Decision.taken_on.is_not(None))).all())
    standstill = dict(session.exec(select(Contract.tender_id, Contract.standstill_last_day)
                                   .where(Contract.tender_id.in_(ids))).all())
    return {i: AwardProgress(recommended=i in recommended, decided=i in decided, standstill_last_day=standstill.get(i))
            for i in ids}
