"""The public pages as an anonymous visitor's browser shows them, JavaScript off and on, each
checked with axe-core (no serious or critical finding): the home page, the opportunities with
their filters, both demo notices (open, and awarded with its notices) and the open-data index.
Screenshots are left in test-artifacts/public/."""

import shutil

import pytest
from sqlmodel import Session

from tenderapp.demo import load_scenario
from tenderapp.links import public_links
from tenderapp.services import demo
from tenderapp.storage import DatabaseDocumentStore
from tests.e2e.axe import failing, report
from tests.e2e.paths import ARTEFACTS
from tests.e2e.people import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "opportunities": "/opportunities",
    "opportunities, all, searched": "/opportunities?status=all&q=mediation&buyer=Kent+County+Council",
    "opportunities, nothing found": "/opportunities?status=awarded&q=nothing-like-this",
    "notice, open for bids": "/opportunities/SC26041",
    "notice, awarded": "/opportunities/SC14027",
    "open data": "/open-data/",
}


def test_the_public_pages_pass_the_accessibility_check_for_an_anonymous_visitor(chromium, auditor, live_app,
                                                                                  live_server):
    folder = ARTEFACTS.parent / "public"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with Session(live_app.extensions["tenderapp.engine"]) as session:
        demo.load(session, load_scenario("seg"), live_app.config["CLOCK"](), DEMO_PASSWORD,
                  live_app.extensions["tenderapp.sealer"], DatabaseDocumentStore(session), public_links(live_app))
    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    checks = []
    for name, path in PAGES.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, name
        assert page.locator("h1").count() == 1, name
        page.screenshot(path=str(folder / f"{name.replace(', ', '-').replace(' ', '-')}.png"), full_page=True)
        checks.append(auditor.check(f"public: {name}", page.url, page.content()))
    page.goto("/")
    page.get_by_role("link", name="Find tenders open for bids").click()
    page.get_by_role("link", name="SEND Mediation and Disagreement Resolution Service (re-procurement)").click()
    assert page.url.endswith("/opportunities/SC26041")
    context.close()
    findings = [f for check in checks for f in failing(check.result(timeout=120))]
    assert not findings, report(findings)
