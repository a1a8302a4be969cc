"""The demo loader builds the seed scenario, can run again, and resets passwords on request."""

import re

from sqlalchemy import func
from sqlmodel import select

from tenderapp.demo import load_scenario
from tenderapp.models import (
    Bid,
    BidSubmission,
    Collaboration,
    CollaborationMember,
    Organisation,
    OutboxMessage,
    Representation,
    RoleAssignment,
    Tender,
    User,
)
from tenderapp.security import verify_password


def counts(db):
    return tuple(db.exec(select(func.count()).select_from(model)).one()
                 for model in (Organisation, User, RoleAssignment, Collaboration, CollaborationMember, Representation,
                               Tender, Bid, BidSubmission))


def test_seed_scenario_has_sixteen_councils_led_by_kent(app, db, clock, load_demo):
    accounts = load_demo()
    seg = db.exec(select(Collaboration).where(Collaboration.name == "South East Group SEND Mediation")).one()
    lead = db.get(Organisation, seg.lead_organisation_id)
    assert lead.name == "Kent County Council"
    members = db.exec(select(Organisation).join(CollaborationMember,
                      CollaborationMember.organisation_id == Organisation.id)
                      .where(CollaborationMember.collaboration_id == seg.id)).all()
    assert sum(m.kind == "local_authority" for m in members) == 16
    assert sum(m.kind == "internal_service" for m in members) == 1
    ccgs = [m for m in members if "Clinical Commissioning Group" in m.name]
    assert len(ccgs) == 7
    representations = db.exec(select(Representation).where(Representation.collaboration_id == seg.id)).all()
    assert {r.represented_organisation_id for r in representations} == {c.id for c in ccgs}
    assert len({r.representative_organisation_id for r in representations}) == 1
    kent_admins = [a for a in accounts if a.organisation == "Kent County Council" and "procurement_admin" in a.roles]
    assert len(kent_admins) == 2
    held = {role for a in accounts for role in a.roles}
    assert held == {"procurement_admin", "signatory", "evaluator", "viewer", "bidder", "provider"}
    assert len({a.organisation for a in accounts if "bidder" in a.roles}) >= 3


def test_loading_twice_changes_nothing(app, db, clock, load_demo):
    load_demo()
    first = counts(db)
    load_demo()
    assert counts(db) == first


def test_password_option_resets_every_demo_account(app, db, clock, load_demo):
    load_demo()
    kent = db.exec(select(User).where(User.email == "admin@kent.example")).one()
    assert verify_password(kent.password_hash, load_scenario("seg")["default_password"])
    load_demo(password="another demo password")
    for user in db.exec(select(User)).all():
        assert verify_password(user.password_hash, "another demo password"), user.email


