"""Factory functions that return objects, for arranging tests."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from tenderapp import security
from tenderapp.domain.agreements import text_fingerprint
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import (
    Agreement,
    AgreementVersion,
    Collaboration,
    CollaborationMember,
    Contract,
    Decision,
    EvaluatorAssignment,
    Organisation,
    PricingLine,
    QualityCriterion,
    RoleAssignment,
    Tender,
    TenderOpener,
    User,
)

PASSWORD = "correct horse battery"


def organisation(session: Session, name: str, now: datetime,
                 kind: OrganisationKind = OrganisationKind.LOCAL_AUTHORITY,
                 managed_by: Organisation | None = None) -> Organisation:
    org = Organisation(name=name, kind=kind.value, created_at=now,
                       managed_by_organisation_id=managed_by.id if managed_by else None)
    session.add(org)
    session.commit()
    return org


def user(session: Session, org: Organisation, email: str, roles, now: datetime,
         full_name: str | None = None, password: str = PASSWORD) -> User:
    person = User(organisation_id=org.id, email=email, full_name=full_name or email.split("@")[0].title(),
                  password_hash=security.hash_password(password), created_at=now, password_changed_at=now)
    session.add(person)
    session.flush()
    for role in roles:
        session.add(RoleAssignment(user_id=person.id, role=Role(role).value, granted_at=now))
    session.commit()
    return person


def collaboration(session: Session, name: str, lead: Organisation, members, now: datetime) -> Collaboration:
    collab = Collaboration(name=name, lead_organisation_id=lead.id, created_at=now)
    session.add(collab)
    session.flush()
    for member in [lead, *members]:
        session.add(CollaborationMember(collaboration_id=collab.id, organisation_id=member.id, joined_at=now))
    session.commit()
    return collab


AGREEMENT_TEXT = "# Collaborative agreement\n\nThe members agree to commission the service together."


def agreement(session: Session, collab: Collaboration, author: User, now: datetime,
              title: str = "Collaborative agreement", body: str = AGREEMENT_TEXT, issued: bool = True) -> Agreement:
    """An agreement with version 1, issued unless ``issued=False``."""
    created = Agreement(collaboration_id=collab.id, title=title, created_by_user_id=author.id, created_at=now)
    session.add(created)
    session.flush()
    session.add(AgreementVersion(agreement_id=created.id, number=1, body=body, sha256=text_fingerprint(body),
                                 created_at=now, issued_at=now if issued else None,
                                 issued_by_user_id=author.id if issued else None))
    session.commit()
    return created


def draft_tender(session: Session, collab: Collaboration, author: User, now: datetime, reference: str) -> Tender:
    """A draft tender with its contract terms set (no timetable, schedule or criteria)."""
    tender = Tender(collaboration_id=collab.id, reference=reference, title=f"Tender {reference}",
                    description="Mediation services for the members.", cpv_code="79995000",
                    contract_start=date(2027, 4, 1), initial_term_months=36, extensions_allowed=1,
                    extension_max_months=24, created_by_user_id=author.id, created_at=now)
    session.add(tender)
    session.commit()
    return tender


def assign_evaluator(session: Session, tender: Tender, evaluator: User, now: datetime) -> None:
    """Puts ``evaluator`` on the tender's panel for every criterion."""
    for criterion in session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)).all():
        session.add(EvaluatorAssignment(tender_id=tender.id, user_id=evaluator.id, criterion_id=criterion.id,
                                        assigned_by_user_id=evaluator.id, assigned_at=now))
    session.commit()


def decision(session: Session, collab: Collaboration, author: User, now: datetime, number: str,
             kind: str = "award", taken: date | None = date(2026, 11, 1)) -> Decision:
    row = Decision(collaboration_id=collab.id, number=number, title=f"Decision {number}", kind=kind,
                   decision_maker="Cabinet Member", summary="Decided.", taken_on=taken, created_by_user_id=author.id,
                   created_at=now)
    session.add(row)
    session.commit()
    return row


@dataclass
class World:
    lead: Organisation
    partner: Organisation
    other_lead: Organisation
    supplier: Organisation
    collab: Collaboration
    other_collab: Collaboration
    lead_admin: User
    lead_admin2: User
    lead_viewer: User
    lead_signatory: User
    partner_admin: User
    partner_signatory: User
    other_admin: User
    bidder: User
    agreement: Agreement
    other_agreement: Agreement
    tender: Tender
    other_tender: Tender
    open_tender: Tender
    decision: Decision
    other_decision: Decision


