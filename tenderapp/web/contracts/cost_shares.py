"""Cost shares: every member authority's cost and saving for the lead's admins (with how they
are worked out and each authority's baseline), and each authority's own cost for its people."""

from decimal import Decimal

from flask import redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.money import as_typed
from tenderapp.exports import cost_shares as cost_share_export
from tenderapp.formatting import money
from tenderapp.services import cost_share_workbook
from tenderapp.services import cost_shares as cost_share_service
from tenderapp.services.cost_shares import ContractLine
from tenderapp.web.contracts.blueprint import bp, lead_contract, member_contract
from tenderapp.web.contracts.forms import BaselineForm, BasisForm
from tenderapp.web.downloads import download
from tenderapp.web.flow import flashed, form_page


def _all_shares(contract, tender):
    basis = access.cost_share_basis(get_session(), contract)
    return basis, cost_share_service.shares(get_session(), contract, tender, basis)


@bp.route("/contracts/<int:contract_id>/cost-shares")
@lead_contract
def cost_shares(contract, tender):
    basis, shares = _all_shares(contract, tender)
    return render_template("contracts/cost_shares.html", contract=contract, tender=tender, basis=basis, shares=shares,
                           years=cost_share_service.years_of(contract))


@bp.route("/contracts/<int:contract_id>/cost-shares.xlsx")
@lead_contract
def cost_shares_workbook(contract, tender):
    _, shares = _all_shares(contract, tender)
    return download(cost_share_export.workbook_bytes(cost_share_workbook.sheet(tender, shares)),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"cost-shares-{tender.reference}.xlsx")


def _in_order(codes: list[str], contract_lines: list[ContractLine]) -> list[str]:
    """The chosen codes in the schedule's order (any unknown code last, for the service to refuse)."""
    order = [line.code for line in contract_lines]
    return sorted(codes, key=lambda c: order.index(c) if c in order else len(order))


def _basis_form(contract_lines: list[ContractLine], basis) -> BasisForm:
    form = BasisForm()
    choices = [SelectChoice(line.code, f"{line.code}: {line.description} ({money(line.price)})")
               for line in contract_lines]
    form.core_codes.choices, form.payg_code.choices = choices, choices
    if not form.is_submitted() and basis:
        form.core_codes.data, form.payg_code.data = basis.core_codes.split(","), basis.payg_code
        form.included_meetings.data, form.weighted.data = basis.included_meetings, basis.weighted
        form.procurement_cost.data = as_typed(basis.procurement_cost_pence)
    return form


@bp.route("/contracts/<int:contract_id>/cost-shares/basis", methods=["GET", "POST"])
@lead_contract
def cost_basis(contract, tender):
    db_session = get_session()
    contract_lines = cost_share_service.lines(db_session, contract)
    form = _basis_form(contract_lines, access.cost_share_basis(db_session, contract))
    return form_page(form, "contracts/cost_basis.html", tender=tender, contract=contract,
                     action=lambda: cost_share_service.set_basis(
                         db_session, current_user, contract, _in_order(form.core_codes.data, contract_lines),
                         form.payg_code.data, form.included_meetings.data,
                         form.procurement_cost.amount or Decimal(0), form.weighted.data, clock.now()),
                     done=flashed("Saved", "contracts.cost_shares", contract_id=contract.id), field="core_codes")


def _baseline_form(baseline) -> BaselineForm:
    form = BaselineForm()
    if not form.is_submitted() and baseline:
        previous = baseline.previous_annual_cost_pence
        form.previous_cost.data = as_typed(previous) if previous else ""
        form.meetings_per_year.data, form.weight.data = baseline.meetings_per_year, baseline.weight
    return form


@bp.route("/contracts/<int:contract_id>/cost-shares/authorities/<int:organisation_id>", methods=["GET", "POST"])
@lead_contract
def baseline(contract, tender, organisation_id: int):
    _, shares = _all_shares(contract, tender)
    share = next((s for s in shares if s.organisation.id == organisation_id), None)
    if share is None:
        return redirect(url_for("contracts.cost_shares", contract_id=contract.id))
    form = _baseline_form(share.baseline)
    return form_page(form, "contracts/baseline.html", tender=tender, contract=contract,
                     organisation=share.organisation,
                     action=lambda: cost_share_service.set_baseline(
                         get_session(), current_user, contract, tender, share.organisation, form.previous_cost.amount,
                         form.meetings_per_year.data, form.weight.data if form.weight.data is not None else 1,
                         clock.now()),
                     done=flashed(f"Saved for {share.organisation.name}", "contracts.cost_shares",
                                  contract_id=contract.id),
                     field="meetings_per_year")


@bp.route("/contracts/<int:contract_id>/your-cost")
@member_contract
def your_cost(contract, tender):
    share = cost_share_service.own_share(get_session(), current_user, contract, tender)
    return render_template("contracts/your_cost.html", contract=contract, tender=tender, share=share)
