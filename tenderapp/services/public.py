"""What anyone may read without signing in: published tenders (opportunities, searchable and
filterable) and each one's public notice. Only what a published notice says appears: never a
bid, a price, a clarification question, an evaluation or an agreement. Each page is gathered in
a fixed number of queries, however many tenders there are."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tenderapp import access
from tenderapp.domain.contracts import ContractStatus
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.tenders import TenderStatus
from tenderapp.domain.uk_time import uk_today
from tenderapp.exports import ocds as ocds_writer
from tenderapp.models import QualityCriterion, Tender, TenderDocument
from tenderapp.services import ocds
from tenderapp.services import tender_schedule as schedule
from tenderapp.services.tenders import progress_of, status_of

# The status filter: a published tender is open for bids, closed (being evaluated or decided)
# or awarded (the award recorded).
STATUS_GROUPS: dict[str, tuple[str, frozenset[TenderStatus]]] = {
    "open": ("Open for bids", frozenset({TenderStatus.PUBLISHED})),
    "closed": ("Closed, being evaluated", frozenset({TenderStatus.CLOSED, TenderStatus.OPENED,
                                                     TenderStatus.AWARD_RECOMMENDED, TenderStatus.AWARD_DECIDED})),
    "awarded": ("Awarded", frozenset({TenderStatus.STANDSTILL, TenderStatus.AWARDED})),
    "all": ("All published tenders", frozenset(TenderStatus)),
}
MAX_SEARCH = 200


@dataclass(frozen=True)
class Filters:
    """The listing's GET parameters, already cleaned: ``q`` searches the reference, title and
    description; ``status`` is a key of STATUS_GROUPS; ``buyer`` the lead authority's name."""

    q: str = ""
    status: str = "open"
    buyer: str = ""

    @classmethod
    def parse(cls, q: str | None, status: str | None, buyer: str | None) -> "Filters":
        """Whatever is typed or tampered with: unknown statuses fall back on open for bids."""
        def clean(text: str | None) -> str:
            return " ".join("".join(c for c in (text or "") if c.isprintable()).split())[:MAX_SEARCH]
        return cls(q=clean(q), status=status if status in STATUS_GROUPS else "open", buyer=clean(buyer))


@dataclass(frozen=True)
class Opportunity:
    tender: Tender
    buyer: str
    status: TenderStatus


@dataclass(frozen=True)
class Listing:
    filters: Filters
    opportunities: list[Opportunity]
    buyers: list[str]  # every lead authority with a published tender, for the filter
    total: int  # published tenders before filtering


def _matches(opportunity: Opportunity, filters: Filters) -> bool:
    tender = opportunity.tender
    text = f"{tender.reference} {tender.title} {tender.description}".casefold()
    return (opportunity.status in STATUS_GROUPS[filters.status][1]
            and (not filters.buyer or opportunity.buyer == filters.buyer)
            and all(word in text for word in filters.q.casefold().split()))


def opportunities(session: Session, filters: Filters, now: datetime) -> Listing:
    """The published tenders the filters keep, newest first (at most four queries)."""
    published = access.public_tenders(session, now)
    progress = progress_of(session, [tender for tender, _ in published])
    every = [Opportunity(tender, buyer, status_of(tender, now, progress.get(tender.id)))
             for tender, buyer in published]
    return Listing(filters=filters, opportunities=[o for o in every if _matches(o, filters)],
                   buyers=sorted({o.buyer for o in every}), total=len(every))


@dataclass(frozen=True)
class Award:
    """The award and contract as the award and contract notices publish them."""

    supplier: str
    value_pence: int
    decided_on: date | None
    start_date: date
    end_date: date
    status: ContractStatus


@dataclass(frozen=True)
class PublishedNotice:
    title: str
    published: datetime


@dataclass(frozen=True)
class PublicNotice:
    tender: Tender
    status: TenderStatus
    buyer: str
    members: list[str]  # the authorities buying together
    criteria: list[QualityCriterion]
    documents: list[TenderDocument]
    notices: list[PublishedNotice]
    award: Award | None

    @property
    def quality_marks(self) -> int:
        return sum(c.weight for c in self.criteria)

    @property
    def open_for_bids(self) -> bool:
        return self.status is TenderStatus.PUBLISHED


def _award(record: ocds_writer.Record, now: datetime) -> Award | None:
    contract = record.contract
    if contract is None:
        return None
    return Award(supplier=contract.supplier.name, value_pence=contract.value_pence, decided_on=contract.decided_on,
                 start_date=contract.start_date, end_date=contract.end_date,
                 status=contract_status(contract.start_date, contract.end_date, contract.entered_into_on,
                                        len(contract.extensions), uk_today(now)))


def notice(session: Session, tender: Tender, url: str, now: datetime) -> PublicNotice:
    """The public notice of a published tender (``url``: its open-data package's address)."""
    record = ocds.record(session, tender, now)
    return PublicNotice(
        tender=tender, status=status_of(tender, now, progress_of(session, [tender]).get(tender.id)),
        buyer=record.lead.name, members=[m.name for m in record.members],
        criteria=schedule.criteria(session, tender), documents=schedule.documents(session, tender),
        notices=[PublishedNotice(d["title"], datetime.fromisoformat(d["datePublished"]))
                 for d in ocds_writer.published_notices(record, url)],
        award=_award(record, now))