def test_seed_demo_command_prints_the_accounts(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@kent.example" in result.output
    assert "Password: demo-password" in result.output and "was kept" in result.output


def test_demo_accounts_can_sign_in(app, db, clock, load_demo, sign_in_as):
    load_demo()
    page = sign_in_as("admin@kent.example", "demo-password").get("/dashboard").get_data(as_text=True)
    assert "Kent County Council" in page
    assert "South East Group SEND Mediation" in page


def test_seed_agreement_is_signed_by_every_council_and_agreed_in_principle_for_the_ccgs(app, db, clock, load_demo,
                                                                                        sign_in_as):
    load_demo()
    admin = sign_in_as("admin@kent.example", "demo-password")
    agreements = admin.get("/agreements").get_data(as_text=True)
    assert "SEND Mediation and Disagreement Resolution Service" in agreements
    seg_id = int(re.search(r'/agreements/(\d+)">Collaborative Agreement: SEND', agreements).group(1))
    tracker = admin.get(f"/agreements/{seg_id}/tracker").get_data(as_text=True)
    assert "<strong>16 of 16</strong> local authorities signed" in tracker
    assert "<strong>0 of 7</strong> health bodies signed, 7 agreed in principle" in tracker
    assert "<strong>1 of 1</strong> internal service signed" in tracker
    assert "to be finalised after each CCG&#39;s governance" in tracker
    draft = admin.get("/agreements").get_data(as_text=True)
    advocacy_id = int(re.search(r'/agreements/(\d+)">Collaborative Agreement: Independent', draft).group(1))
    assert "Not issued yet" in admin.get(f"/agreements/{advocacy_id}/tracker").get_data(as_text=True)


def test_the_support_unit_acts_for_the_ccgs_without_being_a_member(app, db, clock, load_demo, sign_in_as):
    load_demo()
    csu = sign_in_as("signatory@secsu.example", "demo-password")
    listing = csu.get("/agreements").get_data(as_text=True)
    assert "SEND Mediation and Disagreement Resolution Service" in listing
    seg_id = int(re.search(r'/agreements/(\d+)">Collaborative Agreement: SEND', listing).group(1))
    form = csu.get(f"/agreements/{seg_id}/sign").get_data(as_text=True)
    assert form.count('name="organisation_ids"') == 7
    assert "NHS Thanet Clinical Commissioning Group" in form
    assert csu.get("/agreements").get_data(as_text=True).count("Independent Advocacy") == 0


def test_seed_tender_is_opened_with_three_bids_and_a_live_one_is_open_now(app, db, clock, load_demo, sign_in_as):
    load_demo()
    seed = db.exec(select(Tender).where(Tender.reference == "SC14027")).one()
    live = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    admin = sign_in_as("admin@kent.example", "demo-password")
    bids_page = admin.get(f"/tenders/{seed.id}/bids").get_data(as_text=True)
    for supplier in ("Mediation Partners Ltd", "Common Ground Resolution CIC", "Family Voice Mediation Ltd"):
        assert supplier in bids_page
    # Mediation Partners: 16 × (12,480 + 7,480 + 7,480 + 7,480 + 7,480) + 250 × 1,000 + 60 × 950
    assert "£985,400.00" in bids_page
    assert live.published_at < clock.moment < live.clarification_deadline < live.submission_deadline
    assert "1 bid submitted" in admin.get(f"/tenders/{live.id}").get_data(as_text=True)
    assert admin.get(f"/tenders/{live.id}/bids").status_code == 403  # sealed
    draft = sign_in_as("bidder@common-ground.example", "demo-password").get(f"/tenders/{live.id}/bid")
    assert "2 of 7 lines priced" in draft.get_data(as_text=True)
    submitted = sign_in_as("bidder@family-voice.example", "demo-password").get(f"/tenders/{live.id}/bid")
    assert "submission id" in submitted.get_data(as_text=True)


def test_seed_evaluation_ranks_mediation_partners_first_with_a_recommendation(app, db, clock, load_demo, sign_in_as):
    load_demo()
    seed = db.exec(select(Tender).where(Tender.reference == "SC14027")).one()
    admin = sign_in_as("admin@kent.example", "demo-password")
    page = admin.get(f"/tenders/{seed.id}/evaluation/results").get_data(as_text=True)
    # prices: MP £985,400 (39.55), FV £974,200 (lowest: 40), CG £1,021,700 (38.14)
    # quality: MP 46, FV 43, CG 38 → totals MP 85.55, FV 83.00, CG 76.14
    assert "85.55" in page and "83.00" in page and "76.14" in page
    assert page.index("Mediation Partners Ltd") < page.index("Family Voice Mediation Ltd") < page.index("Common Ground")
    assert "Recorded 28 January 2015" in page
    grid = admin.get(f"/tenders/{seed.id}/evaluation/moderation").get_data(as_text=True)
    assert grid.count("Wide spread") == 1
    surrey = sign_in_as("evaluator@surrey.example", "demo-password")
    assert "Scored" in surrey.get(f"/tenders/{seed.id}/evaluate").get_data(as_text=True)


def test_seed_award_decision_contract_and_extension(app, db, clock, load_demo, sign_in_as):
    from tenderapp.models import Contract

    load_demo()
    contract = db.exec(select(Contract)).one()
    # decision notice sent Fri 20 Feb 2015: 10 days → Mon 2 March (2015 regulations)
    assert str(contract.standstill_last_day) == "2015-03-02" and str(contract.earliest_signing_date) == "2015-03-03"
    assert (str(contract.start_date), str(contract.initial_end_date), str(contract.end_date)) == (
        "2015-04-01", "2018-03-31", "2020-03-31")
    assert contract.value_pence == 98540000
    page = sign_in_as("admin@kent.example", "demo-password").get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Mediation Partners Ltd" in page and "0 of 1 left" in page
    decisions = sign_in_as("signatory@medway.example", "demo-password").get("/decisions").get_data(as_text=True)
    assert "14/00153" in decisions and "Cabinet Member for Education and Health Reform" in decisions
    assert "ODR/17/0042" in decisions


def test_kents_cost_share_page_shows_the_papers_figures(app, db, clock, load_demo, sign_in_as):
    from io import BytesIO

    from openpyxl import load_workbook

    from tenderapp.models import Contract

    load_demo()
    contract = db.exec(select(Contract)).one()
    kent = sign_in_as("viewer@kent.example", "demo-password").get(
        f"/contracts/{contract.id}/your-cost").get_data(as_text=True)
    assert "£12,480.00" in kent and "£7,480.00" in kent
    assert kent.count("£14,480.00") == 3 and "£9,623.21" in kent
    assert "£1,000.00" in kent  # the share of the £16,000 procurement cost: 16 members, equally
    medway = sign_in_as("signatory@medway.example", "demo-password").get(f"/contracts/{contract.id}/your-cost")
    page = medway.get_data(as_text=True)
    assert "Medway Council" in page and "£9,623.21" not in page and "Kent" not in page.split("<main")[1]
    admin = sign_in_as("admin@kent.example", "demo-password")
    table = admin.get(f"/contracts/{contract.id}/cost-shares").get_data(as_text=True)
    assert "£9,623.21" in table
    sheet = load_workbook(BytesIO(admin.get(f"/contracts/{contract.id}/cost-shares.xlsx").data))["Cost shares"]
    assert sheet["B3"].number_format == '"£"#,##0.00'  # Excel shows £14,480.00
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    kent_row = next(r for r in rows if r[0] == "Kent County Council")
    assert [f"{v:.2f}" for v in kent_row[1:5]] == ["14480.00", "14480.00", "14480.00", "9623.21"]
    assert sign_in_as("bidder@mediation-partners.example", "demo-password").get(
        f"/contracts/{contract.id}/your-cost").status_code == 404
    assert sign_in_as("signatory@medway.example", "demo-password").get(
        f"/contracts/{contract.id}/cost-shares").status_code in (403, 404)


def test_the_lead_changes_the_cost_basis_and_a_baseline_with_errors_beside_the_fields(app, db, clock, load_demo,
                                                                                       sign_in_as):
    from tenderapp.models import AuditEvent, AuthorityBaseline, Contract, Organisation

    load_demo()
    contract = db.exec(select(Contract)).one()
    admin = sign_in_as("admin@kent.example", "demo-password")
    basis_url = f"/contracts/{contract.id}/cost-shares/basis"
    form = {"core_codes": ["CORE-Y1", "NOT-A-LINE"], "payg_code": "PAYG-MED", "included_meetings": "5",
            "procurement_cost": "32,000"}
    bad = admin.submit(basis_url, form)
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "from the contract&#39;s lines" in page
    assert re.search(r'<input[^>]*value="CORE-Y1"[^>]*checked', page)  # nothing chosen is lost
    assert 'value="32,000"' in page  # nothing typed is lost
    good = admin.submit(basis_url, {**form, "core_codes": ["CORE-Y1", "CORE-Y2", "CORE-Y3"]})
    assert good.status_code == 302
    kent = sign_in_as("viewer@kent.example", "demo-password").get(f"/contracts/{contract.id}/your-cost")
    assert "£2,000.00" in kent.get_data(as_text=True)  # £32,000 between 16 members

    medway = db.exec(select(Organisation).where(Organisation.name == "Medway Council")).one()
    baseline_url = f"/contracts/{contract.id}/cost-shares/authorities/{medway.id}"
    bad = admin.submit(baseline_url, {"previous_cost": "lots", "meetings_per_year": "-2", "weight": "1"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and page.count("govuk-error-message") == 2 and 'value="lots"' in page
    assert admin.submit(baseline_url, {"previous_cost": "£16,100.50", "meetings_per_year": "9", "weight": "2"}
                        ).status_code == 302
    db.expire_all()
    row = db.exec(select(AuthorityBaseline).where(AuthorityBaseline.organisation_id == medway.id)).one()
    assert (row.previous_annual_cost_pence, row.meetings_per_year, row.weight) == (1610050, 9, 2)
    assert {"contract.cost_basis_set", "contract.baseline_set"} <= {e.action for e in db.exec(select(AuditEvent))}
    assert sign_in_as("signatory@medway.example", "demo-password").get(baseline_url).status_code in (403, 404)


def _demo_contract(db, load_demo):
    from tenderapp.models import Contract

    load_demo()
    return db.exec(select(Contract)).one()


def test_the_basis_form_offers_the_contracts_lines_to_choose_not_codes_to_type(app, db, clock, load_demo,
                                                                               sign_in_as):
    contract = _demo_contract(db, load_demo)
    admin = sign_in_as("admin@kent.example", "demo-password")
    page = admin.get(f"/contracts/{contract.id}/cost-shares/basis").get_data(as_text=True)
    for code in ("CORE-Y1", "CORE-Y2", "CORE-Y3"):
        assert re.search(rf'<input[^>]*type="checkbox"[^>]*value="{code}"[^>]*checked', page), code
    assert re.search(r'<input[^>]*type="radio"[^>]*value="PAYG-MED"[^>]*checked', page)
    assert ("CORE-Y1: Core subscription, year 1, including 5 meetings for the contract&#39;s lifetime "
            "(£12,480.00)") in page
    assert 'type="text" name="core_codes"' not in page and 'name="payg_code" type="text"' not in page
    nothing = admin.submit(f"/contracts/{contract.id}/cost-shares/basis", {
        "payg_code": "PAYG-MED", "included_meetings": "5", "procurement_cost": "16,000"})
    assert nothing.status_code == 400 and "Select the core subscription lines" in nothing.get_data(as_text=True)


def test_a_24_month_term_with_one_core_line_has_two_years_at_that_price(app, db, clock, load_demo, sign_in_as):
    from datetime import date

    contract = _demo_contract(db, load_demo)
    contract.initial_end_date = date(2017, 3, 31)  # 24 months from 1 April 2015
    db.add(contract)
    db.commit()
    admin = sign_in_as("admin@kent.example", "demo-password")
    assert admin.submit(f"/contracts/{contract.id}/cost-shares/basis", {
        "core_codes": ["CORE-Y2"], "payg_code": "PAYG-MED", "included_meetings": "5",
        "procurement_cost": "16,000"}).status_code == 302
    kent = sign_in_as("viewer@kent.example", "demo-password").get(
        f"/contracts/{contract.id}/your-cost").get_data(as_text=True)
    assert "Year 1" in kent and "Year 2" in kent and "Year 3" not in kent
    assert kent.count("£7,480.00") == 2  # the one core line's price, each year
    # 7 meetings a year: year 1 uses the 5 included (2 paid), year 2 pays for all 7
    assert "£9,480.00" in kent and "£14,480.00" in kent
    table = admin.get(f"/contracts/{contract.id}/cost-shares").get_data(as_text=True)
    assert "Year 2" in table and "Year 3" not in table


def test_every_demo_council_has_a_baseline_and_a_missing_one_says_who_provides_it(app, db, clock, load_demo,
                                                                                  sign_in_as):
    from tenderapp.models import AuthorityBaseline, Organisation

    contract = _demo_contract(db, load_demo)
    admin = sign_in_as("admin@kent.example", "demo-password")
    table = admin.get(f"/contracts/{contract.id}/cost-shares").get_data(as_text=True)
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table.split("<tbody")[1], re.S)
    assert len(rows) == 16
    assert all(">–<" not in row and "Baseline not given" not in row for row in rows)
    assert "£9,623.21" in table  # Kent's saving, from the paper

    essex = db.exec(select(Organisation).where(Organisation.name == "Essex County Council")).one()
    db.delete(db.exec(select(AuthorityBaseline).where(AuthorityBaseline.organisation_id == essex.id)).one())
    db.commit()
    table = admin.get(f"/contracts/{contract.id}/cost-shares").get_data(as_text=True)
    assert ("Baseline not given: Essex County Council provides its previous contract cost a year and expected "
            "meetings, entered here by the lead") in table
    page = sign_in_as("signatory@essex.example", "demo-password").get(
        f"/contracts/{contract.id}/your-cost").get_data(as_text=True)
    assert "send your previous contract cost a year and the meetings you expect a year to the lead" in page


def test_a_member_that_declined_the_agreement_pays_no_share_of_the_procurement_cost(app, db, clock, load_demo,
                                                                                    sign_in_as):
    from tenderapp.domain.agreements import text_fingerprint
    from tenderapp.models import Agreement, AgreementVersion, Organisation

    contract = _demo_contract(db, load_demo)
    agreement = db.exec(select(Agreement).where(
        Agreement.title == "Collaborative Agreement: SEND Mediation and Disagreement Resolution Service")).one()
    kent_admin = db.exec(select(Agreement.created_by_user_id).where(Agreement.id == agreement.id)).one()
    body = "# Collaborative Agreement\n\nVersion 2."
    db.add(AgreementVersion(agreement_id=agreement.id, number=2, body=body, sha256=text_fingerprint(body),
                            created_at=clock.moment, issued_at=clock.moment, issued_by_user_id=kent_admin))
    db.commit()
    medway = db.exec(select(Organisation).where(Organisation.name == "Medway Council")).one()
    signatory = sign_in_as("signatory@medway.example", "demo-password")
    url = f"/agreements/{agreement.id}/decline"
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"',
                           signatory.get(url).get_data(as_text=True)).group(1)
    assert signatory.submit(url, {"version_id": version_id, "organisation_ids": [medway.id],
                                  "reason": "Our cabinet voted to leave"}).status_code == 302

    admin = sign_in_as("admin@kent.example", "demo-password")
    table = admin.get(f"/contracts/{contract.id}/cost-shares").get_data(as_text=True)
    medway_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Medway Council(?:(?!</tr>).)*</tr>", table, re.S).group(0)
    assert "None: declined the agreement" in medway_row
    assert "Declined the agreement: no subscription and no meetings" in medway_row and "£" not in medway_row
    # £16,000 between the 15 councils that did not decline: £1,066.66 or £1,066.67 each, to the penny
    kent = sign_in_as("viewer@kent.example", "demo-password").get(
        f"/contracts/{contract.id}/your-cost").get_data(as_text=True)
    assert "£1,066.6" in kent and "£1,000.00" not in kent
    page = signatory.get(f"/contracts/{contract.id}/your-cost").get_data(as_text=True)
    assert "You declined the collaborative agreement, so you pay no core subscription" in page
    assert "Core" not in page and "Saving" not in page and "£" not in page  # no projection of a subscription


def test_kents_demo_statement_reconciles_with_the_seed_paper(app, db, clock, load_demo, sign_in_as):
    """The demo's first contract year: Kent's 7 mediation meetings give £14,480.00 (core
    £12,480.00 + 2 PAYG at £1,000.00), a saving of £9,623.21, on the cost-share projection; its
    two disagreement-resolution meetings are charged to the school and the health body."""
    from tenderapp.models import Contract, MeetingCase

    load_demo()
    contract = db.exec(select(Contract)).one()
    cases = db.exec(select(MeetingCase)).all()
    assert len(cases) == 75 and {c.funding_kind for c in cases} >= {"school", "health_body", "college"}
    kent = sign_in_as("viewer@kent.example", "demo-password").get(
        f"/contracts/{contract.id}/your-statement?period=year&number=1").get_data(as_text=True)
    assert "£12,480.00" in kent and "2 (£2,000.00)" in kent
    assert "£14,480.00" in kent and "£9,623.21" in kent and "on projection" in kent
    assert "Oakwood Primary School, Maidstone" in kent and "NHS West Kent Clinical Commissioning Group" in kent
    assert "SCC-" not in kent and "KCC-DR-15-002" in kent  # its own cases, not Surrey's
    provider = sign_in_as("provider@mediation-partners.example", "demo-password")
    register = provider.get(f"/contracts/{contract.id}/register").get_data(as_text=True)
    assert "KCC-15-007" in register and "SOTON-15-LATE-001" in register and "Late" in register


def test_every_demo_email_ends_with_the_link_to_its_page_and_the_past_tells_no_one(app, db, clock, load_demo,
                                                                                   sign_in_as):
    load_demo()
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    # an audit checkpoint is a record to keep, not a hand-off to a page
    messages = [m for m in db.exec(select(OutboxMessage)).all() if not m.subject.startswith("Audit checkpoint")]
    subjects = sorted(m.subject for m in messages)
    assert any("New clarification question" in s for s in subjects), subjects
    assert any("Clarification answered" in s for s in subjects), subjects
    assert any("evaluation panel for tender SC26041" in s for s in subjects), subjects
    # the 2014 agreement's answers and evaluation happened long ago: no email about them
    assert not [s for s in subjects if "the agreement" in s or "All scores are in" in s or "SC14027" in s], subjects
    for message in messages:
        link = message.body.rstrip().splitlines()[-1]
        assert link.startswith(f"{base}/"), (message.subject, message.body)
    question = next(m for m in messages if "New clarification question" in m.subject)
    admin = sign_in_as(question.recipient, "demo-password")
    assert admin.get(question.body.rstrip().splitlines()[-1].removeprefix(base)).status_code == 200
