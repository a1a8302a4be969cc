"""Every workbook writes dates as Excel dates (dd/mm/yyyy, in UK local time) and money as
numbers with a £ format, so a spreadsheet can sort, filter and add them up."""

import io
from datetime import datetime

from openpyxl import load_workbook
from sqlmodel import select

from tenderapp.exports.cells import DATE_FORMAT, DATETIME_FORMAT, MONEY_FORMAT, date_cell, money_cell
from tenderapp.models import Agreement, Contract, Tender
from tests.factories import PASSWORD


def _sheet(content: bytes, title: str | None = None):
    book = load_workbook(io.BytesIO(content))
    return book[title] if title else book.active


def _exports(load_demo, db, sign_in_as):
    load_demo(password=PASSWORD)
    awarded = db.exec(select(Tender).where(Tender.reference == "SC14027")).one()
    open_tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    contract = db.exec(select(Contract).where(Contract.tender_id == awarded.id)).one()
    agreement = db.exec(select(Agreement)).first()
    admin, bidder = sign_in_as("admin@kent.example"), sign_in_as("bidder@common-ground.example")
    return {
        "tracker": admin.get(f"/agreements/{agreement.id}/tracker.xlsx").data,
        "matrix": admin.get(f"/tenders/{awarded.id}/evaluation/matrix.xlsx").data,
        "shares": admin.get(f"/contracts/{contract.id}/cost-shares.xlsx").data,
        "template": bidder.get(f"/tenders/{open_tender.id}/bid/template.xlsx").data,
    }


def test_workbooks_hold_dates_as_dates_and_money_as_numbers(load_demo, db, sign_in_as):
    books = _exports(load_demo, db, sign_in_as)

    tracker = _sheet(books["tracker"], "Tracker")
    assert tracker["D4"].value == "Date (UK time)"
    dated = [row[3] for row in tracker.iter_rows(min_row=5) if row[3].value is not None]
    assert dated, "the demo tracker has dated responses"
    for cell in dated:
        assert isinstance(cell.value, datetime), cell.value
        assert cell.value.tzinfo is None
        assert cell.number_format == DATETIME_FORMAT

    matrix = _sheet(books["matrix"], "Summary")
    prices = [row[2] for row in matrix.iter_rows(min_row=4) if row[2].value is not None]
    assert prices
    for cell in prices:
        assert isinstance(cell.value, (int, float)) and cell.number_format == MONEY_FORMAT

    shares = _sheet(books["shares"], "Cost shares")
    amounts = [cell for row in shares.iter_rows(min_row=3, min_col=2) for cell in row if cell.value is not None]
    assert amounts
    for cell in amounts:
        assert isinstance(cell.value, (int, float)), cell.value
        assert cell.number_format == MONEY_FORMAT

    template = _sheet(books["template"], "Pricing")
    for row in template.iter_rows(min_row=5, max_col=6):
        if row[0].value:
            assert isinstance(row[3].value, (int, float))
            assert row[4].number_format == MONEY_FORMAT and row[5].number_format == MONEY_FORMAT


def test_a_date_cell_is_in_uk_local_time_and_naive():
    from datetime import UTC, date

    from openpyxl import Workbook

    sheet = Workbook().active
    summer = date_cell(sheet, datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert summer.value == datetime(2026, 7, 1, 0, 30) and summer.number_format == DATETIME_FORMAT
    winter = date_cell(sheet, datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    assert winter.value == datetime(2026, 1, 5, 9, 0)
    day = date_cell(sheet, date(2026, 4, 1))
    assert day.value == date(2026, 4, 1) and day.number_format == DATE_FORMAT
    assert date_cell(sheet, None).value is None
    assert money_cell(sheet, 12.5).number_format == MONEY_FORMAT
