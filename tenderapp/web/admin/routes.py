"""Administration: collaborations and members, people, invitations, roles, the outbox."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role, allowed_roles
from tenderapp.models import Organisation
from tenderapp.services import agreements, invitations, organisations, two_factor
from tenderapp.services.invitations import InvitationRequest
from tenderapp.services.organisations import NewMember
from tenderapp.web.admin.forms import (
    CollaborationForm,
    ExistingMemberForm,
    InvitationForm,
    NewMemberForm,
    ResetTwoFactorForm,
    RolesForm,
)
from tenderapp.web.forms import role_choices
from tenderapp.web.guards import role_required, tenant_owned

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN, BIDDER = Role.PROCUREMENT_ADMIN, Role.BIDDER


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.route("/collaborations")
@role_required(ADMIN)
def collaborations():
    return render_template("admin/collaborations.html",
                           collaborations=access.led_collaborations(get_session(), current_user))


@bp.route("/collaborations/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_collaboration():
    form = CollaborationForm()
    if form.validate_on_submit():
        try:
            collaboration = organisations.create_collaboration(
                get_session(), current_user, form.name.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "name")
        else:
            flash(f"Collaboration “{collaboration.name}” created", "success")
            return redirect(url_for("admin.collaboration", collaboration_id=collaboration.id))
    return render_template("admin/new_collaboration.html", form=form), _status(form)


@bp.route("/collaborations/<int:collaboration_id>")
@tenant_owned(ADMIN, collaboration_id="collaboration")
def collaboration(collaboration_id: int):
    db_session = get_session()
    found = access.get_led_collaboration(db_session, current_user, collaboration_id)
    return render_template("admin/collaboration.html", collaboration=found,
                           members=organisations.members(db_session, found),
                           representations=agreements.representations(db_session, found),
                           tenders=[t for t in access.lead_tenders(db_session, current_user)
                                    if t.collaboration_id == found.id],
                           agreements=agreements.of_collaboration(db_session, found))


@bp.route("/collaborations/<int:collaboration_id>/members/add", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def add_member(collaboration_id: int):
    db_session = get_session()
    found = access.get_led_collaboration(db_session, current_user, collaboration_id)
    form = ExistingMemberForm()
    form.organisation_id.choices = [SelectChoice(0, "Select an organisation")] + [
        SelectChoice(o.id, o.name) for o in organisations.addable_organisations(db_session, found)]
    if form.validate_on_submit():
        try:
            if not form.organisation_id.data:
                raise RuleViolation("Select an organisation", field="organisation_id")
            added = organisations.add_member(db_session, current_user, found.id,
                                             NewMember(organisation_id=form.organisation_id.data), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "organisation_id")
        else:
            flash(f"{added.name} added to {found.name}", "success")
            return redirect(url_for("admin.collaboration", collaboration_id=found.id))
    return render_template("admin/add_member.html", form=form, collaboration=found), _status(form)


@bp.route("/collaborations/<int:collaboration_id>/members/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def new_member(collaboration_id: int):
    db_session = get_session()
    found = access.get_led_collaboration(db_session, current_user, collaboration_id)
    form = NewMemberForm()
    if form.validate_on_submit():
        try:
            added = organisations.add_member(
                db_session, current_user, found.id,
                NewMember(name=form.name.data, kind=OrganisationKind(form.kind.data)), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "name")
        else:
            flash(f"{added.name} added to {found.name}", "success")
            return redirect(url_for("admin.collaboration", collaboration_id=found.id))
    return render_template("admin/new_member.html", form=form, collaboration=found), _status(form)


@bp.route("/organisations/<int:organisation_id>")
@tenant_owned(ADMIN, BIDDER, organisation_id="organisation")
def organisation(organisation_id: int):
    db_session = get_session()
    found = access.get_managed_organisation(db_session, current_user, organisation_id)
    return render_template(
        "admin/organisation.html", organisation=found,
        people=organisations.people(db_session, found.id),
        pending=invitations.pending_for_organisation(db_session, found.id, clock.now()),
    )


def _roles_for(organisation: Organisation):
    return role_choices(allowed_roles(OrganisationKind(organisation.kind)))


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, organisation_id="organisation")
def invite(organisation_id: int):
    db_session = get_session()
    found = access.get_managed_organisation(db_session, current_user, organisation_id)
    form = InvitationForm()
    form.roles.choices = _roles_for(found)
    if form.validate_on_submit():
        request = InvitationRequest(found.id, form.email.data, form.full_name.data,
                                    frozenset(Role(r) for r in form.roles.data))
        try:
            invitations.invite(db_session, current_user, request, clock.now(),
                               lambda token: url_for("auth.accept_invitation", token=token, _external=True),
                               timedelta(days=current_app.config["INVITATION_VALIDITY_DAYS"]))
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "email")
        else:
            flash(f"Invitation sent to {request.email.strip().lower()}", "success")
            return redirect(url_for("admin.organisation", organisation_id=found.id))
    return render_template("admin/invite.html", form=form, organisation=found), _status(form)


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, user_id="user")
def user_roles(user_id: int):
    db_session = get_session()
    user = access.get_managed_user(db_session, current_user, user_id)
    organisation = organisations.organisation_of(db_session, user)
    form = RolesForm()
    form.roles.choices = _roles_for(organisation)
    if not form.is_submitted():
        form.roles.data = sorted(organisations.user_roles(db_session, user.id))
    if form.validate_on_submit():
        try:
            organisations.change_roles(db_session, current_user, user.id,
                                       frozenset(Role(r) for r in form.roles.data), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "roles")
        else:
            flash(f"Roles for {user.full_name} saved", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template("admin/user_roles.html", form=form, user=user,
                           organisation=organisation), _status(form)


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, user_id="user")
def reset_two_factor(user_id: int):
    """For someone who lost their phone and recovery codes: they set it up again at next sign-in."""
    db_session = get_session()
    user = access.get_managed_user(db_session, current_user, user_id)
    organisation = organisations.organisation_of(db_session, user)
    form = ResetTwoFactorForm()
    if form.validate_on_submit():
        try:
            two_factor.reset(db_session, current_user, user.id, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "submit")
        else:
            flash(f"Two-factor sign-in for {user.full_name} has been reset. They have been signed out and will "
                  "set it up again when they next sign in.", "success")
            return redirect(url_for("admin.organisation", organisation_id=organisation.id))
    return render_template("admin/reset_two_factor.html", form=form, user=user,
                           organisation=organisation), _status(form)


@bp.route("/outbox")
@role_required(ADMIN)
def outbox():
    if not current_app.config["OUTBOX_PAGE"]:
        abort(404)
    return render_template("admin/outbox.html", messages=access.visible_outbox(get_session(), current_user))
