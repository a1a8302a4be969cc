"""A member authority finds its collaboration's contract and its own cost from the dashboard
and the tender page, and reads the contract's public facts (never the lead's working data)."""

import pytest
from sqlmodel import select

from tenderapp.domain.roles import Role
from tenderapp.models import Contract, Decision
from tests import factories
from tests.conftest import arranged_once
from tests.web.test_contracts import decision_form, recommended  # noqa: F401  (the fixture)
from tests.web.test_evaluation import opened  # noqa: F401  (the fixture)


@pytest.fixture
def awarded(app, world, recommended, db, clock):  # noqa: F811
    """The recommended tender awarded under decision MC/1, and a partner viewer (through the pages
    once a process; later tests get the same rows back)."""

    def arrange():
        tender, lead = recommended
        lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("MC/1"))
        decision = db.exec(select(Decision).where(Decision.number == "MC/1")).one()
        assert lead.submit(f"/tenders/{tender.id}/award",
                           {"decision_id": decision.id, "notice_on": ["30", "11", "2026"]}).status_code == 302
        factories.user(db, world.partner, "viewer@partner.example", [Role.VIEWER], clock.moment)
        return tender, db.exec(select(Contract).where(Contract.tender_id == tender.id)).one(), decision, lead

    return arranged_once("awarded", app, db, arrange)


def test_a_member_viewer_finds_the_contract_and_its_cost_from_the_dashboard_and_the_tender(awarded, sign_in_as):
    tender, contract, _, _ = awarded
    viewer = sign_in_as("viewer@partner.example")
    for page in (viewer.get("/dashboard").get_data(as_text=True),
                 viewer.get(f"/tenders/{tender.id}").get_data(as_text=True)):
        assert f'href="/contracts/{contract.id}"' in page
        assert f'href="/contracts/{contract.id}/your-cost"' in page
    assert viewer.get(f"/contracts/{contract.id}/your-cost").status_code == 200


def test_a_member_reads_the_contracts_public_facts_and_nothing_of_the_leads(awarded, sign_in_as):
    _, contract, _, _ = awarded
    response = sign_in_as("viewer@partner.example").get(f"/contracts/{contract.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Contract with Rival Mediation Ltd" in page
    assert "Value (evaluated price)" in page and "Initial term ends" in page and "Extension options" in page
    assert "The contract has not been extended." in page
    assert "/cost-shares" not in page  # every member's figures are the lead's
    assert "Record that the contract was entered into" not in page and "<form" not in page.split("<main")[1]
    assert "/assessment-summaries" not in page


def test_the_award_decision_is_linked_for_members_once_published(awarded, sign_in_as):
    _, contract, decision, lead = awarded
    viewer = sign_in_as("viewer@partner.example")
    assert f'href="/decisions/{decision.id}"' not in viewer.get(f"/contracts/{contract.id}").get_data(as_text=True)
    lead.submit(f"/decisions/{decision.id}/publish", {})
    assert f'href="/decisions/{decision.id}"' in viewer.get(f"/contracts/{contract.id}").get_data(as_text=True)


def test_the_lead_still_manages_the_contract_and_outsiders_see_nothing(awarded, sign_in_as):
    _, contract, _, lead = awarded
    page = lead.get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Record that the contract was entered into" in page and "/cost-shares" in page
    outsider = sign_in_as("admin@other.example")
    assert outsider.get(f"/contracts/{contract.id}").status_code == 404
    assert f"/contracts/{contract.id}" not in outsider.get("/dashboard").get_data(as_text=True)
