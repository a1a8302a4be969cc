"""A published tender's OCDS release package: the facts are gathered here in a fixed number of
queries (seven, for one tender or many, whatever the number of members, lines or extensions) and the package is
built by the pure writer ``tenderapp.exports.ocds``."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from tenderapp.access.bids import opened_bid_counts
from tenderapp.domain.contracts import ContractStatus
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.identifiers import Identifier
from tenderapp.domain.uk_time import uk_today
from tenderapp.exports import ocds
from tenderapp.models import Collaboration, Contract, Decision, Organisation, Tender
from tenderapp.services import organisation_identifiers
from tenderapp.services.cost_shares import members_of
from tenderapp.services.extensions import of_contracts as extensions_of_contracts
from tenderapp.services.tender_schedule import lines_of


def published_tender(session: Session, reference: str, now: datetime) -> Tender | None:
    """The tender with this reference once it is published (None before, or if there is none)."""
    tender = session.exec(select(Tender).where(Tender.reference == reference)).first()
    if tender is None or tender.published_at is None or tender.published_at > now:
        return None
    return tender


def _party(organisation: Organisation, identifiers: dict[int, list[Identifier]]) -> ocds.Party:
    return ocds.Party(organisation.id, organisation.name,
                      tuple((i.scheme, i.id) for i in identifiers.get(organisation.id, [])))


def _tender(tender: Tender) -> ocds.Tender:
    return ocds.Tender(
        reference=tender.reference, title=tender.title, description=tender.description,
        procedure=str(tender.procedure), price_weight=tender.price_weight, cpv_code=tender.cpv_code,
        estimated_value_pence=tender.estimated_value_pence, published_at=tender.published_at,
        clarification_deadline=tender.clarification_deadline, submission_deadline=tender.submission_deadline,
        contract_start=tender.contract_start, initial_term_months=tender.initial_term_months, regime=tender.regime)


def _extension(row) -> ocds.Extension:
    return ocds.Extension(row.decided_on, row.decided_by, row.months, row.previous_end_date, row.new_end_date,
                          row.change_notice_required, row.change_notice_published_on)


def _contract(contract: Contract, decision: Decision, supplier: ocds.Party, rows: list,
              now: datetime) -> ocds.Contract:
    extensions = tuple(_extension(e) for e in rows)
    ended = contract_status(contract.start_date, contract.end_date, contract.entered_into_on, len(extensions),
                            uk_today(now)) is ContractStatus.EXPIRED
    return ocds.Contract(
        decision_title=decision.title, decided_on=decision.taken_on, created_at=contract.created_at,
        supplier=supplier, value_pence=contract.value_pence,
        start_date=contract.start_date, initial_end_date=contract.initial_end_date, end_date=contract.end_date,
        entered_into_on=contract.entered_into_on, extensions=extensions, ended=ended)


@dataclass(frozen=True)
class _Gathered:
    """The rows behind the records of some tenders, each kind read in one query."""

    leads: dict[int, Organisation]  # collaboration id -> lead
    members: dict[int, list[Organisation]]  # collaboration id -> member authorities
    contracts: dict[int, tuple[Contract, Decision, Organisation]]  # tender id -> contract, decision, supplier
    extensions: dict[int, list]  # contract id -> extensions
    identifiers: dict[int, list[Identifier]]  # organisation id -> identifiers
    lines: dict[int, list]  # tender id -> pricing lines
    bid_counts: dict[int, int]  # opened tender id -> bids in the box


def _gather(session: Session, tenders: list[Tender], now: datetime) -> _Gathered:
    collaboration_ids = sorted({t.collaboration_id for t in tenders})
    tender_ids = [t.id for t in tenders]
    leads = dict(session.exec(select(Collaboration.id, Organisation)
                              .join(Collaboration, Collaboration.lead_organisation_id == Organisation.id)
                              .where(col(Collaboration.id).in_(collaboration_ids))).all())
    members = members_of(session, collaboration_ids)
    contracts = {contract.tender_id: (contract, decision, supplier) for contract, decision, supplier in session.exec(
        select(Contract, Decision, Organisation)
        .join(Decision, Decision.id == Contract.award_decision_id)
        .join(Organisation, Organisation.id == Contract.supplier_organisation_id)
        .where(col(Contract.tender_id).in_(tender_ids))).all()}
    organisations = {o.id for o in leads.values()} | {o.id for m in members.values() for o in m}
    organisations |= {supplier.id for _, _, supplier in contracts.values()}
    return _Gathered(
        leads=leads, members=members, contracts=contracts,
        extensions=extensions_of_contracts(session, [c.id for c, _, _ in contracts.values()]),
        identifiers=organisation_identifiers.of_organisations(session, organisations),
        lines=lines_of(session, tender_ids),
        bid_counts=opened_bid_counts(session, [t for t in tenders if t.opened_at is not None and t.opened_at <= now]))


def _record(tender: Tender, rows: _Gathered, now: datetime) -> ocds.Record:
    lead = rows.leads[tender.collaboration_id]
    awarded = rows.contracts.get(tender.id)
    contract = None
    if awarded:
        row, decision, supplier = awarded
        contract = _contract(row, decision, _party(supplier, rows.identifiers), rows.extensions.get(row.id, []), now)
    opened = tender.id in rows.bid_counts
    return ocds.Record(
        tender=_tender(tender), lead=_party(lead, rows.identifiers),
        members=tuple(_party(m, rows.identifiers) for m in rows.members.get(tender.collaboration_id, [])),
        lines=tuple(ocds.Line(line.code, line.description, line.evaluation_quantity, line.unit)
                    for line in rows.lines.get(tender.id, [])),
        opening=ocds.Opening(tender.opened_at, rows.bid_counts[tender.id]) if opened else None,
        contract=contract)


def records(session: Session, tenders: list[Tender], now: datetime) -> list[ocds.Record]:
    """What the packages of published tenders say, as they stand at ``now``: in seven queries,
    however many tenders, members, lines or extensions."""
    if not tenders:
        return []
    rows = _gather(session, tenders, now)
    return [_record(tender, rows, now) for tender in tenders]


def record(session: Session, tender: Tender, now: datetime) -> ocds.Record:
    """What the package of a published tender says, as it stands at ``now``."""
    return records(session, [tender], now)[0]


def release_packages(session: Session, tenders: list[Tender], url_of, ocid_prefix: str, now: datetime) -> list[dict]:
    """The packages of published tenders (``url_of(tender)``: each package's address), in a
    fixed number of queries: the bulk downloads."""
    return [ocds.package(found, url_of(tender), ocid_prefix)
            for tender, found in zip(tenders, records(session, tenders, now), strict=True)]


def release_package(session: Session, tender: Tender, url: str, ocid_prefix: str, now: datetime) -> dict:
    """The package for a published tender; url is the package's own stable address."""
    return ocds.package(record(session, tender, now), url, ocid_prefix)
