"""The canary crawl: with unique markers in every bid (submitted and draft), every GET page
and export, as every role, before the opening, shows no marker."""

import pytest
from flask import url_for

from tests import factories
from tests.web.test_bids import _post, answer, declare, price
from tests.web.test_tenant_isolation import OWN, PUBLIC_BY_NATURE, SAMPLE_VALUES, access_rule

MARKERS = {"bidder@supplier.example": ("CANARY-ALPHA-7731", "24680.13"),
           "bidder@rival.example": ("CANARY-BRAVO-1944", "13579.24")}
ROLES = ["admin@lead.example", "admin2@lead.example", "viewer@lead.example", "signatory@lead.example",
         "admin@partner.example", "signatory@partner.example", "admin@other.example", "bidder@third.example"]


@pytest.fixture
def bids_with_markers(world, db, clock, sign_in_as):
    for name, email in (("Rival Ltd", "bidder@rival.example"), ("Third Ltd", "bidder@third.example")):
        org = factories.organisation(db, name, clock.moment, factories.OrganisationKind.SUPPLIER)
        factories.user(db, org, email, ["bidder"], clock.moment)
    tender = world.open_tender
    for email, (word, amount) in MARKERS.items():
        bidder = sign_in_as(email)
        price(bidder, tender.id, amount, "1000")
        answer(bidder, tender.id, f"Our answer {word} in full.")
        declare(bidder, tender.id)
        if email == "bidder@supplier.example":
            _post(bidder, tender.id, "submit")  # the rival's stays a draft
    return tender


def test_no_page_or_export_reveals_any_bid_before_the_opening(app, world, bids_with_markers, sign_in_as):
    leaks, fetched = [], 0
    for email in ROLES:
        person = sign_in_as(email)
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC_BY_NATURE or "GET" not in rule.methods or rule.endpoint == "auth.sign_out":
                continue
            marker = access_rule(app, rule)
            values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                      for a in rule.arguments}
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            body = person.get(url).data
            fetched += 1
            for word, amount in MARKERS.values():
                for needle in (word, amount, f"{float(amount):,.2f}"):
                    if needle.encode() in body:
                        leaks.append((email, url, needle))
    assert leaks == []
    assert fetched > 100


def test_each_bidder_sees_its_own_markers_only(app, world, bids_with_markers, sign_in_as):
    own = sign_in_as("bidder@supplier.example").get(f"/tenders/{world.open_tender.id}/bid/prices").get_data(as_text=True)
    assert "24680.13" in own and "13579.24" not in own
