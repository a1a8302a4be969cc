"""The service's indicators: the lead reads the group's and every authority's and downloads the
monitoring report for the Department for Education; a member authority reads its own."""

from flask import render_template, request
from flask_login import current_user

from tenderapp.db import get_session
from tenderapp.exports import monitoring_report
from tenderapp.services import cost_shares, meeting_kpis, meeting_statements
from tenderapp.services.meeting_statements import PeriodKind
from tenderapp.web.contracts.blueprint import bp, lead_contract, member_contract
from tenderapp.web.contracts.statements import XLSX, subscribers_only
from tenderapp.web.downloads import download


def _period(contract) -> dict:
    kind, choices, period = meeting_statements.chosen_period(contract, request.args.get("period"),
                                                             request.args.get("number"))
    return {"kind": kind, "kinds": list(PeriodKind), "choices": choices, "number": choices.index(period) + 1,
            "period": period}


def _group_kpis(contract, tender):
    """The period the address asks for, with the group's figures and every authority's in it."""
    chosen = _period(contract)
    group, rows = meeting_kpis.group_kpis(get_session(), contract, tender, chosen["period"])
    return chosen, group, rows


@bp.route("/contracts/<int:contract_id>/kpis")
@lead_contract
def kpis(contract, tender):
    chosen, group, rows = _group_kpis(contract, tender)
    return render_template("contracts/kpis.html", contract=contract, tender=tender, group=group, rows=rows,
                           own=False, **chosen)


@bp.route("/contracts/<int:contract_id>/monitoring-report.xlsx")
@lead_contract
def monitoring_report_workbook(contract, tender):
    chosen, group, rows = _group_kpis(contract, tender)
    sheet = meeting_kpis.monitoring_sheet(tender, chosen["period"], group, rows)
    return download(monitoring_report.workbook_bytes(sheet), XLSX,
                    f"monitoring-report-{tender.reference}-{chosen['kind'].value}-{chosen['number']}.xlsx")


@bp.route("/contracts/<int:contract_id>/your-kpis")
@member_contract
@subscribers_only("Performance figures")
def your_kpis(contract, tender):
    db_session = get_session()
    organisation = cost_shares.subscriber(db_session, tender, current_user.organisation_id)
    chosen = _period(contract)
    own = meeting_kpis.own_kpis(db_session, contract, organisation, chosen["period"])
    return render_template("contracts/kpis.html", contract=contract, tender=tender, group=own, rows=[],
                           own=True, organisation=organisation, **chosen)
