"""The demo loader builds the seed scenario, can run again, and resets passwords on request."""

import re

from sqlalchemy import func
from sqlmodel import select

from tenderapp.demo import load_scenario
from tenderapp.models import (
    Collaboration,
    CollaborationMember,
    Organisation,
    Representation,
    RoleAssignment,
    User,
)
from tenderapp.security import verify_password
from tenderapp.services import demo


def counts(db):
    return tuple(db.exec(select(func.count()).select_from(model)).one()
                 for model in (Organisation, User, RoleAssignment, Collaboration, CollaborationMember, Representation))


def test_seed_scenario_has_sixteen_councils_led_by_kent(app, db, clock):
    accounts = demo.load(db, load_scenario("seg"), clock.moment)
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
    assert held == {"procurement_admin", "signatory", "evaluator", "viewer", "bidder"}
    assert len({a.organisation for a in accounts if "bidder" in a.roles}) >= 3


def test_loading_twice_changes_nothing(app, db, clock):
    scenario = load_scenario("seg")
    demo.load(db, scenario, clock.moment)
    first = counts(db)
    demo.load(db, scenario, clock.moment)
    assert counts(db) == first


def test_password_option_resets_every_demo_account(app, db, clock):
    scenario = load_scenario("seg")
    demo.load(db, scenario, clock.moment)
    kent = db.exec(select(User).where(User.email == "admin@kent.example")).one()
    assert verify_password(kent.password_hash, scenario["default_password"])
    demo.load(db, scenario, clock.moment, password="another demo password")
    for user in db.exec(select(User)).all():
        assert verify_password(user.password_hash, "another demo password"), user.email


def test_seed_demo_command_prints_the_accounts(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "admin@kent.example" in result.output
    assert "Password: demo-password" in result.output and "was kept" in result.output


def test_demo_accounts_can_sign_in(app, db, clock, sign_in_as):
    demo.load(db, load_scenario("seg"), clock.moment)
    page = sign_in_as("admin@kent.example", "demo-password").get("/dashboard").get_data(as_text=True)
    assert "Kent County Council" in page
    assert "South East Group SEND Mediation" in page


def test_seed_agreement_is_signed_by_every_council_and_agreed_in_principle_for_the_ccgs(app, db, clock, sign_in_as):
    demo.load(db, load_scenario("seg"), clock.moment)
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


def test_the_support_unit_acts_for_the_ccgs_without_being_a_member(app, db, clock, sign_in_as):
    demo.load(db, load_scenario("seg"), clock.moment)
    csu = sign_in_as("signatory@secsu.example", "demo-password")
    listing = csu.get("/agreements").get_data(as_text=True)
    assert "SEND Mediation and Disagreement Resolution Service" in listing
    seg_id = int(re.search(r'/agreements/(\d+)">Collaborative Agreement: SEND', listing).group(1))
    form = csu.get(f"/agreements/{seg_id}/sign").get_data(as_text=True)
    assert form.count('name="organisation_ids"') == 7
    assert "NHS Thanet Clinical Commissioning Group" in form
    assert csu.get("/agreements").get_data(as_text=True).count("Independent Advocacy") == 0
