"""Emails that no request triggers: a contract's extension decision coming due. Run daily
(``flask --app tenderapp notify-due``); each contract's lead is told once per end date, and the
telling is audited, so running it again tells no one twice (run it from one scheduler)."""

import json
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session, col, func, select

from tenderapp.domain.notifications import Notice
from tenderapp.domain.uk_time import uk_today
from tenderapp.domain.work_queue import extension_decision_due
from tenderapp.formatting import uk_date
from tenderapp.models import AuditEvent, Collaboration, Contract, ContractExtension, Tender
from tenderapp.services import audit, notifications

TOLD = "contract.extension_due_notified"


def _already_told(session: Session, contract_ids: list[int]) -> set[tuple[str, str]]:
    """(contract id, end date) pairs the lead has been told of."""
    rows = session.exec(select(AuditEvent.object_id, AuditEvent.details).where(
        AuditEvent.action == TOLD, col(AuditEvent.object_id).in_([str(i) for i in contract_ids]))).all()
    return {(object_id, json.loads(details).get("end_date")) for object_id, details in rows}


def notify_extension_decisions(session: Session, now: datetime, notice_months: int,
                               link: Callable[[int], str]) -> int:
    """Tells the lead's procurement admins of each contract whose extension decision is due
    (``extension_decision_due``) and who have not been told for its current end date, with
    ``link(contract id)``; returns how many contracts were notified."""
    rows = session.exec(select(Contract, Tender, Collaboration.lead_organisation_id)
                        .join(Tender, col(Tender.id) == col(Contract.tender_id))
                        .join(Collaboration, col(Collaboration.id) == col(Tender.collaboration_id))).all()
    used = dict(session.exec(select(ContractExtension.contract_id, func.count())
                             .group_by(ContractExtension.contract_id)).all())
    told = _already_told(session, [c.id for c, _, _ in rows])
    today, count = uk_today(now), 0
    for contract, tender, lead_id in rows:
        due = extension_decision_due(contract.end_date, notice_months, used.get(contract.id, 0),
                                     contract.extensions_allowed, today)
        if not due or (str(contract.id), contract.end_date.isoformat()) in told:
            continue
        notifications.send(session, Notice.EXTENSION_DUE, notifications.lead_admins(session, tender),
                           f"Extension decision due: tender {tender.reference}",
                           f"The contract awarded from tender {tender.reference}, “{tender.title}”, ends on "
                           f"{uk_date(contract.end_date)}. Decide whether to extend it (the decision, its governance "
                           "and any change notice take time). Record the decision here:", link(contract.id), now)
        audit.record(session, None, TOLD, "contract", contract.id, now, {"end_date": contract.end_date.isoformat()},
                     organisation_id=lead_id)
        count += 1
    session.commit()
    return count
