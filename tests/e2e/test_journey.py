"""The whole procurement, in a real browser with JavaScript off, as the people who do it:
a partner authority signs the collaborative agreement, the lead publishes the tender, a new
supplier registers and bids (prices from the Excel template), the deadline passes, two
admins open the bids, evaluators score, the moderator moderates, the award is decided and
made, the extension is recorded, the provider keeps the meeting register and the lead reads an
authority's statement.

Every page reached is checked with axe-core (serious and critical violations fail the
test) and each step leaves a full-page screenshot in test-artifacts/e2e/."""

import time
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from tests.e2e import arrange
from tests.e2e.axe import failing, report
from tests.e2e.people import Journey, sign_in

pytestmark = pytest.mark.browser

SUPPLIER = "Harbour Mediation Ltd"
SUPPLIER_EMAIL = "bids@harbour-mediation.example"
SUPPLIER_PASSWORD = "harbour tide lantern 42"
COMPETITOR = "Family Voice Mediation Ltd"
ADMIN, SECOND_ADMIN = "admin@kent.example", "admin2@kent.example"
EVALUATORS = {"evaluator@kent.example": "Grace Okafor, Kent County Council",
              "evaluator@surrey.example": "Owen Fletcher, Surrey County Council"}
CRITERIA = [c.title for c in arrange.CRITERIA]
# The app's clock through the journey (UTC; UK time is the same in winter).
PUBLISHED_AT = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
BIDDING_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2026, 12, 4, 12, 30, tzinfo=UTC)  # the deadline is 4 December, midday
EVALUATING_AT = datetime(2026, 12, 4, 14, 0, tzinfo=UTC)  # the same day: the admin stays signed in
AWARDING_AT = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
EXTENDING_AT = datetime(2029, 10, 1, 10, 0, tzinfo=UTC)


def test_the_procurement_from_agreement_to_extension(chromium, auditor, live_app, live_server, artefacts,
                                                     capsys):
    started = time.monotonic()
    clock = live_app.config["CLOCK"]
    arranged = arrange.arrange(live_app, live_server, clock())
    arranged_in = time.monotonic() - started
    journey = Journey(live_app, chromium, live_server, auditor, artefacts)
    try:
        partner_signs_the_agreement(journey)
        clock.set(PUBLISHED_AT)
        admin_publishes_the_tender(journey)
        evaluators_join_the_panel_and_declare(journey)
        clock.set(BIDDING_AT)
        arrange.competing_bid(live_app, arranged.tender_id, clock())
        supplier = supplier_registers(journey)
        supplier_bids_with_the_excel_template(journey, supplier)
        clock.set(AFTER_DEADLINE)
        first_admin = two_admins_open_the_bids(journey)
        clock.set(EVALUATING_AT)
        evaluators_score(journey)
        moderator_moderates_and_recommends(journey, first_admin)
        clock.set(AWARDING_AT)
        award_is_decided_and_made(journey)
        clock.set(EXTENDING_AT)
        extension_is_recorded(journey)
        arrange.running_the_contract(live_app, SUPPLIER, arranged.tender_id, clock())
        provider_keeps_the_register(journey)
        lead_reads_a_statement(journey)
    except BaseException:
        journey.screenshot_where_it_stopped()
        raise
    finally:
        journey.close()
        with capsys.disabled():
            print(f"\nBrowser journey: {journey.shots} screenshots in {artefacts}")
    journey_done = time.monotonic() - started
    findings = journey.findings()
    with capsys.disabled():
        print(f"{len(journey.audits)} pages reached, {len(journey.checks())} distinct ones checked with axe-core; "
              f"{time.monotonic() - started:.1f} s "
              f"(arranged in {arranged_in:.1f} s, journey done at {journey_done:.1f} s)")
        others = [f for f in findings if f not in failing(findings)]
        if others:
            print("axe-core, moderate and minor (not failing), by rule:")
            for rule in sorted({f.rule for f in others}):
                found = [f for f in others if f.rule == rule]
                print(f"  {rule} ({found[0].impact}) on {len(found)} pages: {found[0].help}; "
                      f"for example at {found[0].targets[0]} on {found[0].url}")
    serious = failing(findings)
    assert not serious, f"axe-core found {len(serious)} serious or critical violations:\n" + report(serious)


def partner_signs_the_agreement(journey):
    journey.step("A partner authority signs the collaborative agreement")
    signatory = "signatory@medway.example"
    medway = sign_in(journey, signatory, start=journey.link_in_email(signatory, "/agreements/"))
    medway.follow("Sign the agreement")
    medway.choose("Medway Council")
    medway.fill("Full name", "Joanne Obi")
    medway.fill("Job title", "Director of Children's Services")
    medway.choose("I confirm that I am authorised to sign this agreement for the organisations selected")
    medway.fill("Your password", arrange.DEMO_PASSWORD)
    medway.press("Sign the agreement")
    medway.sees("You have signed the agreement", "1 of 2 members have signed")
    medway.screenshot("partner-signed-agreement")


