"""Each authority's annual cost and saving from the contract's rates, and the shared
procurement cost split between the members."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session, col, select

from tenderapp.access import Actor, cost_share_basis, member_authorities, member_authority
from tenderapp.domain.cost_shares import (
    Projection,
    contract_years,
    core_by_year,
    core_codes_by_year,
    projection,
    split,
)
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.money import from_pence, storable_pence
from tenderapp.domain.roles import OrganisationKind
from tenderapp.models import (
    AuthorityBaseline,
    CollaborationMember,
    Contract,
    ContractPrice,
    CostShareBasis,
    Organisation,
    PricingLine,
    Tender,
)
from tenderapp.services import agreement_status, audit


@dataclass(frozen=True)
class Share:
    organisation: Organisation
    baseline: AuthorityBaseline | None
    projection: Projection | None
    procurement_share: Decimal | None
    declined: bool = False  # declined the collaborative agreement: no share of the procurement cost


@dataclass(frozen=True)
class ContractLine:
    code: str
    description: str
    price: Decimal


def rates(session: Session, contract: Contract) -> dict[str, Decimal]:
    return {p.code: from_pence(p.unit_price_pence) for p in session.exec(
        select(ContractPrice).where(ContractPrice.contract_id == contract.id))}


def lines(session: Session, contract: Contract) -> list[ContractLine]:
    """The contract's price lines in the schedule's order, each with its description."""
    described = {line.code: line for line in session.exec(
        select(PricingLine).where(PricingLine.tender_id == contract.tender_id))}
    prices = rates(session, contract)
    ordered = sorted(prices, key=lambda c: (described[c].position if c in described else 1 << 30, c))
    return [ContractLine(c, described[c].description if c in described else c, prices[c]) for c in ordered]


def set_basis(session: Session, actor: Actor, contract: Contract, core_codes: list[str], payg_code: str,
              included_meetings: int, procurement_cost: Decimal, weighted: bool, now: datetime) -> CostShareBasis:
    """Sets how each authority's cost of the (scoped) contract is worked out. Raises
    RuleViolation for lines that are not the contract's, negative numbers or a cost too large
    to keep."""
    known = rates(session, contract)
    if not core_codes or any(c not in known for c in core_codes):
        raise RuleViolation("Select the core subscription line for each year, from the contract's lines", "core_codes")
    if len(set(core_codes)) != len(core_codes):
        raise RuleViolation("Select each core subscription line once", "core_codes")
    if payg_code not in known:
        raise RuleViolation("Select the pay-as-you-go meeting line", "payg_code")
    if included_meetings < 0 or procurement_cost < 0:
        raise RuleViolation("Included meetings and the procurement cost must be 0 or more", "included_meetings")
    cost = storable_pence(procurement_cost, "procurement_cost", "Shared procurement cost")
    basis = cost_share_basis(session, contract) or CostShareBasis(contract_id=contract.id, core_codes="", payg_code="")
    basis.core_codes, basis.payg_code = ",".join(core_codes), payg_code
    basis.included_meetings, basis.procurement_cost_pence, basis.weighted = included_meetings, cost, weighted
    session.add(basis)
    audit.record(session, actor, "contract.cost_basis_set", "contract", contract.id, now,
                 {"core": core_codes, "payg": payg_code, "included_meetings": included_meetings,
                  "procurement_cost": str(procurement_cost), "weighted": weighted})
    session.commit()
    return basis


def set_baseline(session: Session, actor: Actor, contract: Contract, tender: Tender, organisation: Organisation,
                 previous_cost: Decimal | None, meetings_per_year: int, weight: int,
                 now: datetime) -> AuthorityBaseline:
    """Sets a member authority's previous cost, expected meetings and weight for the (scoped)
    contract. Raises RuleViolation for an organisation that is not a member authority or a
    negative number."""
    organisation_id = organisation.id
    if organisation_id not in {o.id for o in members(session, tender)}:
        raise RuleViolation("Not a member authority of this collaboration", "organisation_id")
    if meetings_per_year < 0 or weight < 0 or (previous_cost is not None and previous_cost < 0):
        raise RuleViolation("Enter 0 or more", "meetings_per_year")
    previous_pence = (storable_pence(previous_cost, "previous_cost", "Previous contract cost a year")
                      if previous_cost is not None else None)
    row = session.exec(select(AuthorityBaseline).where(AuthorityBaseline.contract_id == contract.id,
                                                       AuthorityBaseline.organisation_id == organisation_id)).first()
    row = row or AuthorityBaseline(contract_id=contract.id, organisation_id=organisation_id)
    row.previous_annual_cost_pence = previous_pence
    row.meetings_per_year, row.weight = meetings_per_year, weight
    session.add(row)
    audit.record(session, actor, "contract.baseline_set", "contract", contract.id, now,
                 {"organisation_id": organisation_id, "previous_cost": str(previous_cost),
                  "meetings_per_year": meetings_per_year, "weight": weight})
    session.commit()
    return row


def members(session: Session, tender: Tender) -> list[Organisation]:
    """The collaboration's local authorities, by name, whatever their agreement status."""
    return member_authorities(session, tender)


