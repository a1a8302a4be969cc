"""The collaborative agreement through the web: the lead drafts and issues it, members agree
in principle, sign (also on behalf of others) or decline, and the lead tracks and exports."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from tenderapp.models import AgreementResponse, AgreementVersion, OutboxMessage, Signature
from tests import factories
from tests.factories import PASSWORD
from tests.hostile import pdf

PDF = pdf("Mediation agreement")


@pytest.fixture
def draft(world, db, clock):
    """An unissued agreement in the lead's collaboration."""
    return factories.agreement(db, world.collab, world.lead_admin, clock.moment, title="Draft agreement",
                               issued=False)


def sign_form(browser, agreement_id, **overrides):
    page = browser.get(f"/agreements/{agreement_id}/sign").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', page).group(1)
    data = {"version_id": version_id, "organisation_ids": overrides.pop("organisation_ids", None),
            "full_name": "Pat Partner", "job_title": "Director of Children's Services", "authorised": "y",
            "password": PASSWORD}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_admin_drafts_and_issues_an_agreement_and_members_are_told(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/collaborations/{world.collab.id}/agreements/new",
                            {"title": "SEND mediation agreement", "body": "# Terms\n\nWe agree."})
    assert response.status_code == 302
    tracker = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not issued yet" in tracker
    agreement_id = int(re.search(r"/agreements/(\d+)/issue", tracker).group(1))
    partner = sign_in_as("signatory@partner.example")
    assert "has not been issued yet" in partner.get(f"/agreements/{agreement_id}").get_data(as_text=True)

    assert "Issue version 1 to 2 members" in admin.get(f"/agreements/{agreement_id}/issue").get_data(as_text=True)
    assert admin.submit(f"/agreements/{agreement_id}/issue", {}).status_code == 302
    recipients = set(db.exec(select(OutboxMessage.recipient)).all())
    assert recipients == {"signatory@partner.example", "signatory@lead.example"}
    page = partner.get(f"/agreements/{agreement_id}").get_data(as_text=True)
    assert '<h2 class="govuk-heading-m">Terms</h2>' in page
    assert "Invited" in page
    assert "Sign the agreement" in page


def test_agreement_text_must_be_given(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/collaborations/{world.collab.id}/agreements/new", {"title": "Kept title", "body": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter the agreement text, or upload the agreement as a PDF" in page
    assert 'value="Kept title"' in page


def test_signatory_agrees_in_principle_then_signs(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    url = f"/agreements/{world.agreement.id}"
    form = partner.get(url + "/in-principle").get_data(as_text=True)
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"', form).group(1)
    response = partner.submit(url + "/in-principle", {
        "version_id": version_id, "organisation_ids": [world.partner.id],
        "note": "Subject to our governance board on 12 January"})
    assert response.status_code == 302
    assert "Agreed in principle" in partner.get(url).get_data(as_text=True)

    response = partner.submit(url + "/sign",
                              sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id]))
    assert response.status_code == 302
    page = partner.get(url).get_data(as_text=True)
    assert "You have signed the agreement" in page
    assert "1 of 2 members have signed" in page
    signature = db.exec(select(Signature)).one()
    version = db.get(AgreementVersion, signature.version_id)
    assert (signature.organisation_id, signature.signer_user_id) == (world.partner.id, world.partner_signatory.id)
    assert signature.version_sha256 == version.sha256 and signature.version_number == 1
    assert signature.signer_name == "Pat Partner"
    assert signature.signer_job_title == "Director of Children's Services"
    assert signature.signed_at.tzinfo is not None and signature.ip_address == "127.0.0.1"

    tracker = sign_in_as("admin@lead.example").get(url + "/tracker").get_data(as_text=True)
    assert "Pat Partner, Director of Children&#39;s Services" in tracker
    assert "<strong>1 of 3</strong> local authorities signed" in tracker or "<strong>1 of 2</strong>" in tracker