def admin_publishes_the_tender(journey):
    journey.step("The second procurement admin sets up two-factor sign-in, so they can be a bid opener")
    sign_in(journey, SECOND_ADMIN, start="/tenders")

    journey.step("The lead's procurement admin names the bid openers and publishes the tender")
    admin = sign_in(journey, ADMIN, start="/tenders")
    admin.follow(arrange.TITLE)
    admin.sees("Name at least 2 bid openers")
    admin.follow("Name the bid openers")
    admin.press("Save the bid openers")  # the default: every admin with two-factor sign-in
    admin.sees("Bid openers saved")
    admin.screenshot("bid-openers-named")
    admin.follow("Back to the tender")
    admin.follow("Publish the tender")
    admin.press("Publish the tender")
    admin.sees(f"Tender {arrange.REFERENCE} published")
    admin.screenshot("tender-published")

    journey.step("The admin puts two evaluators on the panel")
    admin.follow("Evaluation", exact=True)
    for option in EVALUATORS.values():
        admin.follow("Add an evaluator")
        admin.select("Evaluator", option)
        for title in CRITERIA:
            admin.choose(title)
        admin.press("Add to the panel")
        admin.sees("Evaluator added to the panel", option)
    admin.screenshot("panel-chosen")


def evaluators_join_the_panel_and_declare(journey):
    journey.step("Evaluators follow the emailed link and declare their interests")
    for email in EVALUATORS:
        evaluator = sign_in(journey, email, start=journey.link_in_email(email, "/evaluate/declaration"))
        evaluator.choose("No")
        evaluator.press("Make the declaration")
        evaluator.sees("Declaration recorded", "The bids have not been opened yet")
    evaluator.screenshot("evaluator-declared")


def supplier_registers(journey):
    journey.step("A supplier registers")
    supplier = journey.person(SUPPLIER_EMAIL)
    supplier.open("/sign-in")
    supplier.follow("register your organisation")
    supplier.press("Register", exact=True, status=400)  # nothing filled in: the error summary
    supplier.sees("There is a problem", "Enter your organisation's name")
    supplier.fill("Organisation name", SUPPLIER)
    supplier.fill("Companies House number (optional)", "09876543")
    supplier.fill("Registered address", "4 Quay Street\nWhitstable\nCT5 1AB")
    supplier.fill("Your full name", "Jo Marsh")
    supplier.fill("Your email address", SUPPLIER_EMAIL)
    supplier.press("Register", exact=True)
    supplier.sees(SUPPLIER_EMAIL)
    supplier.screenshot("supplier-registered")

    journey.step("The supplier confirms the emailed link and chooses a password")
    supplier.open(journey.link_in_email(SUPPLIER_EMAIL, "/register/confirm/"))
    supplier.fill("Create a password", SUPPLIER_PASSWORD)
    supplier.fill("Confirm password", SUPPLIER_PASSWORD)
    supplier.press("Finish registering")
    supplier.sees(f"{SUPPLIER} is registered")
    supplier.fill("Password", SUPPLIER_PASSWORD)
    supplier.press("Sign in")
    assert supplier.heading() == "Dashboard"
    supplier.screenshot("supplier-signed-in")
    return supplier


def supplier_bids_with_the_excel_template(journey, supplier):
    journey.step("The supplier prices the schedule from the Excel template")
    supplier.follow(f"{arrange.REFERENCE}: {arrange.TITLE}")
    supplier.press("Register interest")
    supplier.follow("Prepare your bid")
    supplier.follow("Prices", exact=True)
    supplier.follow("Upload your prices from Excel")
    template = supplier.download("Download the pricing template", journey.artefacts)
    book = load_workbook(template)
    sheet = book["Pricing"]
    prices = {"CORE": 13250.00, "PAYG": 985.50}
    for row in range(5, 5 + len(prices)):
        sheet[f"E{row}"] = prices[sheet[f"A{row}"].value]
    filled = journey.artefacts / "pricing-filled.xlsx"
    book.save(filled)
    template.unlink()
    supplier.page.get_by_label("Filled-in pricing template").set_input_files(filled)
    supplier.press("Upload prices")
    supplier.sees("Prices read from your workbook and saved", "£13,250.00", "£985.50")
    supplier.screenshot("prices-uploaded")

    journey.step("The supplier answers, declares and submits")
    supplier.follow("Quality answers")
    supplier.fill(f"{CRITERIA[0]} (35 marks)", "Local mediators in every member area, one booking line, "
                  "and meetings arranged within the statutory timescales.", exact=False)
    supplier.fill(f"{CRITERIA[1]} (25 marks)", "Apprenticeships for local young people and training for "
                  "parent carer forums.", exact=False)
    supplier.press("Save answers")
    supplier.follow("Declarations")
    for checkbox in supplier.page.get_by_role("checkbox").all():
        checkbox.check()
    supplier.press("Save declarations")
    supplier.press("Submit your bid")
    supplier.sees("Your bid has been submitted")
    supplier.screenshot("bid-submitted")


