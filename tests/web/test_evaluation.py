"""Evaluation through the web: panel and conflicts, independent scoring, moderation,
compliance and results."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tenderapp.models import AuditEvent, IndividualScore, ModeratedScore, QualityCriterion
from tests import factories
from tests.conftest import arranged_once, csrf_from
from tests.hostile import pdf
from tests.web.test_bids import _post, answer, declare, price

BIDS = (("bidder@supplier.example", "7480", "1000", "Hubs in three towns, open daily."),
        ("bidder@rival.example", "9000", "800", "One office, open on weekdays only."))


def open_box(world, db, clock, sign_in_as, bids=BIDS):
    """A tender with the given bids (email, core, payg, answer), opened; the lead admin and a
    partner evaluator on the panel for its one criterion (60 marks, minimum 2)."""
    tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "EVAL-001",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    rival = factories.organisation(db, "Rival Mediation Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, rival, "bidder@rival.example", ["bidder"], clock.moment)
    factories.user(db, world.partner, "evaluator@partner.example", ["evaluator"], clock.moment, full_name="Pat Evans")
    for email, core, payg, text in bids:
        bidder = sign_in_as(email)
        price(bidder, tender.id, core, payg)
        answer(bidder, tender.id, text)
        declare(bidder, tender.id)
        _post(bidder, tender.id, "submit")
    admin = sign_in_as("admin@lead.example")
    criterion = db.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)).one()
    partner = db.exec(select(factories.User).where(factories.User.email == "evaluator@partner.example")).one()
    for user in (world.lead_admin, partner):
        assert admin.submit(f"/tenders/{tender.id}/evaluation/panel",
                            {"user_id": user.id, "criterion_ids": [criterion.id]}).status_code == 302
    clock.set(tender.submission_deadline)
    for email in ("admin@lead.example", "admin2@lead.example"):
        person = sign_in_as(email)
        token = csrf_from(person.get(f"/tenders/{tender.id}/opening").get_data(as_text=True))
        person.client.post(f"/tenders/{tender.id}/opening", data={"csrf_token": token})
    return tender, criterion


@pytest.fixture
def opened(app, world, db, clock, sign_in_as):
    """Two bids (A: £7,480/£1,000; B: £9,000/£800), opened (through the pages once a process; later
    tests get the same rows back)."""
    return arranged_once("opened", app, db, lambda: open_box(world, db, clock, sign_in_as))


def declare_none(browser, tender_id):
    return browser.submit(f"/tenders/{tender_id}/evaluate/declaration", {"has_conflict": "no"})


def task_urls(browser, tender_id):
    page = browser.get(f"/tenders/{tender_id}/evaluate").get_data(as_text=True)
    return re.findall(rf'href="(/tenders/{tender_id}/evaluate/\d+/\d+)"', page)


def score(browser, url, value, reasons="The answer covers the requirement with clear local detail."):
    return browser.submit(url, {"score": str(value), "justification": reasons})


def test_no_bid_is_visible_before_the_conflicts_declaration(world, opened, sign_in_as):
    tender, _ = opened
    evaluator = sign_in_as("evaluator@partner.example")
    assert "Declare conflicts of interest" in evaluator.get(f"/tenders/{tender.id}/evaluate").get_data(as_text=True)
    assert task_urls(evaluator, tender.id) == []
    declare_none(evaluator, tender.id)
    assert len(task_urls(evaluator, tender.id)) == 2


def test_a_declared_conflict_waits_for_the_admins_decision(world, opened, sign_in_as, db):
    tender, _ = opened
    evaluator = sign_in_as("evaluator@partner.example")
    response = evaluator.submit(f"/tenders/{tender.id}/evaluate/declaration", {"has_conflict": "yes", "details": "x"})
    assert response.status_code == 400  # details need a sentence
    evaluator.submit(f"/tenders/{tender.id}/evaluate/declaration",
                     {"has_conflict": "yes", "details": "My brother works for Rival Mediation Ltd as a mediator."})
    assert task_urls(evaluator, tender.id) == []
    admin = sign_in_as("admin@lead.example")
    partner_id = db.exec(select(factories.User.id).where(factories.User.email == "evaluator@partner.example")).one()
    response = admin.submit(f"/tenders/{tender.id}/evaluation/conflicts/{partner_id}", {"decision": "continue",
                                                                                        "mitigation": ""})
    assert response.status_code == 400
    admin.submit(f"/tenders/{tender.id}/evaluation/conflicts/{partner_id}",
                 {"decision": "continue", "mitigation": "They score only after the others, and the chair reviews it."})
    assert len(task_urls(evaluator, tender.id)) == 2


def test_evaluators_score_independently_and_scores_are_locked(world, opened, sign_in_as, db):
    tender, _ = opened
    lead, partner = sign_in_as("admin@lead.example"), sign_in_as("evaluator@partner.example")
    for person in (lead, partner):
        declare_none(person, tender.id)
    url = task_urls(lead, tender.id)[0]
    assert score(lead, url, 4).status_code == 302
    page = partner.get(url).get_data(as_text=True)
    assert "Other evaluators" not in page and "clear local detail" not in page  # not before their own
    response = score(partner, url, 5, "short")
    assert response.status_code == 400
    assert "in at least a full sentence" in response.get_data(as_text=True)
    score(partner, url, 1, "Very little detail about how meetings will be arranged in time.")
    page = partner.get(url).get_data(as_text=True)
    assert "Alex Admin: 4" in page and "clear local detail" in page
    assert score(partner, url, 3).status_code == 200  # locked: the form is gone, nothing changes
    assert sorted(s.score for s in db.exec(select(IndividualScore))) == [1, 4]


def test_moderation_needs_a_rationale_flags_wide_spreads_and_keeps_the_originals(world, opened, sign_in_as, db):
    tender, criterion = opened
    lead, partner = sign_in_as("admin@lead.example"), sign_in_as("evaluator@partner.example")
    for person in (lead, partner):
        declare_none(person, tender.id)
    url, other = task_urls(lead, tender.id)
    score(lead, url, 4)
    score(lead, other, 3)
    score(partner, url, 1, "Very little detail about how meetings will be arranged in time.")
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    assert "Wide spread" in grid
    submission_id = url.split("/")[-2]
    moderate_url = f"/tenders/{tender.id}/evaluation/moderation/{submission_id}/{criterion.id}"
    response = lead.submit(moderate_url, {"score": "3", "rationale": ""})
    assert response.status_code == 400
    assert "Enter the rationale for the consensus score" in response.get_data(as_text=True)
    lead.submit(moderate_url, {"score": "3",
                               "rationale": "The panel agreed the hubs answer is solid but thin on timescales."})
    lead.submit(moderate_url, {"score": "2",
                               "rationale": "On review the timescale gaps are material, so two is right."})
    assert db.exec(select(ModeratedScore)).one().score == 2
    assert sorted(s.score for s in db.exec(select(IndividualScore))) == [1, 3, 4]
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "evaluation.moderated")
                     .order_by(AuditEvent.seq)).all()
    assert '"before":{"rationale":"The panel agreed' in events[1].details


def _moderate_all(lead, tender, criterion, scores):
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    urls = re.findall(rf'href="(/tenders/{tender.id}/evaluation/moderation/\d+/{criterion.id})"', grid)
    suppliers = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', grid)
    for supplier, url in zip(suppliers, urls, strict=False):
        response = lead.submit(url, {"score": str(scores[supplier]),
                                     "rationale": f"Consensus reached for {supplier} after discussion."})
        assert response.status_code == 302, response.get_data(as_text=True)


def finish(sign_in_as, tender, criterion, scores, failed=()):
    """The whole evaluation as a panel runs it: both evaluators declare and score every answer
    (with the consensus value), compliance is recorded (failing the suppliers in ``failed``),
    then each consensus is moderated. Returns the lead admin's browser."""
    lead, partner = sign_in_as("admin@lead.example"), sign_in_as("evaluator@partner.example")
    for person in (lead, partner):
        declare_none(person, tender.id)
        for url in task_urls(person, tender.id):
            page = person.get(url).get_data(as_text=True)
            if "Your score:" in page:
                continue  # scored earlier in the test
            supplier = re.search(r'<span class="govuk-caption-l">(.+?) · ', page).group(1)
            assert score(person, url, scores[supplier]).status_code == 302
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    suppliers = re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', grid)
    for supplier, url in zip(suppliers, re.findall(rf'href="(/tenders/{tender.id}/evaluation/compliance/\d+)"', grid),
                             strict=False):
        passed = supplier not in failed
        lead.submit(url, {"passed": "yes" if passed else "no",
                          "reason": "All documents received and checked." if passed else
                          "The bid omitted the mandatory insurance certificate."})
    _moderate_all(lead, tender, criterion, scores)
    return lead


