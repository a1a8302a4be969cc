"""The lists people search: a filter and pages as GET parameters (bookmarkable), a count of
what matched, a clear message beside a bad field (never a 500), and never more than the
person may see."""

import re
from datetime import timedelta

import pytest

from tests import factories
from tests.conftest import T0


def _references(html: str) -> list[str]:
    return re.findall(r'<td class="govuk-table__cell">([A-Z]+-\d+)</td>', html)


@pytest.fixture
def many_tenders(world, db):
    """25 more draft tenders of the lead (MANY-01..25), newest last."""
    for n in range(1, 26):
        factories.draft_tender(db, world.collab, world.lead_admin, T0 + timedelta(minutes=n), f"MANY-{n:02}")


def test_the_tender_list_filters_by_text_and_says_how_many_match(world, sign_in_as):
    page = sign_in_as("admin@lead.example").get("/tenders?q=open").get_data(as_text=True)
    assert _references(page) == ["OPEN-001"]
    assert "1 tender matches" in page
    assert 'value="open"' in page  # what was typed is kept in the box


def test_text_is_taken_literally_not_as_a_pattern(world, sign_in_as):
    page = sign_in_as("admin@lead.example").get("/tenders?q=%25").get_data(as_text=True)
    assert "0 tenders match" in page and _references(page) == []


