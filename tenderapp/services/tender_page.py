"""What a tender's page shows to the person reading it: its sections, the actions offered,
and the rows each section lists. The template reads these flags and states no rule itself."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from tenderapp import access, models
from tenderapp.access import Actor
from tenderapp.domain.roles import Role
from tenderapp.domain.tenders import TenderStatus
from tenderapp.models import Tender
from tenderapp.services import assessment_summaries, clarifications, member_contracts, openers, suppliers
from tenderapp.services import tender_schedule as schedule
from tenderapp.services.tenders import amendments, lead_name, progress_of, readiness, status_of


@dataclass(frozen=True)
class BidderView:
    """The supplier's part of a published tender's page."""

    interest: models.TenderInterest | None
    own_summary: bool  # the supplier's assessment summary can be read
    can_bid: bool  # open for bids: prepare a bid, register interest
    can_ask: bool  # before the clarification deadline

    @property
    def can_register_interest(self) -> bool:
        return self.can_bid and self.interest is None


@dataclass(frozen=True)
class LeadView:
    """The lead's part: publication, conflicts, openers, questions and the bid box."""

    problems: list[str]  # what stops a draft's publication
    opener_names: list[str]
    interested: list[tuple[str, datetime]]
    bid_count: int
    bid_box: str  # "opened", "sealed" (before the deadline) or "closed" (sealed, deadline passed)


@dataclass(frozen=True)
class TenderPage:
    tender: Tender
    status: TenderStatus
    buyer: str
    lines: list[models.PricingLine]
    criteria: list[models.QualityCriterion]
    documents: list[models.TenderDocument]
    questions: list[models.Clarification]
    amendments: list[models.TenderAmendment]
    can_change: bool  # the lead may still edit (a draft) or amend (before the deadline)
    bidder: BidderView | None = None  # a supplier's bidder reading a published tender
    lead: LeadView | None = None  # the lead's procurement admins
    member_contract: models.Contract | None = None  # a member authority's contract, once opened
    quality_marks: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quality_marks", sum(c.weight for c in self.criteria))

    @property
    def published(self) -> bool:
        """Published: open data, the schedule's version, and questions and answers are shown."""
        return self.tender.published_at is not None

    @property
    def term(self) -> str:
        months = self.tender.initial_term_months
        return f"{months} months" if months else "Not set"

    @property
    def extensions(self) -> str:
        allowed = self.tender.extensions_allowed
        if not allowed:
            return "None"
        return (f"Up to {allowed} extension{'s' if allowed > 1 else ''} of up to "
                f"{self.tender.extension_max_months} months")

    @property
    def publishable(self) -> bool:
        """A lead's draft with nothing missing: the publish button is offered."""
        return self.lead is not None and not self.published and not self.lead.problems


def _bidder_view(session: Session, actor: Actor, tender: Tender, status: TenderStatus, now: datetime) -> BidderView:
    return BidderView(
        interest=suppliers.interest_of(session, actor, tender),
        own_summary=tender.opened_at is not None and assessment_summaries.has_own(session, actor, tender),
        can_bid=status is TenderStatus.PUBLISHED,
        can_ask=tender.published_at is not None and now < tender.clarification_deadline)


def _lead_view(session: Session, actor: Actor, tender: Tender, now: datetime) -> LeadView:
    published = tender.published_at is not None
    return LeadView(
        problems=readiness(session, tender, now) if not published else [],
        opener_names=openers.opener_names(session, tender),
        interested=suppliers.interested_suppliers(session, tender),
        bid_count=access.submitted_count(session, actor, tender.id) if published else 0,
        bid_box=("opened" if tender.opened_at is not None
                 else "closed" if tender.submission_deadline is not None and now >= tender.submission_deadline
                 else "sealed"))


def tender_page(session: Session, actor: Actor, tender: Tender, now: datetime) -> TenderPage:
    """The page of ``tender`` (one the actor may see) for ``actor``."""
    is_lead = access.is_lead(session, actor, tender)
    bidder = actor.has_role(Role.BIDDER) and not actor.organisation_kind.is_authority
    status = status_of(tender, now, progress_of(session, [tender]).get(tender.id))
    return TenderPage(
        tender=tender, status=status, buyer=lead_name(session, tender),
        lines=schedule.lines(session, tender), criteria=schedule.criteria(session, tender),
        documents=schedule.documents(session, tender),
        questions=(clarifications.for_supplier(session, actor, tender) if bidder
                   else clarifications.published(session, tender)),
        amendments=amendments(session, tender),
        can_change=is_lead and status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED),
        bidder=_bidder_view(session, actor, tender, status, now) if bidder and tender.published_at else None,
        lead=_lead_view(session, actor, tender, now) if is_lead else None,
        member_contract=(member_contracts.contract_of_tender(session, actor, tender)
                         if actor.organisation_kind.is_authority and tender.opened_at else None))
