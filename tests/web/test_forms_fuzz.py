"""Hostile input to every form: for each route that takes a POST, someone allowed to use it
opens the page, reads the form's fields from the HTML, and posts what Hypothesis makes of
them (any unicode with NUL, control characters and right-to-left marks, huge strings, odd
numbers and dates, missing and repeated fields, random files) with a valid CSRF token.

Every answer must be a page a person can act on, never a server error; a form shown again
with errors keeps what was typed in its text fields. FUZZ_EXAMPLES sets the examples per form
(default 10) for longer runs: FUZZ_EXAMPLES=500 pytest tests/web/test_forms_fuzz.py.
"""

import io
import os
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, note, settings
from markupsafe import escape
from sqlmodel import select

from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.models import (
    AssessmentSummary,
    Bid,
    BidAttachment,
    BidSubmission,
    Clarification,
    Contract,
    ContractExtension,
    ContractPrice,
    MeetingCase,
    OpenerReplacement,
    OutboxMessage,
    PricingLine,
    QualityCriterion,
    Tender,
    TenderDocument,
    User,
)
from tenderapp.services import outbox
from tenderapp.storage import DatabaseDocumentStore
from tests import factories
from tests.conftest import Browser, csrf_from
from tests.hostile import CONTENTS, PDF_BYTES, Form, form_data, form_posting_to, request_data
from tests.web.test_bids import _post, complete_bid
from tests.web.test_contracts import decision_form
from tests.web.test_evaluation import declare_none, finish
from tests.web.test_suppliers import REGISTRATION
from tests.web.test_tenant_isolation import OWN, PUBLIC_BY_NATURE, SAMPLE_VALUES, _holder, access_rule, build
from tests.web.test_tender_builder import build_ready_tender, details, timetable
from tests.web.test_two_factor import _code, _secret_from
from tests.web.test_two_factor import _post as _post_form

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ALLOWED = {200, 302, 303, 400, 403, 404, 409, 413, 429}
DEMO_ADMIN = "admin@kent.example"
OFF_PANEL = "admin2@lead.example"  # the lead admin is on the panels: scores first, then moderation
ANONYMOUS = ""


# --- who posts where: the world, plus what a route needs that the world lacks ---------------


@dataclass
class Fuzzing:
    app: object
    db: object
    clock: object
    world: factories.World
    sign_in_as: Callable
    load_demo: Callable

    @property
    def now(self):
        return self.clock.moment


@dataclass(frozen=True)
class Case:
    """How to reach a form: ``arrange`` builds what the route needs and returns URL values (and
    "actor", "password", "page" or a signed-in "browser" where they differ from the default);
    ``also`` lists answers other than ALLOWED that are right for this route; ``seed`` gives a
    correct submission, so that some examples reach the services with one hostile field."""

    arrange: Callable[[Fuzzing], dict] | None = None
    actor: str | None = None  # None: someone holding the route's role; ANONYMOUS: nobody signed in
    page: Callable[[dict], str] | None = None  # where the form is, when not on the route itself
    also: frozenset = frozenset()
    seed: Callable | None = None  # (fuzzing, URL values, form) -> a correct submission, to make hostile


def draft_agreement(f: Fuzzing) -> dict:
    draft = factories.agreement(f.db, f.world.collab, f.world.lead_admin, f.now, "Draft agreement", issued=False)
    return {"agreement_id": draft.id}


def published(f: Fuzzing) -> dict:
    return {"tender_id": f.world.open_tender.id}


def _criterion_of(f: Fuzzing, tender_id: int) -> int:
    return f.db.exec(select(QualityCriterion.id).where(QualityCriterion.tender_id == tender_id)).first()


def line(f: Fuzzing) -> dict:
    row = PricingLine(tender_id=f.world.tender.id, position=1, code="CORE", description="Core subscription",
                      unit="per year", evaluation_quantity=16)
    f.db.add(row)
    f.db.commit()
    return {"line_id": row.id}


def criterion(f: Fuzzing) -> dict:
    row = QualityCriterion(tender_id=f.world.tender.id, position=1, title="Service delivery", guidance="How.",
                           weight=60, max_score=5, descriptors="0 – none\n5 – excellent", word_limit=200)
    f.db.add(row)
    f.db.commit()
    return {"criterion_id": row.id}


def document(f: Fuzzing) -> dict:
    sha = DatabaseDocumentStore(f.db).save(PDF_BYTES)
    row = TenderDocument(tender_id=f.world.tender.id, title="Specification", filename="specification.pdf",
                         sha256=sha, size=len(PDF_BYTES), uploaded_by_user_id=f.world.lead_admin.id,
                         uploaded_at=f.now)
    f.db.add(row)
    f.db.commit()
    return {"document_id": row.id}


