"""What the journey starts from, arranged through the services (not the browser): the demo
data, the Kent and Medway agreement issued to its members, a draft tender ready to publish,
and later a competing bid from another supplier."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from tenderapp import access
from tenderapp.access import actor_for
from tenderapp.access import bids as bid_access
from tenderapp.demo import load_scenario
from tenderapp.demo.documents import text_pdf
from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.domain.tenders import PriceMethod, Regime, Timetable
from tenderapp.links import public_links
from tenderapp.models import Agreement, Collaboration, User
from tenderapp.services import agreements, bids, demo, tender_schedule, tenders
from tenderapp.services.tender_schedule import CriterionInput, LineInput
from tenderapp.services.tenders import TenderDetails
from tenderapp.storage import DatabaseDocumentStore

DEMO_PASSWORD = "demo-password"
REFERENCE = "SC26E2E"
TITLE = "SEND Mediation Service (browser journey)"
PARTNER_AGREEMENT = "Collaborative Agreement: Independent Advocacy"
LINES = [
    LineInput("CORE", "Core subscription a year, including 5 meetings", "per authority per year", 16, True),
    LineInput("PAYG", "Mediation meeting (pay as you go)", "per meeting", 250, False),
]
CRITERIA = [
    CriterionInput("Service delivery model", "How you will run the service across every member.", 35, 5, 2,
                   "0 – no answer\n1 – poor\n2 – weak\n3 – satisfactory\n4 – good\n5 – excellent", 500),
    CriterionInput("Social value", "What your service adds locally.", 25, 5, None,
                   "0 – no answer\n1 – poor\n2 – weak\n3 – satisfactory\n4 – good\n5 – excellent", 300),
]


@dataclass(frozen=True)
class Arranged:
    tender_id: int
    agreement_id: int
    collaboration_id: int


def _actor(session: Session, email: str):
    user = session.exec(select(User).where(User.email == email)).one()
    return actor_for(session, user, "e2e-arrangement")


def arrange(app, base_url: str, now: datetime) -> Arranged:
    """Loads the SEG demo, issues the (draft) Kent and Medway agreement (its signatories are
    emailed a link to it on the server at ``base_url``), and builds a draft tender in the SEG
    collaboration with everything publication needs. Its bid deadline is four days after
    ``now``, at midday (with the legal ground for a period that short)."""
    engine = app.extensions["tenderapp.engine"]
    with Session(engine, expire_on_commit=False) as session:
        store = DatabaseDocumentStore(session)
        demo.load(session, load_scenario("seg"), now, None, app.extensions["tenderapp.sealer"], store,
                  public_links(app))
        admin = _actor(session, "admin@kent.example")
        agreement = session.exec(select(Agreement).where(Agreement.title == PARTNER_AGREEMENT)).one()
        agreements.issue(session, admin, agreement, now, f"{base_url}/agreements/{agreement.id}")
        collaboration = session.exec(select(Collaboration).where(
            Collaboration.name == "South East Group SEND Mediation")).one()
        tender = tenders.create(session, admin, collaboration, TenderDetails(
            reference=REFERENCE, title=TITLE, description="A SEND mediation service for the South East Group.",
            regime=Regime.PA2023, light_touch=True, cpv_code="85320000", estimated_value=Decimal("1800000"),
            contract_start=date(2027, 4, 1), initial_term_months=36, extensions_allowed=1,
            extension_max_months=24), now)
        day = now.replace(hour=12, minute=0, second=0, microsecond=0)
        tenders.set_timetable(session, admin, tender, Timetable(
            publication_at=now, clarification_deadline=day + timedelta(days=2, hours=5),
            submission_deadline=day + timedelta(days=4), evaluation_date=(now + timedelta(days=7)).date(),
            award_date=(now + timedelta(days=14)).date(), contract_start=date(2027, 4, 1),
            # four days, shorter than the Act's 10 for light-touch contracts, so that the journey reaches the
            # deadline soon: the ground is recorded, as the timetable rules require
            shorter_period_ground="Urgency: the current service ends before a longer period would allow an award."),
            None, now)
        for line in LINES:
            tender_schedule.save_line(session, admin, tender, None, line, None, now)
        for criterion in CRITERIA:
            tender_schedule.save_criterion(session, admin, tender, None, criterion, None, now)
        pdf = text_pdf([TITLE, "", "1. The provider runs a telephone information line.",
                        "2. Meetings are arranged within the statutory timescales."])
        tender_schedule.add_document(session, admin, tender, "Specification", pdf, "specification.pdf", store,
                                     None, now)
        tenders.set_weighting(session, admin, tender, 40, PriceMethod.LOWEST, None, now)
        tenders.record_conflicts_assessment(
            session, admin, tender, "Every officer on the procurement team completed a declaration of "
            "interests. None declared a conflict.", now)
        return Arranged(tender_id=tender.id, agreement_id=agreement.id, collaboration_id=collaboration.id)


def competing_bid(app, tender_id: int, now: datetime) -> None:
    """Family Voice Mediation submits a complete bid (so that two bids are opened and ranked)."""
    engine = app.extensions["tenderapp.engine"]
    sealer = app.extensions["tenderapp.sealer"]
    with Session(engine, expire_on_commit=False) as session:
        bidder = _actor(session, "bidder@family-voice.example")
        tender = access.get_open_tender_for_bidder(session, bidder, tender_id)
        own = bids.load(session, bidder, sealer, tender)
        lines, criteria = bid_access.schedule(session, tender)
        bids.save_prices(session, bidder, sealer, own, lines, {"CORE": "14,200.00", "PAYG": "1,010"}, now)
        bids.save_answers(session, bidder, sealer, own, criteria, {
            str(criteria[0].id): "Mediators in every member area, booked through one online system.",
            str(criteria[1].id): "Local employment and free workshops for schools."}, now)
        bids.save_declarations(session, bidder, sealer, own, list(REQUIRED_DECLARATIONS), now)
        bids.submit(session, bidder, sealer, own, lines, criteria, now)


PROVIDER_EMAIL = "provider@harbour-mediation.example"


def running_the_contract(app, supplier: str, tender_id: int, now: datetime) -> None:
    """After the award: the lead's cost shares (the core line, 5 included meetings, PAYG at the
    mediation line) and a provider at the awarded supplier, who keeps the meeting register."""
    from tenderapp.domain.roles import Role
    from tenderapp.models import Contract, Organisation
    from tenderapp.services import cost_shares
    from tests import factories

    engine = app.extensions["tenderapp.engine"]
    with Session(engine, expire_on_commit=False) as session:
        admin = _actor(session, "admin@kent.example")
        contract = session.exec(select(Contract).where(Contract.tender_id == tender_id)).one()
        cost_shares.set_basis(session, admin, contract, ["CORE"], "PAYG", 5, Decimal("0"), False, now)
        organisation = session.exec(select(Organisation).where(Organisation.name == supplier)).one()
        factories.user(session, organisation, PROVIDER_EMAIL, [Role.PROVIDER], now, full_name="Hana Provider",
                       password=DEMO_PASSWORD)
