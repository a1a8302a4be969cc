"""The tenders blueprint and what its route modules share. Its own module, so that
``routes``, ``schedule`` and ``clarifications`` all import it and none imports another."""

from flask import Blueprint

from tenderapp.domain.roles import Role
from tenderapp.web.flow import flashed

bp = Blueprint("tenders", __name__)
ADMIN = Role.PROCUREMENT_ADMIN
BIDDER = Role.BIDDER


def summary_of(form) -> str | None:
    """The amendment summary typed on a form that asks for one (published tenders)."""
    return form.amendment_summary.data if hasattr(form, "amendment_summary") else None


def back_to(tender, message: str):
    """A ``done`` callback: flash ``message`` and go back to the tender's page."""
    return flashed(message, "tenders.tender", tender_id=tender.id)

