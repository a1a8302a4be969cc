"""The agreement's use cases below the web pages: issuing, agreeing in principle, signing,
declining, signing on behalf of another organisation, and a new version re-opening them."""

import pytest
from sqlmodel import select

from tenderapp.access import agreements as agreement_access
from tenderapp.domain.agreements import PartyStatus
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import AgreementResponse, OutboxMessage, Signature
from tenderapp.services import agreements, signing
from tenderapp.services.agreement_status import current_version, draft_version
from tenderapp.services.agreements import Authority, VersionContent
from tenderapp.services.signing import SignatureRequest, VersionSuperseded
from tests import factories
from tests.conftest import T0

LINK = "https://tenderapp.example/agreements/1"
TRACKER = "https://tenderapp.example/agreements/1/tracker"


def statuses(db, person, agreement) -> dict[str, PartyStatus]:
    return {p.organisation.name: p.status for p in signing.parties(db, factories.actor(db, person), agreement)}


def signature_request(db, agreement, organisations, password=factories.PASSWORD) -> SignatureRequest:
    return SignatureRequest(version_id=current_version(db, agreement.id).id,
                            organisation_ids=[o.id for o in organisations], full_name="Sam Signer",
                            job_title="Director of Children's Services", authorised=True, password=password)


def test_issuing_the_draft_tells_every_members_signatories_and_invites_them(world, db):
    draft = factories.agreement(db, world.collab, world.lead_admin, T0, title="Draft", issued=False)
    admin = factories.actor(db, world.lead_admin)
    assert statuses(db, world.partner_signatory, draft) == {"Partner Borough Council": PartyStatus.NOT_ISSUED}

    version = agreements.issue(db, admin, draft, T0, LINK)

    assert (version.number, version.issued_at, version.issued_by_user_id) == (1, T0, world.lead_admin.id)
    told = {m.recipient for m in db.exec(select(OutboxMessage)).all()}
    assert told == {"signatory@lead.example", "signatory@partner.example"}
    assert statuses(db, world.partner_signatory, draft) == {"Partner Borough Council": PartyStatus.INVITED}
    with pytest.raises(Conflict, match="no draft version to issue"):
        agreements.issue(db, admin, draft, T0, LINK)


def test_agreeing_in_principle_keeps_the_note_and_cannot_be_repeated(world, db):
    signatory = factories.actor(db, world.partner_signatory)
    version = current_version(db, world.agreement.id)

    signing.agree_in_principle(db, signatory, world.agreement, version.id, [world.partner.id],
                               "  Subject to our governance board  ", T0, TRACKER)

    response = db.exec(select(AgreementResponse)).one()
    assert (response.action, response.note, response.user_id) == ("agreed_in_principle",
                                                                  "Subject to our governance board",
                                                                  world.partner_signatory.id)
    assert statuses(db, world.partner_signatory, world.agreement)["Partner Borough Council"] \
        is PartyStatus.AGREED_IN_PRINCIPLE
    with pytest.raises(RuleViolation, match="Partner Borough Council has already agreed in principle"):
        signing.agree_in_principle(db, signatory, world.agreement, version.id, [world.partner.id], "", T0, TRACKER)


def test_signing_binds_the_signature_to_the_version_and_signing_again_changes_nothing(world, db):
    signatory = factories.actor(db, world.partner_signatory)
    request = signature_request(db, world.agreement, [world.partner])

    signed = signing.sign(db, signatory, world.agreement, request, T0, TRACKER)

    version = current_version(db, world.agreement.id)
    assert [(s.organisation_id, s.version_number, s.version_sha256, s.signer_name) for s in signed] == [
        (world.partner.id, 1, version.sha256, "Sam Signer")]
    again = signing.sign(db, signatory, world.agreement, request, T0, TRACKER)
    assert [s.id for s in again] == [s.id for s in signed]
    assert len(db.exec(select(Signature)).all()) == 1
    assert statuses(db, world.partner_signatory, world.agreement)["Partner Borough Council"] is PartyStatus.SIGNED


def test_signing_needs_the_signers_password(world, db):
    request = signature_request(db, world.agreement, [world.partner], password="not my password")
    with pytest.raises(RuleViolation, match="Your password is incorrect") as refused:
        signing.sign(db, factories.actor(db, world.partner_signatory), world.agreement, request, T0, TRACKER)
    assert refused.value.field == "password"
    assert db.exec(select(Signature)).all() == []


