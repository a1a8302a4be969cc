"""What a browser keeps of a response: the name it saves a download under (one helper writes
every Content-Disposition, so a hostile name cannot add parameters or reverse how it reads),
and whether it may keep the response at all (nothing of a signed-in person's is kept, so a
shared computer does not hold bids, receipts or evaluation pages)."""

import re

import pytest
from flask import url_for
from sqlmodel import select
from werkzeug.http import parse_options_header

from tenderapp.models import BidAttachment, Contract, Decision, Tender
from tenderapp.web.downloads import disposition
from tests.conftest import Browser
from tests.hostile import PDF_BYTES
from tests.web.test_bids import _post, complete_bid
from tests.web.test_contracts import decision_form, recommended  # noqa: F401  (the fixture)
from tests.web.test_evaluation import opened  # noqa: F401  (the fixture)
from tests.web.test_opening import attach
from tests.web.test_tenant_isolation import OWN, PUBLIC_BY_NATURE, SAMPLE_VALUES, access_rule

HOSTILE_REFERENCE = "Q\";filename*=UTF-8''evil.html;a=\""


# --- download names ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "saved_as", "ascii_name"), [
    ("prices.pdf", "prices.pdf", None),
    (f"pricing-{HOSTILE_REFERENCE}-v1.xlsx", "pricing-Q__filename__UTF-8__evil.html_a__-v1.xlsx", None),
    ('report"; filename=evil.html; x=".pdf', "report__ filename_evil.html_ x__.pdf", None),
    ("a\r\nSet-Cookie: session=x.pdf", "a__Set-Cookie_ session_x.pdf", None),
    ("back\\slash.pdf", "back_slash.pdf", None),
    ("Café é.pdf", "Café é.pdf", "Cafe e.pdf"),
    ("Cynllun ŵyl.pdf", "Cynllun ŵyl.pdf", "Cynllun wyl.pdf"),
    ("invoice\u202efdp.exe", "invoice_fdp.exe", None),
    ("spec\u200b.pdf", "spec_.pdf", None),
    ("日本.pdf", "日本.pdf", "__.pdf"),
    ("", "download", None),
])
def test_a_download_name_is_one_plain_name_whatever_it_was(name, saved_as, ascii_name):
    """(a None ``ascii_name``: the name is plain ASCII and goes as it is, with no filename*)"""
    value = disposition("attachment", name)
    value.encode("latin-1")  # what a WSGI server does with every header
    assert "\r" not in value and "\n" not in value
    kind, options = parse_options_header(value)
    assert kind == "attachment" and options == {"filename": saved_as}
    assert value.count("filename=") == 1 and value.count("filename*=") == (ascii_name is not None)
    assert re.search(r'filename="([^"\\]*)"', value).group(1) == (ascii_name or saved_as)
    assert not saved_as.endswith(".html")


def test_an_inline_document_keeps_its_kind():
    assert parse_options_header(disposition("inline", "agreement.pdf")) == ("inline", {"filename": "agreement.pdf"})
    with pytest.raises(ValueError):
        disposition("attachment; filename=evil.html", "x.pdf")


def test_the_pricing_template_of_a_hostile_reference_is_saved_under_a_plain_name(world, db, sign_in_as):
    tender = db.get(Tender, world.open_tender.id)
    tender.reference = HOSTILE_REFERENCE  # as one could be typed before references were checked
    db.add(tender)
    db.commit()
    response = sign_in_as("bidder@supplier.example").get(f"/tenders/{tender.id}/bid/template.xlsx")
    assert response.status_code == 200
    header = response.headers["Content-Disposition"]
    assert header == disposition("attachment", f"pricing-{HOSTILE_REFERENCE}-v{tender.schedule_version}.xlsx")
    assert parse_options_header(header)[1]["filename"].endswith(f"-v{tender.schedule_version}.xlsx")


# --- what may be kept -------------------------------------------------------------------------


