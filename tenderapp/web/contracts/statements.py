"""Statements from the meeting register: the lead reads every member authority's, a member
authority its own; each as a printable page and as an Excel workbook."""

from flask import render_template, request
from flask_login import current_user

from tenderapp import access
from tenderapp.db import get_session
from tenderapp.exports import meeting_statement as statement_export
from tenderapp.services import cost_shares, meeting_statements
from tenderapp.services.meeting_statements import PeriodKind
from tenderapp.web.contracts.blueprint import ADMIN, bp
from tenderapp.web.downloads import download
from tenderapp.web.guards import tenant_owned

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


NOT_YET = ("No statement yet: the lead authority has not yet set how the contract's costs are worked out "
           "(its cost shares)")


def _statement(contract, tender, organisation):
    """The statement for the period the address asks for, and what the page shows beside it
    (``statement`` None until the lead has set the cost shares)."""
    db_session = get_session()
    worked = meeting_statements.charged(db_session, contract)
    if worked is None:
        return {"contract": contract, "tender": tender, "organisation": organisation, "statement": None,
                "not_yet": NOT_YET}
    kind, choices, period = meeting_statements.chosen_period(contract, request.args.get("period"),
                                                             request.args.get("number"))
    statement = meeting_statements.statement(db_session, contract, tender, organisation, period, worked)
    return {"contract": contract, "tender": tender, "organisation": organisation, "statement": statement,
            "kind": kind, "kinds": list(PeriodKind), "choices": choices, "number": choices.index(period) + 1,
            "charges": meeting_statements.charges_in(worked, organisation, period),
            "funding": meeting_statements.funding_statements(worked, period, organisation)}


def _workbook(page: dict):
    if page["statement"] is None:
        return download(statement_export.unavailable_bytes(f"{page['tender'].reference}: {page['tender'].title}",
                                                           page["organisation"].name, NOT_YET), XLSX,
                        f"statement-{page['tender'].reference}-{page['organisation'].id}.xlsx")
    sheet = meeting_statements.sheet(page["tender"], page["organisation"], page["statement"], page["charges"])
    return download(statement_export.workbook_bytes(sheet), XLSX,
                    f"statement-{page['tender'].reference}-{page['organisation'].id}-{page['kind'].value}-"
                    f"{page['number']}.xlsx")


@bp.route("/contracts/<int:contract_id>/statements/<int:organisation_id>")
@tenant_owned(ADMIN, contract_id=access.get_lead_contract)
def statement(contract, organisation_id: int):
    contract, tender = contract
    organisation = cost_shares.subscriber(get_session(), tender, organisation_id)
    return render_template("contracts/statement.html", own=False, **_statement(contract, tender, organisation))


@bp.route("/contracts/<int:contract_id>/statements/<int:organisation_id>.xlsx")
@tenant_owned(ADMIN, contract_id=access.get_lead_contract)
def statement_workbook(contract, organisation_id: int):
    contract, tender = contract
    return _workbook(_statement(contract, tender, cost_shares.subscriber(get_session(), tender, organisation_id)))


def _own_authority(tender):
    return cost_shares.subscriber(get_session(), tender, current_user.organisation_id)


def declined_page(contract, tender, heading: str):
    """For a member authority that declined the agreement (no subscription, no cases), the page
    that says so; None for any other member (NotFound for one that is not an authority)."""
    db_session = get_session()
    organisation = access.member_authority(db_session, tender, current_user.organisation_id)
    if organisation.id in {o.id for o in cost_shares.subscribers(db_session, tender)}:
        return None
    return render_template("contracts/not_subscribed.html", contract=contract, tender=tender, heading=heading)


@bp.route("/contracts/<int:contract_id>/your-statement")
@tenant_owned(contract_id=access.get_member_contract)
def your_statement(contract):
    contract, tender = contract
    declined = declined_page(contract, tender, "Statement of meetings and charges")
    if declined is not None:
        return declined
    page = _statement(contract, tender, _own_authority(tender))
    return render_template("contracts/statement.html", own=True,
                           cases=access.own_cases(get_session(), current_user, contract), **page)


@bp.route("/contracts/<int:contract_id>/your-statement.xlsx")
@tenant_owned(contract_id=access.get_member_contract)
def your_statement_workbook(contract):
    contract, tender = contract
    return _workbook(_statement(contract, tender, _own_authority(tender)))
