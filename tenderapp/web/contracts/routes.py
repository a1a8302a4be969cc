"""Decisions, the award, and the contract register."""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.contracts import status as contract_status
from tenderapp.domain.documents import document_type
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.domain.uk_time import uk_today
from tenderapp.exports import cost_shares as cost_share_export
from tenderapp.formatting import money
from tenderapp.models import Collaboration, Organisation
from tenderapp.sealing import sealer
from tenderapp.services import assessment_summaries as summaries_service
from tenderapp.services import award as awards
from tenderapp.services import cost_share_workbook
from tenderapp.services import cost_shares as cost_share_service
from tenderapp.services import member_contracts
from tenderapp.services.award import DecisionInput
from tenderapp.storage import document_store
from tenderapp.web.contracts.forms import (
    ActionForm,
    AwardForm,
    BaselineForm,
    BasisForm,
    ChangeNoticeForm,
    DecisionDocumentForm,
    DecisionForm,
    EntryForm,
    ExtensionForm,
    NoticeDateForm,
    SummaryForm,
)
from tenderapp.web.downloads import download
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import signed_in, tenant_owned

bp = Blueprint("contracts", __name__)
ADMIN = Role.PROCUREMENT_ADMIN


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.app_template_global()
def decision_status(decision) -> str:
    return awards.decision_status(decision)


@bp.route("/decisions")
@signed_in
def decisions():
    return render_template("contracts/decisions.html",
                           groups=awards.decisions_by_collaboration(get_session(), current_user))


