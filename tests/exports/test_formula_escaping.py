"""Every workbook Tenderapp writes escapes text a spreadsheet would run as a formula: with the
demo's names, titles, codes, notes and references all turned hostile, no cell of any export is a
formula except the pricing template's own totals, and no text starts with = + - @ tab or CR."""

import io
import re

from openpyxl import load_workbook
from sqlmodel import select

from tenderapp.exports.cells import FORMULA_LEADERS
from tenderapp.models import (
    Agreement,
    AgreementResponse,
    Contract,
    Organisation,
    PricingLine,
    QualityCriterion,
    Signature,
    Tender,
)
from tests.factories import PASSWORD

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
OWN_FORMULA = re.compile(r'^=IF\(ISNUMBER\(E\d+\),D\d+\*E\d+,""\)$')


def _poison(db):
    n = 0

    def hostile(text):
        nonlocal n
        n += 1
        return f"{HOSTILE[n % len(HOSTILE)]} {text}"

    for org in db.exec(select(Organisation)).all():
        org.name = hostile(org.name)[:200]
    for tender in db.exec(select(Tender)).all():
        tender.title = hostile(tender.title)[:200]
        if tender.reference == "SC26041":
            tender.reference = "=SC26041"
    for line in db.exec(select(PricingLine)).all():
        line.description, line.unit = hostile(line.description)[:200], hostile(line.unit)[:50]
    for criterion in db.exec(select(QualityCriterion)).all():
        criterion.title = hostile(criterion.title)[:200]
    for agreement in db.exec(select(Agreement)).all():
        agreement.title = hostile(agreement.title)[:200]
    for signature in db.exec(select(Signature)).all():
        signature.signer_name, signature.signer_job_title = hostile(signature.signer_name), hostile("Director")
    for response in db.exec(select(AgreementResponse)).all():
        response.note = hostile(response.note or "pending governance")
    for row in db.new | db.dirty:
        db.add(row)
    db.commit()


def _unsafe_cells(content: bytes) -> list[tuple[str, str, object]]:
    book = load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    if not (isinstance(value, str) and OWN_FORMULA.match(value)):
                        found.append((sheet.title, cell.coordinate, value))
                elif isinstance(value, str) and value.startswith(FORMULA_LEADERS):
                    found.append((sheet.title, cell.coordinate, value))
    return found


def test_no_export_carries_a_formula_it_did_not_write(load_demo, db, app, sign_in_as):
    load_demo(password=PASSWORD)
    _poison(db)
    awarded = db.exec(select(Tender).where(Tender.reference == "SC14027")).one()
    open_tender = db.exec(select(Tender).where(Tender.reference == "=SC26041")).one()
    contract = db.exec(select(Contract).where(Contract.tender_id == awarded.id)).one()
    agreement = db.exec(select(Agreement)).first()
    admin, bidder = sign_in_as("admin@kent.example"), sign_in_as("bidder@common-ground.example")
    exports = {
        "agreement tracker": admin.get(f"/agreements/{agreement.id}/tracker.xlsx"),
        "evaluation matrix": admin.get(f"/tenders/{awarded.id}/evaluation/matrix.xlsx"),
        "cost shares": admin.get(f"/contracts/{contract.id}/cost-shares.xlsx"),
        "pricing template": bidder.get(f"/tenders/{open_tender.id}/bid/template.xlsx"),
        "timeline": admin.get(f"/tenders/{awarded.id}/timeline.xlsx"),
    }
    for name, response in exports.items():
        assert response.status_code == 200, name
        assert response.data[:2] == b"PK", name
        assert _unsafe_cells(response.data) == [], name


def test_a_template_for_a_reference_that_looks_like_a_formula_still_uploads(load_demo, db, sign_in_as):
    from tests.web.test_bids import upload_workbook

    load_demo(password=PASSWORD)
    tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    tender.reference = "-SC26041"
    db.add(tender)
    db.commit()
    bidder = sign_in_as("bidder@common-ground.example")
    book = load_workbook(io.BytesIO(bidder.get(f"/tenders/{tender.id}/bid/template.xlsx").data))
    assert book["_tenderapp"]["B1"].value == "'-SC26041"
    for row in book["Pricing"].iter_rows(min_row=5, max_col=5):
        if row[0].value:
            row[4].value = 100
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload_workbook(bidder, tender.id, buffer.getvalue()).status_code == 302
