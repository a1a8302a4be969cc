"""Accounts below the web: inviting a person, adding a member organisation, resetting a
forgotten password, and an admin's reset of someone's two-factor sign-in."""

import re

import pyotp
import pytest
from sqlmodel import select

from tenderapp import access
from tenderapp.access import actor_for, get_managed_user
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import CollaborationMember, Invitation, OutboxMessage, RecoveryCode, User, UserSession
from tenderapp.services import auth, invitations, organisations, password_resets, two_factor
from tenderapp.services.invitations import InvitationRequest
from tenderapp.services.organisations import NewMember
from tests import factories
from tests.conftest import T0


def _link(token: str) -> str:
    return f"http://localhost/link/{token}"


def _token(db, recipient: str) -> str:
    body = db.exec(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                   .order_by(OutboxMessage.id.desc())).first().body
    return re.search(r"/link/(\S+)", body).group(1)


def test_an_invitation_replaces_earlier_ones_and_creates_the_account_once_accepted(world, db):
    admin = actor_for(db, world.lead_admin, "lead")
    request = InvitationRequest(world.partner, " New.Person@Partner.example ", "New Person",
                                frozenset({Role.VIEWER}))
    first = invitations.invite(db, admin, request, T0, _link)
    second = invitations.invite(db, admin, request, T0, _link)
    assert second.email == "new.person@partner.example"
    assert db.get(Invitation, first.id).revoked_at == T0 and second.revoked_at is None
    with pytest.raises(RuleViolation):
        invitations.invite(db, admin, InvitationRequest(world.partner, "x@partner.example", "X",
                                                        frozenset({Role.BIDDER})), T0, _link)
    with pytest.raises(NotFound):  # another tenant's organisation is not the admin's to invite into
        access.get_managed_organisation(db, admin, world.other_lead.id)
    user = invitations.accept(db, _token(db, "new.person@partner.example"), "a long enough new password", T0)
    assert (user.organisation_id, user.full_name) == (world.partner.id, "New Person")
    with pytest.raises(Conflict, match="already exists"):
        invitations.invite(db, admin, request, T0, _link)


def test_a_collaboration_gains_existing_and_new_authorities_but_no_supplier(world, db):
    admin = actor_for(db, world.lead_admin, "lead")
    assert world.other_lead in organisations.addable_organisations(db, world.collab)
    organisations.add_member(db, admin, world.collab, NewMember(organisation=world.other_lead), T0)
    with pytest.raises(Conflict, match="already a member"):
        organisations.add_member(db, admin, world.collab, NewMember(organisation=world.other_lead), T0)
    with pytest.raises(RuleViolation, match="Select an organisation"):
        organisations.add_member(db, admin, world.collab, NewMember(), T0)
    with pytest.raises(RuleViolation, match="A supplier cannot be a member"):
        organisations.add_member(db, admin, world.collab, NewMember(organisation=world.supplier), T0)
    created = organisations.add_member(db, admin, world.collab,
                                       NewMember(name="New District Council", kind=OrganisationKind.LOCAL_AUTHORITY),
                                       T0)
    assert created.managed_by_organisation_id == world.lead.id
    with pytest.raises(Conflict, match="already on Tenderapp"):
        organisations.add_member(db, admin, world.collab,
                                 NewMember(name="new district council", kind=OrganisationKind.LOCAL_AUTHORITY), T0)
    members = db.exec(select(CollaborationMember.organisation_id).where(
        CollaborationMember.collaboration_id == world.collab.id)).all()
    assert {world.other_lead.id, created.id} <= set(members)


def test_a_password_reset_link_works_once_and_ends_every_session(world, db):
    auth.sign_in(db, world.partner_admin.email, factories.PASSWORD, T0, 8)
    password_resets.request_reset(db, " Admin@Partner.example", T0, _link)
    token = _token(db, world.partner_admin.email)
    with pytest.raises(RuleViolation):
        password_resets.reset_password(db, token, "short", T0)
    user = password_resets.reset_password(db, token, "a different long password", T0)
    assert auth.sign_in(db, user.email, "a different long password", T0, 8).user_id == user.id
    assert db.exec(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))).one()
    with pytest.raises(RuleViolation, match="already been used"):
        password_resets.find_usable(db, token, T0)
    password_resets.request_reset(db, "nobody@nowhere.example", T0, _link)  # says nothing, sends nothing
    assert not db.exec(select(OutboxMessage).where(OutboxMessage.recipient == "nobody@nowhere.example")).all()


def test_an_admin_resets_a_colleagues_two_factor_but_not_their_own(app, world, db):
    sealer = app.extensions["tenderapp.sealer"]
    colleague = actor_for(db, world.partner_admin, "partner")
    secret = two_factor.new_secret()
    assert len(two_factor.enrol(db, colleague, sealer, secret, pyotp.TOTP(secret).at(T0), T0)) > 0
    admin = actor_for(db, world.lead_admin, "lead")
    with pytest.raises(RuleViolation, match="your own"):
        two_factor.reset(db, admin, get_managed_user(db, admin, world.lead_admin.id), T0)
    user = two_factor.reset(db, admin, get_managed_user(db, admin, world.partner_admin.id), T0)
    assert user.totp_enrolled_at is None and user.totp_secret_sealed is None
    assert not db.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    with pytest.raises(Conflict, match="has not set up"):
        two_factor.reset(db, admin, db.get(User, world.partner_admin.id), T0)
    with pytest.raises(NotFound):
        get_managed_user(db, admin, world.other_admin.id)