def test_results_follow_the_rules(world, opened, sign_in_as):
    tender, criterion = opened
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    # evaluated prices: A 16×7,480 + 112×1,000 = 231,680; B 16×9,000 + 112×800 = 233,600
    # price (40, lowest): A 40; B 40 × 231,680 / 233,600 = 39.67
    # quality (60): A 60 × 4/5 = 48; B 60 × 5/5 = 60. Totals: A 88.00; B 99.67 → B first
    assert "£231,680.00" in page and "£233,600.00" in page
    assert "39.67" in page and "99.67" in page and "88.00" in page
    assert page.index("Rival Mediation Ltd") < page.index("Supplier Ltd")
    assert "provisional" not in page


def _row(page, supplier):
    return re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{supplier}(?:(?!</tr>).)*</tr>", page, re.S).group(0)


def test_a_failed_compliance_check_excludes_the_bid_from_ranking(world, opened, sign_in_as):
    tender, criterion = opened
    # the cheaper bid fails: the dearer one is then the lowest-priced of those ranked
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5},
                  failed=("Supplier Ltd",))
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    failed = _row(page, "Supplier Ltd")
    assert "Not compliant: The bid omitted the mandatory insurance certificate." in failed
    assert ">–</td>" in failed  # no rank, no scores
    assert "100.00" in _row(page, "Rival Mediation Ltd")  # 40 + 60: full price marks now