def two_admins_open_the_bids(journey):
    journey.step("After the deadline, the first admin's dashboard asks for a key, naming the other opener")
    first = sign_in(journey, ADMIN)
    first.sees("Turn your key to open the bids", "0 of 2 keys turned", "(not yet)")
    first.screenshot("dashboard-key-to-turn")
    first.follow("Turn your key to open the bids")
    first.press("Confirm the opening (key 1 of 2)")
    first.sees("Your key is turned")
    first.screenshot("first-key-turned")

    journey.step("The second admin's dashboard shows the first key turned; the second key opens the box")
    second = sign_in(journey, SECOND_ADMIN)
    second.sees("Turn your key to open the bids", "1 of 2 keys turned", "(key turned)")
    second.follow("Turn your key to open the bids")
    second.press("Confirm the opening (key 2 of 2)")
    second.sees("The bids are open", SUPPLIER, COMPETITOR)
    second.follow("Read the bids")
    second.sees(SUPPLIER, COMPETITOR)
    second.screenshot("bids-opened")
    return first


GOOD, FAIR = "4 – good", "3 – satisfactory"  # score labels, from the criteria's descriptors
SCORES = {  # evaluator -> (supplier, criterion) -> score
    "evaluator@kent.example": {(SUPPLIER, CRITERIA[0]): GOOD, (SUPPLIER, CRITERIA[1]): GOOD,
                               (COMPETITOR, CRITERIA[0]): FAIR, (COMPETITOR, CRITERIA[1]): FAIR},
    "evaluator@surrey.example": {(SUPPLIER, CRITERIA[0]): GOOD, (SUPPLIER, CRITERIA[1]): FAIR,
                                 (COMPETITOR, CRITERIA[0]): FAIR, (COMPETITOR, CRITERIA[1]): GOOD},
}
CONSENSUS = {(SUPPLIER, CRITERIA[0]): GOOD, (SUPPLIER, CRITERIA[1]): GOOD,
             (COMPETITOR, CRITERIA[0]): FAIR, (COMPETITOR, CRITERIA[1]): FAIR}


def evaluators_score(journey):
    journey.step("Evaluators follow the task on their dashboard and score the answers")
    for email, scores in SCORES.items():
        evaluator = sign_in(journey, email)
        evaluator.sees("Score the answers: 0 of 4 scored", arrange.TITLE)
        evaluator.follow("Score the answers: 0 of 4 scored")
        for (supplier, criterion), score in scores.items():
            evaluator.follow(f"Open {supplier}, {criterion}")
            evaluator.choose(score)
            evaluator.fill("Justification", f"The answer on {criterion.lower()} meets the descriptor for {score}.")
            evaluator.press("Submit score")
            evaluator.sees("Score submitted")
            evaluator.follow("Back to your evaluation")
        evaluator.sees("Scored 4")
    evaluator.screenshot("answers-scored")


def moderator_moderates_and_recommends(journey, moderator):
    """The admin who turned the first key, still signed in, moderates."""
    journey.step("The moderator's dashboard says every score is in; compliance and consensus scores follow")
    moderator.follow("Dashboard", exact=True)
    moderator.sees("Moderate the scores", "All 8 scores are in")
    moderator.follow("Moderate the scores")
    for supplier in (SUPPLIER, COMPETITOR):
        moderator.follow(f"Record compliance for {supplier}")
        moderator.choose("Yes, it passes")
        moderator.fill("Reason", "Every document and declaration was received.")
        moderator.press("Record", exact=True)
        moderator.sees("Compliance recorded")
    for (supplier, criterion), score in CONSENSUS.items():
        moderator.follow(f"Moderate {criterion}, {supplier}")
        moderator.choose(score)
        moderator.fill("Rationale", f"The panel agreed {score} after discussing both evaluators' reasons.")
        moderator.press("Record the consensus score")
        moderator.sees("Consensus score recorded")
    moderator.screenshot("scores-moderated")

    journey.step("The moderator records the recommendation")
    moderator.follow("Back", exact=True)
    moderator.follow("Results", exact=True)
    moderator.select("Recommended bid", f"1. {SUPPLIER}")
    moderator.fill("Rationale", "Ranked first on price and quality, and first in every sensitivity scenario.")
    moderator.press("Record the recommendation")
    moderator.sees("Recommendation recorded")
    moderator.screenshot("recommendation-recorded")


