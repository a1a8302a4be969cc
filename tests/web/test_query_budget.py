"""Each main page runs the same number of SQL queries when the data grows tenfold.

Two copies of the demo scenario live side by side in the database: the "small" one as the
scenario file gives it (16 councils, 3 scored bids on the awarded tender, a panel of 3) and
the "large" one ten times bigger (160 councils signing the agreement, 30 scored bids, a panel
of 12, 30 cost-share baselines and assessment summaries, ten times the lead's people,
tenders, agreements, decisions, collaborations, questions, invitations and decision
documents). The panel grows four times, not ten: every evaluator scores every bid through the
real use case, so the scores grow with panel × bids, and 12 × 30 shows an N+1 as surely as
30 × 30 at a third of the cost. Each test GETs one page as the same person in each world and compares the
counts: a count that grows with the data is an N+1 query.

Building the worlds takes most of the time, so they are built once for the module and the
tables are emptied when it ends (the ``app`` fixture, which empties them after every test,
is not used here).
"""

import copy
from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import event
from sqlmodel import Session, func, select

from tenderapp.access import actor_for
from tenderapp.demo import load_scenario
from tenderapp.demo.documents import text_pdf
from tenderapp.domain.roles import Role
from tenderapp.extensions import limiter
from tenderapp.links import public_links
from tenderapp.models import (
    Agreement,
    AssessmentSummary,
    Bid,
    BidSubmission,
    Collaboration,
    CollaborationMember,
    Contract,
    Decision,
    EvaluatorAssignment,
    Organisation,
    QualityCriterion,
    Tender,
    User,
)
from tenderapp.services import assessment_summaries as summaries
from tenderapp.services import clarifications, decisions, demo, invitations
from tenderapp.services.invitations import InvitationRequest
from tenderapp.storage import DocumentStore
from tests import factories
from tests.conftest import T0, Browser, _empty_all_tables

# Meant to keep the module on one test worker (--dist loadgroup). pytest-xdist 3.8 cannot group
# under pytest 9.2 (it sets a node id attribute pytest no longer reads), so today each worker may
# build the worlds; pinning pytest below 9.2 groups them, but made the whole run slower here.
pytestmark = pytest.mark.xdist_group("query_budget")

SIZES = ("small", "large")
PANEL_FACTOR = 4  # the large panel is this many times the small one (see above)


# --- the two worlds ------------------------------------------------------------------------


