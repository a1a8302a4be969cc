"""A published tender's OCDS release package: the facts are gathered here in a fixed number of
queries (at most eight, whatever the number of members, lines or extensions) and the package is
built by the pure writer ``tenderapp.exports.ocds``."""

from dataclasses import replace
from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access.bids import opened_bid_count
from tenderapp.domain.contracts import ContractStatus
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.identifiers import Identifier
from tenderapp.domain.uk_time import uk_today
from tenderapp.exports import ocds
from tenderapp.models import Collaboration, Contract, Decision, Organisation, Tender
from tenderapp.services import organisation_identifiers
from tenderapp.services.cost_shares import members as member_authorities
from tenderapp.services.extensions import extensions as extensions_of
from tenderapp.services.tender_schedule import lines as schedule_lines


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


def _contract(session: Session, tender: Tender, now: datetime) -> tuple[ocds.Contract, Organisation] | None:
    found = session.exec(
        select(Contract, Decision, Organisation)
        .join(Decision, Decision.id == Contract.award_decision_id)
        .join(Organisation, Organisation.id == Contract.supplier_organisation_id)
        .where(Contract.tender_id == tender.id)).first()
    if found is None:
        return None
    contract, decision, supplier = found
    extensions = tuple(_extension(e) for e in extensions_of(session, contract))
    ended = contract_status(contract.start_date, contract.end_date, contract.entered_into_on, len(extensions),
                            uk_today(now)) is ContractStatus.EXPIRED
    return ocds.Contract(
        decision_title=decision.title, decided_on=decision.taken_on, created_at=contract.created_at,
        supplier=ocds.Party(supplier.id, supplier.name), value_pence=contract.value_pence,
        start_date=contract.start_date, initial_end_date=contract.initial_end_date, end_date=contract.end_date,
        entered_into_on=contract.entered_into_on, extensions=extensions, ended=ended), supplier


def record(session: Session, tender: Tender, now: datetime) -> ocds.Record:
    """What the package of a published tender says, as it stands at ``now``."""
    lead = session.exec(select(Organisation)
                        .join(Collaboration, Collaboration.lead_organisation_id == Organisation.id)
                        .where(Collaboration.id == tender.collaboration_id)).one()
    members = member_authorities(session, tender)
    awarded = _contract(session, tender, now)
    organisations = [lead, *members] + ([awarded[1]] if awarded else [])
    identifiers = organisation_identifiers.of_organisations(session, [o.id for o in organisations])
    contract = replace(awarded[0], supplier=_party(awarded[1], identifiers)) if awarded else None
    opened = tender.opened_at is not None and tender.opened_at <= now
    return ocds.Record(
        tender=_tender(tender), lead=_party(lead, identifiers),
        members=tuple(_party(m, identifiers) for m in members),
        lines=tuple(ocds.Line(line.code, line.description, line.evaluation_quantity, line.unit)
                    for line in schedule_lines(session, tender)),
        opening=ocds.Opening(tender.opened_at, opened_bid_count(session, tender)) if opened else None,
        contract=contract)


def release_package(session: Session, tender: Tender, url: str, ocid_prefix: str, now: datetime) -> dict:
    """The package for a published tender; url is the package's own stable address."""
    return ocds.package(record(session, tender, now), url, ocid_prefix)
