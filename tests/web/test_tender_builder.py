"""The lead's procurement admin builds a tender and publishes it; after publication every
change is an amendment with a summary for suppliers."""

import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from markupsafe import escape
from sqlmodel import select

from tenderapp.models import AuditEvent, PricingLine, Tender, TenderAmendment
from tests.conftest import csrf_from
from tests.hostile import pdf
from tests.web.test_uploads import error_beside

PDF = pdf("Specification")


def details(**overrides):
    data = {"reference": "SC14027", "title": "SEND Mediation and Disagreement Resolution Service",
            "description": "A statutory service for children and young people with SEND.", "regime": "PA2023",
            "light_touch": "y", "cpv_code": "79995000", "estimated_value": "£1,200,000",
            "contract_start": ["1", "4", "2027"], "initial_term_months": "36", "extensions_allowed": "1",
            "extension_max_months": "24"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def timetable(**overrides):
    data = {"publication_date": ["1", "12", "2026"], "publication_time": "9am",
            "clarification_date": ["4", "1", "2027"], "clarification_time": "5pm",
            "submission_date": ["18", "1", "2027"], "submission_time": "midday",
            "evaluation_date": ["25", "1", "2027"], "award_date": ["15", "2", "2027"]}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(world, sign_in_as):
    return sign_in_as("admin@lead.example")


def upload(browser, url, content, name, **fields):
    token = csrf_from(browser.get(url).get_data(as_text=True))
    return browser.client.post(url, data={"csrf_token": token, "document": (BytesIO(content), name), **fields},
                               content_type="multipart/form-data")


def build_ready_tender(admin, world):
    """A complete draft: details, timetable, two lines, one criterion (60) + price (40), a
    specification and a conflicts assessment. Returns its id."""
    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new", details())
    assert response.status_code == 302, response.get_data(as_text=True)
    tender_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert admin.submit(f"/tenders/{tender_id}/timetable", timetable()).status_code == 302
    for code, quantity in (("CORE-Y1", 16), ("PAYG-MED", 112)):
        assert admin.submit(f"/tenders/{tender_id}/pricing/new", {
            "code": code, "description": f"{code} price", "unit": "per authority per year",
            "evaluation_quantity": str(quantity), "per_authority": "y"}).status_code == 302
    assert admin.submit(f"/tenders/{tender_id}/criteria/new", {
        "title": "Service delivery", "guidance": "How you will deliver the service.", "weight": "60",
        "max_score": "5", "min_score": "2", "descriptors": "0 – none\n5 – excellent", "word_limit": "1000"}
    ).status_code == 302
    assert admin.submit(f"/tenders/{tender_id}/weighting", {"price_weight": "40", "price_method": "lowest"}
                        ).status_code == 302
    assert upload(admin, f"/tenders/{tender_id}/documents/new", PDF, "specification.pdf",
                  title="Specification").status_code == 302
    assert admin.submit(f"/tenders/{tender_id}/conflicts", {
        "assessment": "All panel members declared no conflicts on 20 November 2026."}).status_code == 302
    name_openers(admin, world, tender_id)
    return tender_id


def name_openers(admin, world, tender_id):
    """The lead's two admins, with two-factor sign-in set up, named as the bid openers."""
    from sqlmodel import Session

    from tenderapp.models import User

    app = admin.client.application
    with Session(app.extensions["tenderapp.engine"]) as session:
        for person in (world.lead_admin, world.lead_admin2):
            row = session.get(User, person.id)
            row.totp_enrolled_at = row.totp_enrolled_at or app.config["CLOCK"]()
            session.add(row)
        session.commit()
    assert admin.submit(f"/tenders/{tender_id}/openers", {
        "openers": [str(world.lead_admin.id), str(world.lead_admin2.id)], "quorum": "2"}).status_code == 302


def test_a_complete_draft_can_be_published(world, admin, db):
    tender_id = build_ready_tender(admin, world)
    page = admin.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "Before you can publish" not in page
    assert "18 January 2027 at midday" in page
    assert "£1,200,000.00" in page
    response = admin.submit(f"/tenders/{tender_id}/publish", {})
    assert response.status_code == 302
    tender = db.get(Tender, tender_id)
    assert tender.published_at is not None
    assert tender.submission_deadline == datetime(2027, 1, 18, 12, 0, tzinfo=UTC)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "tender.published")).one()


def test_publication_is_refused_until_everything_is_there(world, admin, db):
    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new", details())
    tender_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = admin.get(f"/tenders/{tender_id}/publish").get_data(as_text=True)
    for problem in ("Set the timetable", "Add at least one line to the pricing schedule", "Add the quality criteria",
                    "Upload the specification", "Record the conflicts assessment (Procurement Act 2023, section 83)"):
        assert problem in page
    admin.submit(f"/tenders/{tender_id}/publish", {})
    assert db.get(Tender, tender_id).published_at is None