@bp.route("/collaborations/<int:collaboration_id>/decisions/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def new_decision(collaboration_id: int):
    db_session = get_session()
    collaboration = access.get_led_collaboration(db_session, current_user, collaboration_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            awards.record_decision(db_session, current_user, collaboration.id, DecisionInput(
                number=form.number.data, title=form.title.data, kind=form.kind.data,
                key_decision=form.key_decision.data, decision_maker=form.decision_maker.data, forum=form.forum.data,
                delegation_reference=form.delegation_reference.data, summary=form.summary.data,
                endorsed_on=form.endorsed_on.data, taken_on=form.taken_on.data), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "number")
        else:
            flash("Decision recorded", "success")
            return redirect(url_for("contracts.decisions"))
    return render_template("contracts/decision_form.html", form=form, collaboration=collaboration), _status(form)


@bp.route("/decisions/<int:decision_id>/publish", methods=["POST"])
@tenant_owned(ADMIN, decision_id="decision")
def publish_decision(decision_id: int):
    if EntryForm().is_submitted():
        try:
            awards.publish_decision(get_session(), current_user, decision_id, clock.now())
        except RuleViolation as error:
            flash(error.message, "info")
        else:
            flash("Decision published to every member", "success")
    return redirect(url_for("contracts.decisions"))


@bp.route("/tenders/<int:tender_id>/award", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def award(tender_id: int):
    db_session = get_session()
    tender = access.get_lead_tender(db_session, current_user, tender_id)
    existing = awards.contract_of(db_session, tender)
    if existing:
        return redirect(url_for("contracts.contract", contract_id=existing.id))
    collaboration = db_session.get(Collaboration, tender.collaboration_id)
    form = AwardForm()
    form.decision_id.choices = [SelectChoice(0, "Select the award decision")] + [
        SelectChoice(d.id, f"{d.number}: {d.title}") for d in awards.decisions_of(db_session, collaboration)
        if d.kind == "award"]
    if form.validate_on_submit():
        try:
            contract = awards.award(db_session, current_user, sealer(), tender.id, form.decision_id.data,
                                    form.notice_on.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "decision_id")
        else:
            flash("Award recorded. The standstill period is shown below.", "success")
            return redirect(url_for("contracts.contract", contract_id=contract.id))
    return render_template("contracts/award.html", form=form, tender=tender, collaboration=collaboration), \
        _status(form)


def _contract_page(contract_id: int, entry_form=None, extension_form=None, notice_form=None):
    db_session = get_session()
    contract, tender = awards.get_lead_contract(db_session, current_user, contract_id)
    collaboration = db_session.get(Collaboration, tender.collaboration_id)
    extension_form = extension_form or ExtensionForm()
    extension_form.decision_id.choices = [SelectChoice(0, "Select the extension decision")] + [
        SelectChoice(d.id, f"{d.number}: {d.title}") for d in awards.decisions_of(db_session, collaboration)
        if d.kind == "extension"]
    history = awards.extensions(db_session, contract)
    entry_form = entry_form or EntryForm()
    notice_form = notice_form or ChangeNoticeForm()
    failed = next((f for f in (extension_form, entry_form, notice_form) if f.errors), None)
    return render_template(
        "contracts/contract.html", contract=contract, tender=tender,
        supplier=db_session.get(Organisation, contract.supplier_organisation_id).name,
        status=contract_status(contract.start_date, contract.end_date, contract.entered_into_on, len(history),
                               uk_today(clock.now())),
        history=history, entry_form=entry_form, extension_form=extension_form, notice_form=notice_form,
        form=failed)


@bp.route("/contracts/<int:contract_id>")
@tenant_owned(contract_id="member_contract")
def contract(contract_id: int):
    """The lead's admins manage the contract here; every other member reads its public facts."""
    db_session = get_session()
    facts = member_contracts.facts(db_session, current_user, contract_id)
    if access.is_lead(db_session, current_user, facts.tender):
        return _contract_page(contract_id)
    contract = facts.contract
    return render_template(
        "contracts/member_contract.html", facts=facts, contract=contract, tender=facts.tender,
        status=contract_status(contract.start_date, contract.end_date, contract.entered_into_on,
                               len(facts.extensions), uk_today(clock.now())))


@bp.route("/contracts/<int:contract_id>/entered", methods=["POST"])
@tenant_owned(ADMIN, contract_id="contract")
def entered(contract_id: int):
    form = EntryForm()
    if form.validate_on_submit():
        try:
            awards.enter_into(get_session(), current_user, contract_id, form.signed_on.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "signed_on")
        else:
            flash("Recorded as entered into", "success")
            return redirect(url_for("contracts.contract", contract_id=contract_id))
    return _contract_page(contract_id, entry_form=form), 400


@bp.route("/contracts/<int:contract_id>/notice-date", methods=["GET", "POST"])
@tenant_owned(ADMIN, contract_id="contract")
def notice_date(contract_id: int):
    db_session = get_session()
    contract, tender = awards.get_lead_contract(db_session, current_user, contract_id)
    if contract.entered_into_on is not None:
        flash("The contract has been entered into: its notice date can no longer be corrected", "info")
        return redirect(url_for("contracts.contract", contract_id=contract.id))
    form = NoticeDateForm()
    if form.validate_on_submit():
        try:
            awards.correct_notice_date(db_session, current_user, contract.id, form.notice_on.data, form.reason.data,
                                       clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "notice_on")
        else:
            flash("Notice date corrected. The standstill period has been worked out again.", "success")
            return redirect(url_for("contracts.contract", contract_id=contract.id))
    return render_template("contracts/notice_date.html", form=form, contract=contract, tender=tender), _status(form)


@bp.route("/contracts/<int:contract_id>/extensions/<int:extension_id>/change-notice", methods=["POST"])
@tenant_owned(ADMIN, contract_id="contract")
def change_notice(contract_id: int, extension_id: int):
    form = ChangeNoticeForm()
    if form.validate_on_submit():
        try:
            awards.record_change_notice(get_session(), current_user, contract_id, extension_id,
                                        form.published_on.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "published_on")
        else:
            flash("Contract change notice recorded", "success")
            return redirect(url_for("contracts.contract", contract_id=contract_id))
    return _contract_page(contract_id, notice_form=form), 400


@bp.route("/contracts/<int:contract_id>/extensions", methods=["POST"])
@tenant_owned(ADMIN, contract_id="contract")
def extend(contract_id: int):
    db_session = get_session()
    form = ExtensionForm()
    contract, tender = awards.get_lead_contract(db_session, current_user, contract_id)
    collaboration = db_session.get(Collaboration, tender.collaboration_id)
    form.decision_id.choices = [SelectChoice(0, "")] + [SelectChoice(d.id, d.number) for d in
                                                       awards.decisions_of(db_session, collaboration)]
    if form.validate_on_submit():
        try:
            awards.extend(db_session, current_user, contract_id, form.decision_id.data, form.months.data,
                          form.decided_by.data, form.consulted.data or "", form.decided_on.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "months")
        else:
            flash("Extension recorded", "success")
            return redirect(url_for("contracts.contract", contract_id=contract_id))
    return _contract_page(contract_id, extension_form=form), 400


@bp.route("/contracts/<int:contract_id>/cost-shares")
@tenant_owned(ADMIN, contract_id="contract")
def cost_shares(contract_id: int):
    contract, tender, basis, shares = cost_share_service.all_shares(get_session(), current_user, contract_id)
    return render_template("contracts/cost_shares.html", contract=contract, tender=tender, basis=basis, shares=shares,
                           years=cost_share_service.years_of(contract))


@bp.route("/contracts/<int:contract_id>/cost-shares.xlsx")
@tenant_owned(ADMIN, contract_id="contract")
def cost_shares_workbook(contract_id: int):
    contract, tender, basis, shares = cost_share_service.all_shares(get_session(), current_user, contract_id)
    return download(cost_share_export.workbook_bytes(cost_share_workbook.sheet(tender, shares)),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"cost-shares-{tender.reference}.xlsx")


@bp.route("/contracts/<int:contract_id>/cost-shares/basis", methods=["GET", "POST"])
@tenant_owned(ADMIN, contract_id="contract")
def cost_basis(contract_id: int):
    db_session = get_session()
    contract, tender, basis = cost_share_service.lead_basis(db_session, current_user, contract_id)
    form = BasisForm()
    contract_lines = cost_share_service.lines(db_session, contract)
    choices = [SelectChoice(line.code, f"{line.code}: {line.description} ({money(line.price)})")
               for line in contract_lines]
    form.core_codes.choices, form.payg_code.choices = choices, choices
    if not form.is_submitted() and basis:
        form.core_codes.data, form.payg_code.data = basis.core_codes.split(","), basis.payg_code
        form.included_meetings.data, form.weighted.data = basis.included_meetings, basis.weighted
        form.procurement_cost.data = f"{basis.procurement_cost_pence / 100:.2f}"
    if form.validate_on_submit():
        order = [line.code for line in contract_lines]
        chosen = sorted(form.core_codes.data, key=lambda c: order.index(c) if c in order else len(order))
        try:
            cost_share_service.set_basis(
                db_session, current_user, contract.id, chosen, form.payg_code.data,
                form.included_meetings.data, form.procurement_cost.amount or Decimal(0), form.weighted.data,
                clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "core_codes")
        else:
            flash("Saved", "success")
            return redirect(url_for("contracts.cost_shares", contract_id=contract.id))
    return render_template("contracts/cost_basis.html", form=form, tender=tender, contract=contract), _status(form)


@bp.route("/contracts/<int:contract_id>/cost-shares/authorities/<int:organisation_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, contract_id="contract")
def baseline(contract_id: int, organisation_id: int):
    db_session = get_session()
    contract, tender, _, shares = cost_share_service.all_shares(db_session, current_user, contract_id)
    share = next((s for s in shares if s.organisation.id == organisation_id), None)
    if share is None:
        return redirect(url_for("contracts.cost_shares", contract_id=contract.id))
    form = BaselineForm()
    if not form.is_submitted() and share.baseline:
        b = share.baseline
        form.previous_cost.data = f"{b.previous_annual_cost_pence / 100:.2f}" if b.previous_annual_cost_pence else ""
        form.meetings_per_year.data, form.weight.data = b.meetings_per_year, b.weight
    if form.validate_on_submit():
        try:
            cost_share_service.set_baseline(db_session, current_user, contract.id, organisation_id,
                                            form.previous_cost.amount, form.meetings_per_year.data,
                                            form.weight.data if form.weight.data is not None else 1, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "meetings_per_year")
        else:
            flash(f"Saved for {share.organisation.name}", "success")
            return redirect(url_for("contracts.cost_shares", contract_id=contract.id))
    return render_template("contracts/baseline.html", form=form, tender=tender, contract=contract,
                           organisation=share.organisation), _status(form)


@bp.route("/contracts/<int:contract_id>/your-cost")
@tenant_owned(contract_id="member_contract")
def your_cost(contract_id: int):
    contract, tender, share = cost_share_service.own_share(get_session(), current_user, contract_id)
    return render_template("contracts/your_cost.html", contract=contract, tender=tender, share=share)


@bp.route("/contracts/<int:contract_id>/assessment-summaries")
@tenant_owned(ADMIN, contract_id="contract")
def assessment_summaries(contract_id: int):
    db_session = get_session()
    contract, tender, rows = summaries_service.summaries(db_session, current_user, contract_id)
    return render_template("contracts/assessment_summaries.html", contract=contract, tender=tender, rows=rows,
                           names=summaries_service.supplier_names(db_session, rows), button=ActionForm(),
                           waiting=[r for r in rows if r.issued_at is None])


@bp.route("/contracts/<int:contract_id>/assessment-summaries/draft", methods=["POST"])
@tenant_owned(ADMIN, contract_id="contract")
def draft_summaries(contract_id: int):
    if ActionForm().validate_on_submit():
        try:
            made = summaries_service.draft(get_session(), current_user, sealer(), contract_id, clock.now())
        except RuleViolation as error:
            flash(error.message, "info")
        else:
            flash(f"{made} summaries drafted" if made else "Every bidder already has a summary", "success")
    return redirect(url_for("contracts.assessment_summaries", contract_id=contract_id))


@bp.route("/contracts/<int:contract_id>/assessment-summaries/<int:summary_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, contract_id="contract")
def assessment_summary(contract_id: int, summary_id: int):
    db_session = get_session()
    summary = summaries_service.get(db_session, current_user, contract_id, summary_id)
    form = SummaryForm()
    if not form.is_submitted():
        form.body.data = summary.body
    if summary.issued_at is None and form.validate_on_submit():
        try:
            summaries_service.edit(db_session, current_user, contract_id, summary_id, form.body.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "body")
        else:
            flash("Summary saved", "success")
            return redirect(url_for("contracts.assessment_summaries", contract_id=contract_id))
    supplier = summaries_service.supplier_names(db_session, [summary])[summary.organisation_id]
    return render_template("contracts/assessment_summary.html", form=form, summary=summary,
                           contract_id=contract_id, supplier=supplier), _status(form)


@bp.route("/contracts/<int:contract_id>/assessment-summaries/issue", methods=["GET", "POST"])
@tenant_owned(ADMIN, contract_id="contract")
def issue_summaries(contract_id: int):
    db_session = get_session()
    contract, tender, rows = summaries_service.summaries(db_session, current_user, contract_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            issued = summaries_service.issue(db_session, current_user, contract_id, clock.now())
        except RuleViolation as problem:
            form.add_domain_error(problem, "submit")
        else:
            flash(f"{issued} summaries issued: each supplier can read its own and has been emailed", "success")
            return redirect(url_for("contracts.assessment_summaries", contract_id=contract_id))
    return render_template("contracts/issue_summaries.html", contract=contract, tender=tender, form=form,
                           waiting=[r for r in rows if r.issued_at is None],
                           names=summaries_service.supplier_names(db_session, rows)), _status(form)


@bp.route("/tenders/<int:tender_id>/assessment-summary")
@tenant_owned(Role.BIDDER, tender_id="open_tender")
def own_assessment_summary(tender_id: int):
    tender, summary = summaries_service.own(get_session(), current_user, tender_id)
    return render_template("contracts/own_assessment_summary.html", tender=tender, summary=summary)


@bp.route("/decisions/<int:decision_id>")
@tenant_owned(decision_id="decision")
def decision(decision_id: int):
    db_session = get_session()
    found, leads = awards.readable_decision(db_session, current_user, decision_id)
    return render_template("contracts/decision.html", decision=found, leads=leads,
                           documents=awards.decision_documents(db_session, found), kinds=awards.DOCUMENT_KINDS,
                           collaboration=db_session.get(Collaboration, found.collaboration_id))


@bp.route("/decisions/<int:decision_id>/documents/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, decision_id="decision")
def new_decision_document(decision_id: int):
    db_session = get_session()
    found, leads = awards.readable_decision(db_session, current_user, decision_id)
    if not leads:
        abort(404)
    form = DecisionDocumentForm()
    if form.validate_on_submit():
        content, name = uploaded(form.document)
        try:
            awards.add_decision_document(db_session, current_user, found.id, form.kind.data, form.title.data,
                                         content, name, document_store(), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "document")
        else:
            flash("Document added", "success")
            return redirect(url_for("contracts.decision", decision_id=found.id))
    return render_template("contracts/decision_document.html", form=form, decision=found), _status(form)


@bp.route("/decisions/<int:decision_id>/documents/<int:document_id>")
@tenant_owned(decision_id="decision")
def decision_document(decision_id: int, document_id: int):
    found = awards.decision_document(get_session(), current_user, decision_id, document_id)
    content = document_store().read(found.sha256)
    return download(content, document_type(content) or "application/octet-stream", found.filename)
