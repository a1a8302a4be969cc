"""Demo tenders from the scenario file: the tender, its schedule, criteria and specification,
suppliers' interest and bids (sealed exactly as real ones are), and the dual-key opening.
Dates are absolute, or relative to today ("days" offsets) for a tender open now."""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp.demo.documents import text_pdf
from tenderapp.domain import bids as rules
from tenderapp.domain.money import to_pence
from tenderapp.domain.uk_time import uk_date_of
from tenderapp.models import (
    Bid,
    BidSubmission,
    Collaboration,
    OpeningKey,
    Organisation,
    PricingLine,
    QualityCriterion,
    Tender,
    TenderDocument,
    TenderInterest,
    TenderOpener,
    User,
)
from tenderapp.sealing import Sealer
from tenderapp.services import audit, demo_award, demo_evaluation
from tenderapp.services.bids import new_receipt
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


def load(session: Session, collaboration: Collaboration, specs: list[dict], orgs: dict[str, Organisation],
         sealer: Sealer, store: DocumentStore, now: datetime) -> None:
    """Adds each tender whose reference is not there yet."""
    for spec in specs:
        if session.exec(select(Tender).where(Tender.reference == spec["reference"])).first():
            continue
        author = _user(session, spec["author"])
        published_at = _moment(spec["published_at"], now)
        tender = Tender(
            collaboration_id=collaboration.id, reference=spec["reference"], title=spec["title"],
            description=spec["description"].strip(), regime=spec["regime"], light_touch=spec["light_touch"],
            cpv_code=spec["cpv_code"], estimated_value_pence=to_pence(Decimal(spec["estimated_value"])),
            contract_start=_day(spec["contract_start"], now), initial_term_months=spec["initial_term_months"],
            extensions_allowed=spec["extensions_allowed"], extension_max_months=spec["extension_max_months"],
            publication_at=published_at, clarification_deadline=_moment(spec["clarification_deadline"], now),
            submission_deadline=_moment(spec["submission_deadline"], now),
            evaluation_date=_day(spec["evaluation_date"], now), award_date=_day(spec["award_date"], now),
            price_weight=spec["price_weight"], price_method=spec["price_method"],
            conflicts_assessment=spec["conflicts_assessment"], conflicts_assessed_at=published_at,
            conflicts_assessed_by_user_id=author.id, created_by_user_id=author.id, created_at=published_at,
            published_at=published_at, published_by_user_id=author.id)
        session.add(tender)
        session.flush()
        for position, line in enumerate(spec["lines"], start=1):
            session.add(PricingLine(tender_id=tender.id, position=position, code=line["code"],
                                    description=line["description"], unit=line["unit"],
                                    evaluation_quantity=line["quantity"], per_authority=line.get("per_authority", False)))
        criteria = []
        for position, criterion in enumerate(spec["criteria"], start=1):
            row = QualityCriterion(tender_id=tender.id, position=position, title=criterion["title"],
                                   guidance=criterion["guidance"], weight=criterion["weight"],
                                   min_score=criterion.get("min_score"), descriptors=spec["descriptors"].strip(),
                                   word_limit=criterion.get("word_limit", 1000))
            session.add(row)
            criteria.append(row)
        pdf = text_pdf([spec["title"], "", *spec["specification"]])
        session.add(TenderDocument(tender_id=tender.id, title="Specification", filename="specification.pdf",
                                   sha256=store.save(pdf), size=len(pdf), uploaded_by_user_id=author.id,
                                   uploaded_at=published_at))
        session.flush()
        for bid in spec.get("bids", []):
            _bid(session, tender, criteria, bid, orgs, sealer, now)
        for email in spec.get("openers", []):
            session.add(TenderOpener(tender_id=tender.id, user_id=_user(session, email).id, named_at=published_at,
                                     named_by_user_id=author.id))
        if spec.get("opening"):
            opening = spec["opening"]
            at = _moment(opening["at"], now)
            for minutes, key in enumerate(("first", "second")):
                session.add(OpeningKey(tender_id=tender.id, user_id=_user(session, opening[key]).id,
                                       turned_at=at + timedelta(minutes=5 * minutes)))
            tender.opened_at = at + timedelta(minutes=5)
            session.add(tender)
            audit.record(session, None, "tender.opened", "tender", tender.id, now,
                         {"recorded_as_of": tender.opened_at.isoformat(), "source": "demo scenario"},
                         organisation_id=collaboration.lead_organisation_id)
        audit.record(session, None, "tender.created", "tender", tender.id, now,
                     {"reference": tender.reference, "source": "demo scenario"},
                     organisation_id=collaboration.lead_organisation_id)
        if spec.get("evaluation"):
            session.flush()
            demo_evaluation.load(session, tender, spec["evaluation"], now)
        if spec.get("award"):
            session.flush()
            demo_award.load(session, tender, spec["award"], sealer, now)


def _bid(session, tender, criteria, spec, orgs, sealer, now) -> None:
    organisation = orgs[spec["supplier"]]
    bidder = _user(session, spec["by"])
    at = _moment(spec["at"], now)
    session.add(TenderInterest(tender_id=tender.id, organisation_id=organisation.id, user_id=bidder.id,
                               registered_at=at - timedelta(days=3)))
    answers = {str(c.id): text for c, text in zip(criteria, spec["answers"])}
    prices = {code: f"{Decimal(str(value)):.2f}" for code, value in spec["prices"].items()}
    draft = {"prices": prices, "answers": answers, "declarations": rules.REQUIRED_DECLARATIONS}
    bid = Bid(tender_id=tender.id, organisation_id=organisation.id, created_at=at, updated_at=at,
              updated_by_user_id=bidder.id,
              draft=sealer.seal(tender.id, json.dumps(draft, sort_keys=True).encode(),
                                f"draft:{tender.id}:{organisation.id}"))
    session.add(bid)
    session.flush()
    audit.record(session, None, "bid.draft_saved", "bid", bid.id, now, {"source": "demo scenario"},
                 organisation_id=organisation.id)
    if not spec.get("submitted", True):
        return
    receipt = new_receipt()
    content = rules.canonical_content(tender.reference, tender.schedule_version, organisation.id, receipt,
                                      {k: Decimal(v) for k, v in prices.items()}, answers,
                                      set(rules.REQUIRED_DECLARATIONS))
    submission = BidSubmission(
        bid_id=bid.id, number=1, receipt=receipt, content_sha256=rules.content_hash(content),
        content=sealer.seal(tender.id, content.encode(), f"submission:{tender.id}:{organisation.id}:{receipt}"),
        schedule_version=tender.schedule_version, submitted_at=at, submitted_by_user_id=bidder.id)
    session.add(submission)
    audit.record(session, None, "bid.submitted", "bid", bid.id, now,
                 {"receipt": receipt, "sha256": submission.content_sha256, "recorded_as_of": at.isoformat(),
                  "source": "demo scenario"}, organisation_id=organisation.id)
