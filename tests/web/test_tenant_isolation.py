"""The tenant-isolation harness. Every route must declare how it may be reached
(tenderapp.web.guards); an unclassified route fails here. Then, for every route:

- public: answers an anonymous visitor without a server error;
- signed in: sends an anonymous visitor to sign in;
- role-restricted: refuses (403) a signed-in user without the role;
- tenant-owned: answers 404 when its URL names another tenant's object, for GET and POST,
  and 200 for the actor's own object (so the 404 is not a broken page).

Later features add the kinds of object their routes scope to OTHER_TENANT and OWN below.
"""

import pytest
from flask import url_for

from tenderapp.domain.roles import Role
from tests.conftest import csrf_from
from tests.web.test_contracts import recommended  # noqa: F401  (the fixture)
from tests.web.test_evaluation import opened  # noqa: F401  (the fixture)

# Endpoints outside our blueprints that are public by nature.
PUBLIC_BY_NATURE = {"static"}

# Sample values for URL parameters that do not name a tenant-owned object.
SAMPLE_VALUES = {"token": "no-such-token", "reference": "NO-SUCH-TENDER", "filename": "app.js", "number": 1,
                 "representation_id": 1, "line_id": 1, "criterion_id": 1, "document_id": 1, "clarification_id": 1,
                 "submission_id": 1, "attachment_id": 1, "sha256": "0" * 64, "user_id": 1, "organisation_id": 1,
                 "summary_id": 1, "extension_id": 1, "replacement_id": 1, "action": "confirm", "case_id": 1}

# The signed-in actor for tenant-owned routes is the lead's procurement admin: the most
# privileged person in one tenant. These name objects of another tenant...
OTHER_TENANT = {
    "collaboration": lambda w: w.other_collab.id,
    "organisation": lambda w: w.other_lead.id,
    "user": lambda w: w.other_admin.id,
    "lead_agreement": lambda w: w.other_agreement.id,
    "party_agreement": lambda w: w.other_agreement.id,
    "tender": lambda w: w.other_tender.id,
    "lead_tender": lambda w: w.other_tender.id,
    "visible_tender": lambda w: w.other_tender.id,
    "open_tender": lambda w: w.other_tender.id,
    "panel_tender": lambda w: w.other_tender.id,
    "decision": lambda w: w.other_decision.id,
    "lead_decision": lambda w: w.other_decision.id,
    "contract": lambda w: 999_999,  # the world has no contract: see the real contract's test below
    "member_contract": lambda w: 999_999,
    "provider_contract": lambda w: 999_999,  # see the real contract's test below
    "failed_message": lambda w: 999_999,  # the world has none: see tests/web/test_failed_messages.py
}
# ...and these name the actor's own (or managed) objects.
OWN = {
    "collaboration": lambda w: w.collab.id,
    "organisation": lambda w: w.partner.id,
    "user": lambda w: w.partner_signatory.id,
    "lead_agreement": lambda w: w.agreement.id,
    "party_agreement": lambda w: w.agreement.id,
    "tender": lambda w: w.tender.id,
    "lead_tender": lambda w: w.tender.id,
    "visible_tender": lambda w: w.tender.id,
    "open_tender": lambda w: w.open_tender.id,
    "panel_tender": lambda w: w.open_tender.id,
    "decision": lambda w: w.decision.id,
    "lead_decision": lambda w: w.decision.id,
    "contract": lambda w: 999_999,
    "member_contract": lambda w: 999_999,
    "provider_contract": lambda w: 999_999,
    "failed_message": lambda w: 999_999,
}

# Someone holding none of the roles a role-restricted route asks for, by role.
WITHOUT_ROLE = {
    Role.PROCUREMENT_ADMIN: "viewer@lead.example",
    Role.EVALUATOR: "viewer@lead.example",
    Role.SIGNATORY: "viewer@lead.example",
    Role.BIDDER: "admin@lead.example",
    Role.PROVIDER: "admin@lead.example",
}

# Someone in the lead tenant holding the role, for reaching their own objects.
WITH_ROLE = {
    None: "admin@lead.example",
    Role.PROCUREMENT_ADMIN: "admin@lead.example",
    Role.SIGNATORY: "signatory@lead.example",
    Role.BIDDER: "bidder@supplier.example",
    Role.EVALUATOR: "admin@lead.example",
}

