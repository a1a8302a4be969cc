"""Every page a person may open is reachable by following links from their dashboard.

For each demo role the test signs in and crawls breadth-first from the dashboard, following the
app's own ``<a href>`` links and the redirects they lead to (GET only, never signing out). Then
every GET route the route guards let that role open is tried directly, with the ids the crawls
met and the demo's own objects: a route that answers 200 there but was never linked is a page
reachable only by typing its address, and fails the test unless EXCEPTIONS says why that is right.
"""

import itertools
import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlmodel import select
from werkzeug.exceptions import HTTPException

from tenderapp.models import Agreement, Collaboration, Contract, Decision, Organisation, Tender

PASSWORD = "demo-password"

# Someone of each kind the demo has (tenderapp/demo/seg.toml) and the roles they hold.
ROLES = {
    "lead procurement admin": ("admin@kent.example", {"procurement_admin", "evaluator"}),
    "lead signatory": ("signatory@kent.example", {"signatory"}),
    "lead evaluator": ("evaluator@kent.example", {"evaluator"}),
    "lead viewer": ("viewer@kent.example", {"viewer"}),
    "partner signatory": ("signatory@surrey.example", {"signatory"}),
    "partner admin and viewer": ("admin@surrey.example", {"procurement_admin", "viewer"}),
    "partner evaluator and viewer": ("evaluator@surrey.example", {"evaluator", "viewer"}),
    "support unit signatory": ("signatory@secsu.example", {"signatory"}),
    "supplier": ("bidder@mediation-partners.example", {"bidder"}),
    "provider": ("provider@mediation-partners.example", {"provider"}),
}

# Pages rightly reached other than by a link in the app, each with the reason.
EXCEPTIONS = {
    "main.index": "the start page: a signed-in visitor is sent on to the dashboard",
    "main.health": "the health check, for load balancers",
    "static": "stylesheets, scripts and images, loaded by the pages",
    "tenders.ocds_package": "open data: its address is published in the OCDS feeds and the notices",
    "auth.sign_in": "the sign-in page: a signed-in person has no need of it",
    "auth.forgotten_password": "for signed-out visitors: linked from the sign-in page",
    "suppliers.register": "for signed-out visitors: linked from the start and sign-in pages",
    # Forms offered only while their action applies: the demo's agreements are answered, its
    # tenders published and evaluated, its summaries issued. Each page still answers, saying so.
    "agreements.sign": "offered while the organisation's answer is outstanding; the demo's agreement is answered",
    "agreements.in_principle": "offered while the organisation's answer is outstanding",
    "agreements.decline": "offered while the organisation's answer is outstanding",
    "tenders.publish": "offered on a draft tender; the demo's tenders are published",
    "evaluation.declaration": "offered until the evaluator has declared; the demo's panel has declared",
    "contracts.issue_summaries": "offered while a summary waits to be issued; the demo's are issued",
    "bids.withdraw": "offered while a submitted bid may still be withdrawn, before the deadline",
}

