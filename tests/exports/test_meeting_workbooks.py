"""The statement and monitoring-report workbooks are pure writers: dataclasses in, bytes out,
with money as numbers in a £ format, percentages as Excel percentages and no formula let in."""

import io
from datetime import date
from decimal import Decimal as D

from openpyxl import load_workbook

from tenderapp.domain.meeting_charges import Period, Statement
from tenderapp.exports import meeting_statement, monitoring_report
from tenderapp.exports.cells import MONEY_FORMAT


def test_a_statement_workbook_holds_the_figures_and_each_meeting():
    year = Period(date(2015, 9, 1), date(2016, 8, 31), "Contract year 1")
    figures = Statement("7", year, D("12480.00"), 5, 0, 2, D("2000.00"), D("14480.00"), D("14480.00"), D("9623.21"))
    sheet = meeting_statement.StatementSheet(
        "SC14027: SEND Mediation", "=HYPERLINK(\"x\")", figures,
        [meeting_statement.ChargedMeeting("KCC-15-006", "Mediation", date(2015, 12, 7), False, D("1000.00"))])
    book = load_workbook(io.BytesIO(meeting_statement.workbook_bytes(sheet)))
    figures = {row[0].value: row[1] for row in book["Statement"].iter_rows(min_row=3)}
    assert figures["Total (£)"].value == 14480 and figures["Total (£)"].number_format == MONEY_FORMAT
    assert figures["Actual against projection (£)"].value == 0
    assert figures["Saving against the previous contract (£)"].value == 9623.21
    assert book["Statement"]["A2"].value.startswith("'=")  # an authority name is never a formula
    meeting = [c.value for c in book["Meetings"][2]]
    assert meeting[0] == "KCC-15-006" and meeting[3] == "PAYG" and meeting[4] == 1000


def test_a_monitoring_report_has_a_row_per_authority_and_the_group():
    def row(name, held, in_time):
        return monitoring_report.MonitoringRow(name, held, held, held, in_time, held, D("100.0"), None,
                                               {"School": 1, "Health body": 0}, D("950.00"))

    report = monitoring_report.MonitoringSheet("SC14027", "Contract year 1", [row("Kent County Council", 7, D("85.7")),
                                               row("+Medway", 3, None)], row("The group", 10, D("90.0")))
    book = load_workbook(io.BytesIO(monitoring_report.workbook_bytes(report)))
    rows = list(book["Monitoring"].iter_rows(min_row=3, values_only=True))
    assert rows[0][8:10] == ("Disagreement resolution: School", "Disagreement resolution: Health body")
    assert rows[1][0] == "Kent County Council" and float(rows[1][4]) == 0.857 and rows[1][7] == "–"
    assert rows[2][0] == "'+Medway" and rows[2][4] == "–"
    assert rows[3][0] == "The group" and rows[3][-1] == 950
    assert book["Monitoring"]["E4"].number_format == "0.0%"
