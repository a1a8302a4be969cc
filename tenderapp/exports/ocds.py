"""An OCDS 1.1 release package per published tender: open data, so only what the UK notices
would publish. One release per stage reached (tender, award, contract, each extension), each
document typed with the OCDS document type and the UK notice it stands for (noticeType, as the
UK's own OCDS data does). Bids stay sealed: before the opening nothing about them appears, and
afterwards only their number; the award names the winner and the contract value, never prices.

Notices follow the tender's regime: a Procurement Act 2023 tender publishes the UK notices
(UK4 tender, UK6 contract award, UK7 contract details, UK10 contract change, each typed with its
``noticeType`` as Find a Tender does); a tender under the Public Contracts Regulations 2015
publishes that regime's forms (contract notice, contract award notice, modification notice) with
no UK code. Every extension a package uses is declared in its ``extensions``.

The builders are pure: they take a ``Record`` (gathered by ``tenderapp.services.ocds``) and
return plain dicts ready for JSON.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from tenderapp.domain.money import from_pence
from tenderapp.domain.uk_time import uk_instant

OCDS_VERSION = "1.1"
CURRENCY = "GBP"
PA2023 = "PA2023"

# The extensions the packages use: bid statistics (``bids``), the UK extension (``noticeType``)
# and the location extension, which the UK extension's schema refers to.
BID_EXTENSION = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json"
LOCATION_EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/"
                      "v1.1.5/extension.json")
UK_EXTENSION = "https://raw.githubusercontent.com/cabinetoffice/ocds_uk_extension/main/extension.json"
EXTENSIONS = (BID_EXTENSION, LOCATION_EXTENSION, UK_EXTENSION)


@dataclass(frozen=True)
class Party:
    """An organisation as the package names it."""

    id: int
    name: str
    identifiers: tuple[tuple[str, str], ...] = ()  # registered (scheme, id), the main one first

    @property
    def party_id(self) -> str:
        """The org-id.guide form of the main identifier (GB-LAE-KEN); without one, Tenderapp's own."""
        if self.identifiers:
            scheme, identifier = self.identifiers[0]
            return f"{scheme}-{identifier}"
        return f"tenderapp-organisation-{self.id}"


@dataclass(frozen=True)
class Line:
    """A line of the pricing schedule, published as an item."""

    code: str
    description: str
    quantity: int
    unit: str


@dataclass(frozen=True)
class Extension:
    """An extension option exercised on the contract."""

    decided_on: date
    decided_by: str
    months: int
    previous_end_date: date
    new_end_date: date
    change_notice_required: bool
    change_notice_published_on: date | None


@dataclass(frozen=True)
class Contract:
    """The awarded contract with its award decision and supplier."""

    decision_title: str
    decided_on: date | None  # the decision's date; without one the contract's creation stands in
    created_at: datetime
    supplier: Party
    value_pence: int
    start_date: date
    initial_end_date: date
    end_date: date
    entered_into_on: date | None
    extensions: tuple[Extension, ...] = ()
    ended: bool = False  # the app shows it expired: its (extended) term is over


@dataclass(frozen=True)
class Opening:
    """What the opening makes public: when, and how many bids were in the box."""

    opened_at: datetime
    bid_count: int


@dataclass(frozen=True)
class Tender:
    """The published tender's own fields."""

    reference: str
    title: str
    description: str
    procedure: str
    price_weight: int
    cpv_code: str
    estimated_value_pence: int | None
    published_at: datetime
    clarification_deadline: datetime | None
    submission_deadline: datetime | None
    contract_start: date | None
    initial_term_months: int | None
    regime: str = PA2023


@dataclass(frozen=True)
class Record:
    """Everything one tender's package is built from."""

    tender: Tender
    lead: Party
    members: tuple[Party, ...]  # the member authorities: buyers
    lines: tuple[Line, ...]
    opening: Opening | None  # None until the tender is opened
    contract: Contract | None  # None until it is awarded