def test_publication_needs_the_conflicts_assessment(world, admin, db):
    tender_id = build_ready_tender(admin, world)
    tender = db.get(Tender, tender_id)
    tender.conflicts_assessed_at = None
    db.add(tender)
    db.commit()
    admin.submit(f"/tenders/{tender_id}/publish", {})
    assert db.get(Tender, tender_id).published_at is None


def test_details_errors_appear_beside_fields_and_keep_the_input(world, admin):
    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new",
                            details(reference="", cpv_code="abc", estimated_value="lots",
                                    contract_start=["31", "2", "2027"], initial_term_months="three years"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a reference" in page
    assert "Estimated total value: enter a number, like 1250.00" in page
    assert "Contract start date must be a real date" in page
    assert "Initial term (months) must be a whole number, like 12" in page
    assert 'value="lots"' in page and 'value="31"' in page


HOSTILE_REFERENCE = "Q\";filename*=UTF-8''evil.html;a=\""


@pytest.mark.parametrize("reference", [HOSTILE_REFERENCE, "SC<script>", "SC 1;2", "SC\u202e14027", "Réf-1"])
def test_a_reference_with_other_characters_is_refused_beside_the_field_and_kept(world, admin, reference):
    from tests.web.test_uploads import error_beside

    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new", details(reference=reference))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "reference") in {
        "Reference must only include letters a to z, numbers, spaces, hyphens, full stops, underscores, "
        "brackets and slashes", "Reference must be on one line, without special characters"}
    assert f'value="{escape(reference)}"' in page


@pytest.mark.parametrize("reference", ["SC26041", "ODR/17/0042", "14/00153", "KCC-001", "KCC_2026.3 (Lot 2)"])
def test_references_in_the_shapes_councils_use_are_accepted(world, admin, db, reference):
    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new", details(reference=reference))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.exec(select(Tender).where(Tender.reference == reference)).one()


@pytest.mark.parametrize("mark", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u2028"])
def test_a_title_with_a_hidden_mark_is_refused_beside_the_field(world, admin, mark):
    from tests.web.test_uploads import error_beside

    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new",
                            details(title=f"SEND Mediation{mark}ecivres"))
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "title") == \
        "Title must be on one line, without special characters"


def test_a_whole_number_in_other_digits_is_refused_beside_the_field(world, admin):
    from tests.web.test_uploads import error_beside

    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new",
                            details(initial_term_months="٣٦", extensions_allowed="1_0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_beside(page, "initial_term_months") == \
        "Initial term (months) must be a whole number using the digits 0 to 9, like 12"
    assert error_beside(page, "extensions_allowed") == "Number of optional extensions must be a whole number, like 12"
    assert 'value="٣٦"' in page


@pytest.mark.parametrize("change,message", [
    ({"clarification_date": ["30", "11", "2026"]}, "Clarification deadline must be after the publication date"),
    ({"submission_date": ["3", "1", "2027"]}, "Submission deadline must be after the clarification deadline"),
    ({"award_date": ["20", "1", "2027"]}, "Planned award must be on or after the planned evaluation"),
    ({"submission_time": "25:00"}, "Submission deadline time must be a time, like 5pm or 17:00"),
    ({"clarification_time": " "}, "Enter the clarification deadline time"),
    ({"award_date": ["1", "5", "2027"]}, "Contract start must be after the planned award"),
])
def test_timetable_must_be_in_order(world, admin, change, message):
    response = admin.submit(f"/tenders/{world.tender.id}/timetable", timetable(**change))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_short_tendering_period_needs_a_legal_ground_which_suppliers_then_see(world, admin, db):
    url = f"/tenders/{world.tender.id}/timetable"
    short = timetable(clarification_date=["5", "12", "2026"], submission_date=["10", "12", "2026"],
                      evaluation_date=["11", "12", "2026"])
    response = admin.submit(url, short)
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "submission_date") == (
        "The tendering period is 9 days: shorter than the minimum of 25 days under the Procurement Act 2023. "
        "Move the submission deadline later, or record the legal ground for a shorter period")
    assert db.get(Tender, world.tender.id).submission_deadline is None
    ground = "Urgency: the current contract ends early and the service is statutory."
    assert admin.submit(url, {**short, "shorter_period_ground": ground}).status_code == 302
    assert db.get(Tender, world.tender.id).shorter_period_ground == ground
    assert f"Legal ground: {ground}" in admin.get(f"/tenders/{world.tender.id}").get_data(as_text=True)
    assert ground in admin.get(f"/tenders/{world.tender.id}/publish").get_data(as_text=True)

    response = admin.submit(url, {**timetable(), "shorter_period_ground": ground})  # 48 days: none needed
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "The legal ground for a shorter period was not kept" in page and "Legal ground:" not in page
    assert db.get(Tender, world.tender.id).shorter_period_ground is None