def test_below_the_minimum_score_fails_quality_and_is_not_ranked(world, opened, sign_in_as):
    tender, criterion = opened
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 1, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    failed = _row(page, "Supplier Ltd")
    assert "Below the minimum score for: Service delivery" in failed and ">–</td>" in failed
    assert "100.00" in _row(page, "Rival Mediation Ltd")  # the failed bid sets no price benchmark


def test_evaluators_reach_only_their_own_tenders(world, opened, sign_in_as, db, clock):
    tender, _ = opened
    other_tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "EVAL-002")
    partner = sign_in_as("evaluator@partner.example")
    assert partner.get(f"/tenders/{other_tender.id}/evaluate").status_code == 404
    assert partner.get(f"/tenders/{tender.id}/evaluation/results").status_code == 403
    outsider_org = factories.organisation(db, "Far Council", clock.moment)
    factories.user(db, outsider_org, "evaluator@far.example", ["evaluator"], clock.moment)
    assert sign_in_as("evaluator@far.example").get(f"/tenders/{tender.id}/evaluate").status_code == 404


def test_the_results_page_runs_the_same_queries_for_more_bids(world, opened, sign_in_as, db, clock, count_queries):
    tender, criterion = opened
    finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    url = f"/tenders/{tender.id}/evaluation/results"
    viewer = sign_in_as("admin2@lead.example")  # not on the panel
    small = count_queries(lambda: viewer.get(url))
    # three more bids, submitted before the deadline (the opening reads whatever is in the box)
    from tenderapp.models import Tender

    t = db.get(Tender, tender.id)
    t.opened_at = None
    db.add(t)
    db.commit()
    clock.set(tender.submission_deadline - timedelta(minutes=30))
    for n in range(3):
        org = factories.organisation(db, f"Extra {n} Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
        factories.user(db, org, f"bidder{n}@extra.example", ["bidder"], clock.moment)
        bidder = sign_in_as(f"bidder{n}@extra.example")
        price(bidder, tender.id, "8000", "900")
        answer(bidder, tender.id, "An answer of reasonable length for testing.")
        declare(bidder, tender.id)
        _post(bidder, tender.id, "submit")
    t = db.get(Tender, tender.id)
    t.opened_at = tender.submission_deadline
    db.add(t)
    db.commit()
    clock.set(tender.submission_deadline)
    viewer = sign_in_as("admin2@lead.example")
    assert "Extra 2 Ltd" in viewer.get(url).get_data(as_text=True)
    assert count_queries(lambda: viewer.get(url)) == small


def test_sensitivity_export_report_and_recommendation(world, opened, sign_in_as, db):
    from io import BytesIO

    from openpyxl import load_workbook

    from tenderapp.models import Recommendation

    tender, criterion = opened
    partner = sign_in_as("evaluator@partner.example")
    declare_none(partner, tender.id)
    url = task_urls(partner, tender.id)[0]
    score(partner, url, 3, "=HYPERLINK(\"http://evil.example\") is what the answer says, oddly.")
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    assert "How robust is the result?" in page
    # Rival wins as tendered (99.67 v 88.00); with price weighted 60 (+20): Supplier 60 + 40×0.8 = 92,
    # Rival 60×231,680/233,600 = 59.51 + 40 = 99.51: still Rival. Robust.
    assert "Robust: the winner is the same in every scenario below." in page
    assert '<svg role="img"' in page and "Rival Mediation Ltd: price 39.67, quality 60.00, total 99.67" in page
    workbook = load_workbook(BytesIO(lead.get(f"/tenders/{tender.id}/evaluation/matrix.xlsx").data))
    assert workbook.sheetnames == ["Summary", "Service delivery"]
    values = [c.value for row in workbook["Service delivery"].iter_rows() for c in row if c.value is not None]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert any(isinstance(v, str) and v.startswith("'=HYPERLINK") for v in values)
    assert [r[1] for r in workbook["Summary"].iter_rows(min_row=4, values_only=True)] == [
        "Rival Mediation Ltd", "Supplier Ltd"]
    report = lead.get(f"/tenders/{tender.id}/evaluation/report").get_data(as_text=True)
    for heading in ("1. Method", "2. Panel and declarations", "3. Scores and moderation", "4. Results",
                    "5. Sensitivity", "6. Recommendation"):
        assert heading in report
    rival_id = re.search(r'<option value="(\d+)">1\. Rival Mediation Ltd', page).group(1)
    supplier_id = re.search(r'<option value="(\d+)">2\. Supplier Ltd', page).group(1)
    response = lead.submit(f"/tenders/{tender.id}/evaluation/results", {
        "submission_id": supplier_id, "rationale": "We prefer them for their local presence and history."})
    assert response.status_code == 400
    assert "Enter the reason for recommending a bid that is not ranked first" in response.get_data(as_text=True)
    lead.submit(f"/tenders/{tender.id}/evaluation/results", {
        "submission_id": rival_id, "rationale": "Ranked first on price and quality, robust in every scenario."})
    assert db.exec(select(Recommendation)).one().submission_id == int(rival_id)


def test_the_results_table_shows_each_criterions_moderated_score_and_contribution(world, opened, sign_in_as):
    tender, criterion = opened
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    # 60 × 4/5 = 48 for Supplier Ltd; 60 × 5/5 = 60 for Rival
    assert "4 → 48.00" in page and "5 → 60.00" in page


def test_consensus_needs_every_evaluators_score_first(world, opened, sign_in_as, db):
    tender, criterion = opened
    lead = sign_in_as("admin@lead.example")
    declare_none(lead, tender.id)
    for url in task_urls(lead, tender.id):
        score(lead, url, 3)
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    url = re.findall(rf'href="(/tenders/{tender.id}/evaluation/moderation/\d+/{criterion.id})"', grid)[0]
    response = lead.submit(url, {"score": "3", "rationale": "We agreed three after a long discussion today."})
    assert response.status_code == 400
    assert "Every evaluator on the panel must score this answer" in response.get_data(as_text=True)
    assert db.exec(select(ModeratedScore)).first() is None


def test_a_panel_admin_sees_others_scores_only_after_their_own(world, opened, sign_in_as):
    tender, _ = opened
    partner = sign_in_as("evaluator@partner.example")
    declare_none(partner, tender.id)
    for url in task_urls(partner, tender.id):
        score(partner, url, 2, "Thin on how meetings will be arranged within the timescales.")
    lead = sign_in_as("admin@lead.example")
    declare_none(lead, tender.id)
    response = lead.get(f"/tenders/{tender.id}/evaluation/moderation")
    assert response.status_code == 403
    assert "Thin on how meetings" not in response.get_data(as_text=True)
    assert lead.get(f"/tenders/{tender.id}/evaluation/results").status_code == 403
    for url in task_urls(lead, tender.id):
        score(lead, url, 4)
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    cell = re.findall(rf'href="(/tenders/{tender.id}/evaluation/moderation/\d+/\d+)"', grid)[0]
    assert "Thin on how meetings" in lead.get(cell).get_data(as_text=True)


def test_a_removed_evaluators_scores_no_longer_count_or_show(world, opened, sign_in_as, db):
    tender, criterion = opened
    partner = sign_in_as("evaluator@partner.example")
    partner.submit(f"/tenders/{tender.id}/evaluate/declaration",
                   {"has_conflict": "yes", "details": "I used to work for Rival Mediation Ltd until last year."})
    lead = sign_in_as("admin@lead.example")
    partner_id = db.exec(select(factories.User.id).where(factories.User.email == "evaluator@partner.example")).one()
    conflict_url = f"/tenders/{tender.id}/evaluation/conflicts/{partner_id}"
    lead.submit(conflict_url, {"decision": "continue", "mitigation": "They score, and the chair reviews every score."})
    for url in task_urls(partner, tender.id):
        score(partner, url, 0, "Written before the decision to remove them was taken.")
    lead.submit(conflict_url, {"decision": "removed", "mitigation": ""})
    assert partner.get(f"/tenders/{tender.id}/evaluate").status_code == 403 or \
        task_urls(partner, tender.id) == []
    declare_none(lead, tender.id)
    for url in task_urls(lead, tender.id):
        score(lead, url, 4)
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    assert "Written before the decision" not in grid
    url = re.findall(rf'href="(/tenders/{tender.id}/evaluation/moderation/\d+/{criterion.id})"', grid)[0]
    assert lead.submit(url, {"score": "4", "rationale": "Only the remaining evaluator's view counts now."}
                       ).status_code == 302


def test_the_evaluation_closes_once_a_recommendation_is_recorded(world, opened, sign_in_as, db):
    tender, criterion = opened
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    rival_id = re.search(r'<option value="(\d+)">1\. Rival Mediation Ltd', page).group(1)
    lead.submit(f"/tenders/{tender.id}/evaluation/results", {
        "submission_id": rival_id, "rationale": "Ranked first on price and quality, robust in every scenario."})
    grid = lead.get(f"/tenders/{tender.id}/evaluation/moderation").get_data(as_text=True)
    url = re.findall(rf'href="(/tenders/{tender.id}/evaluation/moderation/\d+/{criterion.id})"', grid)[0]
    response = lead.submit(url, {"score": "0", "rationale": "Changing the consensus after the recommendation."})
    assert response.status_code == 409
    assert sorted(m.score for m in db.exec(select(ModeratedScore))) == [4, 5]


def test_no_recommendation_before_the_evaluation_is_complete(world, opened, sign_in_as):
    tender, criterion = opened
    lead = sign_in_as("admin2@lead.example")  # not on the panel
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    assert "provisional" in page and "Finish moderation to record a recommendation" in page


def test_evaluators_open_the_files_attached_to_answers_they_score(world, db, clock, sign_in_as):
    from tests.web.test_opening import attach, turn

    tender = factories.published_tender(db, world.collab, world.lead_admin, clock.moment, "EVAL-FILES",
                                        clarification_in=timedelta(hours=1), submission_in=timedelta(hours=3))
    bidder = sign_in_as("bidder@supplier.example")
    attach(bidder, tender.id, pdf("our method statement"), "method.pdf")
    price(bidder, tender.id, "7480", "1000")
    answer(bidder, tender.id, "See the attached method statement for detail.")
    declare(bidder, tender.id)
    _post(bidder, tender.id, "submit")
    factories.user(db, world.partner, "evaluator@partner.example", ["evaluator"], clock.moment)
    partner_user = db.exec(select(factories.User).where(factories.User.email == "evaluator@partner.example")).one()
    criterion = db.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)).one()
    admin = sign_in_as("admin@lead.example")
    admin.submit(f"/tenders/{tender.id}/evaluation/panel",
                 {"user_id": partner_user.id, "criterion_ids": [criterion.id]})
    clock.set(tender.submission_deadline)
    turn(admin, tender.id)
    turn(sign_in_as("admin2@lead.example"), tender.id)
    evaluator = sign_in_as("evaluator@partner.example")
    declare_none(evaluator, tender.id)
    page = evaluator.get(task_urls(evaluator, tender.id)[0]).get_data(as_text=True)
    link = re.search(r'href="(/tenders/\d+/evaluate/\d+/\d+/files/[0-9a-f]{64})">method.pdf', page).group(1)
    assert evaluator.get(link).data == pdf("our method statement")
    assert sign_in_as("viewer@lead.example").get(link).status_code == 403