def test_declining_needs_a_reason_and_closes_the_version_to_signing(world, db):
    signatory = factories.actor(db, world.partner_signatory)
    version = current_version(db, world.agreement.id)
    with pytest.raises(RuleViolation, match="Enter the reason for declining"):
        signing.decline(db, signatory, world.agreement, version.id, [world.partner.id], "  ", T0, TRACKER)

    signing.decline(db, signatory, world.agreement, version.id, [world.partner.id], "No budget this year", T0,
                    TRACKER)

    assert db.exec(select(AgreementResponse)).one().note == "No budget this year"
    with pytest.raises(RuleViolation, match="Partner Borough Council has declined this version"):
        signing.sign(db, signatory, world.agreement, signature_request(db, world.agreement, [world.partner]), T0,
                     TRACKER)


def test_a_representative_signs_for_the_members_it_acts_for_and_no_others(world, db):
    csu = factories.organisation(db, "Support Unit", T0, OrganisationKind.HEALTH_BODY)
    ccg = factories.organisation(db, "CCG A", T0, OrganisationKind.HEALTH_BODY)
    collab = factories.collaboration(db, "Health group", world.lead, [ccg], T0)
    collab_agreement = factories.agreement(db, collab, world.lead_admin, T0)
    person = factories.user(db, csu, "signatory@csu.example", [Role.SIGNATORY], T0)
    agreements.record_representation(
        db, factories.actor(db, world.lead_admin), collab, agreement_access.acting_authority(db, csu.id), [ccg.id],
        Authority("Letter of authority, 3 March 2015"), None, T0)
    representative = factories.actor(db, person)
    assert statuses(db, person, collab_agreement) == {"CCG A": PartyStatus.INVITED}

    with pytest.raises(RuleViolation, match="only answer for your organisation and those it acts for"):
        signing.sign(db, representative, collab_agreement, signature_request(db, collab_agreement, [world.lead]), T0,
                     TRACKER)
    signed = signing.sign(db, representative, collab_agreement, signature_request(db, collab_agreement, [ccg]), T0,
                          TRACKER)

    assert [(s.organisation_id, s.signer_organisation_id) for s in signed] == [(ccg.id, csu.id)]
    assert signed[0].representation_id is not None


def test_a_representative_must_be_an_authority(world, db):
    with pytest.raises(RuleViolation, match="Select the organisation that will act for the others"):
        agreements.record_representation(
            db, factories.actor(db, world.lead_admin), world.collab,
            agreement_access.acting_authority(db, world.supplier.id), [world.partner.id], Authority("Letter"),
            None, T0)


def test_a_new_version_asks_for_signatures_again_and_keeps_the_old_ones(world, db):
    signatory, admin = factories.actor(db, world.partner_signatory), factories.actor(db, world.lead_admin)
    first = current_version(db, world.agreement.id)
    signing.sign(db, signatory, world.agreement, signature_request(db, world.agreement, [world.partner]), T0, TRACKER)

    with pytest.raises(RuleViolation, match="Enter a summary of what has changed"):
        agreements.start_new_version(db, admin, world.agreement, VersionContent(body="Changed text."), None, T0)
    agreements.start_new_version(db, admin, world.agreement,
                                 VersionContent(body="Changed text.", change_summary="Clause 4 changed"), None, T0)
    assert draft_version(db, world.agreement.id).number == 2
    second = agreements.issue(db, admin, world.agreement, T0, LINK)

    assert statuses(db, world.partner_signatory, world.agreement)["Partner Borough Council"] \
        is PartyStatus.RE_SIGN_REQUIRED
    assert [s.version_number for s in db.exec(select(Signature)).all()] == [1]
    stale = SignatureRequest(first.id, [world.partner.id], "Sam Signer", "Director", True, factories.PASSWORD)
    with pytest.raises(VersionSuperseded, match="Read version 2"):
        signing.sign(db, signatory, world.agreement, stale, T0, TRACKER)
    signing.sign(db, signatory, world.agreement, signature_request(db, world.agreement, [world.partner]), T0, TRACKER)
    assert sorted(s.version_number for s in db.exec(select(Signature)).all()) == [1, second.number]
