"""The writers are pure: given dataclasses built here (no app, no database) they return the
OCDS package as a dict and the workbooks as bytes."""

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from tenderapp.domain.agreements import PartyStatus, tally
from tenderapp.domain.roles import OrganisationKind
from tenderapp.exports import agreement_tracker, cost_shares, evaluation_matrix, ocds, pricing_template, timeline
from tenderapp.exports.cells import MONEY_FORMAT

URL = "https://tenders.example/open-data/tenders/SC1.json"
KENT = ocds.Party(1, "Kent County Council", (("GB-LAE", "KEN"),))
MEDWAY = ocds.Party(2, "Medway Council", (("GB-LAE", "MDW"),))
SUPPLIER = ocds.Party(9, "Acme", (("GB-COH", "01234567"), ("GB-PPON", "PABC-1234-DEFG")))


def _tender(**changes) -> ocds.Tender:
    fields = dict(reference="SC1", title="Advocacy", description="  Independent advocacy.\n", procedure="open",
                  price_weight=40, cpv_code="85000000", estimated_value_pence=1248000,
                  published_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                  clarification_deadline=datetime(2026, 1, 20, 12, 0, tzinfo=UTC),
                  submission_deadline=datetime(2026, 2, 2, 12, 0, tzinfo=UTC),
                  contract_start=date(2026, 4, 1), initial_term_months=36)
    return ocds.Tender(**{**fields, **changes})


def _extension(number: int, notice_on: date | None) -> ocds.Extension:
    return ocds.Extension(decided_on=date(2028 + number, 10, 1), decided_by="Kent's cabinet member", months=12,
                          previous_end_date=date(2029 + number - 1, 3, 31), new_end_date=date(2029 + number, 3, 31),
                          change_notice_required=notice_on is not None, change_notice_published_on=notice_on)


def _contract(**changes) -> ocds.Contract:
    fields = dict(decision_title="Award of the advocacy contract", decided_on=date(2026, 2, 20),
                  created_at=datetime(2026, 2, 21, 10, 0, tzinfo=UTC), supplier=SUPPLIER, value_pence=1248005,
                  start_date=date(2026, 4, 1), initial_end_date=date(2029, 3, 31), end_date=date(2031, 3, 31),
                  entered_into_on=date(2026, 3, 10),
                  extensions=(_extension(1, None), _extension(2, date(2030, 10, 2))))
    return ocds.Contract(**{**fields, **changes})


def _record(**changes) -> ocds.Record:
    fields = dict(tender=_tender(), lead=KENT, members=(KENT, MEDWAY),
                  lines=(ocds.Line("A1", "Advocacy hour", 1200, "hour"),),
                  opening=ocds.Opening(datetime(2026, 2, 2, 14, 5, tzinfo=UTC), 3), contract=_contract())
    return ocds.Record(**{**fields, **changes})


def test_a_published_tender_not_yet_opened_says_nothing_about_bids():
    package = ocds.package(_record(opening=None, contract=None), URL, "ocds-x")
    text = json.dumps(package)
    assert [r["id"] for r in package["releases"]] == ["SC1-tender"]
    assert "bids" not in package["releases"][0] and "numberOfTenderers" not in text and "supplier" not in text
    tender = package["releases"][0]["tender"]
    assert tender["status"] == "active" and tender["description"] == "Independent advocacy."
    assert tender["value"] == {"amount": 12480.0, "currency": "GBP"} and '"amount": 12480.0,' in text
    assert tender["tenderPeriod"] == {"startDate": "2026-01-05T09:00:00Z", "endDate": "2026-02-02T12:00:00Z"}
    assert tender["contractPeriod"] == {"startDate": "2026-03-31T23:00:00Z", "durationInDays": 1095}
    assert [i["id"] for i in tender["items"]] == ["1", "A1"]
    assert package["publishedDate"] == "2026-01-05T09:00:00Z" and package["publisher"] == {"name": KENT.name}