def record_decision(admin, number, title, kind, maker, endorsed_on, taken_on, summary):
    admin.fill("Decision number", number)
    admin.fill("Title", title)
    admin.choose(kind)
    admin.fill("Taken by", maker)
    admin.fill("Summary", summary)
    if endorsed_on:
        admin.fill("Endorsed by (optional)", "Education and Young People's Services Cabinet Committee")
        admin.fill_date("Endorsed on (optional)", endorsed_on)
    admin.fill_date("Taken on (optional)", taken_on)
    admin.press("Record the decision")
    admin.sees("Decision recorded", number)


def award_is_decided_and_made(journey):
    journey.step("The award decision is recorded")
    admin = sign_in(journey, ADMIN, start="/tenders")
    admin.follow(arrange.TITLE)
    admin.follow("Award and contract")
    admin.follow("Record it first")
    record_decision(admin, "26/00412", "SEND Mediation Service: award of contract", "Award",
                    "Cabinet Member for Education", date(2026, 12, 10), date(2026, 12, 11),
                    f"To award the contract to {SUPPLIER} for 3 years from 1 April 2027.")
    admin.screenshot("award-decision-recorded")

    journey.step("The award is made, with its standstill period")
    admin.follow("Tenders", exact=True)
    admin.follow(arrange.TITLE)
    admin.follow("Award and contract")
    admin.select("Award decision", "26/00412: SEND Mediation Service: award of contract")
    admin.fill_date("Notice date", date(2026, 12, 14))
    admin.press("Record the award")
    admin.sees("Award recorded", SUPPLIER)
    admin.screenshot("award-made")


def extension_is_recorded(journey):
    journey.step("The extension decision is recorded")
    admin = sign_in(journey, ADMIN, start="/decisions")
    admin.follow("Record a decision for South East Group SEND Mediation")
    record_decision(admin, "ODR/29/0042", "Extension of the SEND Mediation Service contract", "Extension",
                    "Corporate Director, Education", None, date(2029, 9, 28),
                    "To extend the contract by 2 years to 31 March 2032, as the contract allows.")

    journey.step("The extension is recorded on the contract")
    admin.follow("Tenders", exact=True)
    admin.follow(arrange.TITLE)
    admin.follow("Award and contract")
    admin.select("Extension decision", "ODR/29/0042: Extension of the SEND Mediation Service contract")
    admin.fill("Length of the extension (months)", "24")
    admin.fill("Decided by", "Corporate Director, Education")
    admin.fill("Consulted (optional)", "Cabinet Member for Education")
    admin.fill_date("Decided on", date(2029, 9, 28))
    admin.press("Record the extension")
    admin.sees("Extension recorded", "31 March 2032")
    admin.screenshot("extension-recorded")


def provider_keeps_the_register(journey):
    journey.step("The provider records a disagreement-resolution case, its funding agreement first")
    provider = sign_in(journey, arrange.PROVIDER_EMAIL, start="/dashboard")
    provider.follow("Meeting registers")
    provider.follow(f"{arrange.REFERENCE}: {arrange.TITLE}")
    provider.follow("Record a case")
    provider.select("Member authority", "Kent County Council")
    provider.fill("Case reference", "KCC-27-001")
    provider.choose("Disagreement resolution")
    provider.choose("Parent")
    provider.fill_date("Day the authority was told", date(2027, 5, 4))
    provider.fill_date("Meeting day (optional)", date(2027, 5, 20))
    provider.select("What happened at the meeting", "Held")
    provider.select("Funding party (disagreement resolution only)", "School")
    provider.fill("Funding party's name (optional)", "Oakwood Primary School")
    provider.press("Save the case", status=400)
    provider.sees("cannot be held without the funding party's agreement")
    provider.screenshot("case-needs-funding-agreement")
    provider.fill_date("Day the funding party agreed to fund (optional)", date(2027, 5, 10))
    provider.press("Save the case")
    provider.sees("Case KCC-27-001 recorded", "Oakwood Primary School")
    provider.screenshot("register")


def lead_reads_a_statement(journey):
    journey.step("The lead reads Kent's statement: the school pays for its meeting")
    admin = sign_in(journey, ADMIN, start="/tenders")
    admin.follow(arrange.TITLE)
    admin.follow("Award and contract")
    admin.follow("Meeting register and each authority's statement")
    admin.sees("KCC-27-001")
    admin.follow("Kent County Council statement")
    admin.sees("£13,250.00", "Oakwood Primary School", "£985.50")
    admin.screenshot("statement")