def open_criterion(f: Fuzzing) -> dict:
    return {"tender_id": f.world.open_tender.id, "criterion_id": _criterion_of(f, f.world.open_tender.id)}


def attachment(f: Fuzzing) -> dict:
    values = open_criterion(f)
    url = f"/tenders/{values['tender_id']}/bid/answers/{values['criterion_id']}/files"
    bidder = f.sign_in_as("bidder@supplier.example")
    token = csrf_from(bidder.get(url).get_data(as_text=True))
    bidder.client.post(url, data={"csrf_token": token, "attachment": (io.BytesIO(PDF_BYTES), "method.pdf")},
                       content_type="multipart/form-data")
    return {**values, "attachment_id": f.db.exec(select(BidAttachment.id)).one(), "page": url}


def clarification(f: Fuzzing) -> dict:
    tender_id = f.world.open_tender.id
    f.sign_in_as("bidder@supplier.example").submit(f"/tenders/{tender_id}/questions/new",
                                                   {"question": "Is travel paid separately?"})
    return {"tender_id": tender_id, "clarification_id": f.db.exec(select(Clarification.id)).one()}


def complete(f: Fuzzing) -> dict:
    complete_bid(f.sign_in_as("bidder@supplier.example"), f.world.open_tender.id)
    return published(f)


def submitted(f: Fuzzing) -> dict:
    bidder = f.sign_in_as("bidder@supplier.example")
    complete_bid(bidder, f.world.open_tender.id)
    assert _post(bidder, f.world.open_tender.id, "submit").status_code == 302
    return published(f)