def test_every_stage_reached_has_its_release_and_the_supplier_appears_from_the_award():
    package = ocds.package(_record(), URL, "ocds-x")
    releases = package["releases"]
    assert [r["id"] for r in releases] == ["SC1-tender", "SC1-award", "SC1-contract", "SC1-extension-1",
                                           "SC1-extension-2"]
    assert all(r["ocid"] == "ocds-x-SC1" for r in releases)
    assert [p["roles"] for p in releases[0]["parties"]] == [["buyer", "procuringEntity"], ["buyer"]]
    assert [p["id"] for p in releases[1]["parties"]] == ["GB-LAE-KEN", "GB-LAE-MDW", "GB-COH-01234567"]
    acme = releases[1]["parties"][2]
    assert acme["identifier"] == {"scheme": "GB-COH", "id": "01234567", "legalName": "Acme"}
    assert acme["additionalIdentifiers"] == [{"scheme": "GB-PPON", "id": "PABC-1234-DEFG"}]
    assert "identifier" not in releases[1]["awards"][0]["suppliers"][0]
    assert releases[0]["bids"]["statistics"][0]["value"] == 3 == releases[0]["tender"]["numberOfTenderers"]
    award = releases[1]["awards"][0]
    assert award["value"]["amount"] == 12480.05 and award["date"] == "2026-02-20T00:00:00Z"
    assert award["contractPeriod"]["endDate"] == "2029-03-31T22:59:59Z"
    assert [d["noticeType"] for d in releases[2]["contracts"][0]["documents"]] == ["UK7"]
    assert "amendments" not in releases[2]["contracts"][0]
    first, second = releases[3]["contracts"][0], releases[4]["contracts"][0]
    assert [d["noticeType"] for d in first["documents"]] == ["UK7"] and len(first["amendments"]) == 1
    assert [d["id"] for d in second["documents"]] == ["SC1-UK7", "SC1-UK10-2"] and len(second["amendments"]) == 2
    assert list(second) == ["id", "awardID", "title", "status", "period", "value", "documents", "dateSigned",
                            "amendments"]
    assert package["publishedDate"] == "2030-09-30T23:00:00Z"


def test_a_contract_not_yet_entered_into_is_pending_and_the_award_falls_back_on_its_creation():
    contract = _contract(entered_into_on=None, decided_on=None, extensions=())
    releases = ocds.package(_record(contract=contract), URL, "ocds-x")["releases"]
    assert [r["tag"] for r in releases] == [["tender"], ["award"]]
    assert releases[1]["date"] == "2026-02-21T10:00:00Z"
    block = ocds.contract_block(_record(contract=contract), contract, URL)
    assert block["status"] == "pending" and "dateSigned" not in block and "documents" not in block


def test_an_ended_contract_is_terminated_in_a_last_release_at_the_end_of_its_term():
    releases = ocds.package(_record(contract=_contract(ended=True)), URL, "ocds-x")["releases"]
    last = releases[-1]
    assert last["tag"] == ["contractTermination"] and last["date"] == "2031-03-31T22:59:59Z"
    assert last["contracts"][0]["status"] == "terminated" and len(last["contracts"][0]["amendments"]) == 2
    assert {r["contracts"][0]["status"] for r in releases[2:-1]} == {"active"}
    assert [r["tender"]["status"] for r in releases] == ["active"] + ["complete"] * 5


def test_a_2015_regulations_tender_publishes_that_regimes_forms_without_uk_codes():
    record = _record(tender=_tender(regime="PCR2015"))
    package = ocds.package(record, URL, "ocds-x")
    assert "noticeType" not in json.dumps(package)
    releases = package["releases"]
    assert [d["title"] for d in releases[0]["tender"]["documents"]] == ["Contract notice"]
    assert [d["title"] for d in releases[1]["awards"][0]["documents"]] == ["Contract award notice"]
    assert [d["id"] for d in releases[4]["contracts"][0]["documents"]] == ["SC1-modification-notice-2"]
    assert "documents" not in releases[2]["contracts"][0]  # no contract details notice in 2015


def _sheet(content: bytes, title: str):
    return load_workbook(io.BytesIO(content))[title]