def test_signing_errors_appear_beside_each_field_and_keep_what_was_typed(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    url = f"/agreements/{world.agreement.id}/sign"
    data = sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id], full_name="",
                     job_title="Head of SEN", authorised=None, password="not my password")
    response = partner.submit(url, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#full_name">Enter your full name' in page
    assert "Confirm that you are authorised to sign for the organisations selected" in page
    assert 'value="Head of SEN"' in page
    data = sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id], password="not my password")
    response = partner.submit(url, data)
    assert response.status_code == 400
    assert 'href="#password">Your password is incorrect' in response.get_data(as_text=True)
    assert db.exec(select(Signature)).first() is None


def test_submitting_twice_creates_one_signature(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    data = sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id])
    url = f"/agreements/{world.agreement.id}/sign"
    first = partner.client.post(url, data={**data, "csrf_token": factories_csrf(partner, url)})
    second = partner.client.post(url, data={**data, "csrf_token": factories_csrf(partner, url)})
    assert first.status_code == 302
    assert second.status_code in (200, 302, 400)
    assert len(db.exec(select(Signature)).all()) == 1
    assert len(db.exec(select(AgreementResponse).where(AgreementResponse.action == "signed")).all()) == 1


def factories_csrf(browser, url):
    from tests.conftest import csrf_from

    return csrf_from(browser.get(url).get_data(as_text=True))


def test_a_representative_signs_once_for_each_body_it_acts_for(world, db, clock, sign_in_as):
    csu = factories.organisation(db, "Support Unit", clock.moment, factories.OrganisationKind.HEALTH_BODY)
    ccg_a = factories.organisation(db, "CCG A", clock.moment, factories.OrganisationKind.HEALTH_BODY)
    ccg_b = factories.organisation(db, "CCG B", clock.moment, factories.OrganisationKind.HEALTH_BODY)
    factories.user(db, csu, "signatory@csu.example", ["signatory"], clock.moment)
    admin = sign_in_as("admin@lead.example")
    for org in (csu, ccg_a, ccg_b):
        admin.submit(f"/admin/collaborations/{world.collab.id}/members/add", {"organisation_id": org.id})
    response = admin.submit(f"/collaborations/{world.collab.id}/representations/new", {
        "representative_id": csu.id, "represented_ids": [ccg_a.id, ccg_b.id],
        "reference": "Letter of authority, 3 March 2015"})
    assert response.status_code == 302

    rep = sign_in_as("signatory@csu.example")
    form = rep.get(f"/agreements/{world.agreement.id}/sign").get_data(as_text=True)
    assert "CCG A" in form and "CCG B" in form and "Support Unit" in form
    response = rep.submit(f"/agreements/{world.agreement.id}/sign",
                          sign_form(rep, world.agreement.id, organisation_ids=[ccg_a.id, ccg_b.id]))
    assert response.status_code == 302
    signatures = db.exec(select(Signature).order_by(Signature.organisation_id)).all()
    assert [s.organisation_id for s in signatures] == [ccg_a.id, ccg_b.id]
    assert all(s.signer_organisation_id == csu.id and s.representation_id for s in signatures)
    tracker = admin.get(f"/agreements/{world.agreement.id}/tracker").get_data(as_text=True)
    assert "for Support Unit" in tracker
    assert "CCG A (represented by Support Unit)" in tracker


def test_nobody_can_sign_for_an_organisation_they_do_not_act_for(world, sign_in_as, db):
    partner = sign_in_as("signatory@partner.example")
    response = partner.submit(f"/agreements/{world.agreement.id}/sign",
                              sign_form(partner, world.agreement.id, organisation_ids=[world.lead.id]))
    assert response.status_code == 400
    assert db.exec(select(Signature)).first() is None


