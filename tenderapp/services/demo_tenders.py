"""Demo tenders from the scenario file: the tender, its schedule, criteria and specification,
suppliers' interest and bids (sealed exactly as real ones are), and the dual-key opening.
Dates are absolute, or relative to today ("days" offsets) for a tender open now."""

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.access import Actor, actor_for
from tenderapp.demo.documents import text_pdf
from tenderapp.domain import bids as rules
from tenderapp.domain import seals
from tenderapp.domain.tenders import PriceMethod, Regime, Timetable
from tenderapp.domain.uk_time import uk_date_of
from tenderapp.models import (
    Bid,
    BidSubmission,
    Collaboration,
    OpeningKey,
    Organisation,
    QualityCriterion,
    Tender,
    TenderOpener,
    User,
)
from tenderapp.sealing import Sealer
from tenderapp.services import (
    audit,
    clarifications,
    demo_award,
    demo_evaluation,
    panel,
    suppliers,
    tender_schedule,
    tenders,
)
from tenderapp.services.bids import new_receipt
from tenderapp.services.tender_schedule import CriterionInput, LineInput
from tenderapp.services.tenders import TenderDetails
from tenderapp.storage import DocumentStore


def _moment(value, now: datetime) -> datetime:
    """An ISO datetime, or {days = n, time = "12:00"} relative to today (UTC)."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    hour, minute = (int(p) for p in value.get("time", "12:00").split(":"))
    day = now + timedelta(days=value["days"])
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def _day(value, now: datetime) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else uk_date_of(_moment(value, now))


def _user(session: Session, email: str) -> User:
    return session.exec(select(User).where(User.email == email)).one()


def _author(session: Session, email: str) -> Actor:
    return actor_for(session, _user(session, email), "demo scenario")


def _details(spec: dict, now: datetime) -> TenderDetails:
    return TenderDetails(
        reference=spec["reference"], title=spec["title"], description=spec["description"],
        regime=Regime(spec["regime"]),
        light_touch=spec["light_touch"], cpv_code=spec["cpv_code"], estimated_value=Decimal(spec["estimated_value"]),
        contract_start=_day(spec["contract_start"], now), initial_term_months=spec["initial_term_months"],
        extensions_allowed=spec["extensions_allowed"], extension_max_months=spec["extension_max_months"])


def _timetable(spec: dict, published_at: datetime, now: datetime) -> Timetable:
    return Timetable(publication_at=published_at, clarification_deadline=_moment(spec["clarification_deadline"], now),
                     submission_deadline=_moment(spec["submission_deadline"], now),
                     evaluation_date=_day(spec["evaluation_date"], now), award_date=_day(spec["award_date"], now),
                     contract_start=_day(spec["contract_start"], now))


def _criterion(spec: dict, criterion: dict) -> CriterionInput:
    return CriterionInput(title=criterion["title"], guidance=criterion["guidance"], weight=criterion["weight"],
                          max_score=QualityCriterion.model_fields["max_score"].default,
                          min_score=criterion.get("min_score"), descriptors=spec["descriptors"],
                          word_limit=criterion.get("word_limit", 1000))


def _published(session: Session, author: Actor, collaboration: Collaboration, spec: dict, store: DocumentStore,
               at: datetime, now: datetime) -> tuple[Tender, list[QualityCriterion]]:
    """The tender built and published as its lead did, through the use cases, on the day it was
    published (``at``)."""
    tender = tenders.create(session, author, collaboration, _details(spec, now), at)
    tenders.set_timetable(session, author, tender, _timetable(spec, at, now), None, at)
    for line in spec["lines"]:
        tender_schedule.save_line(session, author, tender, None, LineInput(
            code=line["code"], description=line["description"], unit=line["unit"],
            evaluation_quantity=line["quantity"], per_authority=line.get("per_authority", False)), None, at)
    criteria = [tender_schedule.save_criterion(session, author, tender, None, _criterion(spec, c), None, at)
                for c in spec["criteria"]]
    tender_schedule.add_document(session, author, tender, "Specification",
                                 text_pdf([spec["title"], "", *spec["specification"]]), "specification.pdf", store,
                                 None, at)
    tenders.set_weighting(session, author, tender, spec["price_weight"], PriceMethod(spec["price_method"]), None, at)
    tenders.record_conflicts_assessment(session, author, tender, spec["conflicts_assessment"], at)
    # Openers are named as rows: services.openers.name_openers would email the lead's admins
    # about a naming made long ago, and the demo's outbox stays as it was.
    for email in spec.get("openers", []):
        session.add(TenderOpener(tender_id=tender.id, user_id=_user(session, email).id, named_at=at,
                                 named_by_user_id=author.user_id))
    session.flush()
    tenders.publish(session, author, tender, at)
    return tender, criteria


def _opened(session: Session, collaboration: Collaboration, tender: Tender, opening: dict, now: datetime) -> None:
    """The keys turned as rows: turning one needs each opener's two-factor sign-in, and the
    opening of a past tender happened long before the demo is loaded."""
    at = _moment(opening["at"], now)
    for minutes, key in enumerate(("first", "second")):
        session.add(OpeningKey(tender_id=tender.id, user_id=_user(session, opening[key]).id,
                               turned_at=at + timedelta(minutes=5 * minutes)))
    tender.opened_at = at + timedelta(minutes=5)
    session.add(tender)
    audit.record(session, None, "tender.opened", "tender", tender.id, now,
                 {"recorded_as_of": tender.opened_at.isoformat(), "source": "demo scenario"},
                 organisation_id=collaboration.lead_organisation_id)


def load(session: Session, collaboration: Collaboration, specs: list[dict], orgs: dict[str, Organisation],
         sealer: Sealer, store: DocumentStore, link_for: Callable[..., str], now: datetime) -> None:
    """Adds each tender whose reference is not there yet. Questions and a panel are told as a
    person's would be, with links made by ``link_for``; a past evaluation tells no one."""
    for spec in specs:
        if session.exec(select(Tender).where(Tender.reference == spec["reference"])).first():
            continue
        tender, criteria = _published(session, _author(session, spec["author"]), collaboration, spec, store,
                                      _moment(spec["published_at"], now), now)
        for bid in spec.get("bids", []):
            _bid(session, tender, criteria, bid, orgs, sealer, now)
        _questions(session, tender, spec.get("questions", []), link_for, now)
        _panel(session, tender, spec.get("panel", []), spec["author"], link_for, now)
        if spec.get("opening"):
            _opened(session, collaboration, tender, spec["opening"], now)
        if spec.get("evaluation"):
            session.flush()
            demo_evaluation.load(session, tender, spec["evaluation"], now)
        if spec.get("award"):
            session.flush()
            demo_award.load(session, tender, spec["award"], sealer, now)