def _when(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _day(day: date) -> str:
    """A calendar date as the start of that day in UK time, with its offset."""
    return uk_instant(day, time(0, 0)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _day_end(day: date) -> str:
    """The last second of a calendar day in UK time: when a period ending that day ends."""
    return uk_instant(day, time(23, 59, 59)).astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _money(pence: int) -> dict:
    # JSON has one kind of number: the exact amount goes out as the float nearest to it, whose
    # shortest form has the same digits (12480.0, 12480.05), as the package always printed.
    return {"amount": float(from_pence(pence)), "currency": CURRENCY}


def _ref(party: Party) -> dict:
    return {"id": party.party_id, "name": party.name}


def _party(party: Party, roles: list[str]) -> dict:
    """The party with its registered identifiers: the main one, then the others."""
    found = _ref(party)
    if party.identifiers:
        scheme, identifier = party.identifiers[0]
        found["identifier"] = {"scheme": scheme, "id": identifier, "legalName": party.name}
        if len(party.identifiers) > 1:
            found["additionalIdentifiers"] = [{"scheme": s, "id": i} for s, i in party.identifiers[1:]]
    return {**found, "roles": roles}


@dataclass(frozen=True)
class NoticeForm:
    """A notice a regime publishes: its id suffix, OCDS document type, UK code (None outside
    the Procurement Act 2023) and title."""

    suffix: str
    document_type: str
    code: str | None
    title: str


# stage -> notice, per regime; a stage a regime has no notice for is absent
NOTICES = {
    PA2023: {"tender": NoticeForm("UK4", "tenderNotice", "UK4", "UK4: Tender notice"),
             "award": NoticeForm("UK6", "awardNotice", "UK6", "UK6: Contract award notice"),
             "contract": NoticeForm("UK7", "contractNotice", "UK7", "UK7: Contract details notice"),
             "change": NoticeForm("UK10", "contractNotice", "UK10", "UK10: Contract change notice")},
    "PCR2015": {"tender": NoticeForm("contract-notice", "tenderNotice", None, "Contract notice"),
                "award": NoticeForm("contract-award-notice", "awardNotice", None, "Contract award notice"),
                "change": NoticeForm("modification-notice", "contractNotice", None, "Modification notice")},
}


def _notice(record: Record, stage: str, url: str, published: str, number: int | None = None) -> dict | None:
    """The document for the notice the tender's regime publishes at ``stage`` (None if none)."""
    form = NOTICES[record.tender.regime].get(stage)
    if form is None:
        return None
    suffix = form.suffix if number is None else f"{form.suffix}-{number}"
    document = {"id": f"{record.tender.reference}-{suffix}", "documentType": form.document_type}
    if form.code:
        document["noticeType"] = form.code
    return {**document, "title": form.title, "url": url, "datePublished": published,
            "format": "application/json", "language": "en"}


def _documents(*documents: dict | None) -> list[dict]:
    return [document for document in documents if document is not None]


def parties(record: Record, with_supplier: bool) -> list[dict]:
    """The lead (buyer and procuring entity), every member authority (buyer) and, from the award
    on, the supplier."""
    found = {record.lead.id: _party(record.lead, ["buyer", "procuringEntity"])}
    for member in record.members:
        found.setdefault(member.id, _party(member, ["buyer"]))
    if with_supplier and record.contract:
        supplier = record.contract.supplier
        found[supplier.id] = _party(supplier, ["supplier", "tenderer"])
    return list(found.values())


def _periods(tender: Tender) -> dict:
    published = _when(tender.published_at)
    periods: dict = {}
    if tender.estimated_value_pence is not None:
        periods["value"] = _money(tender.estimated_value_pence)
    if tender.submission_deadline:
        periods["tenderPeriod"] = {"startDate": published, "endDate": _when(tender.submission_deadline)}
    if tender.clarification_deadline:
        periods["enquiryPeriod"] = {"startDate": published, "endDate": _when(tender.clarification_deadline)}
    if tender.contract_start and tender.initial_term_months:
        periods["contractPeriod"] = {"startDate": _day(tender.contract_start),
                                     "durationInDays": tender.initial_term_months * 365 // 12}
    return periods


def tender_block(record: Record, url: str, complete: bool = False) -> dict:
    """The tender section: the same in every release but for its status, complete from the award on."""
    tender = record.tender
    items: list[dict] = [{"id": "1", "description": tender.title,
                          "classification": {"scheme": "CPV", "id": tender.cpv_code}}]
    items += [{"id": line.code, "description": line.description, "quantity": line.quantity,
               "unit": {"name": line.unit}} for line in record.lines]
    block = {
        "id": tender.reference, "title": tender.title, "description": tender.description.strip(),
        "status": "complete" if complete else "active",
        "procuringEntity": _ref(record.lead),
        "procurementMethod": "open" if tender.procedure == "open" else "selective",
        "procurementMethodDetails": tender.procedure,
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": f"Price {tender.price_weight}%, quality {100 - tender.price_weight}%",
        "submissionMethod": ["electronicSubmission"],
        "items": items,
        "documents": _documents(_notice(record, "tender", url, _when(tender.published_at))),
        **_periods(tender),
    }
    if record.opening:
        block["numberOfTenderers"] = record.opening.bid_count
    return block


def _release(record: Record, url: str, ocid_prefix: str, stage: tuple[str, list[str], str],
             with_supplier: bool = True, **sections) -> dict:
    suffix, tags, when = stage
    reference = record.tender.reference
    return {"ocid": f"{ocid_prefix}-{reference}", "id": f"{reference}-{suffix}", "date": when, "tag": tags,
            "initiationType": "tender", "language": "en", "parties": parties(record, with_supplier),
            "buyer": _ref(record.lead), "tender": tender_block(record, url, complete=with_supplier), **sections}


def tender_release(record: Record, url: str, ocid_prefix: str) -> dict:
    """The first release: the tender notice, and the number of bids once opened."""
    stage = ("tender", ["tender"], _when(record.tender.published_at))
    release = _release(record, url, ocid_prefix, stage, with_supplier=False)
    if record.opening:
        release["bids"] = {"statistics": [{"id": "1", "measure": "bids", "value": record.opening.bid_count,
                                           "date": _when(record.opening.opened_at)}]}
    return release


def _award_day(contract: Contract) -> str:
    return _day(contract.decided_on) if contract.decided_on else _when(contract.created_at)


def award_block(record: Record, contract: Contract, url: str) -> dict:
    """The award: winner, contract value and initial term, with the UK6 notice."""
    day = _award_day(contract)
    return {"id": f"{record.tender.reference}-award-1", "title": contract.decision_title, "status": "active",
            "date": day, "value": _money(contract.value_pence), "suppliers": [_ref(contract.supplier)],
            "contractPeriod": {"startDate": _day(contract.start_date),
                               "endDate": _day_end(contract.initial_end_date)},
            "documents": _documents(_notice(record, "award", url, day))}


def award_release(record: Record, contract: Contract, url: str, ocid_prefix: str) -> dict:
    """The release of the award."""
    stage = ("award", ["award"], _award_day(contract))
    return _release(record, url, ocid_prefix, stage, awards=[award_block(record, contract, url)])


def contract_documents(record: Record, contract: Contract, url: str, extensions: int) -> list[dict]:
    """The contract's notices: the contract details notice once entered into (the Act's UK7;
    the 2015 regulations have none), then a change notice (UK10, or the 2015 modification
    notice) for each of the first ``extensions`` extensions whose notice was required and published."""
    documents = []
    if contract.entered_into_on:
        documents.append(_notice(record, "contract", url, _day(contract.entered_into_on)))
    for number, extension in enumerate(contract.extensions[:extensions], start=1):
        if extension.change_notice_required and extension.change_notice_published_on:
            documents.append(_notice(record, "change", url, _day(extension.change_notice_published_on), number))
    return _documents(*documents)


def _amendment(reference: str, number: int, extension: Extension) -> dict:
    return {"id": f"{reference}-extension-{number}", "date": _day(extension.decided_on),
            "rationale": f"Extension option exercised by {extension.decided_by}",
            "description": f"Extended by {extension.months} months, from {extension.previous_end_date:%d/%m/%Y} "
                           f"to {extension.new_end_date:%d/%m/%Y}"}


def contract_block(record: Record, contract: Contract, url: str, extensions: int | None = None,
                   ended: bool = False) -> dict:
    """The contract section as it stood after its first ``extensions`` extensions (None: before
    any, and without amendments): pending until entered into, active once signed, terminated
    once ``ended``."""
    reference = record.tender.reference
    status = "terminated" if ended else "active" if contract.entered_into_on else "pending"
    block = {"id": f"{reference}-contract-1", "awardID": f"{reference}-award-1", "title": record.tender.title,
             "status": status,
             "period": {"startDate": _day(contract.start_date), "endDate": _day_end(contract.end_date)},
             "value": _money(contract.value_pence)}
    documents = contract_documents(record, contract, url, extensions or 0)
    if documents:  # a 2015-regulations contract may have published none
        block["documents"] = documents
    if contract.entered_into_on:
        block["dateSigned"] = _day(contract.entered_into_on)
    if extensions is not None:
        block["amendments"] = [_amendment(reference, number, extension) for number, extension
                               in enumerate(contract.extensions[:extensions], start=1)]
    return block


def contract_releases(record: Record, contract: Contract, url: str, ocid_prefix: str) -> list[dict]:
    """The release of the contract being entered into (signed): none until it is."""
    if contract.entered_into_on is None:
        return []
    stage = ("contract", ["contract"], _day(contract.entered_into_on))
    return [_release(record, url, ocid_prefix, stage, awards=[award_block(record, contract, url)],
                     contracts=[contract_block(record, contract, url)])]


def extension_releases(record: Record, contract: Contract, url: str, ocid_prefix: str) -> list[dict]:
    """One contractAmendment release per extension, each with the amendments so far."""
    return [_release(record, url, ocid_prefix, (f"extension-{number}", ["contractAmendment"],
                                                _day(extension.decided_on)),
                     awards=[award_block(record, contract, url)],
                     contracts=[contract_block(record, contract, url, extensions=number)])
            for number, extension in enumerate(contract.extensions, start=1)]


def termination_releases(record: Record, contract: Contract, url: str, ocid_prefix: str) -> list[dict]:
    """Once the contract's term is over (the app shows it expired), a contractTermination
    release at the end of its last day says it is terminated."""
    if not (contract.ended and contract.entered_into_on):
        return []
    stage = ("termination", ["contractTermination"], _day_end(contract.end_date))
    return [_release(record, url, ocid_prefix, stage, awards=[award_block(record, contract, url)],
                     contracts=[contract_block(record, contract, url, extensions=len(contract.extensions),
                                               ended=True)])]


def releases(record: Record, url: str, ocid_prefix: str) -> list[dict]:
    """Every release of the tender, in date order: one per stage reached."""
    found = [tender_release(record, url, ocid_prefix)]
    contract = record.contract
    if contract:
        found.append(award_release(record, contract, url, ocid_prefix))
        found += contract_releases(record, contract, url, ocid_prefix)
        found += extension_releases(record, contract, url, ocid_prefix)
        found += termination_releases(record, contract, url, ocid_prefix)
    return found


def package(record: Record, url: str, ocid_prefix: str) -> dict:
    """The release package; ``url`` is the package's own stable address."""
    found = releases(record, url, ocid_prefix)
    return {"uri": url, "version": OCDS_VERSION, "extensions": list(EXTENSIONS),
            "publishedDate": max(r["date"] for r in found), "publisher": {"name": record.lead.name},
            "releases": found}


def published_notices(record: Record, url: str) -> list[dict]:
    """Every notice the package publishes (each once, as first published), in date order:
    the documents a public notice page lists."""
    found: dict[str, dict] = {}
    for release in releases(record, url, "notices"):
        blocks = [release["tender"], *release.get("awards", []), *release.get("contracts", [])]
        for document in (d for block in blocks for d in block.get("documents", [])):
            found.setdefault(document["id"], document)
    return sorted(found.values(), key=lambda d: d["datePublished"])
