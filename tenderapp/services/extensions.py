"""A contract's extensions, each under a taken extension decision, and the contract change
notice (UK10) some of them need."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from tenderapp.access import Actor
from tenderapp.domain import contracts as rules
from tenderapp.domain import decisions as decision_rules
from tenderapp.domain.decisions import DecisionKind
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.tenders import Regime
from tenderapp.domain.text import check_single_line
from tenderapp.domain.uk_time import uk_today
from tenderapp.models import Contract, ContractExtension, Decision, Tender
from tenderapp.services import audit
from tenderapp.services.decisions import decision_status


@dataclass(frozen=True)
class ExtensionInput:
    months: int
    decided_by: str
    consulted: str
    decided_on: date


def extensions(session: Session, contract: Contract) -> list[ContractExtension]:
    return of_contracts(session, [contract.id]).get(contract.id, [])


def of_contracts(session: Session, contract_ids: list[int | None]) -> dict[int, list[ContractExtension]]:
    """Each contract's extensions in the order decided, in one query (none: absent)."""
    found: dict[int, list[ContractExtension]] = {}
    if contract_ids:
        for row in session.exec(select(ContractExtension).where(col(ContractExtension.contract_id).in_(contract_ids))
                                .order_by(ContractExtension.decided_on, ContractExtension.id)).all():
            found.setdefault(row.contract_id, []).append(row)
    return found


def _new_extension(actor: Actor, contract: Contract, tender: Tender, decision: Decision, data: ExtensionInput,
                   new_end: date, now: datetime) -> ContractExtension:
    return ContractExtension(
        contract_id=contract.id, decision_id=decision.id, months=data.months, previous_end_date=contract.end_date,
        new_end_date=new_end, decided_by=check_single_line(data.decided_by, "decided_by", "Decided by",
                                                           "Enter who took the decision", 300),
        consulted=(data.consulted or "").strip() or None, decided_on=data.decided_on,
        light_touch_exempt=tender.light_touch,
        # Procurement Act 2023 s.75: a change notice before the change takes effect, unless light touch.
        change_notice_required=tender.regime == Regime.PA2023.value and not tender.light_touch,
        recorded_by_user_id=actor.user_id, recorded_at=now)


def extend(session: Session, actor: Actor, contract: Contract, tender: Tender, decision: Decision | None,
           data: ExtensionInput, now: datetime) -> ContractExtension:
    """Extends the (scoped) contract under a taken extension decision (``decision`` is the one
    chosen, None when none of the collaboration's was), only as the contract allows. Raises
    RuleViolation otherwise."""
    decision_rules.check_basis(DecisionKind.EXTENSION, decision.kind if decision else None,
                               decision_status(decision) if decision else None)
    new_end = rules.check_extension(len(extensions(session, contract)), contract.extensions_allowed, data.months,
                                    contract.extension_max_months, data.decided_on, contract.end_date)
    extension = _new_extension(actor, contract, tender, decision, data, new_end, now)
    contract.end_date = new_end
    session.add_all([extension, contract])
    session.flush()
    audit.record(session, actor, "contract.extended", "contract", contract.id, now,
                 {"decision": decision.number, "months": data.months, "new_end_date": new_end.isoformat(),
                  "decided_by": extension.decided_by, "consulted": extension.consulted})
    session.commit()
    return extension


def record_change_notice(session: Session, actor: Actor, contract: Contract, extension: ContractExtension,
                         published_on: date, now: datetime) -> ContractExtension:
    """The day the contract change notice (UK10) for an extension of the (scoped) contract was
    published. Raises RuleViolation when none is needed, or for a day in the future or before
    the extension was decided."""
    if not extension.change_notice_required:
        raise RuleViolation("This extension needs no contract change notice", "published_on")
    if published_on > uk_today(now):
        raise RuleViolation("The notice's publication date cannot be in the future", "published_on")
    if published_on < extension.decided_on:
        raise RuleViolation("The notice cannot be published before the extension was decided", "published_on")
    extension.change_notice_published_on = published_on
    session.add(extension)
    audit.record(session, actor, "contract.change_notice_recorded", "contract", contract.id, now,
                 {"extension_id": extension.id, "published_on": published_on.isoformat()})
    session.commit()
    return extension
