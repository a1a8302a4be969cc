"""The meeting register below the web: the provider records and corrects cases (audited, each
rule refused on its field), the register's scoping, and the statements the cases make."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal as D

import pytest
from sqlmodel import select

from tenderapp import access
from tenderapp.domain import meeting_charges
from tenderapp.domain.errors import Forbidden, NotFound, RuleViolation
from tenderapp.domain.meetings import Attendance, CertificateKind, FundingPartyKind, MeetingKind, Outcome, Requester
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import AuditEvent, MeetingCase, User
from tenderapp.services import meeting_statements, meetings
from tenderapp.services.meetings import CaseInput
from tests import factories

NOW = datetime(2016, 4, 20, 10, tzinfo=UTC)


@pytest.fixture
def register(db, world):
    contract = factories.awarded_contract(db, world, NOW)
    provider = factories.actor(db, db.exec(select(User).where(User.email == "provider@supplier.example")).one())
    return contract, world.open_tender, provider


def mediation(world, reference="MED-1", told=date(2015, 5, 1), meeting=date(2015, 5, 20), **more) -> CaseInput:
    return CaseInput(reference, MeetingKind.MEDIATION, told,
                     organisation_id=world.lead.id, requester=Requester.PARENT, meeting_day=meeting,
                     attendance=Attendance.HELD if meeting else None,
                     outcome=Outcome.AGREEMENT_FULL if meeting else None, **more)


def test_the_provider_records_a_case_and_it_is_audited(db, world, register):
    contract, tender, provider = register
    case = meetings.record_case(db, provider, contract, tender, mediation(world, " med-1 "), NOW)
    assert (case.reference, case.kind, case.attendance) == ("MED-1", "mediation", "held")
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "meeting_case.recorded")).one()
    details = json.loads(event.details)
    assert event.object_id == str(case.id) and details["reference"] == "MED-1"
    # every fact the charges and indicators rest on
    assert details == {"contract_id": contract.id, "organisation_id": str(world.lead.id), "reference": "MED-1",
                       "kind": "mediation", "requester": "parent", "day_told": "2015-05-01",
                       "meeting_day": "2015-05-20", "attendance": "held", "cancelled_on": None,
                       "funding_kind": None, "funding_name": None, "funding_agreed_on": None,
                       "outcome": "agreement_full", "certificate_on": None, "certificate_kind": None}


def test_a_correction_is_audited_with_what_changed(db, world, register):
    contract, tender, provider = register
    case = meetings.record_case(db, provider, contract, tender, mediation(world), NOW)
    meetings.update_case(db, provider, contract, tender, case, mediation(
        world, meeting=date(2015, 5, 22), certificate_on=date(2015, 5, 23),
        certificate_kind=CertificateKind.AFTER_MEDIATION), NOW)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "meeting_case.updated")).one()
    details = json.loads(event.details)
    assert details["before"] == {"meeting_day": "2015-05-20", "certificate_on": None, "certificate_kind": None}
    assert details["after"] == {"meeting_day": "2015-05-22", "certificate_on": "2015-05-23",
                                "certificate_kind": "after_mediation"}


@pytest.mark.parametrize("change,field", [
    ({"meeting_day": date(2015, 4, 30)}, "meeting_day"),                          # meeting before the referral
    ({"certificate_on": date(2015, 5, 19), "certificate_kind": CertificateKind.AFTER_MEDIATION}, "certificate_on"),
    ({"day_told": date(2015, 3, 1), "meeting_day": None, "attendance": None, "outcome": None}, "day_told"),
    ({"meeting_day": date(2018, 4, 2)}, "meeting_day"),                           # after the contract's end
    ({"reference": "Jane Smith"}, "reference"),                                   # a name, not a case number
])
def test_bad_cases_are_refused_on_their_field_and_nothing_is_saved(db, world, register, change, field):
    contract, tender, provider = register
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender, replace(mediation(world), **change), NOW)
    assert caught.value.field == field
    assert db.exec(select(MeetingCase)).all() == []


def test_disagreement_resolution_needs_the_funding_agreement(db, world, register):
    contract, tender, provider = register
    dr = CaseInput("DR-1", MeetingKind.DISAGREEMENT_RESOLUTION, date(2015, 6, 1),
                   organisation_id=world.partner.id, requester=Requester.YOUNG_PERSON,
                   meeting_day=date(2015, 6, 20), attendance=Attendance.HELD,
                   funding_kind=FundingPartyKind.SCHOOL, funding_name="Oakwood Primary School")
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender, dr, NOW)
    assert caught.value.field == "funding_agreed_on"
    case = meetings.record_case(db, provider, contract, tender, replace(dr, funding_agreed_on=date(2015, 6, 5)), NOW)
    assert case.funding_name == "Oakwood Primary School"


def test_one_reference_once_per_authority(db, world, register):
    contract, tender, provider = register
    meetings.record_case(db, provider, contract, tender, mediation(world), NOW)
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender, mediation(world, "med-1"), NOW)
    assert caught.value.field == "reference" and "already has a case" in caught.value.message
    # the same number at another authority is another case
    meetings.record_case(db, provider, contract, tender, replace(mediation(world), organisation_id=world.partner.id),
                         NOW)


def test_only_member_authorities_and_only_providers(db, world, register):
    contract, tender, provider = register
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender, replace(mediation(world),
                                                                     organisation_id=world.other_lead.id), NOW)
    assert caught.value.field == "organisation_id"
    bidder = factories.actor(db, world.bidder)
    with pytest.raises(Forbidden):
        meetings.record_case(db, bidder, contract, tender, mediation(world), NOW)


def test_the_register_is_the_awarded_providers_alone(db, world, register):
    contract, _, provider = register
    assert access.get_provider_contract(db, provider, contract.id)[0].id == contract.id
    rival = factories.organisation(db, "Rival Mediation Ltd", NOW, OrganisationKind.SUPPLIER)
    rival_provider = factories.actor(db, factories.user(db, rival, "provider@rival.example", [Role.PROVIDER], NOW))
    for outsider in (rival_provider, factories.actor(db, world.bidder), factories.actor(db, world.lead_admin)):
        with pytest.raises(NotFound):
            access.get_provider_contract(db, outsider, contract.id)
    assert access.provider_contracts(db, rival_provider) == []


def test_a_member_reads_its_own_cases_only(db, world, register):
    contract, tender, provider = register
    meetings.record_case(db, provider, contract, tender, mediation(world, "LEAD-1"), NOW)
    meetings.record_case(db, provider, contract, tender,
                         replace(mediation(world, "PART-1"), organisation_id=world.partner.id), NOW)
    partner = factories.actor(db, world.partner_admin)
    assert [c.reference for c in access.own_cases(db, partner, contract)] == ["PART-1"]
    assert len(access.contract_cases(db, contract)) == 2


def test_the_register_shows_due_dates_and_late_cases(db, world, register):
    contract, tender, provider = register
    late = meetings.record_case(db, provider, contract, tender, mediation(world, "MED-2", told=date(2016, 3, 1),
                                                                          meeting=None), NOW)
    rows = meetings.register(db, contract, tender, [late], NOW)
    assert rows[0].authority == "Lead County Council"
    assert rows[0].due.mediation_due == date(2016, 3, 31) and rows[0].due.mediation_late


def test_seven_meetings_make_the_leads_year_one_statement(db, world, register):
    contract, tender, provider = register
    for n in range(7):
        day = date(2015, 5, 1) + timedelta(days=40 * n)
        meetings.record_case(db, provider, contract, tender, mediation(world, f"MED-{n}", told=day, meeting=day), NOW)
    worked = meeting_statements.charged(db, contract)
    year1 = meeting_statements.periods(contract, meeting_statements.PeriodKind.YEAR)[0]
    statement = meeting_statements.statement(db, contract, tender, world.lead, year1, worked)
    assert (statement.core, statement.included_used, statement.payg_meetings) == (D("12480.00"), 5, 2)
    assert statement.total == D("14480.00") and statement.saving == D("9623.21")
    assert statement.projected_total == D("14480.00")  # the cost-share projection for 7 meetings a year
    quarter = meeting_statements.periods(contract, meeting_statements.PeriodKind.QUARTER)[0]
    q1 = meeting_statements.statement(db, contract, tender, world.lead, quarter, worked)
    assert (q1.core, q1.included_used, q1.included_left, q1.saving) == (D("12480.00"), 2, 3, None)


def test_funding_parties_pay_for_their_meetings(db, world, register):
    contract, tender, provider = register
    meetings.record_case(db, provider, contract, tender, CaseInput(
        "DR-1", MeetingKind.DISAGREEMENT_RESOLUTION, date(2015, 6, 1),
        organisation_id=world.partner.id, requester=Requester.PARENT,
        meeting_day=date(2015, 6, 20), attendance=Attendance.HELD, funding_kind=FundingPartyKind.HEALTH_BODY,
        funding_name="NHS West Kent CCG", funding_agreed_on=date(2015, 6, 5)), NOW)
    worked = meeting_statements.charged(db, contract)
    year1 = meeting_charges.year_periods(contract.start_date, contract.end_date)[0]
    parties = meeting_statements.funding_statements(worked, year1)
    assert [(p.name, p.meetings, p.cost) for p in parties] == [("NHS West Kent CCG", 1, D("950.00"))]
    partner = meeting_statements.statement(db, contract, tender, world.partner, year1, worked)
    assert (partner.included_used, partner.total) == (0, D("12480.00"))


def _decline(db, world, organisation):
    """``organisation`` declines the collaboration's (issued) agreement."""
    from tenderapp.models import AgreementResponse, AgreementVersion

    agreement = factories.agreement(db, world.collab, world.lead_admin, NOW)
    version = db.exec(select(AgreementVersion).where(AgreementVersion.agreement_id == agreement.id)).one()
    db.add(AgreementResponse(agreement_id=agreement.id, version_id=version.id, organisation_id=organisation.id,
                             action="declined", note="Not joining", user_id=world.partner_admin.id,
                             acting_organisation_id=organisation.id, created_at=NOW))
    db.commit()