def test_a_new_version_reopens_signatures_and_keeps_the_old_ones(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    partner.submit(f"/agreements/{world.agreement.id}/sign",
                   sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id]))
    admin = sign_in_as("admin@lead.example")
    url = f"/agreements/{world.agreement.id}"
    response = admin.submit(url + "/new-version", {"title": "Lead Group agreement", "body": "# Terms\n\nVersion two.",
                                                   "change_summary": ""})
    assert response.status_code == 400
    assert "Enter a summary of what has changed" in response.get_data(as_text=True)
    admin.submit(url + "/new-version", {"title": "Lead Group agreement", "body": "# Terms\n\nVersion two.",
                                        "change_summary": "Clause 4 on cost shares rewritten"})
    admin.submit(url + "/issue", {})
    page = partner.get(url).get_data(as_text=True)
    assert "Re-signing required" in page
    assert "Clause 4 on cost shares rewritten" in page
    assert "Signed (version 1)" in page  # history keeps the first signature
    assert len(db.exec(select(Signature)).all()) == 1
    tracker = admin.get(url + "/tracker?status=re_sign_required").get_data(as_text=True)
    assert "Partner Borough Council" in tracker
    assert "1 member matches" in tracker


def test_signing_a_superseded_version_is_refused_and_shows_the_new_one(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    stale = sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id])
    admin = sign_in_as("admin@lead.example")
    url = f"/agreements/{world.agreement.id}"
    admin.submit(url + "/new-version", {"title": "Lead Group agreement", "body": "Entirely new words.",
                                        "change_summary": "Rewritten"})
    admin.submit(url + "/issue", {})
    response = partner.submit(url + "/sign", stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The agreement has changed since you opened it. Read version 2 below before you answer." in page
    assert "Entirely new words." in page
    assert db.exec(select(Signature)).first() is None


def test_declining_needs_a_reason_and_the_reason_stays_with_the_lead(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    url = f"/agreements/{world.agreement.id}/decline"
    version_id = re.search(r'name="version_id" type="hidden" value="(\d+)"',
                           partner.get(url).get_data(as_text=True)).group(1)
    response = partner.submit(url, {"version_id": version_id, "organisation_ids": [world.partner.id], "reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for declining" in response.get_data(as_text=True)
    partner.submit(url, {"version_id": version_id, "organisation_ids": [world.partner.id],
                         "reason": "Our cabinet voted against joining"})
    assert "Declined" in partner.get(f"/agreements/{world.agreement.id}").get_data(as_text=True)
    lead_signatory_view = sign_in_as("signatory@lead.example").get(
        f"/agreements/{world.agreement.id}").get_data(as_text=True)
    assert "Our cabinet voted against joining" not in lead_signatory_view
    tracker = sign_in_as("admin@lead.example").get(f"/agreements/{world.agreement.id}/tracker").get_data(as_text=True)
    assert "Our cabinet voted against joining" in tracker


def test_partners_see_who_signed_but_not_signer_details_notes_or_the_tracker(world, db, sign_in_as):
    lead_signatory = sign_in_as("signatory@lead.example")
    lead_signatory.submit(f"/agreements/{world.agreement.id}/sign", sign_form(
        lead_signatory, world.agreement.id, organisation_ids=[world.lead.id], full_name="Lee Lead",
        job_title="Corporate Director"))
    partner = sign_in_as("admin@partner.example")
    page = partner.get(f"/agreements/{world.agreement.id}").get_data(as_text=True)
    assert "Lead County Council" in page and "1 of 2 members have signed" in page
    assert "Lee Lead" not in page and "Corporate Director" not in page
    for path in ("tracker", "tracker.xlsx", "signed", "draft", "new-version", "issue"):
        assert partner.get(f"/agreements/{world.agreement.id}/{path}").status_code == 404, path
    assert sign_in_as("admin@other.example").get(f"/agreements/{world.agreement.id}").status_code == 404


def test_tracker_export_opens_in_excel_and_matches_the_page(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    partner.submit(f"/agreements/{world.agreement.id}/sign",
                   sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id],
                             job_title="=HYPERLINK(1)"))
    admin = sign_in_as("admin@lead.example")
    page = admin.get(f"/agreements/{world.agreement.id}/tracker").get_data(as_text=True)
    response = admin.get(f"/agreements/{world.agreement.id}/tracker.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(BytesIO(response.data))["Tracker"]
    rows = [r for r in sheet.iter_rows(min_row=5, values_only=True)]
    assert [(r[0], r[2]) for r in rows] == [("Lead County Council", "Invited"), ("Partner Borough Council", "Signed")]
    for organisation, _, status, *_ in rows:
        assert organisation in page and status in page
    assert rows[1][4] == "'Pat Partner, =HYPERLINK(1)" or rows[1][4].startswith("Pat Partner")
    assert all(not (isinstance(c, str) and c.startswith("=")) for r in rows for c in r)


def test_reminders_go_to_outstanding_members_only(world, db, sign_in_as):
    lead_signatory = sign_in_as("signatory@lead.example")
    lead_signatory.submit(f"/agreements/{world.agreement.id}/sign",
                          sign_form(lead_signatory, world.agreement.id, organisation_ids=[world.lead.id]))
    admin = sign_in_as("admin@lead.example")
    response = admin.submit(f"/agreements/{world.agreement.id}/reminders", {})
    assert response.status_code == 302
    assert ("Reminders sent to the signatories of 1 organisations"
            in admin.get(response.headers["Location"]).get_data(as_text=True))
    reminders = db.exec(select(OutboxMessage).where(OutboxMessage.subject.startswith("Reminder"))).all()
    assert [m.recipient for m in reminders] == ["signatory@partner.example"]


def test_a_pdf_agreement_needs_a_summary_and_is_served_to_members(world, db, sign_in_as, app):
    admin = sign_in_as("admin@lead.example")
    url = f"/collaborations/{world.collab.id}/agreements/new"
    from tests.conftest import csrf_from

    token = csrf_from(admin.get(url).get_data(as_text=True))
    bad = admin.client.post(url, data={"csrf_token": token, "title": "PDF agreement",
                                       "document": (BytesIO(b"MZ not a pdf"), "agreement.pdf")},
                            content_type="multipart/form-data")
    assert bad.status_code == 400
    assert "The selected file must be a PDF" in bad.get_data(as_text=True)
    no_summary = admin.client.post(url, data={"csrf_token": token, "title": "PDF agreement",
                                              "document": (BytesIO(PDF), "agreement.pdf")},
                                   content_type="multipart/form-data")
    assert "Enter a summary of the document" in no_summary.get_data(as_text=True)
    path = admin.client.post(url, data={"csrf_token": token, "title": "PDF agreement",
                                        "summary": "Members share costs.",
                                        "document": (BytesIO(PDF), "../../etc/Agreement v1.pdf")},
                             content_type="multipart/form-data")
    assert path.status_code == 400 and "must not include a folder" in path.get_data(as_text=True)
    ok = admin.client.post(url, data={"csrf_token": token, "title": "PDF agreement", "summary": "Members share costs.",
                                      "document": (BytesIO(PDF), "Agreement v1.pdf")},
                           content_type="multipart/form-data")
    assert ok.status_code == 302
    agreement_id = int(re.search(r"/agreements/(\d+)/", ok.headers["Location"]).group(1))
    version = db.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement_id)).one()
    assert version.document_name == "Agreement v1.pdf"
    assert admin.get(f"/agreements/{agreement_id}/versions/1/document").data == PDF
    partner = sign_in_as("signatory@partner.example")
    assert partner.get(f"/agreements/{agreement_id}/versions/1/document").status_code == 404  # not issued yet
    admin.submit(f"/agreements/{agreement_id}/issue", {})
    document = partner.get(f"/agreements/{agreement_id}/versions/1/document")
    assert document.status_code == 200 and document.mimetype == "application/pdf" and document.data == PDF
    assert sign_in_as("admin@other.example").get(f"/agreements/{agreement_id}/versions/1/document").status_code == 404


def test_signed_copy_lists_every_signature_with_the_fingerprint(world, db, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    partner.submit(f"/agreements/{world.agreement.id}/sign",
                   sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id]))
    version = db.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == world.agreement.id)).one()
    page = sign_in_as("admin@lead.example").get(f"/agreements/{world.agreement.id}/signed").get_data(as_text=True)
    assert version.sha256 in page
    assert "Partner Borough Council" in page and "Pat Partner, Director of Children&#39;s Services" in page
    assert "1 signatures on version 1" in page


