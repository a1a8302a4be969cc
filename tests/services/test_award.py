"""The award below the web: from the recommendation, the award decision (recorded, taken,
published) and the award with its standstill, to the contract's entry, an extension under its
own decision, the contract change notice it needs, and the papers behind the decisions."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tenderapp.access import actor_for
from tenderapp.access import decisions as decision_access
from tenderapp.demo.documents import text_pdf
from tenderapp.domain.deadlines import standstill_period
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.links import public_links
from tenderapp.models import Collaboration, Organisation, User
from tenderapp.services import contracts, decisions, extensions, recommendation
from tenderapp.services.decisions import DecisionInput
from tenderapp.services.extensions import ExtensionInput
from tenderapp.storage import DocumentStore
from tests import factories

NOW = datetime(2017, 11, 1, 10, tzinfo=UTC)


def _actor(db, email):
    return actor_for(db, db.exec(select(User).where(User.email == email)).one(), "test")


def _decision(db, admin, collaboration, number, kind="award", taken=date(2015, 2, 13)):
    return decisions.record_decision(db, admin, collaboration, DecisionInput(
        number=number, title=f"Decision {number}", kind=kind, key_decision=False, decision_maker="Cabinet Member",
        forum=None, delegation_reference=None, summary="Decided.", endorsed_on=date(2015, 1, 28), taken_on=taken),
        NOW)


@pytest.fixture
def arranged(app, db, tmp_path):
    store = DocumentStore(tmp_path / "documents")
    tender = factories.recommended_tender(db, NOW, app.extensions["tenderapp.sealer"], store, public_links(app))
    tender.regime, tender.light_touch = "PA2023", False  # so that an extension needs a change notice
    db.add(tender)
    db.commit()
    admin = _actor(db, "admin@kent.example")
    return tender, db.get(Collaboration, tender.collaboration_id), admin, app.extensions["tenderapp.sealer"], store


def test_the_award_runs_from_the_recommendation_to_the_change_notice(db, arranged):
    tender, collaboration, admin, sealer, _ = arranged
    recommended = recommendation.current(db, tender)
    assert recommended is not None

    with pytest.raises(RuleViolation, match="Select the award decision"):
        contracts.award(db, admin, sealer, tender, None, date(2015, 2, 20), NOW)
    pending = _decision(db, admin, collaboration, "AW/0", taken=None)
    assert decisions.decision_status(pending).label == "Endorsed"
    with pytest.raises(RuleViolation, match="The award decision has not been taken yet"):
        contracts.award(db, admin, sealer, tender, pending, date(2015, 2, 20), NOW)
    with pytest.raises(RuleViolation, match="Record when the decision was taken"):
        decisions.publish_decision(db, admin, pending, NOW)

    decision = decisions.publish_decision(db, admin, _decision(db, admin, collaboration, "AW/1"), NOW)
    assert decisions.decision_status(decision).label == "Published"
    with pytest.raises(RuleViolation, match="cannot be before the award decision was taken on 13 February 2015"):
        contracts.award(db, admin, sealer, tender, decision, date(2015, 2, 12), NOW)

    contract = contracts.award(db, admin, sealer, tender, decision, date(2015, 2, 20), NOW)
    period = standstill_period(date(2015, 2, 20), "PA2023")
    assert (contract.submission_id, contract.value_pence) == (recommended.submission_id, 98540000)
    assert (contract.standstill_last_day, contract.earliest_signing_date) == (period.last_day,
                                                                              period.earliest_signing_date)
    assert db.get(Organisation, contract.supplier_organisation_id).name == "Mediation Partners Ltd"
    assert contracts.contract_of(db, tender) == contract
    with pytest.raises(Conflict, match="already awarded"):
        contracts.award(db, admin, sealer, tender, decision, date(2015, 2, 20), NOW)

    with pytest.raises(RuleViolation, match="cannot be entered into before"):
        contracts.enter_into(db, admin, contract, date(2015, 2, 21), NOW)
    contracts.enter_into(db, admin, contract, date(2015, 3, 10), NOW)
    with pytest.raises(Conflict):
        contracts.enter_into(db, admin, contract, date(2015, 3, 10), NOW)
    with pytest.raises(Conflict, match="can no longer be corrected"):
        contracts.correct_notice_date(db, admin, contract, tender, date(2015, 2, 23), "Later", NOW)

    data = ExtensionInput(months=24, decided_by="Corporate Director", consulted=" Cabinet Member ",
                          decided_on=date(2017, 10, 2))
    with pytest.raises(RuleViolation, match="Select the extension decision"):
        extensions.extend(db, admin, contract, tender, decision, data, NOW)
    extension_decision = _decision(db, admin, collaboration, "EX/1", kind="extension", taken=date(2017, 10, 2))
    extension = extensions.extend(db, admin, contract, tender, extension_decision, data, NOW)
    assert (extension.previous_end_date, extension.new_end_date, contract.end_date) == (
        date(2018, 3, 31), date(2020, 3, 31), date(2020, 3, 31))
    assert extension.consulted == "Cabinet Member" and extension.change_notice_required
    assert extensions.extensions(db, contract) == [extension]
    with pytest.raises(RuleViolation, match="no extension option left"):
        extensions.extend(db, admin, contract, tender, extension_decision, data, NOW)

    for day, message in ((date(2017, 10, 1), "before the extension was decided"),
                         (date(2017, 11, 2), "cannot be in the future")):
        with pytest.raises(RuleViolation, match=message):
            extensions.record_change_notice(db, admin, contract, extension, day, NOW)
    extensions.record_change_notice(db, admin, contract, extension, date(2017, 10, 9), NOW)
    assert extension.change_notice_published_on == date(2017, 10, 9)


def test_decision_papers_are_the_decisions_own_and_members_read_them_once_published(db, arranged):
    tender, collaboration, admin, _, store = arranged
    decision = _decision(db, admin, collaboration, "AW/2")
    other = _decision(db, admin, collaboration, "AW/3")
    pdf = text_pdf(["Report to the Cabinet Committee"])
    with pytest.raises(RuleViolation, match="Select the kind of document"):
        decisions.add_decision_document(db, admin, decision, "minutes", "Report", pdf, "report.pdf", store, NOW)
    document = decisions.add_decision_document(db, admin, decision, "report", " Report ", pdf, "report.pdf", store,
                                               NOW)
    assert document.title == "Report" and store.read(document.sha256) == pdf
    assert decisions.decision_documents(db, decision) == [document]
    assert decision_access.decision_document(db, decision, document.id) == document
    with pytest.raises(NotFound):
        decision_access.decision_document(db, other, document.id)

    member = _actor(db, "signatory@medway.example")
    with pytest.raises(NotFound):
        decision_access.get_readable_decision(db, member, decision.id)
    with pytest.raises(NotFound):
        decision_access.get_lead_decision(db, member, decision.id)
    decisions.publish_decision(db, admin, decision, NOW)
    assert decision_access.get_readable_decision(db, member, decision.id) == (decision, False)
    assert decision_access.get_readable_decision(db, admin, other.id) == (other, True)
    groups = {c.id: (led, items) for c, led, items in decision_access.readable_decisions(db, member)}
    assert groups[collaboration.id] == (False, [decision])