def test_a_member_that_declined_the_agreement_has_no_core_subscription_and_no_cases(db, world, register):
    from tenderapp.services import cost_shares, meeting_kpis

    contract, tender, provider = register
    _decline(db, world, world.partner)
    assert [o.id for o in cost_shares.subscribers(db, tender)] == [world.lead.id]
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender,
                             replace(mediation(world, "PART-1"), organisation_id=world.partner.id), NOW)
    assert caught.value.field == "organisation_id"
    with pytest.raises(NotFound):  # no statement charging it a core subscription
        cost_shares.subscriber(db, tender, world.partner.id)
    assert cost_shares.subscriber(db, tender, world.lead.id).id == world.lead.id
    year1 = meeting_statements.periods(contract, meeting_statements.PeriodKind.YEAR)[0]
    _, rows = meeting_kpis.group_kpis(db, contract, tender, year1)
    assert [r.organisation.id for r in rows] == [world.lead.id]


def test_an_extension_year_pays_its_own_extension_line(db, world, register):
    from tenderapp.domain.contracts import add_months
    from tenderapp.models import ContractPrice

    contract, tender, provider = register
    db.add(ContractPrice(contract_id=contract.id, code="CORE-Y3", unit_price_pence=748_000))
    db.add(ContractPrice(contract_id=contract.id, code="EXT-Y4", unit_price_pence=800_000))
    basis = access.cost_share_basis(db, contract)
    basis.core_codes = "CORE-Y1,CORE-Y2,CORE-Y3"
    contract.end_date = add_months(contract.start_date, 60) - timedelta(days=1)  # extended by 24 months
    db.add_all([basis, contract])
    db.commit()
    worked = meeting_statements.charged(db, contract)
    assert worked.core_by_year == [D("12480.00"), D("7480.00"), D("7480.00"), D("8000.00"), D("8000.00")]
    year4 = meeting_statements.periods(contract, meeting_statements.PeriodKind.YEAR)[3]
    assert meeting_statements.statement(db, contract, tender, world.lead, year4, worked).core == D("8000.00")