def _renamed(scenario: dict, tag: str) -> dict:
    """The scenario with every organisation, address, collaboration, tender reference and
    decision number made unique to ``tag``, so two copies can live side by side."""
    names = {spec["name"] for spec in scenario["organisations"]}

    def rename(value, key=None):
        if isinstance(value, dict):
            return {k: rename(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [rename(v) for v in value]
        if key == "domain" or (isinstance(value, str) and "@" in value):
            local, _, domain = value.rpartition("@")
            return f"{local}@{tag}-{domain}" if local else f"{tag}-{domain}"
        if value in names:
            return f"{tag.title()} {value}"
        return value

    renamed = rename(copy.deepcopy(scenario))
    if tag != "small":  # registered identifiers are unique: the other copy's organisations have none
        for spec in renamed["organisations"]:
            spec.pop("identifiers", None)
    for collaboration in renamed["collaborations"]:
        collaboration["name"] = f"{tag.title()} {collaboration['name']}"
        for tender in collaboration.get("tenders", []):
            tender["reference"] = f"{tag.upper()}-{tender['reference']}"
            award = tender.get("award", {})
            for decision in (award.get("decision"), award.get("extension")):
                if decision:
                    decision["number"] = f"{tag.upper()}/{decision['number']}"
    return renamed


def _grown(scenario: dict, tag: str, factor: int) -> dict:
    """The scenario ``factor`` times larger: more councils (members, managed by the lead, each
    signing the agreement, some with cost-share baselines, some with an evaluator on the
    panel), more suppliers bidding on both tenders (scored on the awarded one) and more people
    at the lead."""
    seg = scenario["collaborations"][0]
    historic, current = seg["tenders"]
    evaluation = historic["evaluation"]
    responses = seg["agreements"][0]["responses"][0]["organisations"]
    baselines = historic["award"]["cost_shares"]["baselines"]
    lead = next(spec for spec in scenario["organisations"] if spec["name"] == seg["lead"])
    lead["people"] += [{"name": f"Officer {n}", "email": f"officer{n}", "roles": ["viewer"]}
                       for n in range(len(lead["people"]) * (factor - 1))]
    more_evaluators = len(evaluation["panel"]) * (min(factor, PANEL_FACTOR) - 1)
    more_baselines = len(baselines) * (factor - 1)
    for n in range(1, 16 * (factor - 1) + 1):
        name, domain = f"{tag.title()} District Council {n:03d}", f"{tag}-district{n}"
        people = [{"name": f"Signatory {n}", "email": "signatory", "roles": ["signatory"]}]
        if n <= more_evaluators:
            people.append({"name": f"Evaluator {n}", "email": "evaluator", "roles": ["evaluator"]})
            evaluation["panel"].append(f"evaluator@{domain}.example")
        scenario["organisations"].append({"name": name, "kind": "local_authority", "domain": domain, "people": people})
        seg["members"].append(name)
        seg["managed"].append(name)
        responses.append(name)
        if n <= more_baselines:
            baselines.append({"organisation": name, "previous": f"{15000 + n}.00", "meetings": 1 + n % 6})
    for entry in evaluation["scores"]:  # the new evaluators agree with the consensus
        for scores, moderated in zip(entry["individual"], entry["moderated"], strict=False):
            scores += [moderated] * more_evaluators
    first = historic["bids"][0]
    for n in range(1, len(historic["bids"]) * (factor - 1) + 1):
        name, domain = f"{tag.title()} Mediation {n:02d} Ltd", f"{tag}-mediation{n}"
        scenario["organisations"].append({"name": name, "kind": "supplier", "domain": domain,
                                          "people": [{"name": f"Bidder {n}", "email": "bidder", "roles": ["bidder"]}]})
        prices = {code: price + 10 * n for code, price in first["prices"].items()}
        historic["bids"].append({**first, "supplier": name, "by": f"bidder@{domain}.example", "prices": prices})
        moderated = [3, 3, 3, 2]
        evaluation["scores"].append({"supplier": name, "moderated": moderated,
                                     "individual": [[m] * len(evaluation["panel"]) for m in moderated]})
        current["bids"].append({**current["bids"][1], "supplier": name, "by": f"bidder@{domain}.example",
                                "prices": prices})
    return scenario


@dataclass
class World:
    tag: str
    historic: Tender  # opened, evaluated and awarded
    current: Tender  # open for bids now
    collaboration: Collaboration
    agreement: Agreement
    decision: Decision
    contract: Contract
    submission: BidSubmission  # the winning bid on the historic tender
    criterion: QualityCriterion  # the historic tender's first criterion
    member: Organisation  # a member council the lead manages
    member_signatory: User

    def email(self, local: str, organisation: str) -> str:
        return f"{local}@{self.tag}-{organisation}.example"


def _extras(session: Session, world: World, factor: int) -> None:
    """What the scenario file cannot say: more tenders (with the lead's admin on their panel),
    agreements, decisions and collaborations, ``factor`` times a handful."""
    admin = session.exec(select(User).where(User.email == world.email("admin", "kent"))).one()
    lead = session.get(Organisation, world.collaboration.lead_organisation_id)
    for n in range(2 * factor):
        tender = factories.published_tender(session, world.collaboration, admin, T0, f"{world.tag.upper()}-PUB-{n}")
        factories.assign_evaluator(session, tender, admin, T0)
        factories.agreement(session, world.collaboration, admin, T0, title=f"Agreement {n}")
        factories.decision(session, world.collaboration, admin, T0, f"{world.tag.upper()}/D/{n}")
        factories.collaboration(session, f"{world.tag.title()} group {n}", lead, [world.member], T0)


def _activity(session: Session, app, world: World, factor: int, store: DocumentStore) -> None:
    """Through the services, as people would: each supplier bidding now asks a question that
    the lead answers for everyone; assessment summaries go to every bidder on the awarded
    tender; the lead invites people to a member council and adds reports to the award
    decision."""
    def actor(email):
        return actor_for(session, session.exec(select(User).where(User.email == email)).one(), "budget")

    admin = actor(world.email("admin", "kent"))
    askers = session.exec(select(User.email).join(Bid, Bid.organisation_id == User.organisation_id)
                          .where(Bid.tender_id == world.current.id).order_by(User.email)).all()
    for email in dict.fromkeys(askers):
        asked = clarifications.ask(session, actor(email), world.current, f"A question from {email}?", T0,
                                   lambda clarification_id: f"http://localhost/questions/{clarification_id}")
        clarifications.answer(session, admin, world.current, asked, "An answer for everyone.", True, None, T0,
                              "http://localhost/tender")
    summaries.draft_summaries(session, admin, app.extensions["tenderapp.sealer"], world.contract, world.historic, T0)
    for summary in session.exec(select(AssessmentSummary).where(AssessmentSummary.contract_id == world.contract.id)):
        summary.issued_at, summary.issued_by_user_id = T0, admin.user_id  # the prompt left in needs a person
        session.add(summary)
    session.commit()
    for n in range(factor):
        invitations.invite(session, admin, InvitationRequest(world.member, f"new{n}@{world.tag}-medway.example",
                                                             f"New Person {n}", frozenset({Role.VIEWER})),
                           T0, lambda token: f"http://localhost/invitations/{token}")
        decisions.add_decision_document(session, admin, world.decision, "report", f"Report {n}",
                                     text_pdf([f"Report {n}"]), f"report-{n}.pdf", store, T0)


def _build(session: Session, app, tag: str, factor: int, store: DocumentStore) -> World:
    scenario = _renamed(load_scenario("seg"), tag)
    if factor > 1:
        scenario = _grown(scenario, tag, factor)
    demo.load(session, scenario, T0, factories.PASSWORD, app.extensions["tenderapp.sealer"], store, public_links(app))

    def one(model, *where):
        return session.exec(select(model).where(*where)).one()

    historic = one(Tender, Tender.reference == f"{tag.upper()}-SC14027")
    contract = one(Contract, Contract.tender_id == historic.id)
    collaboration = session.get(Collaboration, historic.collaboration_id)
    member = one(Organisation, Organisation.name == f"{tag.title()} Medway Council")
    world = World(
        tag=tag, historic=historic, current=one(Tender, Tender.reference == f"{tag.upper()}-SC26041"),
        collaboration=collaboration,
        agreement=session.exec(select(Agreement).where(Agreement.collaboration_id == collaboration.id)
                               .order_by(Agreement.id)).first(),
        decision=session.get(Decision, contract.award_decision_id), contract=contract,
        submission=session.get(BidSubmission, contract.submission_id),
        criterion=one(QualityCriterion, QualityCriterion.tender_id == historic.id, QualityCriterion.position == 1),
        member=member,
        member_signatory=one(User, User.email == f"signatory@{tag}-medway.example"),
    )
    _extras(session, world, factor)
    _activity(session, app, world, factor, store)
    return world


# --- who visits ----------------------------------------------------------------------------

# role -> (local part, organisation domain) of the person, in either world
PEOPLE = {
    "lead admin": ("admin", "kent"),
    "evaluator": ("evaluator", "kent"),
    "member signatory": ("signatory", "medway"),
    "supplier": ("bidder", "family-voice"),
    "winning supplier": ("bidder", "mediation-partners"),
    "support unit signatory": ("signatory", "secsu"),
    "viewer": ("viewer", "kent"),
}


@pytest.fixture(scope="module")
def visitor(_app):
    """visitor(world, role) -> a Browser signed in as that person ("anyone" is signed out),
    one per person for the whole module."""
    signed_in = {}

    def get(world: World, role: str) -> Browser:
        if (world.tag, role) not in signed_in:
            browser = Browser(_app.test_client())
            if role != "anyone":
                browser.sign_in(world.email(*PEOPLE[role]))
            signed_in[world.tag, role] = browser
        return signed_in[world.tag, role]

    return get


def queries_for_visit(app, browser: Browser, url: str) -> int:
    """The SQL statements a GET of ``url`` runs, counted on a second visit (the first one
    checks the page answers and may record something once)."""
    response = browser.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["tenderapp.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        browser.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


# --- the worlds, built once for the module -------------------------------------------------


@pytest.fixture(scope="module")
def small_world(_app, tmp_path_factory):
    """The small world (emptied with everything else when the module ends) and the document
    store the worlds share."""
    engine = _app.extensions["tenderapp.engine"]
    _app.config["CLOCK"].set(T0)
    store = DocumentStore(tmp_path_factory.mktemp("budget-documents"))
    try:
        with Session(engine, expire_on_commit=False) as session:
            world = _build(session, _app, "small", 1, store)
        yield world, store
    finally:
        limiter.reset()
        _empty_all_tables(engine)


@pytest.fixture(scope="module")
def counted_alone(_app, small_world, visitor):
    """Pages that list every tenant's rows (every open tender, every organisation) show the
    large world's rows in the small world too, so their small counts are taken before the
    large world exists."""
    world, _ = small_world
    return {page.name: queries_for_visit(_app, visitor(world, page.role), page.url(world))
            for page in PAGES if page.everyones}


@pytest.fixture(scope="module")
def worlds(_app, small_world, counted_alone):
    """Both worlds: the large one is added once the small counts above are taken."""
    small, store = small_world
    with Session(_app.extensions["tenderapp.engine"], expire_on_commit=False) as session:
        return {"small": small, "large": _build(session, _app, "large", 10, store)}


# --- the pages -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    url: Callable[[World], str]
    everyones: bool = False  # lists every tenant's rows: see ``counted_alone``


def _t(world: World) -> str:
    return f"/tenders/{world.historic.id}"


PAGES = [
    Page("dashboard", "lead admin", lambda w: "/dashboard"),
    Page("dashboard (member)", "member signatory", lambda w: "/dashboard"),
    Page("dashboard (supplier)", "supplier", lambda w: "/dashboard", everyones=True),
    Page("dashboard (evaluator)", "evaluator", lambda w: "/dashboard"),
    Page("dashboard (winning supplier)", "winning supplier", lambda w: "/dashboard", everyones=True),
    Page("dashboard (support unit signatory)", "support unit signatory", lambda w: "/dashboard"),
    Page("dashboard (viewer)", "viewer", lambda w: "/dashboard"),
    Page("tender list", "lead admin", lambda w: "/tenders"),
    Page("tender list (member)", "member signatory", lambda w: "/tenders"),
    Page("tender list (supplier)", "supplier", lambda w: "/tenders", everyones=True),
    Page("tender list, filtered", "lead admin", lambda w: "/tenders?q=e&status=published&page=1"),
    Page("tender list, filtered (member)", "member signatory", lambda w: "/tenders?q=SEND&page=2"),
    Page("tender page (lead, opened)", "lead admin", _t),
    Page("tender page (lead, open)", "lead admin", lambda w: f"/tenders/{w.current.id}"),
    Page("tender page (member)", "member signatory", _t),
    Page("tender page (supplier, open)", "supplier", lambda w: f"/tenders/{w.current.id}"),
    Page("tender page (supplier, awarded)", "winning supplier", _t),
    Page("agreements", "lead admin", lambda w: "/agreements"),
    Page("agreement", "lead admin", lambda w: f"/agreements/{w.agreement.id}"),
    Page("agreement (member)", "member signatory", lambda w: f"/agreements/{w.agreement.id}"),
    Page("agreement tracker", "lead admin", lambda w: f"/agreements/{w.agreement.id}/tracker"),
    Page("agreement tracker export", "lead admin", lambda w: f"/agreements/{w.agreement.id}/tracker.xlsx"),
    Page("signed agreement", "lead admin", lambda w: f"/agreements/{w.agreement.id}/signed"),
    Page("bid box (opened)", "lead admin", lambda w: f"{_t(w)}/opening"),
    Page("bid box (open)", "lead admin", lambda w: f"/tenders/{w.current.id}/opening"),
    Page("opened bids", "lead admin", lambda w: f"{_t(w)}/bids"),
    Page("opened bid", "lead admin", lambda w: f"{_t(w)}/bids/{w.submission.id}"),
    Page("clarification questions", "lead admin", lambda w: f"/tenders/{w.current.id}/questions"),
    Page("evaluation overview", "lead admin", lambda w: f"{_t(w)}/evaluation"),
    Page("evaluations (evaluator)", "lead admin", lambda w: "/evaluations"),
    Page("evaluation tasks", "evaluator", lambda w: f"{_t(w)}/evaluate"),
    Page("scoring", "evaluator", lambda w: f"{_t(w)}/evaluate/{w.submission.id}/{w.criterion.id}"),
    Page("moderation", "lead admin", lambda w: f"{_t(w)}/evaluation/moderation"),
    Page("moderating one score", "lead admin",
         lambda w: f"{_t(w)}/evaluation/moderation/{w.submission.id}/{w.criterion.id}"),
    Page("compliance", "lead admin", lambda w: f"{_t(w)}/evaluation/compliance/{w.submission.id}"),
    Page("results", "lead admin", lambda w: f"{_t(w)}/evaluation/results"),
    Page("evaluation matrix export", "lead admin", lambda w: f"{_t(w)}/evaluation/matrix.xlsx"),
    Page("evaluation report", "lead admin", lambda w: f"{_t(w)}/evaluation/report"),
    Page("decisions", "lead admin", lambda w: "/decisions"),
    Page("decisions (member)", "member signatory", lambda w: "/decisions"),
    Page("decisions, filtered", "lead admin", lambda w: "/decisions?q=D&status=taken&page=1"),
    Page("decision", "lead admin", lambda w: f"/decisions/{w.decision.id}"),
    Page("decision (member)", "member signatory", lambda w: f"/decisions/{w.decision.id}"),
    Page("recording the award", "lead admin", lambda w: f"/tenders/{w.current.id}/award"),
    Page("contract", "lead admin", lambda w: f"/contracts/{w.contract.id}"),
    Page("contract register", "lead admin", lambda w: "/contracts"),
    Page("contract register, filtered (member)", "member signatory", lambda w: "/contracts?q=S&status=expired"),
    Page("contract (member)", "member signatory", lambda w: f"/contracts/{w.contract.id}"),
    Page("cost shares", "lead admin", lambda w: f"/contracts/{w.contract.id}/cost-shares"),
    Page("cost shares export", "lead admin", lambda w: f"/contracts/{w.contract.id}/cost-shares.xlsx"),
    Page("cost basis", "lead admin", lambda w: f"/contracts/{w.contract.id}/cost-shares/basis"),
    Page("an authority's baseline", "lead admin",
         lambda w: f"/contracts/{w.contract.id}/cost-shares/authorities/{w.member.id}"),
    Page("your cost", "member signatory", lambda w: f"/contracts/{w.contract.id}/your-cost"),
    Page("assessment summaries", "lead admin", lambda w: f"/contracts/{w.contract.id}/assessment-summaries"),
    Page("open data (OCDS)", "anyone", lambda w: f"/open-data/tenders/{w.historic.reference}.json"),
    Page("open data record package", "anyone", lambda w: f"/open-data/records/{w.historic.reference}.json"),
    Page("open data index", "anyone", lambda w: "/open-data/", everyones=True),
    Page("opportunities", "anyone", lambda w: "/opportunities?status=all", everyones=True),
    Page("public notice (awarded)", "anyone", lambda w: f"/opportunities/{w.historic.reference}"),
    Page("public notice (open)", "anyone", lambda w: f"/opportunities/{w.current.reference}"),
    Page("own bid", "supplier", lambda w: f"/tenders/{w.current.id}/bid"),
    Page("own bid (awarded)", "winning supplier", lambda w: f"{_t(w)}/bid"),
    Page("own assessment summary", "winning supplier", lambda w: f"{_t(w)}/assessment-summary"),
    Page("account", "lead admin", lambda w: "/account"),
    Page("collaborations", "lead admin", lambda w: "/admin/collaborations"),
    Page("collaboration", "lead admin", lambda w: f"/admin/collaborations/{w.collaboration.id}"),
    Page("adding a member", "lead admin", lambda w: f"/admin/collaborations/{w.collaboration.id}/members/add",
         everyones=True),
    Page("evaluation panel", "lead admin", lambda w: f"{_t(w)}/evaluation/panel"),
    Page("own organisation", "lead admin", lambda w: "/organisation"),
    Page("managed organisation", "lead admin", lambda w: f"/admin/organisations/{w.member.id}"),
    Page("lead's organisation", "lead admin",
         lambda w: f"/admin/organisations/{w.collaboration.lead_organisation_id}"),
    Page("a person's roles", "lead admin", lambda w: f"/admin/users/{w.member_signatory.id}/roles"),
    Page("outbox", "lead admin", lambda w: "/admin/outbox"),
    Page("timeline (lead)", "lead admin", lambda w: f"{_t(w)}/timeline"),
    Page("timeline (lead, by kind)", "lead admin", lambda w: f"{_t(w)}/timeline?kind=evaluation"),
    Page("timeline export", "lead admin", lambda w: f"{_t(w)}/timeline.xlsx"),
    Page("timeline (member)", "member signatory", lambda w: f"{_t(w)}/timeline"),
    Page("timeline (supplier)", "supplier", lambda w: f"/tenders/{w.current.id}/timeline", everyones=True),
    Page("outbox, filtered", "lead admin", lambda w: "/admin/outbox?q=e&status=queued&page=1"),
    Page("failed messages", "lead admin", lambda w: "/admin/outbox/failed"),
    Page("agreement tracker, filtered", "lead admin",
         lambda w: f"/agreements/{w.agreement.id}/tracker?q=o&status=signed"),
]


def test_the_large_world_is_ten_times_the_small_one(_app, worlds):
    def sizes(session, world):
        councils = select(func.count()).select_from(CollaborationMember).join(
            Organisation, Organisation.id == CollaborationMember.organisation_id).where(
            CollaborationMember.collaboration_id == world.collaboration.id, Organisation.kind == "local_authority")
        bids = select(func.count()).select_from(BidSubmission).join(Bid, Bid.id == BidSubmission.bid_id).where(
            Bid.tender_id == world.historic.id)
        panel = select(func.count(func.distinct(EvaluatorAssignment.user_id))).where(
            EvaluatorAssignment.tender_id == world.historic.id)
        return [session.exec(query).one() for query in (councils, bids, panel)]

    with Session(_app.extensions["tenderapp.engine"]) as session:
        assert sizes(session, worlds["small"]) == [16, 3, 3]
        assert sizes(session, worlds["large"]) == [160, 30, 3 * PANEL_FACTOR]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_page_runs_as_many_queries_for_ten_times_the_data(_app, worlds, counted_alone, visitor, page):
    small, large = (counted_alone[page.name] if page.everyones and size == "small" else
                    queries_for_visit(_app, visitor(worlds[size], page.role), page.url(worlds[size]))
                    for size in SIZES)
    print(f"{page.name}: {small} queries small, {large} large")
    assert large == small