def test_a_bidding_window_of_minutes_is_refused(world, admin):
    response = admin.submit(f"/tenders/{world.tender.id}/timetable", timetable(
        publication_date=["1", "12", "2026"], publication_time="9am", clarification_date=["1", "12", "2026"],
        clarification_time="9:05am", submission_date=["1", "12", "2026"], submission_time="9:09am",
        evaluation_date=None, award_date=None))
    assert response.status_code == 400
    assert "The tendering period is less than a day: shorter than the minimum of 25 days" in \
        error_beside(response.get_data(as_text=True), "submission_date")


@pytest.mark.parametrize("change,field,message", [
    ({"publication_date": ["1", "1", "2020"], "clarification_date": ["1", "2", "2020"],
      "submission_date": ["2", "3", "2020"], "evaluation_date": ["3", "3", "2020"], "award_date": ["4", "3", "2020"]},
     "publication_date", "Publication date must be today or in the future"),
    ({"publication_date": ["30", "11", "2026"], "publication_time": "8am", "clarification_date": ["30", "11", "2026"],
      "clarification_time": "8:30am"}, "clarification_date", "Clarification deadline must be in the future"),
])
def test_a_timetable_in_the_past_is_refused(world, admin, db, change, field, message):
    response = admin.submit(f"/tenders/{world.tender.id}/timetable", timetable(**change))  # the clock: 30 Nov 2026, 9am
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), field) == message
    assert db.get(Tender, world.tender.id).publication_at is None


def test_a_contract_start_in_the_past_or_before_the_planned_award_is_refused(world, admin, db):
    response = admin.submit(f"/collaborations/{world.collab.id}/tenders/new",
                            details(contract_start=["1", "4", "2001"]))
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "contract_start") == "Contract start must be in the future"
    tender_id = build_ready_tender(admin, world)  # planned award 15 February 2027
    response = admin.submit(f"/tenders/{tender_id}/details", details(contract_start=["1", "2", "2027"]))
    assert response.status_code == 400
    assert error_beside(response.get_data(as_text=True), "contract_start") == \
        "Contract start must be after the planned award"
    assert db.get(Tender, tender_id).contract_start.isoformat() == "2027-04-01"


def test_a_draft_whose_clarification_deadline_has_passed_cannot_be_published(world, admin, db, clock, sign_in_as):
    tender_id = build_ready_tender(admin, world)  # clarification deadline 4 January 2027, 5pm
    clock.set(datetime(2027, 1, 5, 9, tzinfo=UTC))
    admin = sign_in_as("admin@lead.example")
    page = admin.get(f"/tenders/{tender_id}/publish").get_data(as_text=True)
    assert "Change the timetable: Clarification deadline must be in the future" in page
    admin.submit(f"/tenders/{tender_id}/publish", {})
    assert db.get(Tender, tender_id).published_at is None


def test_uk_summer_time_is_respected(world, admin, db):
    assert admin.submit(f"/tenders/{world.tender.id}/timetable", timetable(
        publication_date=["1", "3", "2027"], clarification_date=["15", "3", "2027"],
        submission_date=["30", "3", "2027"], submission_time="5pm", evaluation_date=["30", "3", "2027"],
        award_date=["31", "3", "2027"])).status_code == 302  # the clocks went forward on 28 March 2027
    assert db.get(Tender, world.tender.id).submission_deadline == datetime(2027, 3, 30, 16, 0, tzinfo=UTC)


def test_weightings_must_add_up_to_100(world, admin):
    admin.submit(f"/tenders/{world.tender.id}/criteria/new", {
        "title": "Quality", "guidance": "Tell us.", "weight": "70", "max_score": "5",
        "descriptors": "0 – none", "word_limit": "500"})
    response = admin.submit(f"/tenders/{world.tender.id}/weighting", {"price_weight": "40", "price_method": "lowest"})
    assert response.status_code == 400
    assert "Weightings must add up to 100: price and quality add up to 110" in response.get_data(as_text=True)


def test_only_pdf_and_office_files_are_accepted_whatever_their_name(world, admin):
    url = f"/tenders/{world.tender.id}/documents/new"
    response = upload(admin, url, b"MZ\x90\x00 an executable", "specification.pdf", title="Specification")
    assert response.status_code == 400
    assert "The selected file must be a PDF, Word or Excel document" in response.get_data(as_text=True)
    response = upload(admin, url, PDF, "../../etc/passwd", title="Specification")
    assert response.status_code == 400
    assert "must not include a folder or drive" in response.get_data(as_text=True)
    assert upload(admin, url, PDF, "specification.xlsx", title="Specification").status_code == 302
    page = admin.get(f"/tenders/{world.tender.id}").get_data(as_text=True)
    assert "(specification.pdf)" in page  # named for what it is