def _no_store(browser, urls):
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def _bids_and_receipts(world, db, clock, sign_in_as, request):
    bidder = sign_in_as("bidder@supplier.example")
    tender_id = world.open_tender.id
    assert attach(bidder, tender_id, PDF_BYTES).status_code == 302
    complete_bid(bidder, tender_id)
    assert _post(bidder, tender_id, "submit").status_code == 302
    attachment = db.exec(select(BidAttachment)).one()
    base = f"/tenders/{tender_id}/bid"
    return bidder, [base, f"{base}/prices", f"{base}/answers", f"{base}/declarations", f"{base}/template.xlsx",
                    f"{base}/files/{attachment.id}", f"{base}/receipts/1", f"{base}/receipts/1.json",
                    f"{base}/receipts/1.txt"]


def _opening(world, db, clock, sign_in_as, request):
    tender, _ = request.getfixturevalue("opened")
    admin = sign_in_as("admin@lead.example")
    listing = admin.get(f"/tenders/{tender.id}/bids").get_data(as_text=True)
    bid = re.search(rf'href="(/tenders/{tender.id}/bids/\d+)"', listing).group(1)
    return admin, [f"/tenders/{tender.id}/opening", f"/tenders/{tender.id}/bids", bid]


def _evaluation(world, db, clock, sign_in_as, request):
    tender, _ = request.getfixturevalue("recommended")
    admin = sign_in_as("admin@lead.example")
    return admin, [f"/tenders/{tender.id}/evaluation", f"/tenders/{tender.id}/evaluation/moderation",
                   f"/tenders/{tender.id}/evaluation/results", f"/tenders/{tender.id}/evaluation/matrix.xlsx",
                   f"/tenders/{tender.id}/evaluation/report", f"/tenders/{tender.id}/evaluate", "/evaluations"]


def _contract_costs(world, db, clock, sign_in_as, request):
    tender, lead = request.getfixturevalue("recommended")
    assert lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("14/00153")).status_code == 302
    decision = db.exec(select(Decision).where(Decision.number == "14/00153")).one()
    assert lead.submit(f"/tenders/{tender.id}/award", {"decision_id": decision.id,
                                                      "notice_on": ["30", "11", "2026"]}).status_code == 302
    contract = db.exec(select(Contract)).one()
    base = f"/contracts/{contract.id}"
    return lead, [base, f"{base}/cost-shares", f"{base}/cost-shares.xlsx", f"{base}/cost-shares/basis",
                  f"/decisions/{decision.id}"]


def _agreement_signing(world, db, clock, sign_in_as, request):
    signatory = sign_in_as("signatory@partner.example")
    base = f"/agreements/{world.agreement.id}"
    return signatory, [base, f"{base}/sign", f"{base}/in-principle", f"{base}/decline", "/agreements"]


def _two_factor(world, db, clock, sign_in_as, request):
    browser = Browser(request.getfixturevalue("app").test_client())
    browser.sign_in("admin@lead.example", second_factor=False)
    return browser, ["/account/two-factor/set-up"]


AREAS = {"bids and receipts": _bids_and_receipts, "opening": _opening, "evaluation": _evaluation,
         "contract costs": _contract_costs, "agreement signing": _agreement_signing, "two-factor": _two_factor}


@pytest.mark.parametrize("area", AREAS)
def test_pages_and_downloads_of_a_signed_in_person_are_not_kept(world, db, clock, sign_in_as, request, area):
    browser, urls = AREAS[area](world, db, clock, sign_in_as, request)
    _no_store(browser, urls)


def test_no_response_to_a_signed_in_person_is_kept(app, world, sign_in_as):
    admin, checked = sign_in_as("admin@lead.example"), 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_BY_NATURE or "GET" not in rule.methods or rule.endpoint == "auth.sign_out":
            continue
        marker = access_rule(app, rule)
        values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        response = admin.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), (url, response.status_code)
        checked += 1
    assert checked > 60
    assert "no-store" in admin.get("/").headers["Cache-Control"]  # a public page, but signed in
    assert "no-store" in admin.get("/no-such-page").headers["Cache-Control"]


def test_static_assets_and_public_pages_for_visitors_may_be_kept(client, world):
    assert "no-store" not in client.get("/static/app.js").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/accessibility").headers.get("Cache-Control", "")
    assert "no-store" in client.get("/tenders").headers.get("Cache-Control", "")  # sends to sign in