def test_a_bid_stored_at_nothing_is_shown_flagged_and_left_out_of_the_ranking(world, db, clock, sign_in_as,
                                                                               monkeypatch):
    from io import BytesIO

    from openpyxl import load_workbook

    from tenderapp.domain import bids as bid_rules

    # A £0.00 bid as one could be stored before submission refused it.
    strict = bid_rules.missing_for_submission
    monkeypatch.setattr(bid_rules, "missing_for_submission",
                        lambda *args: [p for p in strict(*args) if p != bid_rules.UNSCORABLE_BID])
    free = factories.organisation(db, "Free Advice Ltd", clock.moment, factories.OrganisationKind.SUPPLIER)
    factories.user(db, free, "bidder@free.example", ["bidder"], clock.moment)
    tender, criterion = open_box(world, db, clock, sign_in_as,
                                 BIDS + (("bidder@free.example", "0", "0", "Volunteers, free of charge."),))
    monkeypatch.undo()
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5, "Free Advice Ltd": 5})
    reason = "Cannot be scored: its evaluated price is £0.00, and only a price above zero can be scored on price"
    response = lead.get(f"/tenders/{tender.id}/evaluation/results")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    free_row = _row(page, "Free Advice Ltd")
    assert "£0.00" in free_row and reason in free_row and ">–</td>" in free_row
    # the others are ranked as if it were not there: Rival 99.67, Supplier 88.00
    assert "99.67" in _row(page, "Rival Mediation Ltd") and "88.00" in _row(page, "Supplier Ltd")
    assert "Abnormally low" not in page
    report = lead.get(f"/tenders/{tender.id}/evaluation/report")
    assert report.status_code == 200 and reason in report.get_data(as_text=True)
    matrix = lead.get(f"/tenders/{tender.id}/evaluation/matrix.xlsx")
    assert matrix.status_code == 200
    summary = load_workbook(BytesIO(matrix.data))["Summary"]
    assert any(reason in str(c.value) for row in summary.iter_rows() for c in row)