def test_the_authority_for_acting_on_behalf_is_kept_and_shown_to_the_lead(world, db, clock, sign_in_as):
    csu = factories.organisation(db, "Support Unit", clock.moment, factories.OrganisationKind.HEALTH_BODY)
    admin = sign_in_as("admin@lead.example")
    url = f"/collaborations/{world.collab.id}/representations/new"
    from tests.conftest import csrf_from

    token = csrf_from(admin.get(url).get_data(as_text=True))
    response = admin.client.post(url, data={
        "csrf_token": token, "representative_id": csu.id, "represented_ids": [world.partner.id],
        "reference": "Minute 14/2015 of the governing body", "document": (BytesIO(PDF), "authority.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = admin.get(f"/admin/collaborations/{world.collab.id}").get_data(as_text=True)
    assert "Minute 14/2015 of the governing body" in page
    link = re.search(r'href="(/collaborations/\d+/representations/(\d+)/document)">authority.pdf', page)
    assert admin.get(link.group(1)).data == PDF
    other = sign_in_as("admin@other.example")
    assert other.get(link.group(1)).status_code == 404
    assert other.get(
        f"/collaborations/{world.other_collab.id}/representations/{link.group(2)}/document").status_code == 404


def test_a_representative_must_be_an_authority_and_the_represented_members(world, db, clock, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    url = f"/collaborations/{world.collab.id}/representations/new"
    response = admin.submit(url, {"representative_id": world.partner.id, "represented_ids": [world.other_lead.id],
                                  "reference": "Letter"})
    assert response.status_code == 400  # Other City Council is not a member: not offered, refused
    response = admin.submit(url, {"representative_id": world.partner.id, "represented_ids": [world.lead.id],
                                  "reference": ""})
    assert "Enter the authority it relies on" in response.get_data(as_text=True)


def test_the_dashboard_shows_the_organisations_agreement_status(world, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    page = partner.get("/dashboard").get_data(as_text=True)
    assert "Lead Group agreement" in page and "Invited" in page
    partner.submit(f"/agreements/{world.agreement.id}/sign",
                   sign_form(partner, world.agreement.id, organisation_ids=[world.partner.id]))
    assert ">Signed</strong>" in partner.get("/dashboard").get_data(as_text=True)
    assert "Lead Group agreement" not in sign_in_as("bidder@supplier.example").get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize("page", ["tracker", "signed", "tracker.xlsx", ""])
def test_agreement_pages_run_the_same_number_of_queries_whatever_the_membership(
        world, db, clock, sign_in_as, count_queries, page):
    admin = sign_in_as("admin@lead.example")
    url = f"/agreements/{world.agreement.id}/{page}".rstrip("/")

    def grow(by):
        for n in range(by):
            org = factories.organisation(db, f"Member {len(world.__dict__)}-{n}-{by}", clock.moment,
                                         managed_by=world.lead)
            factories.user(db, org, f"s{n}-{by}@member.example", ["signatory"], clock.moment)
            admin.submit(f"/admin/collaborations/{world.collab.id}/members/add", {"organisation_id": org.id})
            signer = sign_in_as(f"s{n}-{by}@member.example")
            signer.submit(f"/agreements/{world.agreement.id}/sign",
                          sign_form(signer, world.agreement.id, organisation_ids=[org.id]))

    grow(2)
    small = count_queries(lambda: admin.get(url))
    grow(10)
    large = count_queries(lambda: admin.get(url))
    assert admin.get(url).status_code == 200
    assert large == small


def test_saving_a_draft_or_a_new_version_returns_to_the_agreements_tracker(world, db, draft, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    saved = admin.submit(f"/agreements/{draft.id}/draft", {"title": "Draft agreement", "body": "# Terms\n\nNew."})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/agreements/{draft.id}/tracker")
    assert "Draft saved" in admin.get(saved.headers["Location"]).get_data(as_text=True)
    drafted = admin.submit(f"/agreements/{world.agreement.id}/new-version", {
        "title": "Lead Group agreement", "body": "# Terms\n\nVersion two.", "change_summary": "Clause 4"})
    assert drafted.status_code == 302
    assert drafted.headers["Location"].endswith(f"/agreements/{world.agreement.id}/tracker")
    assert "Draft of version 2 saved" in admin.get(drafted.headers["Location"]).get_data(as_text=True)