def _questions(session: Session, tender: Tender, specs: list[dict], link_for: Callable[..., str],
               now: datetime) -> None:
    """Clarification questions asked (and, with an ``answer``, answered for every interested
    supplier) through the clarification use cases, at their scenario times: the emails link to
    the answer page and the tender's page, as a person's question and answer do."""
    for spec in specs:
        asked = clarifications.ask(session, _author(session, spec["by"]), tender, spec["question"],
                                   _moment(spec["at"], now),
                                   lambda clarification_id: link_for("tenders.answer", tender_id=tender.id,
                                                                     clarification_id=clarification_id))
        if spec.get("answer"):
            clarifications.answer(session, _author(session, _tender_author(session, tender)), tender, asked,
                                  spec["answer"], True, None, _moment(spec["answered_at"], now),
                                  link_for("tenders.tender", tender_id=tender.id))


def _tender_author(session: Session, tender: Tender) -> str:
    return session.get(User, tender.created_by_user_id).email


def _panel(session: Session, tender: Tender, emails: list[str], author: str, link_for: Callable[..., str],
           now: datetime) -> None:
    """Evaluators put on an open tender's panel (for every criterion) a day ago, each emailed
    the page where they declare any conflict."""
    criteria = [c.id for c in session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id))]
    declaration = link_for("evaluation.declaration", tender_id=tender.id)
    for email in emails:
        panel.assign(session, _author(session, author), tender, _user(session, email).id, criteria,
                     _moment({"days": -1, "time": "09:30"}, now), declaration)


def _bid(session, tender, criteria, spec, orgs, sealer, now) -> None:
    """A bid saved and (unless ``submitted`` is false) submitted in the past, as rows: the bid
    services refuse a bid after the deadline, and the demo's sealed bids were made before it."""
    organisation = orgs[spec["supplier"]]
    bidder = _user(session, spec["by"])
    at = _moment(spec["at"], now)
    suppliers.register_interest(session, actor_for(session, bidder, "demo scenario"), tender, at - timedelta(days=3))
    answers = {str(c.id): text for c, text in zip(criteria, spec["answers"], strict=True)}
    prices = {code: f"{Decimal(str(value)):.2f}" for code, value in spec["prices"].items()}
    draft = {"prices": prices, "answers": answers, "declarations": rules.REQUIRED_DECLARATIONS}
    bid = Bid(tender_id=tender.id, organisation_id=organisation.id, created_at=at, updated_at=at,
              updated_by_user_id=bidder.id,
              draft=sealer.seal(tender.id, json.dumps(draft, sort_keys=True).encode(),
                                seals.draft_binding(tender.id, organisation.id)))
    session.add(bid)
    session.flush()
    audit.record(session, None, "bid.draft_saved", "bid", bid.id, now, {"source": "demo scenario"},
                 organisation_id=organisation.id)
    if spec.get("submitted", True):
        _submitted(session, tender, bid, bidder, prices, answers, sealer, at, now)


def _submitted(session, tender, bid, bidder, prices, answers, sealer, at, now) -> None:
    receipt = new_receipt()
    content = rules.canonical_content(tender.reference, tender.schedule_version, bid.organisation_id, receipt,
                                      {k: Decimal(v) for k, v in prices.items()}, answers,
                                      set(rules.REQUIRED_DECLARATIONS))
    submission = BidSubmission(
        bid_id=bid.id, number=1, receipt=receipt, content_sha256=rules.content_hash(content),
        content=sealer.seal(tender.id, content.encode(),
                            seals.submission_binding(tender.id, bid.organisation_id, receipt)),
        schedule_version=tender.schedule_version, submitted_at=at, submitted_by_user_id=bidder.id)
    session.add(submission)
    audit.record(session, None, "bid.submitted", "bid", bid.id, now,
                 {"receipt": receipt, "sha256": submission.content_sha256, "recorded_as_of": at.isoformat(),
                  "source": "demo scenario"}, organisation_id=bid.organisation_id)