# A role's own legitimate gaps, (role, endpoint) -> reason.
ROLE_EXCEPTIONS = {
    ("supplier", "agreements.index"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("supplier", "contracts.decisions"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("provider", "agreements.index"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("provider", "contracts.decisions"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("supplier", "contracts.contracts"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("provider", "contracts.contracts"): "for authorities: a supplier's list is empty and its navigation leaves it out",
    ("support unit signatory", "tenders.tender"):
        "the support unit is no member: a published tender is open to every signed-in person, as its notice "
        "is, but the authority's tender list shows its own collaborations' tenders only",
    ("support unit signatory", "tenders.document"): "as tenders.tender: a published tender's documents are public",
    ("support unit signatory", "tenders.timeline"): "as tenders.tender: a published tender's public timeline",
}

MAX_PAGES = 300        # per role
MAX_PER_ENDPOINT = 3   # distinct URLs fetched per route: one object's page stands for all of them
# (a page's filtered or paged variants, ?status=... or ?page=2, are not fetched once the page is)
MAX_PROBES = 6         # direct tries per unlinked route
HREF = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.IGNORECASE)


def _endpoint(adapter, path):
    """(endpoint, arguments) of a GET route, or None (no such route, POST only, or a redirect)."""
    try:
        return adapter.match(path, method="GET")
    except HTTPException:  # RequestRedirect is one too
        return None


def _links(html):
    for href in HREF.findall(html):
        href = unescape(href).split("#", 1)[0]
        parts = urlsplit(href)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(app, person):
    """(endpoints linked from pages the person reached, {endpoint: [(url, args)] seen})."""
    adapter = app.url_map.bind("localhost")
    queue, queued, fetched = deque(["/dashboard"]), {"/dashboard"}, {}
    queued_paths = {"/dashboard"}
    linked, seen = {"main.dashboard"}, {}
    pages = 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        response = person.get(url)
        pages += 1
        if response.status_code in (301, 302, 303) and response.location:
            found = [response.location]  # a link that redirects leads where it redirects to
        elif response.status_code == 200 and response.mimetype == "text/html":
            found = _links(response.get_data(as_text=True))
        else:
            continue
        for link in found:
            parts = urlsplit(link)
            if parts.netloc not in ("", "localhost"):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            found = _endpoint(adapter, urlsplit(link).path)
            if found is None:
                continue
            endpoint, args = found
            linked.add(endpoint)
            seen.setdefault(endpoint, []).append((link, args))
            if endpoint == "auth.sign_out" or link in queued:
                continue
            if parts.query and parts.path in queued_paths:
                continue  # the same page filtered or paged: it links what the page itself links
            if fetched.get(endpoint, 0) >= MAX_PER_ENDPOINT:
                continue
            fetched[endpoint] = fetched.get(endpoint, 0) + 1
            queued.add(link)
            queued_paths.add(parts.path)
            queue.append(link)
    return linked, seen


def _may_open_by_guards(marker, roles):
    if marker is None:
        return False
    if marker.kind in ("public", "signed_in"):
        return True
    return not marker.roles or bool({r.value for r in marker.roles} & roles)


def _demo_ids(db):
    tenders = db.exec(select(Tender.id)).all()
    return {
        "tender_id": tenders,
        "contract_id": db.exec(select(Contract.id)).all(),
        "agreement_id": db.exec(select(Agreement.id)).all(),
        "collaboration_id": db.exec(select(Collaboration.id)).all(),
        "decision_id": db.exec(select(Decision.id)).all(),
        "organisation_id": db.exec(select(Organisation.id)).all()[:6],
    }


def _probes(app, rule, seen_anywhere, ids):
    """Addresses to try for a route: those linked for anyone, then built from the demo's ids."""
    urls = [url for url, _ in seen_anywhere.get(rule.endpoint, [])]
    if all(a in ids for a in rule.arguments):
        with app.test_request_context():
            from flask import url_for

            names = sorted(rule.arguments)
            for values in itertools.islice(itertools.product(*(ids[n] for n in names)), MAX_PROBES * 4):
                urls.append(url_for(rule.endpoint, **dict(zip(names, values, strict=True))))
    unique = list(dict.fromkeys(urls))
    return unique[:MAX_PROBES * 2]


@pytest.fixture
def demo(app, db, clock):
    """The SEG scenario, with its documents in the store the app reads (as seed-demo does)."""
    from tenderapp.demo import load_scenario
    from tenderapp.links import public_links
    from tenderapp.services import demo as demo_service
    from tenderapp.storage import DatabaseDocumentStore

    demo_service.load(db, load_scenario("seg"), clock.moment, None, app.extensions["tenderapp.sealer"],
                      DatabaseDocumentStore(db), public_links(app))
    return _demo_ids(db)


def test_every_page_a_role_may_open_is_linked_from_somewhere(app, demo, sign_in_as):
    people = {name: sign_in_as(email, PASSWORD) for name, (email, _) in ROLES.items()}
    crawls = {name: crawl(app, person) for name, person in people.items()}
    seen_anywhere = {}
    for _, seen in crawls.values():
        for endpoint, found in seen.items():
            seen_anywhere.setdefault(endpoint, []).extend(found)

    unlinked = []
    for name, (email, roles) in ROLES.items():
        linked, _ = crawls[name]
        for rule in app.url_map.iter_rules():
            if ("GET" not in rule.methods or rule.endpoint in linked or rule.endpoint in EXCEPTIONS
                    or (name, rule.endpoint) in ROLE_EXCEPTIONS):
                continue
            marker = getattr(app.view_functions[rule.endpoint], "access_rule", None)
            if not _may_open_by_guards(marker, roles):
                continue
            for url in _probes(app, rule, seen_anywhere, demo):
                if people[name].get(url).status_code == 200:
                    unlinked.append(f"{name} ({email}) opens {rule.endpoint} at {url}, linked from nowhere")
                    break
    assert not unlinked, "\n".join(unlinked)


def test_every_exception_names_a_route_and_gives_a_reason(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint, reason in [*EXCEPTIONS.items(), *((e, r) for (_, e), r in ROLE_EXCEPTIONS.items())]:
        assert endpoint in endpoints, endpoint
        assert len(reason) > 10, endpoint
    assert {role for role, _ in ROLE_EXCEPTIONS} <= set(ROLES)