def test_an_unfunded_disagreement_resolution_meeting_cancelled_late_is_refused_not_billed(db, world, register):
    contract, tender, provider = register
    late = CaseInput("DR-2", MeetingKind.DISAGREEMENT_RESOLUTION, date(2015, 6, 1),
                     organisation_id=world.partner.id, requester=Requester.PARENT,
                     meeting_day=date(2015, 6, 20), attendance=Attendance.CANCELLED,
                     cancelled_on=date(2015, 6, 19))
    with pytest.raises(RuleViolation) as caught:
        meetings.record_case(db, provider, contract, tender, late, NOW)
    assert caught.value.field == "funding_kind" and "funding party" in caught.value.message
    assert db.exec(select(MeetingCase)).all() == []
    meetings.record_case(db, provider, contract, tender, replace(
        late, funding_kind=FundingPartyKind.SCHOOL, funding_name="Oakwood Primary School",
        funding_agreed_on=date(2015, 6, 5)), NOW)
    worked = meeting_statements.charged(db, contract)
    assert [(c.payer, c.amount) for c in worked.charges] == [("Oakwood Primary School", D("950.00"))]


@pytest.mark.parametrize("correcting", [False, True])
def test_a_reference_saved_at_the_same_moment_elsewhere_is_refused_on_the_field(db, world, register, monkeypatch,
                                                                              correcting):
    contract, tender, provider = register
    other = meetings.record_case(db, provider, contract, tender, mediation(world, "MED-2"), NOW)
    meetings.record_case(db, provider, contract, tender, mediation(world, "MED-1"), NOW)
    # the other request's row was not there yet when this one looked for a clash
    monkeypatch.setattr(meetings, "_case_with_reference", lambda *args: None)
    with pytest.raises(RuleViolation) as caught:
        if correcting:
            meetings.update_case(db, provider, contract, tender, other, mediation(world, "MED-1"), NOW)
        else:
            meetings.record_case(db, provider, contract, tender, mediation(world, "med-1"), NOW)
    assert caught.value.field == "reference" and caught.value.message == meetings.DUPLICATE
    assert sorted(c.reference for c in db.exec(select(MeetingCase)).all()) == ["MED-1", "MED-2"]


def test_only_the_leads_procurement_admins_set_the_meeting_terms(db, world, register):
    from tenderapp.models import MeetingTerms

    contract, _, provider = register
    rules = meeting_charges.ChargingRules(late_cancellation_days=5)
    for outsider, refusal in ((provider, Forbidden), (factories.actor(db, world.lead_viewer), Forbidden),
                              (factories.actor(db, world.partner_admin), NotFound),  # a member, not the lead
                              (factories.actor(db, world.other_admin), NotFound)):
        with pytest.raises(refusal):
            meetings.set_terms(db, outsider, contract, "PAYG-DR", "PAYG-DR", rules, NOW)
    assert db.exec(select(MeetingTerms)).one().late_cancellation_days == 2
    meetings.set_terms(db, factories.actor(db, world.lead_admin), contract, "PAYG-MED", "PAYG-DR", rules, NOW)
    assert db.exec(select(MeetingTerms)).one().late_cancellation_days == 5