# Routes whose object the world does not have (its agreement is text, not a PDF); they are
# reached in their own tests.
ABSENT_IN_WORLD = {"agreements.document", "agreements.representation_document", "tenders.edit_line",
                   "tenders.remove_line", "tenders.edit_criterion", "tenders.remove_criterion",
                   "tenders.withdraw_document", "tenders.document", "tenders.answer",
                   # the world's tender is a draft: a supplier reaches these once it is published
                   "tenders.ask", "tenders.register_interest",
                   # receipts exist once a bid is submitted
                   "bids.receipt", "bids.receipt_download", "bids.receipt_content",
                   # bids are readable only after the opening
                   "opening.opened_list", "opening.opened_bid", "opening.opened_file",
                   "bids.attachments", "bids.attachment_file",
                   # evaluation pages need opened bids, scores or a declared conflict
                   "evaluation.moderate", "evaluation.compliance", "evaluation.score",
                   "evaluation.moderation_grid", "evaluation.results_page", "evaluation.resolve",
                   "evaluation.matrix", "evaluation.report", "evaluation.attachment",
                   "contracts.contract", "contracts.cost_shares", "contracts.cost_shares_workbook",
                   "contracts.cost_basis", "contracts.baseline", "contracts.your_cost",
                   "contracts.assessment_summaries", "contracts.draft_summaries", "contracts.assessment_summary",
                   "contracts.issue_summaries", "contracts.change_notice", "contracts.decision_document",
                   "contracts.notice_date",
                   # the meeting register and its statements belong to a contract: tests/web/test_meeting_register.py
                   "contracts.register", "contracts.new_case", "contracts.edit_case", "contracts.meetings",
                   "contracts.meeting_terms", "contracts.statement", "contracts.statement_workbook",
                   "contracts.your_statement", "contracts.your_statement_workbook", "contracts.kpis",
                   "contracts.monitoring_report_workbook", "contracts.your_kpis",
                   # a supplier's own summary exists once issued: tests/services/test_assessment_summaries.py
                   "contracts.own_assessment_summary",
                   # the world's outbox has no failed message: tests/web/test_failed_messages.py
                   "admin.retry_message"}


def rules(app):
    return [r for r in app.url_map.iter_rules()]


def access_rule(app, rule):
    return getattr(app.view_functions[rule.endpoint], "access_rule", None)


def build(app, rule, values):
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def methods(rule):
    return sorted(m for m in rule.methods if m in {"GET", "POST"})


def test_every_route_is_classified(app):
    unclassified = [r.rule for r in rules(app)
                    if r.endpoint not in PUBLIC_BY_NATURE and access_rule(app, r) is None]
    assert unclassified == [], f"routes without an access rule (see tenderapp.web.guards): {unclassified}"


def test_tenant_owned_routes_name_known_object_kinds(app):
    for rule in rules(app):
        marker = access_rule(app, rule)
        if marker and marker.kind == "tenant":
            assert set(marker.objects) <= set(rule.arguments), rule.rule
            for kind in marker.objects.values():
                assert kind in OTHER_TENANT and kind in OWN, f"{rule.rule}: add '{kind}' to the harness"


def test_public_routes_answer_anonymous_visitors(app, world, client):
    for rule in rules(app):
        marker = access_rule(app, rule)
        if rule.endpoint in PUBLIC_BY_NATURE or marker.kind != "public" or "GET" not in rule.methods:
            continue
        url = build(app, rule, {a: SAMPLE_VALUES[a] for a in rule.arguments})
        assert client.get(url).status_code < 500, url


def test_signed_in_routes_send_anonymous_visitors_to_sign_in(app, world, client):
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    checked = 0
    for rule in rules(app):
        marker = access_rule(app, rule)
        if rule.endpoint in PUBLIC_BY_NATURE or marker.kind == "public":
            continue
        values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        url = build(app, rule, values)
        for method in methods(rule):
            response = client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url, response.status_code)
            assert "/sign-in" in response.headers["Location"], (method, url)
            checked += 1
    assert checked >= 10


def test_role_restricted_routes_refuse_people_without_the_role(app, world, sign_in_as):
    checked = 0
    for rule in rules(app):
        marker = access_rule(app, rule)
        if rule.endpoint in PUBLIC_BY_NATURE or marker.kind not in {"role", "tenant"} or not marker.roles:
            continue
        lacking = next(email for role, email in WITHOUT_ROLE.items() if role in marker.roles)
        person = sign_in_as(lacking)
        token = csrf_from(person.get("/account").get_data(as_text=True))
        values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        url = build(app, rule, values)
        for method in methods(rule):
            response = person.client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code in (403, 404), (method, url, lacking, response.status_code)
            checked += 1
    assert checked >= 5