def build_world(session: Session, now: datetime) -> World:
    """A lead council with a partner (which the lead manages) in one collaboration; another
    lead council with its own collaboration; a supplier. Each has people with the roles
    tests need."""
    lead = organisation(session, "Lead County Council", now)
    partner = organisation(session, "Partner Borough Council", now, managed_by=lead)
    other_lead = organisation(session, "Other City Council", now)
    supplier = organisation(session, "Supplier Ltd", now, OrganisationKind.SUPPLIER)
    collab = collaboration(session, "Lead Group Mediation", lead, [partner], now)
    other_collab = collaboration(session, "Other Group Advocacy", other_lead, [], now)
    lead_admin = user(session, lead, "admin@lead.example", [Role.PROCUREMENT_ADMIN, Role.EVALUATOR], now,
                      full_name="Alex Admin")
    other_admin = user(session, other_lead, "admin@other.example", [Role.PROCUREMENT_ADMIN], now)
    open_tender = published_tender(session, collab, lead_admin, now, "OPEN-001")
    assign_evaluator(session, open_tender, lead_admin, now)
    lead_admin2 = user(session, lead, "admin2@lead.example", [Role.PROCUREMENT_ADMIN], now)
    name_openers(session, open_tender, [lead_admin2], now)
    return World(
        lead=lead, partner=partner, other_lead=other_lead, supplier=supplier,
        collab=collab, other_collab=other_collab,
        lead_admin=lead_admin,
        lead_admin2=lead_admin2,
        lead_viewer=user(session, lead, "viewer@lead.example", [Role.VIEWER], now),
        lead_signatory=user(session, lead, "signatory@lead.example", [Role.SIGNATORY], now),
        partner_admin=user(session, partner, "admin@partner.example", [Role.PROCUREMENT_ADMIN], now),
        partner_signatory=user(session, partner, "signatory@partner.example", [Role.SIGNATORY], now),
        other_admin=other_admin,
        bidder=user(session, supplier, "bidder@supplier.example", [Role.BIDDER], now),
        agreement=agreement(session, collab, lead_admin, now, title="Lead Group agreement"),
        other_agreement=agreement(session, other_collab, other_admin, now, title="Other Group agreement"),
        tender=draft_tender(session, collab, lead_admin, now, "LEAD-001"),
        other_tender=draft_tender(session, other_collab, other_admin, now, "OTHER-001"),
        open_tender=open_tender,
        decision=decision(session, collab, lead_admin, now, "LEAD/1"),
        other_decision=decision(session, other_collab, other_admin, now, "OTHER/1"),
    )


def published_tender(session: Session, collab: Collaboration, author: User, now: datetime, reference: str = "PUB-001",
                     clarification_in=timedelta(days=10), submission_in=timedelta(days=20)) -> Tender:
    """A published tender, open for bids: deadlines relative to ``now``, two pricing lines
    (CORE at 16, PAYG at 112), one quality criterion of 60 marks with price at 40."""
    tender = Tender(collaboration_id=collab.id, reference=reference, title=f"Mediation service {reference}",
                    description="Mediation services for the members.", cpv_code="79995000", light_touch=True,
                    contract_start=(now + timedelta(days=120)).date(), initial_term_months=36, extensions_allowed=1,
                    extension_max_months=24, publication_at=now - timedelta(days=1),
                    clarification_deadline=now + clarification_in, submission_deadline=now + submission_in,
                    price_weight=40, conflicts_assessment="No conflicts declared by anyone involved.",
                    conflicts_assessed_at=now, conflicts_assessed_by_user_id=author.id,
                    created_by_user_id=author.id, created_at=now, published_at=now, published_by_user_id=author.id)
    session.add(tender)
    session.flush()
    session.add(PricingLine(tender_id=tender.id, position=1, code="CORE", description="Core subscription",
                            unit="per authority per year", evaluation_quantity=16, per_authority=True))
    session.add(PricingLine(tender_id=tender.id, position=2, code="PAYG", description="Pay-as-you-go meeting",
                            unit="per meeting", evaluation_quantity=112))
    session.add(QualityCriterion(tender_id=tender.id, position=1, title="Service delivery",
                                 guidance="How you will deliver the service.", weight=60, max_score=5, min_score=2,
                                 descriptors="0 – none\n5 – excellent", word_limit=200))
    session.commit()
    name_openers(session, tender, lead_procurement_admins(session, collab), now)
    return tender


def lead_procurement_admins(session: Session, collab: Collaboration) -> list[User]:
    return list(session.exec(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        User.organisation_id == collab.lead_organisation_id,
        RoleAssignment.role == Role.PROCUREMENT_ADMIN.value).order_by(User.id)).all())


def name_openers(session: Session, tender: Tender, people: list[User], now: datetime) -> None:
    """Names ``people`` as the tender's bid openers, as the lead would have before the deadline
    (the rules of naming are tested through the openers page)."""
    for person in people:
        session.add(TenderOpener(tender_id=tender.id, user_id=person.id, named_at=now,
                                 named_by_user_id=tender.created_by_user_id))
    session.commit()