def test_after_scoring_an_answer_the_evaluator_is_offered_the_next_one_until_all_are_scored(world, opened,
                                                                                          sign_in_as):
    tender, _ = opened
    partner = sign_in_as("evaluator@partner.example")
    declare_none(partner, tender.id)
    first, second = task_urls(partner, tender.id)
    assert "Score the next answer" not in partner.get(first).get_data(as_text=True)  # not before scoring
    response = score(partner, second, 3)
    page = partner.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(rf'href="{first}"[^>]*>\s*Score the next answer', page)  # round to the one left
    response = score(partner, first, 4)
    page = partner.get(response.headers["Location"]).get_data(as_text=True)
    assert "Score the next answer" not in page
    assert "You have scored every answer you were given on this tender." in page
    assert f'href="/tenders/{tender.id}/evaluate">Back to your evaluation</a>' in page


def test_the_ranking_table_has_only_the_key_columns_and_the_detail_is_in_a_second_table(world, opened, sign_in_as):
    tender, criterion = opened
    lead = finish(sign_in_as, tender, criterion, {"Supplier Ltd": 4, "Rival Mediation Ltd": 5})
    page = lead.get(f"/tenders/{tender.id}/evaluation/results").get_data(as_text=True)
    ranking = re.search(r'<table[^>]*id="ranking".*?</table>', page, re.S).group(0)
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*scope=\"col\"[^>]*>(.*?)</th>",
                                                                      ranking, re.S)]
    assert headers == ["Rank", "Supplier", "Price score", "Quality", "Total", "Flags"]
    assert "£231,680.00" not in ranking and "4 → 48.00" not in ranking
    detail = page[page.index("Price and quality detail"):]
    assert "£231,680.00" in detail and "4 → 48.00" in detail and "Service delivery (60)" in detail