def test_the_tracker_workbook_from_plain_rows():
    rows = [agreement_tracker.TrackerRow("=Kent", OrganisationKind.LOCAL_AUTHORITY, PartyStatus.SIGNED,
                                         datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "Ann Lee, Director", None, None,
                                         None)]
    content = agreement_tracker.workbook_bytes(agreement_tracker.TrackerSheet(
        "Agreement", 2, "ab12", rows,
        [tally(OrganisationKind.LOCAL_AUTHORITY.value, [PartyStatus.SIGNED])]))
    sheet = _sheet(content, "Tracker")
    assert sheet["A2"].value == "Version 2, SHA-256 ab12"
    assert sheet["A5"].value == "'=Kent" and sheet["D5"].value == datetime(2026, 7, 1, 9, 0)
    assert [c.value for c in _sheet(content, "Summary")[2]][:3] == ["Local authority", 1, 1]


def test_the_matrix_and_cost_share_workbooks_from_plain_values():
    criterion = evaluation_matrix.Criterion(7, "Quality: delivery", 60, 5)
    matrix = evaluation_matrix.Matrix("SC1", "Advocacy", False, [criterion], [evaluation_matrix.Result(
        1, "Acme", Decimal("12480.05"), Decimal("40"), {7: Decimal("47.999")}, Decimal("47.999"),
        Decimal("87.999"), [])], [evaluation_matrix.Score(7, "Acme", "Bo", 4, "Good"),
                                  evaluation_matrix.Score(7, "Acme", None, 4, "Agreed")])
    content = evaluation_matrix.workbook_bytes(matrix)
    summary = _sheet(content, "Summary")
    assert summary["A2"].value.startswith("Provisional")
    assert summary["C4"].value == 12480.05 and summary["C4"].number_format == MONEY_FORMAT
    assert summary["E4"].value == 48.0
    scores = [[c.value for c in row] for row in _sheet(content, "Quality  delivery").iter_rows(min_row=3)]
    assert scores == [["Acme", "Bo", 4, "Good"], ["Acme", "Consensus (moderated)", 4, "Agreed"]]

    shares = cost_shares.workbook_bytes(cost_shares.CostShareSheet("SC1", "Advocacy", [
        cost_shares.ShareRow("Kent", [Decimal("100.50"), Decimal("101")], Decimal("3.25"), Decimal("900")),
        cost_shares.ShareRow("Medway", procurement_share=Decimal("100"))]))
    rows = [[c.value for c in row] for row in _sheet(shares, "Cost shares").iter_rows(min_row=2)]
    assert rows == [["Authority", "Year 1 (£)", "Year 2 (£)", "Average saving a year (£)",
                     "Share of procurement cost (£)"],
                    ["Kent", 100.5, 101, 3.25, 900], ["Medway", None, None, None, 100]]


def test_the_pricing_template_from_plain_lines():
    content = pricing_template.workbook_bytes("SC1", "Advocacy", 3, [pricing_template.TemplateLine(
        "A1", "Advocacy hour", "hour", 1200)], {"A1": "25.50"})
    sheet = _sheet(content, pricing_template.PRICING_SHEET)
    assert [c.value for c in sheet[5]][:5] == ["A1", "Advocacy hour", "hour", 1200, 25.5]
    assert _sheet(content, pricing_template.META_SHEET)["B2"].value == 3


def test_the_timeline_workbook_has_a_row_per_event_in_uk_time_with_text_made_safe():
    from tenderapp.domain.timeline import Entry, EventKind

    entries = [Entry(datetime(2026, 7, 1, 11, 30, tzinfo=UTC), EventKind.TENDER, "Published", "Kent County Council"),
               Entry(datetime(2026, 7, 2, 9, 0, tzinfo=UTC), EventKind.TENDER, "Details changed", "=Evil, Kent",
                     "-the title changed")]
    book = load_workbook(io.BytesIO(timeline.workbook_bytes(timeline.TimelineSheet("SC1", "Advocacy", None, entries))))
    sheet = book["Timeline"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SC1: Advocacy" and rows[1][0] == "Events: every kind"
    assert rows[4] == (datetime(2026, 7, 1, 12, 30), "The tender and its amendments", "Published",
                       "Kent County Council", None)  # 11:30 UTC is 12:30 in British Summer Time, as an Excel date
    assert rows[5][3] == "'=Evil, Kent" and rows[5][4] == "'-the title changed"
    assert sheet["A5"].number_format == "dd/mm/yyyy hh:mm" and sheet.freeze_panes == "A5"
