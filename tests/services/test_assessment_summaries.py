"""Assessment summaries on the seed tender (2015 regulations): drafted for every bidder from the
moderated scores and rationales, edited, issued together, and each supplier reads its own only."""

from sqlmodel import select

from tenderapp.models import AssessmentSummary, AuditEvent, Contract, ModeratedScore, OutboxMessage, Tender
from tenderapp.services.assessment_summaries import ADVANTAGES_PROMPT
from tests.conftest import csrf_from

ADMIN = "admin@kent.example"
WINNER = "bidder@mediation-partners.example"
OTHER = "bidder@common-ground.example"


def test_drafts_carry_the_scores_rationales_and_winner_and_issue_to_each_supplier_only(db, load_demo,
                                                                                      sign_in_as):
    load_demo()
    contract = db.exec(select(Contract)).one()
    tender = db.get(Tender, contract.tender_id)
    admin = sign_in_as(ADMIN, "demo-password")
    base = f"/contracts/{contract.id}/assessment-summaries"
    token = csrf_from(admin.get(base).get_data(as_text=True))
    assert admin.client.post(f"{base}/draft", data={"csrf_token": token}).status_code == 302
    rows = db.exec(select(AssessmentSummary).order_by(AssessmentSummary.id)).all()
    assert len(rows) == 3 and all(r.issued_at is None for r in rows)
    rationale = db.exec(select(ModeratedScore).where(ModeratedScore.tender_id == tender.id)).first().rationale
    assert any(rationale.strip() in r.body for r in rows)
    assert all("awarded to Mediation Partners Ltd" in r.body and "Price, 40%" in r.body
               and "Service delivery model, 25%" in r.body for r in rows)
    winner = next(r for r in rows if r.submission_id == contract.submission_id)
    losers = [r for r in rows if r is not winner]
    assert ADVANTAGES_PROMPT not in winner.body and all(ADVANTAGES_PROMPT in r.body for r in losers)
    assert all("The successful bid (Mediation Partners Ltd)" in r.body for r in losers)  # 2015 regulations
    # drafting again keeps what is there
    token = csrf_from(admin.get(base).get_data(as_text=True))
    admin.client.post(f"{base}/draft", data={"csrf_token": token})
    assert len(db.exec(select(AssessmentSummary)).all()) == 3

    # the prompt must be replaced before issue; the message is on the page
    refused = admin.submit(f"{base}/issue", {})
    assert refused.status_code == 400 and "still have the prompt" in refused.get_data(as_text=True)
    empty = admin.submit(f"{base}/{losers[0].id}", {"body": "   "})
    assert empty.status_code == 400 and "Enter the summary" in empty.get_data(as_text=True)
    for r in losers:
        text = r.body.replace(ADVANTAGES_PROMPT, f"A clearer delivery model than {r.id}'s bid.")
        assert admin.submit(f"{base}/{r.id}", {"body": text}).status_code == 302

    assert admin.submit(f"{base}/issue", {}).status_code == 302
    db.expire_all()
    rows = db.exec(select(AssessmentSummary).order_by(AssessmentSummary.id)).all()
    assert all(r.issued_at is not None for r in rows)
    mails = db.exec(select(OutboxMessage).where(OutboxMessage.subject.contains("Assessment summary"))).all()
    assert {m.recipient for m in mails} >= {WINNER, OTHER}
    own_mail = next(m for m in mails if m.recipient == OTHER)
    theirs = next(r for r in rows if r.organisation_id == own_mail.organisation_id)
    assert theirs.body in own_mail.body and winner.body not in own_mail.body
    assert own_mail.body.rstrip().endswith(f"http://localhost/tenders/{tender.id}/assessment-summary")  # its page
    assert {"contract.summaries_drafted", "contract.summary_edited", "contract.summaries_issued"} <= {
        e.action for e in db.exec(select(AuditEvent))}

    # fixed once issued
    after = admin.get(f"{base}/{losers[0].id}")
    assert "can no longer be changed" in after.get_data(as_text=True)
    token = csrf_from(admin.get(base).get_data(as_text=True))
    posted = admin.client.post(f"{base}/{losers[0].id}", data={"body": "changed", "csrf_token": token})
    db.expire_all()
    assert posted.status_code == 200 and db.get(AssessmentSummary, losers[0].id).body != "changed"

    # each supplier reads its own, from its tender page; never another's
    supplier = sign_in_as(OTHER, "demo-password")
    assert "Read your assessment summary" in supplier.get(f"/tenders/{tender.id}").get_data(as_text=True)
    mine = supplier.get(f"/tenders/{tender.id}/assessment-summary").get_data(as_text=True)
    assert "A clearer delivery model" in mine and f"{theirs.id}&#39;s bid" in mine
    assert all(f"{r.id}&#39;s bid" not in mine for r in losers if r.id != theirs.id)
    assert sign_in_as(ADMIN, "demo-password").get(f"/tenders/{tender.id}/assessment-summary").status_code in (403, 404)
    # the current tender has no award: nothing to read
    current = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    assert supplier.get(f"/tenders/{current.id}/assessment-summary").status_code == 404


def test_a_member_authority_cannot_reach_the_summaries(db, load_demo, sign_in_as):
    load_demo()
    contract = db.exec(select(Contract)).one()
    medway = sign_in_as("signatory@medway.example", "demo-password")
    base = f"/contracts/{contract.id}/assessment-summaries"
    for url in (base, f"{base}/issue"):
        assert medway.get(url).status_code in (403, 404)
