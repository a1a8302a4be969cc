"""The OCDS release package: valid against the OCDS 1.1.5 release-package schema (offline, its
absolute $refs resolved through a local registry), with the UK notices typed, every member
authority a buyer, and nothing about bids before the opening."""

import json
from pathlib import Path

import pytest
from sqlmodel import select

from tenderapp.models import Contract, Tender


def _validator(app):
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry
    from referencing.jsonschema import DRAFT4

    folder = Path(app.config["OCDS_SCHEMA_DIR"])
    if not (folder / "release-package-schema.json").exists():
        pytest.skip(f"the OCDS 1.1.5 schema is not at {folder} (set OCDS_SCHEMA_DIR to its folder)")
    schemas = {name: json.loads((folder / name).read_text()) for name in
               ("release-package-schema.json", "release-schema.json")}
    registry = Registry().with_resources((s["id"], DRAFT4.create_resource(s)) for s in schemas.values())
    return jsonschema.Draft4Validator(schemas["release-package-schema.json"], registry=registry,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def _errors(validator, package):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(package)]


def test_the_seed_tenders_package_is_valid_and_complete(app, db, load_demo, client):
    validator = _validator(app)
    load_demo()
    response = client.get("/open-data/tenders/SC14027.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = response.get_json()
    assert _errors(validator, package) == []
    tags = [r["tag"] for r in package["releases"]]
    assert tags == [["tender"], ["award"], ["contract"], ["contractAmendment"], ["contractTermination"]]
    last = package["releases"][-1]
    buyers = [p for p in last["parties"] if "buyer" in p["roles"]]
    assert len(buyers) == 16
    kent = next(p for p in last["parties"] if p["name"] == "Kent County Council")
    assert set(kent["roles"]) == {"buyer", "procuringEntity"}
    assert last["tender"]["procuringEntity"]["name"] == "Kent County Council"
    notices = [d["title"] for r in package["releases"] for d in r["tender"]["documents"]]
    notices += [d["title"] for a in last["awards"] for d in a["documents"]]
    notices += [d["title"] for c in last["contracts"] for d in c.get("documents", [])]
    # the 2015 regulations' forms; the extension option needed no modification notice
    assert set(notices) == {"Contract notice", "Contract award notice"}
    assert last["contracts"][0]["status"] == "terminated"  # the app shows it expired
    contract = db.exec(select(Contract)).one()
    assert last["contracts"][0]["period"]["startDate"] == "2015-03-31T23:00:00Z"  # 1 April 2015, UK time
    assert last["contracts"][0]["period"]["endDate"] == "2020-03-31T22:59:59Z"  # to the end of 31 March 2020
    assert last["contracts"][0]["amendments"][0]["description"].startswith("Extended by")
    assert last["awards"][0]["value"]["amount"] == contract.value_pence / 100
    assert package["releases"][0]["bids"]["statistics"][0]["value"] == last["tender"]["numberOfTenderers"] > 0


def test_before_the_opening_nothing_about_bids_is_published(app, db, load_demo, client, clock):
    validator = _validator(app)
    load_demo()
    tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    assert tender.opened_at is None
    text = client.get("/open-data/tenders/SC26041.json").get_data(as_text=True)
    package = json.loads(text)
    assert _errors(validator, package) == []
    assert [r["tag"] for r in package["releases"]] == [["tender"]]
    assert "numberOfTenderers" not in text and "bids" not in package["releases"][0]
    assert "tenderer" not in text and "supplier" not in text


def test_unpublished_and_unknown_tenders_are_not_found(app, db, world, client, clock):
    assert world.tender.published_at is None
    assert client.get(f"/open-data/tenders/{world.tender.reference}.json").status_code == 404
    assert client.get("/open-data/tenders/NOPE.json").status_code == 404


def test_the_export_command_prints_the_same_package(app, db, load_demo, client, monkeypatch):
    load_demo()
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://localhost/")  # as the test client's requests say
    result = app.test_cli_runner().invoke(args=["export-ocds", "SC14027"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    served = client.get("/open-data/tenders/SC14027.json").get_json()
    assert printed["releases"] == served["releases"] and printed["uri"].endswith("/open-data/tenders/SC14027.json")
    missing = app.test_cli_runner().invoke(args=["export-ocds", "NOPE"])
    assert missing.exit_code != 0 and "No published tender has the reference NOPE" in missing.output


def test_the_tender_page_links_to_its_package(app, db, load_demo, sign_in_as):
    load_demo()
    tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    page = sign_in_as("admin@kent.example", "demo-password").get(f"/tenders/{tender.id}").get_data(as_text=True)
    assert 'href="/open-data/tenders/SC26041.json"' in page
    draft = db.exec(select(Tender).where(Tender.published_at.is_(None))).first()
    if draft is not None:
        page = sign_in_as("admin@kent.example", "demo-password").get(f"/tenders/{draft.id}").get_data(as_text=True)
        assert "/open-data/" not in page


def test_the_seed_extension_needs_no_change_notice_and_refuses_one(db, load_demo, sign_in_as):
    from tenderapp.models import ContractExtension
    from tests.conftest import csrf_from

    load_demo()
    contract = db.exec(select(Contract)).one()
    extension = db.exec(select(ContractExtension)).one()
    admin = sign_in_as("admin@kent.example", "demo-password")
    page = admin.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Not needed (light-touch contract)" in page and "change-notice" not in page
    refused = admin.client.post(f"/contracts/{contract.id}/extensions/{extension.id}/change-notice",
                                data={"published_on": ["1", "10", "2017"], "csrf_token": csrf_from(page)})
    assert refused.status_code == 400 and "needs no contract change notice" in refused.get_data(as_text=True)


def test_the_package_is_gathered_in_a_fixed_number_of_queries(app, db, load_demo, clock):
    from sqlalchemy import event
    from sqlmodel import Session

    from tenderapp.services import ocds

    load_demo()
    engine = db.get_bind()
    statements = []

    def count(conn, cursor, statement, *_):
        statements.append(statement)

    with Session(engine) as session:
        tender = ocds.published_tender(session, "SC14027", clock())
        event.listen(engine, "before_cursor_execute", count)
        try:
            package = ocds.release_package(session, tender, "http://localhost/p.json", "ocds-x", clock())
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(package["releases"]) == 5
    # lead, members, contract with its decision and supplier, extensions, identifiers, lines, bid count
    assert len(statements) == 7, statements
