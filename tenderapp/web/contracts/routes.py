"""The award, and the contract page: the lead's admins manage it (entry into the contract,
the notice date, extensions and their change notices); every other member reads its public
facts. Registers the blueprint's other routes (decisions, cost shares, assessment summaries)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.access import contracts as contract_access
from tenderapp.access import decisions as decision_access
from tenderapp.db import get_session
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.decisions import DecisionKind
from tenderapp.domain.uk_time import uk_today
from tenderapp.models import Collaboration, Contract, Organisation, Tender
from tenderapp.sealing import sealer
from tenderapp.services import contracts as contract_service
from tenderapp.services import decisions as decision_service
from tenderapp.services import extensions as extension_service
from tenderapp.services import member_contracts
from tenderapp.services.extensions import ExtensionInput
from tenderapp.web.contracts.blueprint import ADMIN, bp, lead_contract, member_contract
from tenderapp.web.contracts.forms import AwardForm, ChangeNoticeForm, EntryForm, ExtensionForm, NoticeDateForm
from tenderapp.web.flow import attempt, flashed, form_page
from tenderapp.web.guards import tenant_owned

__all__ = ["bp"]  # registered by create_app; this module also registers the blueprint's other routes


def _to_contract(contract: Contract):
    return redirect(url_for("contracts.contract", contract_id=contract.id))


def _decision_choices(collaboration: Collaboration, kind: DecisionKind, prompt: str) -> list[SelectChoice]:
    return [SelectChoice(0, prompt)] + [SelectChoice(d.id, f"{d.number}: {d.title}") for d in
                                        decision_service.decisions_of(get_session(), collaboration, kind)]


@bp.route("/tenders/<int:tender_id>/award", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def award(tender: Tender):
    db_session = get_session()
    existing = contract_service.contract_of(db_session, tender)
    if existing:
        return _to_contract(existing)
    collaboration = db_session.get(Collaboration, tender.collaboration_id)
    form = AwardForm()
    form.decision_id.choices = _decision_choices(collaboration, DecisionKind.AWARD, "Select the award decision")
    return form_page(form, "contracts/award.html", tender=tender, collaboration=collaboration,
                     action=lambda: contract_service.award(
                         db_session, current_user, sealer(), tender,
                         decision_access.collaboration_decision(db_session, tender.collaboration_id,
                                                                form.decision_id.data),
                         form.notice_on.data, clock.now()),
                     done=flashed("Award recorded. The standstill period is shown below.",
                                  lambda contract: url_for("contracts.contract", contract_id=contract.id)),
                     field="decision_id")


def _status(contract: Contract, extensions: int):
    return contract_status(contract.start_date, contract.end_date, contract.entered_into_on, extensions,
                           uk_today(clock.now()))


def _contract_page(contract: Contract, tender: Tender, entry_form=None, extension_form=None, notice_form=None):
    db_session = get_session()
    extension_form = extension_form or ExtensionForm()
    extension_form.decision_id.choices = _decision_choices(db_session.get(Collaboration, tender.collaboration_id),
                                                           DecisionKind.EXTENSION, "Select the extension decision")
    history = extension_service.extensions(db_session, contract)
    entry_form = entry_form or EntryForm()
    notice_form = notice_form or ChangeNoticeForm()
    failed = next((f for f in (extension_form, entry_form, notice_form) if f.errors), None)
    return render_template(
        "contracts/contract.html", contract=contract, tender=tender,
        supplier=db_session.get(Organisation, contract.supplier_organisation_id).name,
        status=_status(contract, len(history)), history=history, entry_form=entry_form,
        extension_form=extension_form, notice_form=notice_form, form=failed)


@bp.route("/contracts/<int:contract_id>")
@member_contract
def contract(contract, tender):
    """The lead's admins manage the contract here; every other member reads its public facts."""
    db_session = get_session()
    if access.is_lead(db_session, current_user, tender):
        return _contract_page(contract, tender)
    facts = member_contracts.facts(db_session, contract, tender)
    return render_template("contracts/member_contract.html", facts=facts, contract=contract, tender=tender,
                           status=_status(contract, len(facts.extensions)))


@bp.route("/contracts/<int:contract_id>/entered", methods=["POST"])
@lead_contract
def entered(contract, tender):
    form = EntryForm()
    succeeded, _ = attempt(form, lambda: contract_service.enter_into(get_session(), current_user, contract,
                                                                     form.signed_on.data, clock.now()), "signed_on")
    if succeeded:
        flash("Recorded as entered into", "success")
        return _to_contract(contract)
    return _contract_page(contract, tender, entry_form=form), 400


@bp.route("/contracts/<int:contract_id>/notice-date", methods=["GET", "POST"])
@lead_contract
def notice_date(contract, tender):
    if contract.entered_into_on is not None:
        flash("The contract has been entered into: its notice date can no longer be corrected", "info")
        return _to_contract(contract)
    form = NoticeDateForm()
    return form_page(form, "contracts/notice_date.html", contract=contract, tender=tender,
                     action=lambda: contract_service.correct_notice_date(
                         get_session(), current_user, contract, tender, form.notice_on.data, form.reason.data,
                         clock.now()),
                     done=flashed("Notice date corrected. The standstill period has been worked out again.",
                                  "contracts.contract", contract_id=contract.id),
                     field="notice_on")


@bp.route("/contracts/<int:contract_id>/extensions/<int:extension_id>/change-notice", methods=["POST"])
@lead_contract
def change_notice(contract, tender, extension_id: int):
    db_session = get_session()
    extension = contract_access.contract_extension(db_session, contract, extension_id)
    form = ChangeNoticeForm()
    succeeded, _ = attempt(form, lambda: extension_service.record_change_notice(
        db_session, current_user, contract, extension, form.published_on.data, clock.now()), "published_on")
    if succeeded:
        flash("Contract change notice recorded", "success")
        return _to_contract(contract)
    return _contract_page(contract, tender, notice_form=form), 400


def _extension_input(form: ExtensionForm) -> ExtensionInput:
    return ExtensionInput(months=form.months.data, decided_by=form.decided_by.data,
                          consulted=form.consulted.data or "", decided_on=form.decided_on.data)


@bp.route("/contracts/<int:contract_id>/extensions", methods=["POST"])
@lead_contract
def extend(contract, tender):
    db_session = get_session()
    form = ExtensionForm()
    # any of the collaboration's decisions passes the form; the service says which kind it must be
    collaboration = db_session.get(Collaboration, tender.collaboration_id)
    form.decision_id.choices = [SelectChoice(0, "")] + [
        SelectChoice(d.id, d.number) for d in decision_service.decisions_of(db_session, collaboration)]
    succeeded, _ = attempt(form, lambda: extension_service.extend(
        db_session, current_user, contract, tender,
        decision_access.collaboration_decision(db_session, tender.collaboration_id, form.decision_id.data),
        _extension_input(form), clock.now()), "months")
    if succeeded:
        flash("Extension recorded", "success")
        return _to_contract(contract)
    return _contract_page(contract, tender, extension_form=form), 400


from tenderapp.web.contracts import (  # noqa: E402,F401  (their routes)
    assessment_summaries,
    cost_shares,
    decisions,
    kpis,
    meetings,
    register,
    statements,
)
