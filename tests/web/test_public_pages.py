"""Public opportunities, notices and open data, for a visitor who has not signed in: found
from the home page, searchable and filterable, saying what a notice says and nothing private
(no bid content, no private answers, no evaluation, no draft agreement), in a fixed number of
queries however many tenders there are."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from tenderapp.demo import load_scenario
from tenderapp.formatting import money, uk_datetime
from tenderapp.models import (
    AgreementVersion,
    AssessmentSummary,
    Clarification,
    IndividualScore,
    ModeratedScore,
    Tender,
    TenderDocument,
)
from tenderapp.storage import document_store
from tests import factories
from tests.conftest import T0

PUBLIC_PAGES = ("/", "/opportunities", "/opportunities?status=all", "/opportunities/SC26041",
                "/opportunities/SC14027", "/open-data/", "/open-data/records/SC14027.json",
                "/open-data/records/SC26041.json", "/open-data/releases.json", "/open-data/records.json")


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_an_anonymous_visitor_finds_sc26041_from_the_home_page(db, load_demo, client):
    load_demo()
    home = client.get("/").get_data(as_text=True)
    assert "/opportunities" in _links(home) and "/open-data/" in _links(home)
    listing = client.get("/opportunities")
    assert listing.status_code == 200
    html = listing.get_data(as_text=True)
    assert "/opportunities/SC26041" in _links(html) and "SC14027" not in html  # open for bids only
    page = client.get("/opportunities/SC26041")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    assert tender.title in text and "Kent County Council" in text
    assert "for 16 authorities" in text and "Wokingham Borough Council" in text
    assert money(tender.estimated_value_pence, pence=True) in text and uk_datetime(tender.submission_deadline) in text
    assert f"Price: {tender.price_weight} marks" in text and "Register your organisation" in text
    assert "UK4: Tender notice, published" in text
    for link in ("/open-data/tenders/SC26041.json", "/open-data/records/SC26041.json", "/open-data/"):
        assert link in _links(text)
    documents = db.exec(select(TenderDocument).where(TenderDocument.tender_id == tender.id,
                                                     TenderDocument.withdrawn_at.is_(None))).all()
    assert documents and all(f"/opportunities/SC26041/documents/{d.id}" in _links(text) for d in documents)


def test_a_published_tenders_documents_are_downloaded_without_signing_in(world, db, client, sign_in_as):
    from tests.web.test_tender_builder import PDF, upload

    tender = world.open_tender
    admin = sign_in_as("admin@lead.example")
    assert upload(admin, f"/tenders/{tender.id}/documents/new", PDF, "specification.pdf", title="Specification",
                  amendment_summary="The specification is added.").status_code == 302
    document = db.exec(select(TenderDocument).where(TenderDocument.tender_id == tender.id)).one()
    page = client.get(f"/opportunities/{tender.reference}").get_data(as_text=True)
    url = f"/opportunities/{tender.reference}/documents/{document.id}"
    assert url in _links(page) and "Specification (specification.pdf)" in page
    response = client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert "specification.pdf" in response.headers["Content-Disposition"]


def test_an_awarded_tender_shows_its_award_and_contract_notices(db, load_demo, client):
    load_demo()
    text = client.get("/opportunities/SC14027").get_data(as_text=True)
    assert "Awarded to" in text and "Mediation Partners Ltd" in text and "£985,400.00" in text
    assert "1 April 2015 to 31 March 2020" in text and "Expired" in text
    assert "Contract notice, published 1 December 2014" in text and "Contract award notice, published" in text
    assert "UK6" not in text and "This tender is closed for bids." in text


@pytest.mark.parametrize("query, shown, hidden", [
    ("?status=all", ["SC26041", "SC14027"], []),
    ("?status=awarded", ["SC14027"], ["SC26041"]),
    ("?status=all&q=re-procurement", ["SC26041"], ["SC14027"]),
    ("?status=all&q=mediation+kent+nothing-like-this", [], ["SC26041", "SC14027"]),
    ("?status=all&buyer=Kent+County+Council", ["SC26041", "SC14027"], []),
    ("?status=all&buyer=Surrey+County+Council", [], ["SC26041", "SC14027"]),
    ("?status=%00%ff&q=" + "x" * 5000 + "%E2%80%AE&buyer=%0d%0a", [], ["SC14027"]),  # hostile: a page, unharmed
])
def test_opportunities_are_searched_and_filtered_by_get_parameters(load_demo, client, query, shown, hidden):
    load_demo()
    response = client.get(f"/opportunities{query}")
    assert response.status_code == 200
    links = _links(response.get_data(as_text=True))
    for reference in shown:
        assert f"/opportunities/{reference}" in links
    for reference in hidden:
        assert f"/opportunities/{reference}" not in links


def test_drafts_and_tenders_not_yet_published_have_no_public_page(world, db, client, clock):
    draft = world.tender
    assert draft.published_at is None
    for url in (f"/opportunities/{draft.reference}", f"/open-data/records/{draft.reference}.json",
                "/opportunities/NO-SUCH", f"/opportunities/{draft.reference}/documents/1"):
        assert client.get(url).status_code == 404, url
    assert draft.reference not in client.get("/opportunities?status=all").get_data(as_text=True)
    assert draft.reference not in client.get("/open-data/").get_data(as_text=True)
    assert draft.reference not in client.get("/open-data/releases.json").get_data(as_text=True)
    later = world.open_tender
    later.published_at = T0 + timedelta(days=3)
    db.add(later)
    db.commit()
    assert client.get(f"/opportunities/{later.reference}").status_code == 404


def test_a_withdrawn_or_another_tenders_document_is_not_found(world, db, client):
    tender = world.open_tender
    document = TenderDocument(tender_id=world.other_tender.id, title="Other", filename="o.pdf", sha256="0" * 64,
                              size=1, uploaded_by_user_id=world.lead_admin.id, uploaded_at=T0)
    db.add(document)
    db.commit()
    assert client.get(f"/opportunities/{tender.reference}/documents/{document.id}").status_code == 404


def _private_texts(db) -> list[str]:
    """Everything the demo holds that no public page may show."""
    scenario = load_scenario("seg")
    texts = [answer for t in scenario["collaborations"][0]["tenders"] for bid in t.get("bids", [])
             for answer in bid.get("answers", [])]
    texts += [c.question for c in db.exec(select(Clarification).where(Clarification.visibility != "published"))]
    texts += [s.justification for s in db.exec(select(IndividualScore))]
    texts += [s.rationale for s in db.exec(select(ModeratedScore))]
    texts += [s.body for s in db.exec(select(AssessmentSummary))]
    texts += [v.body for v in db.exec(select(AgreementVersion).where(AgreementVersion.issued_at.is_(None))) if v.body]
    texts += ["£11,900.00", "£13,200.00", "11900.0", "13200.0"]  # the losing bids' first-year prices
    return [t.strip()[:60] for t in texts if t and t.strip()]


def test_no_public_page_shows_bid_content_private_answers_evaluation_or_draft_agreements(db, load_demo, client):
    load_demo()
    secrets = _private_texts(db)
    assert len(secrets) > 10  # the demo has answers, scores, summaries and a draft agreement
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        leaked = [s for s in secrets if s in body or s.replace("'", "&#39;") in body]
        assert leaked == [], (url, leaked)


def _count_queries(app, client, url) -> int:
    engine = app.extensions["tenderapp.engine"]
    statements = []

    def count(conn, cursor, statement, *_):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_public_pages_take_as_many_queries_for_three_tenders_as_for_thirty(app, world, db, client):
    urls = ("/opportunities?status=all", "/open-data/", f"/opportunities/{world.open_tender.reference}",
            "/open-data/releases.json", "/open-data/records.json")
    few = {url: _count_queries(app, client, url) for url in urls}
    for number in range(27):
        factories.published_tender(db, world.collab, world.lead_admin, T0, reference=f"MANY-{number:03}")
    listing = client.get("/opportunities?status=all").get_data(as_text=True)
    assert "/opportunities/MANY-026" in _links(listing)
    assert {url: _count_queries(app, client, url) for url in urls} == few



def test_a_reference_with_slashes_has_its_notice_documents_and_open_data(app, world, db, client):
    """References like ODR/17/0042 are allowed, so every public address built from one answers:
    the notice, its documents and its open data, each found by following the links."""
    from tests.web.test_tender_builder import PDF

    tender = factories.published_tender(db, world.collab, world.lead_admin, T0, "ODR/17/0042")
    with app.test_request_context():
        sha256 = document_store(db).save(PDF)
    document = TenderDocument(tender_id=tender.id, title="Specification", filename="specification.pdf",
                              sha256=sha256, size=len(PDF), uploaded_by_user_id=world.lead_admin.id, uploaded_at=T0)
    db.add(document)
    db.commit()
    listing = client.get("/opportunities").get_data(as_text=True)
    notice = client.get(next(link for link in _links(listing) if "ODR" in link))
    assert notice.status_code == 200 and "ODR/17/0042" in notice.get_data(as_text=True)
    links = _links(notice.get_data(as_text=True))
    download = client.get(next(link for link in links if link.endswith(f"/documents/{document.id}")))
    assert download.status_code == 200 and download.data == PDF
    open_data = [link for link in links if link.endswith(".json")]
    assert len(open_data) == 2  # the release package and the record package
    for link in open_data:
        response = client.get(link)
        assert response.status_code == 200 and "ODR/17/0042" in response.get_data(as_text=True), link


def test_the_bulk_files_name_the_publisher_the_service_is_configured_with(app, world, db, client, monkeypatch):
    monkeypatch.setitem(app.config, "OCDS_PUBLISHER_NAME", "South East Procurement Hub")
    for url in ("/open-data/releases.json", "/open-data/records.json"):
        assert client.get(url).get_json()["publisher"]["name"] == "South East Procurement Hub"