def _outbox_link(f: Fuzzing, pattern: str) -> str:
    message = f.db.exec(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return re.search(pattern, message.body).group(1)


def invitation(f: Fuzzing) -> dict:
    f.sign_in_as("admin@lead.example").submit(f"/admin/organisations/{f.world.partner.id}/invite", {
        "full_name": "New Person", "email": "new.person@partner.example", "roles": ["signatory"]})
    return {"token": _outbox_link(f, r"/invitations/([A-Za-z0-9_\-]+)")}


def reset(f: Fuzzing) -> dict:
    Browser(f.app.test_client()).submit("/forgotten-password", {"email": "viewer@lead.example"})
    return {"token": _outbox_link(f, r"/reset-password/([A-Za-z0-9_\-]+)")}


def registration(f: Fuzzing) -> dict:
    Browser(f.app.test_client()).submit("/register", {
        "organisation_name": "Calm Waters Mediation Ltd", "address": "1 High Street\nMaidstone",
        "contact_name": "Jo Calm", "email": "jo@calmwaters.example"})
    return {"token": _outbox_link(f, r"/register/confirm/(\S+)")}


def _opened(f: Fuzzing):
    """A tender of the lead with one submitted bid, past its deadline and opened with two keys;
    the lead admin and a partner evaluator on its panel, the lead admin cleared to score."""
    tender = factories.published_tender(f.db, f.world.collab, f.world.lead_admin, f.now, "FUZZ-001",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    evaluator = factories.user(f.db, f.world.partner, "evaluator@partner.example", ["evaluator"], f.now)
    factories.assign_evaluator(f.db, tender, f.world.lead_admin, f.now)
    factories.assign_evaluator(f.db, tender, evaluator, f.now)
    bidder = f.sign_in_as("bidder@supplier.example")
    complete_bid(bidder, tender.id)
    assert _post(bidder, tender.id, "submit").status_code == 302
    f.clock.set(tender.submission_deadline)
    for email in ("admin@lead.example", "admin2@lead.example"):
        person = f.sign_in_as(email)
        token = csrf_from(person.get(f"/tenders/{tender.id}/opening").get_data(as_text=True))
        person.client.post(f"/tenders/{tender.id}/opening", data={"csrf_token": token})
    declare_none(f.sign_in_as("admin@lead.example"), tender.id)
    criterion_id = _criterion_of(f, tender.id)
    return tender, criterion_id, f.db.exec(select(BidSubmission.id)).one(), evaluator


def opened(f: Fuzzing) -> dict:
    tender, criterion_id, submission_id, _ = _opened(f)
    return {"tender_id": tender.id, "criterion_id": criterion_id, "submission_id": submission_id}


def conflicted(f: Fuzzing) -> dict:
    tender, _, _, evaluator = _opened(f)
    f.sign_in_as("evaluator@partner.example").submit(f"/tenders/{tender.id}/evaluate/declaration", {
        "has_conflict": "yes", "details": "I worked for the bidder until last year."})
    return {"tender_id": tender.id, "user_id": evaluator.id}


def evaluated(f: Fuzzing) -> dict:
    tender, criterion_id, submission_id, _ = _opened(f)
    row = f.db.get(QualityCriterion, criterion_id)
    finish(f.sign_in_as, tender, row, {"Supplier Ltd": 4})
    return {"tender_id": tender.id, "submission_id": submission_id}


def recommended(f: Fuzzing) -> dict:
    values = evaluated(f)
    f.sign_in_as("admin@lead.example").submit(f"/tenders/{values['tender_id']}/evaluation/results", {
        "submission_id": values["submission_id"], "rationale": "Ranked first on price and quality."})
    return values


def ready(f: Fuzzing) -> dict:
    return {"tender_id": build_ready_tender(f.sign_in_as("admin@lead.example"), f.world)}


def closed(f: Fuzzing) -> dict:
    tender = factories.published_tender(f.db, f.world.collab, f.world.lead_admin, f.now, "SHUT-001",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=2))
    f.clock.set(tender.submission_deadline + timedelta(minutes=1))
    return {"tender_id": tender.id}


def contract(f: Fuzzing) -> dict:
    """A contract awarded from the world's open tender, built row by row (the award itself is
    fuzzed at contracts.award): not yet entered into, one of two extensions taken, and that
    extension's change notice awaited."""
    w, now = f.world, f.now
    bid = Bid(tender_id=w.open_tender.id, organisation_id=w.supplier.id, draft=b"sealed", created_at=now,
              updated_at=now, updated_by_user_id=w.bidder.id)
    f.db.add(bid)
    f.db.flush()
    submission = BidSubmission(bid_id=bid.id, number=1, receipt="FUZZ-1", content=b"sealed", content_sha256="0" * 64,
                               schedule_version=1, submitted_at=now, submitted_by_user_id=w.bidder.id)
    f.db.add(submission)
    f.db.flush()
    awarded = Contract(tender_id=w.open_tender.id, submission_id=submission.id, supplier_organisation_id=w.supplier.id,
                       award_decision_id=w.decision.id, value_pence=23_168_000, start_date=date(2027, 4, 1),
                       initial_end_date=date(2030, 3, 31), end_date=date(2031, 3, 31), extensions_allowed=2,
                       extension_max_months=24, regime="PA2023", standstill_start=date(2026, 11, 10),
                       standstill_last_day=date(2026, 11, 19), earliest_signing_date=date(2026, 11, 20), created_at=now)
    f.db.add(awarded)
    f.db.flush()
    extension = factories.decision(f.db, w.collab, w.lead_admin, now, "EXT/1", kind="extension")
    f.db.add_all([ContractPrice(contract_id=awarded.id, code="CORE", unit_price_pence=748_000),
                  ContractPrice(contract_id=awarded.id, code="PAYG", unit_price_pence=100_000),
                  ContractExtension(contract_id=awarded.id, decision_id=extension.id, months=12,
                                    previous_end_date=date(2030, 3, 31), new_end_date=date(2031, 3, 31),
                                    decided_by="Director of Children's Services", decided_on=date(2026, 11, 1),
                                    change_notice_required=True, recorded_by_user_id=w.lead_admin.id, recorded_at=now)])
    f.db.commit()
    return {"contract_id": awarded.id, "organisation_id": w.partner.id,
            "extension_id": f.db.exec(select(ContractExtension.id)).one()}


def demo_contract(f: Fuzzing) -> dict:
    """The seed scenario's contract, whose bids are sealed and scored as real ones are."""
    f.load_demo()
    return {"contract_id": f.db.exec(select(Contract.id)).one(), "actor": DEMO_ADMIN, "password": "demo-password"}


def failed_message(f: Fuzzing) -> dict:
    message = outbox.queue(f.db, "gone@partner.example", "Undelivered", "body", f.now, f.world.partner.id)
    message.attempts, message.failed_at, message.delivery_error = 8, f.now, "SMTPRecipientsRefused: 550"
    f.db.commit()
    return {"message_id": message.id, "page": "/admin/outbox/failed"}


def demo_summary(f: Fuzzing) -> dict:
    values = demo_contract(f)
    admin = f.sign_in_as(DEMO_ADMIN, "demo-password")
    base = f"/contracts/{values['contract_id']}/assessment-summaries"
    admin.client.post(f"{base}/draft", data={"csrf_token": csrf_from(admin.get(base).get_data(as_text=True))})
    return {**values, "summary_id": f.db.exec(select(AssessmentSummary.id)).first()}


def _enrolled(f: Fuzzing, email: str) -> Browser:
    """A browser of ``email`` that has just set up two-factor sign-in (so passed it)."""
    browser = Browser(f.app.test_client())
    browser.sign_in(email, second_factor=False)
    secret = _secret_from(browser.get("/account/two-factor/set-up").get_data(as_text=True))
    assert _post_form(browser, "/account/two-factor/set-up", {"code": _code(secret, f.now)}).status_code == 200
    return browser


def enrolled(f: Fuzzing) -> dict:
    return {"browser": _enrolled(f, "viewer@lead.example")}


def second_factor_due(f: Fuzzing) -> dict:
    _enrolled(f, "viewer@lead.example")
    browser = Browser(f.app.test_client())
    browser.sign_in("viewer@lead.example", second_factor=False)
    return {"browser": browser}


def _enrol_lead_admins(f: Fuzzing, *extra_emails: str) -> list:
    """The lead's admins (and ``extra_emails``, new procurement admins) with two-factor sign-in
    since well before any deadline."""
    people = [f.world.lead_admin, f.world.lead_admin2]
    people += [factories.user(f.db, f.world.lead, email, ["procurement_admin"], f.now - timedelta(days=30))
               for email in extra_emails]
    for person in people:
        row = f.db.get(User, person.id)
        row.totp_enrolled_at = f.now - timedelta(days=30)
        f.db.add(row)
    f.db.commit()
    return people


def openers_draft(f: Fuzzing) -> dict:
    _enrol_lead_admins(f)
    return {"tender_id": f.world.tender.id}


def replaceable(f: Fuzzing) -> dict:
    """A closed tender whose opener Admin2 has left; admin3 can replace them."""
    values = closed(f)  # named openers: the two admins there are now
    people = _enrol_lead_admins(f, "admin3@lead.example", "admin4@lead.example")
    return {**values, "leaving": people[1].id, "nominee": people[2].id,
            "page": f"/tenders/{values['tender_id']}/openers"}


def proposed(f: Fuzzing) -> dict:
    values = replaceable(f)
    proposer = f.sign_in_as("admin@lead.example")
    page = proposer.get(values["page"]).get_data(as_text=True)
    proposer.client.post(f"/tenders/{values['tender_id']}/openers/replace", data={
        "csrf_token": csrf_from(page), "leaving": values["leaving"], "nominee": values["nominee"],
        "reason": "Left the council."})
    replacement = f.db.exec(select(OpenerReplacement.id)).one()
    return {"tender_id": values["tender_id"], "replacement_id": replacement, "action": "confirm",
            "page": values["page"], "actor": "admin4@lead.example"}


def meeting_contract(f: Fuzzing) -> dict:
    """A contract with the seed's rates and cost shares, its register kept by Supplier Ltd's provider."""
    contract_row = factories.awarded_contract(f.db, f.world, f.now)
    return {"contract_id": contract_row.id, "actor": "provider@supplier.example"}


def meeting_case(f: Fuzzing) -> dict:
    values = meeting_contract(f)
    provider = f.sign_in_as("provider@supplier.example")
    provider.submit(f"/contracts/{values['contract_id']}/register/new", MEETING_CASE(f))
    return {**values, "case_id": f.db.exec(select(MeetingCase.id)).one()}


def MEETING_CASE(f: Fuzzing) -> dict:  # noqa: N802  (a seed, like the constants below)
    return {"organisation_id": str(f.world.lead.id), "reference": "MED-2015-001", "kind": "mediation",
            "requester": "parent", "day_told": ["1", "5", "2015"], "meeting_day": ["20", "5", "2015"],
            "attendance": "held", "outcome": "agreement_full", "certificate_on": ["21", "5", "2015"],
            "certificate_kind": "after_mediation"}


def contract_page(values: dict) -> str:
    return f"/contracts/{values['contract_id']}"


NEW_PASSWORD = "a long new passphrase of words"
PASSWORDS = {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
PDF_FILE = [(PDF_BYTES, "specification.pdf")]
REMOVAL = {"amendment_summary": "Removed: it is no longer needed."}
LINE = {"code": "CORE-Y2", "description": "Core subscription, year 2", "unit": "per authority per year",
        "evaluation_quantity": "16", "per_authority": "y"}
CRITERION = {"title": "Social value", "guidance": "How you will add social value.", "weight": "10", "max_score": "5",
             "min_score": "2", "descriptors": "0 – none\n5 – excellent", "word_limit": "500"}
AGREEMENT = {"title": "Mediation agreement", "body": "# Agreement\n\nThe members share the cost.",
             "change_summary": "The cost split changed."}
DATE = ["30", "11", "2026"]  # the frozen clock's day


def seed(data: dict) -> Callable:
    return lambda f, values, form: data


def every(prefix: str, value: str) -> Callable:
    """The same value in every field whose name starts with ``prefix`` (one per line or criterion)."""
    return lambda f, values, form: {name: value for name in form.fields if name.startswith(prefix)}


CASES = {
    # signing in and out, passwords, two-factor sign-in, invitations and registration
    "auth.sign_in": Case(actor=ANONYMOUS, seed=seed({"email": "viewer@lead.example", "password": factories.PASSWORD})),
    "auth.sign_out": Case(actor="viewer@lead.example", page=lambda v: "/account"),
    "auth.change_password": Case(actor="viewer@lead.example", seed=seed({
        "current_password": factories.PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})),
    "auth.two_factor_setup": Case(actor="viewer@lead.example", seed=seed({"code": "123456"})),
    "auth.notification_choices": Case(actor="viewer@lead.example", seed=seed({"wanted": ["bids_opened"]})),
    "auth.two_factor": Case(second_factor_due, seed=seed({"code": "123456"})),
    "auth.renew_recovery_codes": Case(enrolled, seed=seed({"code": "123456"})),
    "auth.forgotten_password": Case(actor=ANONYMOUS, seed=seed({"email": "viewer@lead.example"})),
    "auth.reset_password": Case(reset, actor=ANONYMOUS, also=frozenset({410}), seed=seed(PASSWORDS)),
    "auth.accept_invitation": Case(invitation, actor=ANONYMOUS, also=frozenset({410}), seed=seed(PASSWORDS)),
    "suppliers.register": Case(actor=ANONYMOUS, seed=seed(REGISTRATION)),
    "suppliers.confirm": Case(registration, actor=ANONYMOUS, also=frozenset({410}), seed=seed(PASSWORDS)),
    # administration
    "admin.new_collaboration": Case(seed=seed({"name": "Fuzz Group Advocacy"})),
    "admin.add_member": Case(seed=lambda f, v, form: {"organisation_id": str(f.world.other_lead.id)}),
    "admin.new_member": Case(seed=seed({"name": "Newtown Borough Council", "kind": "local_authority"})),
    "admin.invite": Case(seed=seed({"full_name": "New Person", "email": "new.person@partner.example",
                                    "roles": ["signatory"]})),
    "admin.user_roles": Case(seed=seed({"roles": ["signatory", "viewer"]})),
    "admin.identifiers": Case(seed=seed({"gb_lae": "NWT", "gb_coh": "01234567", "gb_ppon": "PABC-1234-DEFG"})),
    "admin.reset_two_factor": Case(),
    "admin.retry_message": Case(failed_message),
    # the collaborative agreement
    "agreements.new": Case(seed=seed(AGREEMENT)),
    "agreements.edit_draft": Case(draft_agreement, seed=seed(AGREEMENT)),
    "agreements.issue": Case(draft_agreement),
    "agreements.new_version": Case(seed=seed(AGREEMENT)),
    "agreements.reminders": Case(page=lambda v: f"/agreements/{v['agreement_id']}/tracker"),
    "agreements.new_representation": Case(seed=lambda f, v, form: {
        "representative_id": str(f.world.lead.id), "represented_ids": [str(f.world.partner.id)],
        "reference": "Letter of authority, 3 March 2026", "document": PDF_FILE}),
    "agreements.in_principle": Case(seed=lambda f, v, form: {"organisation_ids": [str(f.world.lead.id)],
                                                             "note": "Subject to our board."}),
    "agreements.decline": Case(seed=lambda f, v, form: {"organisation_ids": [str(f.world.lead.id)],
                                                        "reason": "The cost split is unfair."}),
    "agreements.sign": Case(seed=lambda f, v, form: {
        "organisation_ids": [str(f.world.lead.id)], "full_name": "Sam Signatory", "job_title": "Director",
        "authorised": "y", "password": factories.PASSWORD}),
    # building a tender
    "tenders.new": Case(seed=seed(details(reference="FUZZ-NEW"))),
    "tenders.details": Case(seed=seed(details(reference="LEAD-001"))),
    "tenders.timetable": Case(seed=seed(timetable())),
    "tenders.weighting": Case(seed=seed({"price_weight": "40", "price_method": "lowest", "abnormally_low_percent": "80",
                                         "spread_threshold": "2"})),
    "tenders.conflicts": Case(seed=seed({"assessment": "All panel members declared no conflicts."})),
    "tenders.publish": Case(ready),
    "tenders.new_line": Case(seed=seed(LINE)),
    "tenders.edit_line": Case(line, seed=seed(LINE)),
    "tenders.remove_line": Case(line, seed=seed(REMOVAL)),
    "tenders.new_criterion": Case(seed=seed(CRITERION)),
    "tenders.edit_criterion": Case(criterion, seed=seed(CRITERION)),
    "tenders.remove_criterion": Case(criterion, seed=seed(REMOVAL)),
    "tenders.new_document": Case(seed=seed({"title": "Specification", "document": PDF_FILE})),
    "tenders.withdraw_document": Case(document, seed=seed(REMOVAL)),
    # suppliers' questions and interest, the lead's answers
    "tenders.ask": Case(published, seed=seed({"question": "Is travel paid separately?"})),
    "tenders.register_interest": Case(published, page=lambda v: f"/tenders/{v['tender_id']}"),
    "tenders.answer": Case(clarification, seed=seed({"answer": "Yes, at cost.", "visibility": "published"})),
    # a supplier's bid
    "bids.prices": Case(seed=every("line_", "£1,250.00")),
    "bids.upload": Case(seed=lambda f, v, form: {"workbook": [(f.sign_in_as("bidder@supplier.example").get(
        f"/tenders/{v['tender_id']}/bid/template.xlsx").data, "prices.xlsx")]}),
    "bids.answers": Case(seed=every("criterion_", "We will run the service from three hubs.")),
    "bids.attachments": Case(open_criterion, seed=seed({"attachment": [(PDF_BYTES, "method.pdf")]})),
    "bids.remove_attachment": Case(attachment),
    "bids.declarations": Case(seed=seed({"declarations": list(REQUIRED_DECLARATIONS)})),
    "bids.submit": Case(complete, page=lambda v: f"/tenders/{v['tender_id']}/bid"),
    "bids.withdraw": Case(submitted),
    # opening and evaluation
    "opening.opening_page": Case(closed),
    "opening.openers": Case(openers_draft, seed=lambda f, v, form: {
        "openers": [str(f.world.lead_admin.id), str(f.world.lead_admin2.id)], "quorum": "2"}),
    "opening.propose_replacement": Case(replaceable, seed=lambda f, v, form: {
        "leaving": str(v["leaving"]), "nominee": str(v["nominee"]), "reason": "Left the council on 1 December."}),
    "opening.decide_replacement": Case(proposed),
    "evaluation.assign": Case(published, seed=lambda f, v, form: {
        "user_id": str(f.world.lead_admin2.id), "criterion_ids": [str(_criterion_of(f, v["tender_id"]))]}),
    "evaluation.declaration": Case(seed=seed({"has_conflict": "no"})),
    "evaluation.score": Case(opened, seed=seed({"score": "3", "justification": "Meets the requirement."})),
    "evaluation.resolve": Case(conflicted, seed=seed({"decision": "continue", "mitigation": "Not on that bid."})),
    "evaluation.moderate": Case(opened, actor=OFF_PANEL, seed=seed({"score": "3", "rationale": "Agreed."})),
    "evaluation.compliance": Case(opened, actor=OFF_PANEL, seed=seed({"passed": "yes", "reason": "All there."})),
    "evaluation.results_page": Case(evaluated, seed=lambda f, v, form: {
        "submission_id": str(v["submission_id"]), "rationale": "Ranked first."}),
    # decisions, the award and the contract
    "contracts.new_decision": Case(seed=seed(decision_form("FUZZ/1"))),
    "contracts.new_decision_document": Case(seed=seed({"kind": "report", "title": "Report", "document": PDF_FILE})),
    "contracts.publish_decision": Case(page=lambda v: "/decisions"),
    "contracts.award": Case(recommended, seed=lambda f, v, form: {"decision_id": str(f.world.decision.id),
                                                                  "notice_on": DATE}),
    "contracts.entered": Case(contract, page=contract_page, seed=seed({"signed_on": ["20", "11", "2026"]})),
    "contracts.notice_date": Case(contract, seed=seed({"notice_on": ["12", "11", "2026"],
                                                       "reason": "The notice was published two days later."})),
    "contracts.extend": Case(contract, page=contract_page, seed=lambda f, v, form: {
        "decision_id": form.fields["decision_id"].values[-1], "months": "12", "decided_by": "Director",
        "decided_on": ["2", "10", "2030"]}),
    "contracts.change_notice": Case(contract, page=contract_page, seed=seed({"published_on": DATE})),
    "contracts.cost_basis": Case(contract, seed=seed({"core_codes": "CORE", "payg_code": "PAYG",
                                                      "included_meetings": "5", "procurement_cost": "32,000"})),
    "contracts.baseline": Case(contract, seed=seed({"previous_cost": "£16,100.50", "meetings_per_year": "9",
                                                    "weight": "2"})),
    "contracts.draft_summaries": Case(demo_contract,
                                      page=lambda v: f"/contracts/{v['contract_id']}/assessment-summaries"),
    "contracts.assessment_summary": Case(demo_summary, seed=seed({"body": "Your bid scored well on quality."})),
    "contracts.issue_summaries": Case(demo_summary),
    # the meeting register
    "contracts.new_case": Case(meeting_contract, seed=lambda f, v, form: MEETING_CASE(f)),
    "contracts.edit_case": Case(meeting_case, seed=lambda f, v, form: MEETING_CASE(f)),
    "contracts.meeting_terms": Case(lambda f: {"contract_id": meeting_contract(f)["contract_id"]}, seed=seed({
        "mediation_code": "PAYG-MED", "dr_code": "PAYG-DR", "charge_late_cancellation": "y",
        "late_cancellation_days": "2", "charge_non_attendance": "y"})),
}


def post_endpoints(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods and r.endpoint not in PUBLIC_BY_NATURE}


def test_every_form_is_fuzzed(app):
    missing = sorted(post_endpoints(app) - set(CASES))
    assert missing == [], f"POST routes the fuzz does not cover: add them to CASES: {missing}"
    assert sorted(set(CASES) - post_endpoints(app)) == [], "CASES names routes that no longer take a POST"


# --- the fuzz -------------------------------------------------------------------------------


def _reach(f: Fuzzing, endpoint: str):
    """The signed-in browser, the form's address, the page showing it, the case and the URL values."""
    rule = next(r for r in f.app.url_map.iter_rules() if r.endpoint == endpoint)
    marker = access_rule(f.app, rule)
    case = CASES[endpoint]
    values = {a: (OWN[marker.objects[a]](f.world) if a in marker.objects else SAMPLE_VALUES[a])
              for a in rule.arguments}
    values.update(case.arrange(f) if case.arrange else {})
    actor = values.pop("actor", case.actor)
    password = values.pop("password", factories.PASSWORD)
    page = values.pop("page", None)
    person = values.pop("browser", None)
    url = build(f.app, rule, {a: values[a] for a in rule.arguments})
    if person is None:
        actor = _holder(marker) if actor is None else actor
        person = f.sign_in_as(actor, password) if actor else Browser(f.app.test_client())
    return person, url, page or (case.page(values) if case.page else url), case, values


def _kept_text(response, data: dict, form: Form) -> None:
    """A form shown again with errors still holds what was typed in each text field."""
    page = response.get_data(as_text=True)
    for name, values in data.items():
        entry = form.fields.get(name)
        if entry is None or entry.kind not in {"text", "email", "textarea"} or entry.count != 1 or len(values) != 1:
            continue
        if f'name="{name}"' not in page or not isinstance(values[0], str):
            continue
        typed = values[0]
        shown = {typed, typed.strip(), typed.replace("\x00", ""), typed.replace("\x00", "").strip()}  # text drops NUL
        assert any(str(escape(t)) in page for t in shown), f"{name}: what was typed is lost"


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_hostile_input_never_breaks_a_form(endpoint, app, db, clock, world, sign_in_as, load_demo):
    f = Fuzzing(app, db, clock, world, sign_in_as, load_demo)
    person, url, page_url, case, values = _reach(f, endpoint)
    page = person.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    html = page.get_data(as_text=True)
    form = form_posting_to(html, url, page_url)
    assert form is not None, f"no form posting to {url} on {page_url}"
    token = csrf_from(html)
    allowed = ALLOWED | case.also
    seeded = case.seed(f, values, form) if case.seed else None

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(form_data(form, CONTENTS, seeded))
    def post(generated):
        data, multipart = generated
        sent, has_file = request_data(data)
        note(f"POST {url}: {({k: [repr(v)[:80] for v in vs] for k, vs in data.items()})}")
        response = person.client.post(url, data={**sent, "csrf_token": token},
                                      content_type="multipart/form-data" if multipart or has_file else None)
        assert response.status_code in allowed, response.status_code
        if response.status_code == 400:
            _kept_text(response, data, form)

    post()


def test_a_request_larger_than_the_limit_is_refused_as_too_large(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    url = f"/tenders/{world.tender.id}/documents/new"
    token = csrf_from(admin.get(url).get_data(as_text=True))
    big = PDF_BYTES + b"0" * (26 * 1024 * 1024)
    response = admin.client.post(url, data={"csrf_token": token, "title": "Big",
                                            "document": (io.BytesIO(big), "big.pdf")},
                                 content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


# --- what the fuzz found, kept as plain regression tests ------------------------------------


def test_a_huge_email_address_is_refused_for_its_length_before_its_syntax_is_checked(app, world):
    # checking the syntax of 300,000 characters took seconds (of a minute for 25MB): from anyone
    visitor = Browser(app.test_client())
    response = visitor.submit("/register", {"organisation_name": "Calm Waters Ltd", "address": "1 High Street",
                                            "contact_name": "Jo Calm", "email": "a " * 150_000 + "@x"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Email address must be 320 characters or fewer" in page and "in the correct format" not in page


def test_a_whole_number_of_400_digits_gets_the_range_message(world, sign_in_as):
    # NumberRange turned it into a float: OverflowError, a server error
    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/weighting",
                                                       {"price_weight": "9" * 400, "price_method": "lowest"})
    assert response.status_code == 400
    assert "Price weighting must be a whole number between 0 and 100" in response.get_data(as_text=True)


def test_an_amount_of_1000_digits_gets_a_hint(world, sign_in_as):
    # quantizing it raised decimal.InvalidOperation: a server error
    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/details", {
        "reference": "LEAD-001", "title": "Tender", "description": "Mediation.", "regime": "PA2023",
        "cpv_code": "79995000", "estimated_value": "9" * 1000, "extensions_allowed": "0"})
    assert response.status_code == 400
    assert "Estimated total value: enter an amount under £1,000,000,000" in response.get_data(as_text=True)


@pytest.mark.parametrize("version_id", ["not a number", "9" * 30, "", "-1"])
def test_a_tampered_version_on_an_answer_is_read_as_superseded(world, sign_in_as, version_id):
    # int() of it was a ValueError: a server error
    response = sign_in_as("signatory@lead.example").submit(f"/agreements/{world.agreement.id}/in-principle", {
        "version_id": version_id, "organisation_ids": [world.lead.id]})
    assert response.status_code == 409


def test_text_fields_drop_nul_characters_which_postgresql_cannot_store(world, sign_in_as, db):
    # on PostgreSQL saving "Medi\x00ation." was a DataError: a server error
    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/details", details(
        reference="LEAD-001", description="Medi\x00ation for the members.\x00"))
    assert response.status_code == 302
    assert db.get(Tender, world.tender.id).description == "Mediation for the members."


def test_a_date_of_spaces_is_no_date(world, sign_in_as):
    # it passed InputRequired as a date of None, which the timetable then used: a server error
    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/timetable",
                                                       timetable(publication_date=[" ", " ", " "]))
    assert response.status_code == 400
    assert "Enter the publication date" in response.get_data(as_text=True)


def test_a_name_differing_only_in_letters_sqlite_cannot_lower_is_still_taken(world, sign_in_as):
    # SQLite's lower() leaves É alone: the check missed the duplicate, the unique constraint did not
    admin = sign_in_as("admin@lead.example")
    assert admin.submit("/admin/collaborations/new", {"name": "École Group"}).status_code == 302
    again = admin.submit("/admin/collaborations/new", {"name": "École Group"})
    assert again.status_code == 400
    assert "A collaboration with this name already exists" in again.get_data(as_text=True)


def test_an_amount_above_a_32_bit_pence_column_is_stored(world, db, sign_in_as):
    # on PostgreSQL £30,000,000.00 overflowed the 32-bit pence column (a server error); the pence
    # columns are 64-bit now
    from tenderapp.models import Tender

    response = sign_in_as("admin@lead.example").submit(f"/tenders/{world.tender.id}/details", details(
        reference="LEAD-001", estimated_value="£30,000,000"))
    assert response.status_code == 302, response.get_data(as_text=True)
    tender = db.get(Tender, world.tender.id)
    db.refresh(tender)
    assert tender.estimated_value_pence == 3_000_000_000 > 2**31
