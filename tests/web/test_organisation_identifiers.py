"""An organisation's registered identifiers: shown on its page, changed by those who manage it
(errors beside the field, nothing typed lost, audited), and used to name it in the open data."""

import json

from sqlmodel import select

from tenderapp.models import AuditEvent, Organisation, OrganisationIdentifier
from tests.conftest import T0


def _identifiers(db, organisation_id):
    rows = db.exec(select(OrganisationIdentifier).where(OrganisationIdentifier.organisation_id == organisation_id))
    return sorted((row.scheme, row.identifier) for row in rows)


def test_an_admin_records_identifiers_shown_on_the_organisations_page(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    url = f"/admin/organisations/{world.partner.id}/identifiers"
    page = admin.get(f"/admin/organisations/{world.partner.id}").get_data(as_text=True)
    assert "None recorded yet." in page and f'href="{url}"' in page
    response = admin.submit(url, {"gb_lae": "ptn", "gb_ppon": "pabc-1234-defg"})
    assert response.status_code == 302
    assert _identifiers(db, world.partner.id) == [("GB-LAE", "PTN"), ("GB-PPON", "PABC-1234-DEFG")]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Registered identifiers saved" in page
    assert "Local Authorities (England) register" in page and "PTN (GB-LAE-PTN)" in page
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "organisation.identifiers_changed")).one()
    assert json.loads(event.details)["after"] == {"GB-LAE": "PTN", "GB-PPON": "PABC-1234-DEFG"}
    own = sign_in_as("signatory@partner.example").get("/organisation").get_data(as_text=True)
    assert "Local Authorities (England) register: PTN (GB-LAE-PTN)" in own  # shown to its own people too
    form = admin.get(url).get_data(as_text=True)
    assert 'value="PTN"' in form  # the form shows what is recorded
    admin.submit(url, {"gb_lae": "PTN"})  # blank removes
    assert _identifiers(db, world.partner.id) == [("GB-LAE", "PTN")]


def test_a_malformed_or_taken_identifier_is_refused_beside_its_field_keeping_what_was_typed(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    url = f"/admin/organisations/{world.partner.id}/identifiers"
    response = admin.submit(url, {"gb_lae": "PTN", "gb_coh": "12"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and page.count("Error:") >= 1
    assert "Enter a Companies House number in the correct format, like 01234567 or SC123456" in page
    assert 'id="gb_coh-error"' in page and 'value="PTN"' in page and 'value="12"' in page
    assert _identifiers(db, world.partner.id) == []
    admin.submit(f"/admin/organisations/{world.lead.id}/identifiers", {"gb_lae": "LDC"})
    response = admin.submit(url, {"gb_lae": "ldc"})
    assert response.status_code == 400
    assert "Another organisation is registered with this local authority code" in response.get_data(as_text=True)


def test_another_tenants_organisation_identifiers_are_not_found(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    assert admin.get(f"/admin/organisations/{world.other_lead.id}/identifiers").status_code == 404
    bidder = sign_in_as("bidder@supplier.example")
    assert bidder.get(f"/admin/organisations/{world.supplier.id}/identifiers").status_code == 200
    assert bidder.get(f"/admin/organisations/{world.partner.id}/identifiers").status_code == 404


def test_a_company_number_registered_already_is_refused_at_registration(world, db, browser):
    from tests.web.test_suppliers import REGISTRATION

    db.add(OrganisationIdentifier(organisation_id=world.supplier.id, scheme="GB-COH", identifier="01234567",
                                  recorded_at=T0))
    db.commit()
    response = browser.submit("/register", {**REGISTRATION, "organisation_name": "Another Name Ltd"})
    assert response.status_code == 400
    assert "An organisation with this Companies House number is already registered" in response.get_data(as_text=True)


def test_the_demo_names_its_councils_by_local_authority_code_in_the_open_data(db, load_demo, client):
    load_demo()
    package = client.get("/open-data/tenders/SC14027.json").get_json()
    last = package["releases"][-1]
    buyers = {p["name"]: p for p in last["parties"] if "buyer" in p["roles"]}
    assert buyers["Kent County Council"]["id"] == "GB-LAE-KEN"
    assert buyers["Kent County Council"]["identifier"] == {"scheme": "GB-LAE", "id": "KEN",
                                                          "legalName": "Kent County Council"}
    assert len(buyers) == 16 and all(p["identifier"]["scheme"] == "GB-LAE" for p in buyers.values())
    assert len({p["id"] for p in buyers.values()}) == 16
    supplier = next(p for p in last["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"]["scheme"] == "GB-COH" and supplier["id"] == f"GB-COH-{supplier['identifier']['id']}"
    assert last["awards"][0]["suppliers"][0]["id"] == supplier["id"]
    assert last["buyer"]["id"] == "GB-LAE-KEN" and "GB-TENDERAPP" not in json.dumps(package)
    mediation = db.exec(select(Organisation).where(Organisation.name == "Mediation Partners Ltd")).one()
    assert _identifiers(db, mediation.id) == [("GB-COH", "08423517"), ("GB-PPON", "PMDP-4821-KQTW")]
