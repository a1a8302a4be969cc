"""The results page's ranking (rank, supplier, price score, quality, total, flags) fits the
page without scrolling sideways at 1024px wide and wider: measured in Chromium, signed in as
the lead's procurement admin, on the demo's evaluated tender. Screenshots are left in
test-artifacts/results-width/."""

import shutil
from concurrent.futures import Future

import pytest
from sqlmodel import Session, select

from tenderapp.demo import load_scenario
from tenderapp.links import public_links
from tenderapp.models import Tender
from tenderapp.services import demo
from tenderapp.storage import DatabaseDocumentStore
from tests.e2e.paths import ARTEFACTS
from tests.e2e.people import DEMO_PASSWORD, Journey, sign_in

pytestmark = pytest.mark.browser

WIDTHS = (1024, 1280, 1920)


class _NoAudit:
    """This test measures layout; the journey test runs the accessibility check."""

    def check(self, *_):
        done = Future()
        done.set_result([])
        return done


def test_the_ranking_fits_the_page_at_1024px_and_wider(chromium, live_app, live_server):
    folder = ARTEFACTS.parent / "results-width"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with Session(live_app.extensions["tenderapp.engine"]) as session:
        demo.load(session, load_scenario("seg"), live_app.config["CLOCK"](), DEMO_PASSWORD,
                  live_app.extensions["tenderapp.sealer"], DatabaseDocumentStore(session), public_links(live_app))
        tender_id = session.exec(select(Tender.id).where(Tender.reference == "SC14027")).one()
    journey = Journey(live_app, chromium, live_server, _NoAudit(), folder)
    try:
        admin = sign_in(journey, "admin@kent.example", f"/tenders/{tender_id}/evaluation/results")
        measured = admin.context.browser.new_context(storage_state=admin.context.storage_state(),
                                                     base_url=live_server)
        page = measured.new_page()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/tenders/{tender_id}/evaluation/results")
            table = page.locator("#ranking")
            assert table.count() == 1
            widths = table.evaluate("t => ({table: t.scrollWidth, column: t.parentElement.clientWidth})")
            page.screenshot(path=str(folder / f"results-{width}.png"), full_page=True)
            assert widths["table"] <= widths["column"], f"at {width}px: {widths}"
            for heading in ("Rank", "Supplier", "Price score", "Quality", "Total", "Flags"):
                box = table.get_by_role("columnheader", name=heading, exact=True).bounding_box()
                assert box and box["x"] + box["width"] <= width, f"{heading} is off the page at {width}px"
        measured.close()
    finally:
        journey.close()
