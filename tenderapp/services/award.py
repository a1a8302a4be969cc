"""The old entry point of decisions, the award and the contract register, kept for callers in
other areas until they import the modules these now live in: ``services.decisions``,
``services.contracts`` and ``services.extensions``. Nothing new goes here."""

from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.access.decisions import get_lead_decision
from tenderapp.models import DecisionDocument
from tenderapp.services import decisions
from tenderapp.services.contracts import contract_of
from tenderapp.services.extensions import extensions

__all__ = ["add_decision_document", "contract_of", "extensions"]


def add_decision_document(session: Session, actor: Actor, decision_id: int, kind: str, title: str,
                          content: bytes | None, filename: str | None, store, now: datetime) -> DecisionDocument:
    """``decisions.add_decision_document`` for a caller holding the decision's id
    (tests/web/test_query_budget.py); NotFound unless the actor leads its collaboration."""
    decision = get_lead_decision(session, actor, decision_id)
    return decisions.add_decision_document(session, actor, decision, kind, title, content, filename, store, now)