def test_pricing_line_codes_are_unique(world, admin):
    line = {"code": "CORE-Y1", "description": "Core", "unit": "per year", "evaluation_quantity": "16"}
    admin.submit(f"/tenders/{world.tender.id}/pricing/new", line)
    response = admin.submit(f"/tenders/{world.tender.id}/pricing/new", {**line, "code": "core-y1"})
    assert response.status_code == 400
    assert "Another line already has this code" in response.get_data(as_text=True)


def test_after_publication_changes_are_amendments_with_a_summary(world, admin, db):
    tender_id = build_ready_tender(admin, world)
    admin.submit(f"/tenders/{tender_id}/publish", {})
    line = db.exec(select(PricingLine).where(PricingLine.tender_id == tender_id, PricingLine.code == "CORE-Y1")).one()
    change = {"code": "CORE-Y1", "description": "Core subscription, year 1", "unit": "per authority per year",
              "evaluation_quantity": "16", "per_authority": "y"}
    response = admin.submit(f"/tenders/{tender_id}/pricing/{line.id}", change)
    assert response.status_code == 400
    assert "Enter a summary of the change for suppliers" in response.get_data(as_text=True)
    response = admin.submit(f"/tenders/{tender_id}/pricing/{line.id}",
                            {**change, "amendment_summary": "Line CORE-Y1 renamed"})
    assert response.status_code == 302
    assert db.get(Tender, tender_id).schedule_version == 2
    amendment = db.exec(select(TenderAmendment)).one()
    assert amendment.summary == "Line CORE-Y1 renamed"
    assert "Line CORE-Y1 renamed" in admin.get(f"/tenders/{tender_id}").get_data(as_text=True)


def test_other_authorities_and_suppliers_cannot_see_a_draft(world, admin, sign_in_as):
    for email in ("admin@partner.example", "admin@other.example", "bidder@supplier.example", "viewer@lead.example"):
        assert sign_in_as(email).get(f"/tenders/{world.tender.id}").status_code == 404, email


def test_a_published_tender_is_readable_by_suppliers_with_its_documents(world, admin, sign_in_as, db):
    tender_id = build_ready_tender(admin, world)
    admin.submit(f"/tenders/{tender_id}/publish", {})
    bidder = sign_in_as("bidder@supplier.example")
    assert "SEND Mediation" in bidder.get("/tenders").get_data(as_text=True)
    page = bidder.get(f"/tenders/{tender_id}").get_data(as_text=True)
    assert "CORE-Y1" in page and "Service delivery" in page
    assert "Change" not in page and "conflicts" not in page.lower()
    document_link = re.search(rf'href="(/tenders/{tender_id}/documents/\d+)"', page).group(1)
    response = bidder.get(document_link)
    assert response.data == PDF and response.mimetype == "application/pdf"
    assert bidder.get(f"/tenders/{tender_id}/details").status_code == 403


def test_evaluation_thresholds_are_set_per_tender(world, admin, db):
    admin.submit(f"/tenders/{world.tender.id}/criteria/new", {
        "title": "Quality", "guidance": "Tell us.", "weight": "60", "max_score": "5",
        "descriptors": "0 – none", "word_limit": "500"})
    response = admin.submit(f"/tenders/{world.tender.id}/weighting", {
        "price_weight": "40", "price_method": "lowest", "abnormally_low_percent": "70", "spread_threshold": "3"})
    assert response.status_code == 302
    tender = db.get(Tender, world.tender.id)
    assert (tender.abnormally_low_percent, tender.spread_threshold) == (70, 3)


def test_the_publish_page_warns_who_has_not_signed_the_agreement_but_still_publishes(world, admin, db, sign_in_as):
    tender_id = build_ready_tender(admin, world)
    page = admin.get(f"/tenders/{tender_id}/publish").get_data(as_text=True)
    assert "govuk-warning-text" in page
    assert ("Lead Group agreement: 2 of 2 members have not signed: Lead County Council, "
            "Partner Borough Council.") in page

    partner = sign_in_as("signatory@partner.example")
    url = f"/agreements/{world.agreement.id}"
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"',
                           partner.get(url + "/in-principle").get_data(as_text=True)).group(1)
    assert partner.submit(url + "/in-principle", {"version_id": version_id, "organisation_ids": [world.partner.id],
                                                  "note": "Subject to our board"}).status_code == 302
    page = admin.get(f"/tenders/{tender_id}/publish").get_data(as_text=True)
    assert "2 of 2 members have not signed" in page
    assert "Agreed in principle only: Partner Borough Council." in page

    assert admin.submit(f"/tenders/{tender_id}/publish", {}).status_code == 302
    assert db.get(Tender, tender_id).published_at is not None