def _sharing(session: Session, tender: Tender, authorities: list[Organisation]) -> list[Organisation]:
    return agreement_status.cost_sharing_members(
        agreement_status.collaboration_agreements(session, tender.collaboration_id), authorities)


def subscribers(session: Session, tender: Tender) -> list[Organisation]:
    """The member authorities that share the contract's costs (``shares_costs``: all but one that
    declined an issued agreement), by name: the ones that pay a core subscription, can have
    cases on the meeting register and are counted in its indicators."""
    return _sharing(session, tender, members(session, tender))


def subscriber(session: Session, tender: Tender, organisation_id: int) -> Organisation:
    """One of ``subscribers`` by id; NotFound for a decliner and for any organisation that is
    not a member authority of the (scoped) tender's collaboration."""
    return member_authority(session, tender, organisation_id, subscribers(session, tender))


def core_prices(basis: CostShareBasis, prices: dict[str, Decimal], years: int) -> list[Decimal]:
    """The core subscription of each of ``years`` contract years: the basis's lines in year
    order, then each extension year's own line (``core_codes_by_year``)."""
    codes = core_codes_by_year(basis.core_codes.split(","), prices, years)
    return core_by_year([prices[c] for c in codes], years)


def members_of(session: Session, collaboration_ids: list[int]) -> dict[int, list[Organisation]]:
    """``members`` of each collaboration, by name, in one query."""
    found: dict[int, list[Organisation]] = {}
    if collaboration_ids:
        for collaboration_id, organisation in session.exec(
                select(CollaborationMember.collaboration_id, Organisation)
                .join(CollaborationMember, CollaborationMember.organisation_id == Organisation.id)
                .where(col(CollaborationMember.collaboration_id).in_(collaboration_ids),
                       Organisation.kind == OrganisationKind.LOCAL_AUTHORITY.value)
                .order_by(Organisation.name)).all():
            found.setdefault(collaboration_id, []).append(organisation)
    return found


def years_of(contract: Contract) -> int:
    """The contract years the shares are worked out for: those of the initial term."""
    return contract_years(contract.start_date, contract.initial_end_date)


def shares(session: Session, contract: Contract, tender: Tender, basis: CostShareBasis | None,
           only: int | None = None) -> list[Share]:
    """Each member authority's figures for the (scoped) contract (``only`` that organisation's)."""
    authorities = members(session, tender)
    baselines = {b.organisation_id: b for b in session.exec(
        select(AuthorityBaseline).where(AuthorityBaseline.contract_id == contract.id))}
    sharing = _sharing(session, tender, authorities)
    procurement = {}
    if basis and basis.procurement_cost_pence and sharing:
        weights = {o.id: (baselines[o.id].weight if basis.weighted and o.id in baselines else 1) for o in sharing}
        if sum(weights.values()) > 0:
            procurement = split(from_pence(basis.procurement_cost_pence), weights)
    prices = rates(session, contract)
    years = years_of(contract)
    sharing_ids = {o.id for o in sharing}
    result = []
    for organisation in authorities:
        if only is not None and organisation.id != only:
            continue
        baseline = baselines.get(organisation.id)
        plan = None
        # one that declined the agreement subscribes to nothing: no core, no meetings, no saving
        if basis and baseline and organisation.id in sharing_ids:
            core = core_prices(basis, prices, years)
            plan = projection(core, basis.included_meetings, prices[basis.payg_code], baseline.meetings_per_year,
                              from_pence(baseline.previous_annual_cost_pence)
                              if baseline.previous_annual_cost_pence is not None else None)
        result.append(Share(organisation, baseline, plan, procurement.get(organisation.id),
                            declined=organisation.id not in sharing_ids))
    return result


def own_share(session: Session, actor: Actor, contract: Contract, tender: Tender) -> Share | None:
    """The actor's own authority's figures for a contract of its collaboration (never another's)."""
    found = shares(session, contract, tender, cost_share_basis(session, contract), only=actor.organisation_id)
    return found[0] if found else None
