"""An OCDS 1.1 release package per published tender: open data, so only what the UK notices
would publish. One release per stage reached (tender, award, contract, each extension), each
document typed with the OCDS document type and the UK notice it stands for (noticeType, as the
UK's own OCDS data does). Bids stay sealed: before the opening nothing about them appears, and
afterwards only their number; the award names the winner and the contract value, never prices.
"""

from datetime import date, datetime, time, timezone

from sqlmodel import Session, select

from tenderapp.access.bids import opened_bid_count
from tenderapp.domain.uk_time import uk_instant
from tenderapp.models import (
    Collaboration,
    Decision,
    Organisation,
    PricingLine,
    Tender,
)
from tenderapp.services.award import contract_of
from tenderapp.services.award import extensions as extensions_of
from tenderapp.services.cost_shares import members as member_authorities

OCDS_VERSION = "1.1"
CURRENCY = "GBP"


def published_tender(session: Session, reference: str, now: datetime) -> Tender | None:
    tender = session.exec(select(Tender).where(Tender.reference == reference)).first()
    if tender is None or tender.published_at is None or tender.published_at > now:
        return None
    return tender


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day(day: date) -> str:
    """A calendar date as the start of that day in UK time, with its offset."""
    return uk_instant(day, time(0, 0)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _day_end(day: date) -> str:
    """The last second of a calendar day in UK time: when a period ending that day ends."""
    return uk_instant(day, time(23, 59, 59)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _money(pence: int) -> dict:
    return {"amount": round(pence / 100, 2), "currency": CURRENCY}


def _party_id(organisation: Organisation) -> str:
    return f"GB-TENDERAPP-{organisation.id}"


def _ref(organisation: Organisation) -> dict:
    return {"id": _party_id(organisation), "name": organisation.name}


def _notice(notice_id: str, document_type: str, notice_type: str, title: str, url: str, published: str) -> dict:
    return {"id": notice_id, "documentType": document_type, "noticeType": notice_type, "title": title,
            "url": url, "datePublished": published, "format": "application/json", "language": "en"}


def release_package(session: Session, tender: Tender, url: str, ocid_prefix: str, now: datetime) -> dict:
    """The package for a published tender; url is the package's own stable address."""
    collaboration = session.get(Collaboration, tender.collaboration_id)
    lead = session.get(Organisation, collaboration.lead_organisation_id)
    members = member_authorities(session, tender)
    ocid = f"{ocid_prefix}-{tender.reference}"
    parties = {lead.id: {**_ref(lead), "roles": ["buyer", "procuringEntity"]}}
    for member in members:
        parties.setdefault(member.id, {**_ref(member), "roles": ["buyer"]})
    contract = contract_of(session, tender)
    opened = tender.opened_at is not None and tender.opened_at <= now

    published = _when(tender.published_at)
    tender_block = {
        "id": tender.reference,
        "title": tender.title,
        "description": tender.description.strip(),
        "status": "complete" if contract else "active",
        "procuringEntity": _ref(lead),
        "procurementMethod": "open" if tender.procedure == "open" else "selective",
        "procurementMethodDetails": tender.procedure,
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": f"Price {tender.price_weight}%, quality {100 - tender.price_weight}%",
        "submissionMethod": ["electronicSubmission"],
        "items": [{"id": "1", "description": tender.title,
                   "classification": {"scheme": "CPV", "id": tender.cpv_code}}],
        "documents": [_notice(f"{tender.reference}-UK4", "tenderNotice", "UK4", "UK4: Tender notice", url,
                              published)],
    }
    if tender.estimated_value_pence is not None:
        tender_block["value"] = _money(tender.estimated_value_pence)
    if tender.submission_deadline:
        tender_block["tenderPeriod"] = {"startDate": published, "endDate": _when(tender.submission_deadline)}
    if tender.clarification_deadline:
        tender_block["enquiryPeriod"] = {"startDate": published, "endDate": _when(tender.clarification_deadline)}
    if tender.contract_start and tender.initial_term_months:
        tender_block["contractPeriod"] = {"startDate": _day(tender.contract_start)}
        tender_block["contractPeriod"]["durationInDays"] = tender.initial_term_months * 365 // 12
    lines = session.exec(select(PricingLine).where(PricingLine.tender_id == tender.id)
                         .order_by(PricingLine.position)).all()
    if lines:
        tender_block["items"] += [{"id": line.code, "description": line.description,
                                   "quantity": line.evaluation_quantity, "unit": {"name": line.unit}}
                                  for line in lines]
    if opened:
        tender_block["numberOfTenderers"] = opened_bid_count(session, tender)

    def release(suffix: str, tags: list[str], when: str, **sections) -> dict:
        return {"ocid": ocid, "id": f"{tender.reference}-{suffix}", "date": when, "tag": tags,
                "initiationType": "tender", "language": "en", "parties": list(parties.values()),
                "buyer": _ref(lead), "tender": tender_block, **sections}

    releases = [release("tender", ["tender"], published)]
    if opened:
        releases[0]["bids"] = {"statistics": [{"id": "1", "measure": "bids", "value": tender_block["numberOfTenderers"],
                                               "date": _when(tender.opened_at)}]}
    if contract:
        supplier = session.get(Organisation, contract.supplier_organisation_id)
        parties[supplier.id] = {**_ref(supplier), "roles": ["supplier", "tenderer"]}
        decision = session.get(Decision, contract.award_decision_id)
        award_day = _day(decision.taken_on) if decision.taken_on else _when(contract.created_at)
        award = {"id": f"{tender.reference}-award-1", "title": decision.title, "status": "active",
                 "date": award_day, "value": _money(contract.value_pence), "suppliers": [_ref(supplier)],
                 "contractPeriod": {"startDate": _day(contract.start_date),
                                    "endDate": _day_end(contract.initial_end_date)},
                 "documents": [_notice(f"{tender.reference}-UK6", "awardNotice", "UK6",
                                       "UK6: Contract award notice", url, award_day)]}
        releases.append(release("award", ["award"], award_day, awards=[award]))
        contract_block = {"id": f"{tender.reference}-contract-1", "awardID": award["id"],
                          "title": tender.title, "status": "active" if contract.entered_into_on else "pending",
                          "period": {"startDate": _day(contract.start_date), "endDate": _day_end(contract.end_date)},
                          "value": _money(contract.value_pence), "documents": []}
        if contract.entered_into_on:
            signed = _day(contract.entered_into_on)
            contract_block["dateSigned"] = signed
            contract_block["documents"].append(_notice(f"{tender.reference}-UK7", "contractNotice", "UK7",
                                                       "UK7: Contract details notice", url, signed))
            releases.append(release("contract", ["contract"], signed, awards=[award],
                                    contracts=[dict(contract_block, documents=list(contract_block["documents"]))]))
        extensions = extensions_of(session, contract)
        amendments = []
        for number, extension in enumerate(extensions, start=1):
            decided = _day(extension.decided_on)
            amendments.append({"id": f"{tender.reference}-extension-{number}", "date": decided,
                               "rationale": f"Extension option exercised by {extension.decided_by}",
                               "description": f"Extended by {extension.months} months, from "
                                              f"{extension.previous_end_date:%d/%m/%Y} to "
                                              f"{extension.new_end_date:%d/%m/%Y}"})
            if extension.change_notice_required and extension.change_notice_published_on:
                contract_block["documents"].append(_notice(f"{tender.reference}-UK10-{number}", "contractNotice",
                                                           "UK10", "UK10: Contract change notice", url,
                                                           _day(extension.change_notice_published_on)))
            releases.append(release(f"extension-{number}", ["contractAmendment"], decided, awards=[award],
                                    contracts=[dict(contract_block, amendments=list(amendments),
                                                    documents=list(contract_block["documents"]))]))
    latest = max(r["date"] for r in releases)
    return {"uri": url, "version": OCDS_VERSION, "publishedDate": latest,
            "publisher": {"name": lead.name}, "releases": releases}

