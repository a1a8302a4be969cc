"""Assessment summaries: drafted for every bidder, edited and issued by the lead's admins;
each supplier reads its own."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import contracts as contract_access
from tenderapp.db import get_session
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.sealing import sealer
from tenderapp.services import assessment_summaries as summaries_service
from tenderapp.web.contracts.blueprint import bp, lead_contract
from tenderapp.web.contracts.forms import ActionForm, SummaryForm
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.guards import tenant_owned


@bp.route("/contracts/<int:contract_id>/assessment-summaries")
@lead_contract
def assessment_summaries(contract, tender):
    db_session = get_session()
    rows = summaries_service.summaries(db_session, contract)
    return render_template("contracts/assessment_summaries.html", contract=contract, tender=tender, rows=rows,
                           names=summaries_service.supplier_names(db_session, contract), button=ActionForm(),
                           waiting=[r for r in rows if r.issued_at is None])


@bp.route("/contracts/<int:contract_id>/assessment-summaries/draft", methods=["POST"])
@lead_contract
def draft_summaries(contract, tender):
    if ActionForm().validate_on_submit():
        try:
            made = summaries_service.draft_summaries(get_session(), current_user, sealer(), contract, tender,
                                                     clock.now())
        except RuleViolation as error:
            flash(error.message, "info")
        else:
            flash(f"{made} summaries drafted" if made else "Every bidder already has a summary", "success")
    return redirect(url_for("contracts.assessment_summaries", contract_id=contract.id))


@bp.route("/contracts/<int:contract_id>/assessment-summaries/<int:summary_id>", methods=["GET", "POST"])
@lead_contract
def assessment_summary(contract, tender, summary_id: int):
    db_session = get_session()
    summary = contract_access.assessment_summary(db_session, contract, summary_id)
    form = SummaryForm()
    if not form.is_submitted():
        form.body.data = summary.body
    page = {"summary": summary, "contract_id": contract.id,
            "supplier": summaries_service.supplier_name(db_session, summary)}
    if summary.issued_at is not None:  # fixed: shown, never saved
        return render_template("contracts/assessment_summary.html", form=form, **page)
    return form_page(form, "contracts/assessment_summary.html", **page,
                     action=lambda: summaries_service.edit(db_session, current_user, summary, form.body.data,
                                                           clock.now()),
                     done=flashed("Summary saved", "contracts.assessment_summaries", contract_id=contract.id),
                     field="body")


@bp.route("/contracts/<int:contract_id>/assessment-summaries/issue", methods=["GET", "POST"])
@lead_contract
def issue_summaries(contract, tender):
    db_session = get_session()
    rows = summaries_service.summaries(db_session, contract)
    return form_page(ActionForm(), "contracts/issue_summaries.html", contract=contract, tender=tender,
                     waiting=[r for r in rows if r.issued_at is None],
                     names=summaries_service.supplier_names(db_session, contract),
                     action=lambda: summaries_service.issue(
                         db_session, current_user, contract, tender, clock.now(),
                         url_for("contracts.own_assessment_summary", tender_id=tender.id, _external=True)),
                     done=flashed(lambda issued: f"{issued} summaries issued: each supplier can read its own and "
                                                 "has been emailed", "contracts.assessment_summaries",
                                  contract_id=contract.id),
                     field="submit")


@bp.route("/tenders/<int:tender_id>/assessment-summary")
@tenant_owned(Role.BIDDER, tender_id=access.get_open_tender_for_bidder)
def own_assessment_summary(tender):
    summary = contract_access.own_issued_summary(get_session(), current_user, tender)
    return render_template("contracts/own_assessment_summary.html", tender=tender, summary=summary)
