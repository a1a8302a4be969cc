"""The service's indicators: the lead reads the group's and every authority's and downloads the
monitoring report for the Department for Education; a member authority reads its own."""

from flask import render_template, request
from flask_login import current_user

from tenderapp import access
from tenderapp.db import get_session
from tenderapp.exports import monitoring_report
from tenderapp.services import cost_shares, meeting_kpis, meeting_statements
from tenderapp.services.meeting_statements import PeriodKind
from tenderapp.web.contracts.blueprint import ADMIN, bp
from tenderapp.web.contracts.statements import XLSX, declined_page
from tenderapp.web.downloads import download
from tenderapp.web.guards import tenant_owned


def _period(contract) -> dict:
    kind, choices, period = meeting_statements.chosen_period(contract, request.args.get("period"),
                                                             request.args.get("number"))
    return {"kind": kind, "kinds": list(PeriodKind), "choices": choices, "number": choices.index(period) + 1,
            "period": period}


@bp.route("/contracts/<int:contract_id>/kpis")
@tenant_owned(ADMIN, contract_id=access.get_lead_contract)
def kpis(contract):
    contract, tender = contract
    chosen = _period(contract)
    group, rows = meeting_kpis.group_kpis(get_session(), contract, tender, chosen["period"])
    return render_template("contracts/kpis.html", contract=contract, tender=tender, group=group, rows=rows,
                           own=False, **chosen)


@bp.route("/contracts/<int:contract_id>/monitoring-report.xlsx")
@tenant_owned(ADMIN, contract_id=access.get_lead_contract)
def monitoring_report_workbook(contract):
    contract, tender = contract
    chosen = _period(contract)
    group, rows = meeting_kpis.group_kpis(get_session(), contract, tender, chosen["period"])
    sheet = meeting_kpis.monitoring_sheet(tender, chosen["period"], group, rows)
    return download(monitoring_report.workbook_bytes(sheet), XLSX,
                    f"monitoring-report-{tender.reference}-{chosen['kind'].value}-{chosen['number']}.xlsx")


@bp.route("/contracts/<int:contract_id>/your-kpis")
@tenant_owned(contract_id=access.get_member_contract)
def your_kpis(contract):
    contract, tender = contract
    declined = declined_page(contract, tender, "Performance figures")
    if declined is not None:
        return declined
    db_session = get_session()
    organisation = cost_shares.subscriber(db_session, tender, current_user.organisation_id)
    chosen = _period(contract)
    own = meeting_kpis.own_kpis(db_session, contract, organisation, chosen["period"])
    return render_template("contracts/kpis.html", contract=contract, tender=tender, group=own, rows=[],
                           own=True, organisation=organisation, **chosen)