def test_the_tender_list_filters_by_status_and_collaboration(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    assert _references(admin.get("/tenders?status=draft").get_data(as_text=True)) == ["LEAD-001"]
    assert _references(admin.get("/tenders?status=published").get_data(as_text=True)) == ["OPEN-001"]
    both = admin.get(f"/tenders?collaboration={world.collab.id}").get_data(as_text=True)
    assert sorted(_references(both)) == ["LEAD-001", "OPEN-001"] and "2 tenders match" in both


def test_the_tender_list_filters_by_submission_deadline(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    deadline = world.open_tender.submission_deadline  # T0 + 20 days
    day, month, year = deadline.day, deadline.month, deadline.year
    on_the_day = admin.get(f"/tenders?date_from={day}&date_from={month}&date_from={year}"
                           f"&date_to={day}&date_to={month}&date_to={year}").get_data(as_text=True)
    assert _references(on_the_day) == ["OPEN-001"]
    after = admin.get(f"/tenders?date_from={day + 1}&date_from={month}&date_from={year}").get_data(as_text=True)
    assert _references(after) == []


def test_the_list_pages_and_each_page_link_keeps_the_filter(world, many_tenders, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    first = admin.get("/tenders?q=MANY").get_data(as_text=True)
    assert "25 tenders match" in first and "showing 1 to 20" in first
    assert _references(first)[0] == "MANY-25"  # newest first
    assert "q=MANY&amp;page=2" in first or "page=2&amp;q=MANY" in first
    second = admin.get("/tenders?q=MANY&page=2").get_data(as_text=True)
    assert _references(second) == [f"MANY-{n:02}" for n in range(5, 0, -1)]
    beyond = admin.get("/tenders?q=MANY&page=9").get_data(as_text=True)
    assert "There is no page 9: the last is page 2" in beyond


@pytest.mark.parametrize(("query", "message"), [
    ("page=-1", "Page must be a whole number from 1 to 100,000"),
    ("page=abc", "Page must be a whole number from 1 to 100,000"),
    ("page=%C2%B2", "Page must be a whole number from 1 to 100,000"),  # a superscript two is a digit to Python
    ("page=99999999999999999999", "Page must be a whole number from 1 to 100,000"),
    ("page=" + "9" * 5000, "Page must be a whole number from 1 to 100,000"),  # past int()'s digit limit
    ("date_from=31&date_from=2&date_from=2026", "Submission deadline from must be a real date"),
    ("date_from=1", "Submission deadline from must be a real date"),
    ("date_from=2&date_from=1&date_from=2027&date_to=1&date_to=1&date_to=2027",
     "The ‘to’ date must be the same as or after the ‘from’ date"),
    ("status=deleted", "Select a status from the list"),
    ("collaboration=abc", "Select a collaboration from the list"),
    ("q=" + "x" * 201, "Reference or title must be 200 characters or fewer"),
])
def test_bad_filter_input_is_reported_beside_its_field(world, sign_in_as, query, message):
    response = sign_in_as("admin@lead.example").get(f"/tenders?{query}")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and page.count(message) == 2  # the summary and beside the field
    assert "<title>Error: Tenders" in page


def test_a_filter_never_shows_what_the_person_may_not_see(world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    # another lead's collaboration is not offered, and naming it is refused rather than obeyed
    response = admin.get(f"/tenders?collaboration={world.other_collab.id}")
    assert response.status_code == 400 and "OTHER-001" not in response.get_data(as_text=True)
    assert "Other Group Advocacy" not in admin.get("/tenders").get_data(as_text=True)
    assert _references(admin.get("/tenders?q=OTHER&status=draft").get_data(as_text=True)) == []
    # a supplier never sees a draft, whatever it asks
    bidder = sign_in_as("bidder@supplier.example")
    assert _references(bidder.get("/tenders?status=draft").get_data(as_text=True)) == []
    assert _references(bidder.get("/tenders?q=LEAD").get_data(as_text=True)) == []
    # a partner's signatory sees the published tender of its collaboration, never the draft
    partner = sign_in_as("signatory@partner.example")
    assert _references(partner.get("/tenders").get_data(as_text=True)) == ["OPEN-001"]


# --- decisions ------------------------------------------------------------------------------


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/decisions/\d+">([A-Z]+/\d+)</a>', html)


def test_the_decision_list_filters_by_text_status_and_date_taken(world, db, sign_in_as):
    factories.decision(db, world.collab, world.lead_admin, T0, "LEAD/2", kind="extension", taken=None)
    admin = sign_in_as("admin@lead.example")
    assert sorted(_numbers(admin.get("/decisions").get_data(as_text=True))) == ["LEAD/1", "LEAD/2"]
    proposed = admin.get("/decisions?status=proposed").get_data(as_text=True)
    assert _numbers(proposed) == ["LEAD/2"] and "1 decision matches" in proposed
    assert _numbers(admin.get("/decisions?q=lead/1").get_data(as_text=True)) == ["LEAD/1"]
    taken = admin.get("/decisions?date_from=1&date_from=11&date_from=2026&date_to=1&date_to=11&date_to=2026")
    assert _numbers(taken.get_data(as_text=True)) == ["LEAD/1"]


def test_a_member_filtering_decisions_never_sees_an_unpublished_one(world, sign_in_as):
    partner = sign_in_as("signatory@partner.example")
    for query in ("", "?status=taken", "?q=LEAD", f"?collaboration={world.collab.id}"):
        assert _numbers(partner.get(f"/decisions{query}").get_data(as_text=True)) == [], query
    refused = sign_in_as("admin@lead.example").get(f"/decisions?collaboration={world.other_collab.id}")
    assert refused.status_code == 400 and "OTHER/1" not in refused.get_data(as_text=True)


def test_a_bad_decision_filter_is_reported_beside_its_field(world, sign_in_as):
    response = sign_in_as("admin@lead.example").get("/decisions?date_to=99&date_to=99&date_to=99&page=0")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert page.count("Taken to must be a real date") == 2 and page.count("Page must be a whole number") == 2


# --- contracts ------------------------------------------------------------------------------


def test_the_contract_register_lists_filters_and_links_each_contract(load_demo, sign_in_as):
    load_demo()
    member = sign_in_as("signatory@medway.example", "demo-password")
    page = member.get("/contracts").get_data(as_text=True)
    assert "1 contract" in page and "SC14027" in page and "Mediation Partners Ltd" in page
    assert re.search(r'href="/contracts/\d+"', page)
    assert "SC14027" in member.get("/contracts?q=mediation+partners").get_data(as_text=True)
    assert "0 contracts match" in member.get("/contracts?q=SC26041").get_data(as_text=True)
    assert "0 contracts match" in member.get("/contracts?status=awaiting_signature").get_data(as_text=True)
    assert "Contracts" in sign_in_as("admin@kent.example", "demo-password").get("/dashboard").get_data(as_text=True)


def test_the_contract_register_shows_no_other_tenants_contract(load_demo, world, sign_in_as):
    load_demo()
    outsider = sign_in_as("admin@lead.example")
    for query in ("", "?q=SC14027", "?status=expired"):
        page = outsider.get(f"/contracts{query}").get_data(as_text=True)
        assert "Mediation Partners Ltd" not in page and "0 contracts" in page, query
    bad = outsider.get("/contracts?date_from=a&date_from=b&date_from=c")
    assert bad.status_code == 400 and bad.get_data(as_text=True).count("Ending from must be a real date") == 2


# --- the agreement tracker ------------------------------------------------------------------


def test_the_tracker_filters_members_by_name_status_and_answer_date(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    url = f"/agreements/{world.agreement.id}"
    tracker = admin.get(f"{url}/tracker?q=partner").get_data(as_text=True)
    assert "1 member matches" in tracker and "Partner Borough Council" in tracker
    assert "Lead County Council</td>" not in tracker
    assert "0 members match" in admin.get(f"{url}/tracker?status=signed").get_data(as_text=True)
    assert "2 members match" in admin.get(f"{url}/tracker?status=invited").get_data(as_text=True)
    # nobody has answered, so none answered on any day
    assert "0 members match" in admin.get(f"{url}/tracker?date_from=1&date_from=1&date_from=2026").get_data(
        as_text=True)
    bad = admin.get(f"{url}/tracker?status=not_issued&page=x")
    assert bad.status_code == 400 and bad.get_data(as_text=True).count("Select a status from the list") == 2


# --- the outbox -----------------------------------------------------------------------------


def _queue(db, clock, organisation_id, recipient, subject, failed_after=None):
    from tenderapp.services import outbox

    message = outbox.queue(db, recipient, subject, "body", clock.moment, organisation_id)
    if failed_after is not None:
        message.attempts, message.failed_at = 8, clock.moment + failed_after
        message.delivery_error = "SMTPRecipientsRefused: 550 mailbox unavailable"
    db.commit()
    return message


def test_the_outbox_filters_by_subject_or_address_and_delivery_status(world, db, clock, sign_in_as):
    _queue(db, clock, world.partner.id, "one@partner.example", "Agreement issued")
    _queue(db, clock, world.partner.id, "two@partner.example", "Reminder", failed_after=timedelta(hours=1))
    _queue(db, clock, world.other_lead.id, "them@other.example", "Agreement issued")
    admin = sign_in_as("admin@lead.example")
    page = admin.get("/admin/outbox?q=agreement+issued").get_data(as_text=True)
    assert "one@partner.example" in page and "them@other.example" not in page
    failed = admin.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "1 message matches" in failed and "two@partner.example" in failed and "one@partner" not in failed
    assert "them@other.example" not in admin.get("/admin/outbox?q=them").get_data(as_text=True)


def test_failed_messages_are_paged_and_filtered(world, db, clock, sign_in_as):
    for n in range(23):
        _queue(db, clock, world.partner.id, f"gone{n}@partner.example", f"Message {n}",
               failed_after=timedelta(minutes=n))
    _queue(db, clock, world.other_lead.id, "gone@other.example", "Theirs", failed_after=timedelta(0))
    admin = sign_in_as("admin@lead.example")
    first = admin.get("/admin/outbox/failed").get_data(as_text=True)
    assert "23 failed messages" in first and "showing 1 to 20" in first and "Theirs" not in first
    assert 'href="/admin/outbox/failed?page=2"' in first
    assert "gone0@partner.example" in admin.get("/admin/outbox/failed?page=2").get_data(as_text=True)
    one = admin.get("/admin/outbox/failed?q=gone7@").get_data(as_text=True)
    assert "1 failed message matches" in one and "gone7@partner.example" in one
    bad = admin.get("/admin/outbox/failed?date_to=1&date_to=13&date_to=2026")
    assert bad.status_code == 400 and bad.get_data(as_text=True).count("Gave up to must be a real date") == 2