def _holder(marker) -> str:
    if Role.PROCUREMENT_ADMIN in marker.roles:
        return WITH_ROLE[Role.PROCUREMENT_ADMIN]
    return WITH_ROLE[next(iter(sorted(marker.roles)), None)]


@pytest.mark.parametrize("actor", ["admin@lead.example", "signatory@lead.example", "admin@partner.example"])
def test_another_tenants_objects_answer_404(app, world, sign_in_as, actor):
    person = sign_in_as(actor)
    token = csrf_from(person.get("/account").get_data(as_text=True))
    checked = 0
    for rule in rules(app):
        marker = access_rule(app, rule)
        if rule.endpoint in PUBLIC_BY_NATURE or marker.kind != "tenant":
            continue
        if marker.roles and not any(r.value in _roles_of(actor) for r in marker.roles):
            continue  # refused with 403 before any object is looked up: covered above
        values = {a: (OTHER_TENANT[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        url = build(app, rule, values)
        for method in methods(rule):
            response = person.client.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 404, (actor, method, url, response.status_code)
            checked += 1
    assert checked >= 3


def _roles_of(email):
    return {"admin@lead.example": {"procurement_admin", "evaluator"}, "signatory@lead.example": {"signatory"},
            "admin@partner.example": {"procurement_admin"}}[email]


def test_own_objects_answer_to_people_holding_the_role(app, world, sign_in_as):
    people = {}
    for rule in rules(app):
        marker = access_rule(app, rule)
        if rule.endpoint in PUBLIC_BY_NATURE or marker.kind != "tenant" or "GET" not in rule.methods:
            continue
        email = _holder(marker)
        person = people.setdefault(email, sign_in_as(email))
        values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                  for a in rule.arguments}
        url = build(app, rule, values)
        expected = (200, 302, 403, 404) if rule.endpoint in ABSENT_IN_WORLD else (200, 302)
        assert person.get(url).status_code in expected, url


def test_a_real_contract_answers_404_to_other_tenants_and_opens_to_its_own(
        app, world, db, clock, recommended, sign_in_as):  # noqa: F811  (the fixture imported above)
    """The world has no contract, so the harness above names a missing one; here a real contract
    is awarded and every contract route is tried with its id by another tenant's admin (404),
    the lead's admin (their own: no 404), a member authority's officer (only their own cost and
    statement) and the awarded supplier's provider (only its meeting register)."""
    from sqlmodel import select

    from tenderapp.models import Contract, Decision, Organisation
    from tests import factories
    from tests.web.test_contracts import decision_form

    tender, lead = recommended
    lead.submit(f"/collaborations/{world.collab.id}/decisions/new", decision_form("ISO/1"))
    decision = db.exec(select(Decision).where(Decision.number == "ISO/1")).one()
    assert lead.submit(f"/tenders/{tender.id}/award",
                       {"decision_id": decision.id, "notice_on": ["30", "11", "2026"]}).status_code == 302
    contract = db.exec(select(Contract).where(Contract.tender_id == tender.id)).one()

    rival = db.get(Organisation, contract.supplier_organisation_id)
    factories.user(db, rival, "provider@rival.example", [Role.PROVIDER], clock.moment)
    provider = sign_in_as("provider@rival.example")  # the awarded supplier's: its register, nothing else
    outsider, member = sign_in_as("admin@other.example"), sign_in_as("signatory@partner.example")
    outsider_token = csrf_from(outsider.get("/account").get_data(as_text=True))
    checked = 0
    for rule in rules(app):
        marker = access_rule(app, rule)
        if marker is None or marker.kind != "tenant" or "contract_id" not in marker.objects:
            continue
        values = {a: contract.id if a == "contract_id" else SAMPLE_VALUES[a] for a in rule.arguments}
        url = build(app, rule, values)
        for method in methods(rule):
            response = outsider.client.open(url, method=method, data={"csrf_token": outsider_token})
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
        if "GET" in rule.methods and set(rule.arguments) == {"contract_id"}:  # others name sub-objects too
            kind = marker.objects["contract_id"]
            own = (provider if kind == "provider_contract" else lead).get(url).status_code
            assert own != 404 and own < 500, (url, own)
            if kind != "provider_contract":
                assert provider.get(url).status_code in (403, 404), url
            seen_by_member = member.get(url).status_code
            if kind == "member_contract":
                assert seen_by_member == 200, url
            else:
                assert seen_by_member in (403, 404), (url, seen_by_member)
    assert checked >= 10