def recommended_tender(session: Session, now: datetime, sealer, store, link_for) -> Tender:
    """The demo scenario's 2015 tender (SC14027, 2015 regulations), loaded without its award:
    bids opened with both keys, compliance checked, moderated, and Mediation Partners Ltd
    recommended. Kent County Council leads; admin@kent.example is its procurement admin."""
    from tenderapp.demo import load_scenario
    from tenderapp.services import demo

    scenario = load_scenario("seg")
    for collab_spec in scenario["collaborations"]:
        for tender_spec in collab_spec.get("tenders", []):
            tender_spec.pop("award", None)
    demo.load(session, scenario, now, PASSWORD, sealer, store, link_for)
    return session.exec(select(Tender).where(Tender.reference == "SC14027")).one()


def actor(session: Session, person: User):
    """``person`` as the services see them when signed in (``access.Actor``)."""
    from tenderapp.access import actor_for

    return actor_for(session, person, f"test session of {person.email}")


def opened_bids(session: Session, tender: Tender, suppliers: list[Organisation], bidder: User,
                now: datetime) -> list:
    """One submitted bid from each supplier (its content stays sealed bytes no one reads), and
    the tender opened at ``now``: enough for the panel, moderation and compliance, which never
    unseal a bid."""
    from tenderapp.models import Bid, BidSubmission

    submissions = []
    for n, supplier in enumerate(suppliers, start=1):
        bid = Bid(tender_id=tender.id, organisation_id=supplier.id, draft=b"sealed", created_at=now, updated_at=now,
                  updated_by_user_id=bidder.id)
        session.add(bid)
        session.flush()
        submission = BidSubmission(bid_id=bid.id, number=1, receipt=f"R-{tender.id}-{n}", content=b"sealed",
                                   content_sha256="0" * 64, schedule_version=tender.schedule_version,
                                   submitted_at=now - timedelta(minutes=n), submitted_by_user_id=bidder.id)
        session.add(submission)
        submissions.append(submission)
    tender.opened_at = now
    session.add(tender)
    session.commit()
    return submissions


def awarded_contract(session: Session, world: World, now: datetime, start: date = date(2015, 4, 1),
                     months: int = 36) -> Contract:
    """The world's open tender awarded to Supplier Ltd, running from ``start`` for ``months``,
    with the seed's rates (core £12,480 in year 1 and £7,480 after, mediation £1,000,
    disagreement resolution £950), cost shares with 5 included meetings, the lead's previous
    contract cost (£24,103.21 a year, 7 meetings expected), the mediation and DR lines set as the
    meeting terms, and a provider at the supplier (provider@supplier.example)."""
    from tenderapp.domain.contracts import initial_end
    from tenderapp.models import AuthorityBaseline, Bid, BidSubmission, ContractPrice, CostShareBasis, MeetingTerms

    bid = Bid(tender_id=world.open_tender.id, organisation_id=world.supplier.id, draft=b"sealed", created_at=now,
              updated_at=now, updated_by_user_id=world.bidder.id)
    session.add(bid)
    session.flush()
    submission = BidSubmission(bid_id=bid.id, number=1, receipt="AWARD-1", content=b"sealed", content_sha256="0" * 64,
                               schedule_version=1, submitted_at=now, submitted_by_user_id=world.bidder.id)
    session.add(submission)
    session.flush()
    end = initial_end(start, months)
    contract = Contract(tender_id=world.open_tender.id, submission_id=submission.id,
                        supplier_organisation_id=world.supplier.id, award_decision_id=world.decision.id,
                        value_pence=23_168_000, start_date=start, initial_end_date=end, end_date=end,
                        extensions_allowed=1, extension_max_months=24, regime="PCR2015",
                        standstill_start=start - timedelta(days=40), standstill_last_day=start - timedelta(days=30),
                        earliest_signing_date=start - timedelta(days=29), entered_into_on=start - timedelta(days=20),
                        created_at=now)
    session.add(contract)
    session.flush()
    prices = {"CORE-Y1": 1_248_000, "CORE-Y2": 748_000, "PAYG-MED": 100_000, "PAYG-DR": 95_000}
    session.add_all([ContractPrice(contract_id=contract.id, code=code, unit_price_pence=pence)
                     for code, pence in prices.items()])
    session.add(CostShareBasis(contract_id=contract.id, core_codes="CORE-Y1,CORE-Y2", payg_code="PAYG-MED",
                               included_meetings=5))
    session.add(AuthorityBaseline(contract_id=contract.id, organisation_id=world.lead.id,
                                  previous_annual_cost_pence=2_410_321, meetings_per_year=7))
    session.add(MeetingTerms(contract_id=contract.id, mediation_code="PAYG-MED", dr_code="PAYG-DR",
                             updated_by_user_id=world.lead_admin.id, updated_at=now))
    session.commit()
    user(session, world.supplier, "provider@supplier.example", [Role.PROVIDER], now, full_name="Pat Provider")
    return contract
