"""Statements from the meeting register: the lead reads every member authority's, a member
authority its own; each as a printable page and as an Excel workbook."""

from functools import wraps

from flask import render_template, request
from flask_login import current_user

from tenderapp import access
from tenderapp.db import get_session
from tenderapp.exports import meeting_statement as statement_export
from tenderapp.services import cost_shares, meeting_statements
from tenderapp.services.meeting_statements import PeriodKind
from tenderapp.web.contracts.blueprint import bp, lead_contract, member_contract
from tenderapp.web.downloads import download

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
@lead_contract
def statement(contract, tender, organisation_id: int):
    organisation = cost_shares.subscriber(get_session(), tender, organisation_id)
    return render_template("contracts/statement.html", own=False, **_statement(contract, tender, organisation))


@bp.route("/contracts/<int:contract_id>/statements/<int:organisation_id>.xlsx")
@lead_contract
def statement_workbook(contract, tender, organisation_id: int):
    return _workbook(_statement(contract, tender, cost_shares.subscriber(get_session(), tender, organisation_id)))


def _own_authority(tender):
    return cost_shares.subscriber(get_session(), tender, current_user.organisation_id)


def _declined_page(contract, tender, heading: str):
    """For a member authority that declined the agreement (no subscription, no cases), the page
    that says so; None for any other member (NotFound for one that is not an authority)."""
    db_session = get_session()
    organisation = access.member_authority(db_session, tender, current_user.organisation_id)
    if organisation.id in {o.id for o in cost_shares.subscribers(db_session, tender)}:
        return None
    return render_template("contracts/not_subscribed.html", contract=contract, tender=tender, heading=heading)


def subscribers_only(heading: str):
    """Under ``member_contract``: a member authority that declined the agreement is shown the page
    that says so (headed ``heading``) in place of the view."""

    def decorate(view):
        @wraps(view)
        def checked(contract, tender, **kwargs):
            declined = _declined_page(contract, tender, heading)
            return view(contract=contract, tender=tender, **kwargs) if declined is None else declined

        return checked

    return decorate


@bp.route("/contracts/<int:contract_id>/your-statement")
@member_contract
@subscribers_only("Statement of meetings and charges")
def your_statement(contract, tender):
    page = _statement(contract, tender, _own_authority(tender))
    return render_template("contracts/statement.html", own=True,
                           cases=access.own_cases(get_session(), current_user, contract), **page)


@bp.route("/contracts/<int:contract_id>/your-statement.xlsx")
@member_contract
def your_statement_workbook(contract, tender):
    return _workbook(_statement(contract, tender, _own_authority(tender)))
