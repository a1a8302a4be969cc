"""The dashboard is each person's to-do list: in the demo, each role sees its real tasks, each
linking to the page where it is done."""

import re

from sqlmodel import select

from tenderapp.models import Agreement, Tender


def _task_links(page: str) -> dict[str, str]:
    """Each task's link text -> its address, from the task list."""
    tasks = page.split('id="tasks"', 1)[1].split("</ul>", 1)[0]
    found = re.findall(r'<a class="govuk-link[^"]*" href="([^"]+)"[^>]*>([^<]+)</a>', tasks)
    return {text.strip(): href for href, text in found}


def test_kents_admins_see_the_open_tenders_question_to_answer(app, db, clock, load_demo, sign_in_as):
    load_demo()
    live = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    for email in ("admin@kent.example", "admin2@kent.example"):
        page = sign_in_as(email, "demo-password").get("/dashboard").get_data(as_text=True)
        links = _task_links(page)
        assert links["Answer 1 clarification question"] == f"/tenders/{live.id}/questions"
        assert "SC26041: SEND Mediation and Disagreement Resolution Service (re-procurement)" in page
        assert "Signatures outstanding: 7 members" in links


def test_the_support_units_signatory_agreed_in_principle_and_is_asked_to_sign(app, db, clock, load_demo,
                                                                                sign_in_as):
    load_demo()
    agreement = db.exec(select(Agreement).order_by(Agreement.id)).first()
    page = sign_in_as("signatory@secsu.example", "demo-password").get("/dashboard").get_data(as_text=True)
    assert _task_links(page) == {"Sign the agreement": f"/agreements/{agreement.id}/sign"}
    assert "On behalf of NHS Ashford Clinical Commissioning Group" in page
    signed = sign_in_as("signatory@medway.example", "demo-password").get("/dashboard").get_data(as_text=True)
    assert "Nothing needs you at the moment." in signed


def test_evaluators_and_bidders_see_their_own_tasks(app, db, clock, load_demo, sign_in_as):
    load_demo()
    live = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    evaluator = sign_in_as("evaluator@surrey.example", "demo-password").get("/dashboard").get_data(as_text=True)
    assert _task_links(evaluator) == {"Declare any conflicts of interest": f"/tenders/{live.id}/evaluate/declaration"}
    drafting = _task_links(sign_in_as("bidder@common-ground.example", "demo-password").get("/dashboard")
                           .get_data(as_text=True))
    assert drafting["Finish and submit your bid"] == f"/tenders/{live.id}/bid"
    assert drafting["Read 1 new answer to clarification questions"] == f"/tenders/{live.id}"


def test_the_reminder_button_on_the_dashboard_reminds_the_outstanding_signatories(app, db, clock, load_demo,
                                                                                  sign_in_as):
    load_demo()
    admin = sign_in_as("admin@kent.example", "demo-password")
    page = admin.get("/dashboard").get_data(as_text=True)
    action = re.search(r'<form method="post" action="(/agreements/\d+/reminders)"', page).group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = admin.client.post(action, data={"csrf_token": token}, follow_redirects=True)
    assert "Reminders sent to the signatories of 7 organisations" in response.get_data(as_text=True)
