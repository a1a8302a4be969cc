"""The canary crawl: with unique markers in every bid (submitted and draft; prices, answers,
file names and file contents), every GET page and export, as every role (and as each bidder,
looking for the other's markers), before the opening, shows no marker."""

import io
import zipfile

import pytest
from flask import url_for

from tenderapp.domain.roles import Role
from tests import factories
from tests.conftest import Browser
from tests.hostile import pdf
from tests.web.test_bids import _post, answer, declare, price
from tests.web.test_opening import attach
from tests.web.test_tenant_isolation import OWN, PUBLIC_BY_NATURE, SAMPLE_VALUES, access_rule

MARKERS = {"bidder@supplier.example": ("CANARY-ALPHA-7731", "24680.13", "FILE-ALPHA-3319", "NAME-ALPHA-8812"),
           "bidder@rival.example": ("CANARY-BRAVO-1944", "13579.24", "FILE-BRAVO-5507", "NAME-BRAVO-2290")}
ANONYMOUS = "anonymous"  # a visitor who is not signed in
ROLES = ["admin@lead.example", "admin2@lead.example", "viewer@lead.example", "signatory@lead.example",
         "admin@partner.example", "signatory@partner.example", "evaluator@partner.example", "viewer@partner.example",
         "admin@other.example", "bidder@third.example", "provider@third.example", ANONYMOUS]


@pytest.fixture
def bids_with_markers(world, db, clock, sign_in_as):
    for name, email in (("Rival Ltd", "bidder@rival.example"), ("Third Ltd", "bidder@third.example")):
        org = factories.organisation(db, name, clock.moment, factories.OrganisationKind.SUPPLIER)
        factories.user(db, org, email, ["bidder"], clock.moment)
        if email == "bidder@third.example":  # a supplier's provider, who keeps a register and bids for nothing
            factories.user(db, org, "provider@third.example", ["provider"], clock.moment)
    tender = world.open_tender
    # a partner's evaluator on the tender's panel, and a partner's viewer
    evaluator = factories.user(db, world.partner, "evaluator@partner.example", ["evaluator"], clock.moment)
    factories.assign_evaluator(db, tender, evaluator, clock.moment)
    factories.user(db, world.partner, "viewer@partner.example", ["viewer"], clock.moment)
    for email, (word, amount, content, name) in MARKERS.items():
        bidder = sign_in_as(email)
        price(bidder, tender.id, amount, "1000")
        answer(bidder, tender.id, f"Our answer {word} in full.")
        attach(bidder, tender.id, pdf(content), f"{name}.pdf")
        declare(bidder, tender.id)
        if email == "bidder@supplier.example":
            _post(bidder, tender.id, "submit")  # the rival's stays a draft
    return tender


def _readable(body: bytes) -> bytes:
    """The bytes to search: a workbook (a zip) is searched inside."""
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return body


def _needles(markers):
    for word, amount, content, name in markers:
        yield from (word, amount, f"{float(amount):,.2f}", content, name)


@pytest.mark.parametrize("crawler", ROLES + list(MARKERS))
def test_no_page_or_export_reveals_any_bid_before_the_opening(app, world, bids_with_markers, sign_in_as, crawler):
    leaks, fetched = [], 0
    others = [m for email, m in MARKERS.items() if email != crawler]
    for email in [crawler]:
        person = Browser(app.test_client()) if email == ANONYMOUS else sign_in_as(email)
        for rule in app.url_map.iter_rules():
            if rule.endpoint in PUBLIC_BY_NATURE or "GET" not in rule.methods or rule.endpoint == "auth.sign_out":
                continue
            marker = access_rule(app, rule)
            values = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a])
                      for a in rule.arguments}
            with app.test_request_context():
                url = url_for(rule.endpoint, **values)
            body = _readable(person.get(url).data)
            fetched += 1
            for needle in _needles(others):
                if needle.encode() in body:
                    leaks.append((email, url, needle))
    assert leaks == []
    assert fetched > 40


def test_the_crawl_covers_every_role_and_anonymous_visitors(bids_with_markers, db):
    from sqlmodel import select

    from tenderapp.models import RoleAssignment, User

    held = db.exec(select(RoleAssignment.role).join(User, User.id == RoleAssignment.user_id)
                   .where(User.email.in_(ROLES + list(MARKERS)))).all()
    assert {Role(r) for r in held} == set(Role)
    assert ANONYMOUS in ROLES


def test_each_bidder_sees_its_own_markers_only(app, world, bids_with_markers, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    own = bidder.get(f"/tenders/{world.open_tender.id}/bid/prices").get_data(as_text=True)
    assert "24680.13" in own and "13579.24" not in own
    answers = bidder.get(f"/tenders/{world.open_tender.id}/bid/answers").get_data(as_text=True)
    assert "NAME-ALPHA-8812" in answers and "NAME-BRAVO-2290" not in answers
    workbook = _readable(bidder.get(f"/tenders/{world.open_tender.id}/bid/template.xlsx").data)
    assert b"24680.13" in workbook  # the search inside workbooks works


def test_the_database_holds_no_file_name_or_content_in_plain_text(app, world, bids_with_markers, db):
    from sqlalchemy import text
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        for row in db.exec(text(f'SELECT * FROM "{table.name}"')).all():
            blob = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
            for needle in _needles(MARKERS.values()):
                assert needle.encode() not in blob, (table.name, needle)
