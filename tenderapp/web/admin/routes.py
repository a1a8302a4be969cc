"""Administration: collaborations and members, people, invitations, roles, the outbox."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.services import agreements, invitations, organisation_identifiers, organisations, two_factor
from tenderapp.services import failed_messages as failed_messages_service
from tenderapp.services.invitations import InvitationRequest
from tenderapp.services.organisations import NewMember
from tenderapp.web.admin.forms import (
    CollaborationForm,
    ExistingMemberForm,
    IdentifiersForm,
    InvitationForm,
    NewMemberForm,
    ResetTwoFactorForm,
    RetryMessageForm,
    RolesForm,
)
from tenderapp.web.flow import flashed, form_page, status_code
from tenderapp.web.guards import role_required, tenant_owned
from tenderapp.web.listing import list_status, pagination, read_filter

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN, BIDDER = Role.PROCUREMENT_ADMIN, Role.BIDDER
COLLABORATION, ORGANISATION = access.get_led_collaboration, access.get_managed_organisation
USER = access.get_managed_user
FAILED_MESSAGE = access.get_failed_message


@bp.route("/collaborations")
@role_required(ADMIN)
def collaborations():
    return render_template("admin/collaborations.html",
                           collaborations=access.led_collaborations(get_session(), current_user),
                           failed_messages=access.failed_outbox_count(get_session(), current_user))


@bp.route("/collaborations/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_collaboration():
    form = CollaborationForm()
    return form_page(form, "admin/new_collaboration.html", field="name",
                     action=lambda: organisations.create_collaboration(get_session(), current_user, form.name.data,
                                                                      clock.now()),
                     done=flashed(lambda created: f"Collaboration “{created.name}” created",
                                  lambda created: url_for("admin.collaboration", collaboration_id=created.id)))


@bp.route("/collaborations/<int:collaboration_id>")
@tenant_owned(ADMIN, collaboration_id=COLLABORATION)
def collaboration(collaboration):
    db_session = get_session()
    return render_template("admin/collaboration.html", collaboration=collaboration,
                           members=organisations.members(db_session, collaboration),
                           representations=agreements.representations(db_session, collaboration),
                           tenders=[t for t in access.lead_tenders(db_session, current_user)
                                    if t.collaboration_id == collaboration.id],
                           agreements=agreements.of_collaboration(db_session, collaboration))


def _member_page(form, template: str, collaboration, member, field: str):
    """Adds the member ``member()`` describes; back to the collaboration, saying so."""
    return form_page(form, template, collaboration=collaboration, field=field,
                     action=lambda: organisations.add_member(get_session(), current_user, collaboration, member(),
                                                             clock.now()),
                     done=flashed(lambda added: f"{added.name} added to {collaboration.name}", "admin.collaboration",
                                  collaboration_id=collaboration.id))


@bp.route("/collaborations/<int:collaboration_id>/members/add", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id=COLLABORATION)
def add_member(collaboration):
    form = ExistingMemberForm(organisations.addable_organisations(get_session(), collaboration))
    return _member_page(form, "admin/add_member.html", collaboration, lambda: NewMember(organisation=form.chosen()),
                        "organisation_id")


@bp.route("/collaborations/<int:collaboration_id>/members/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id=COLLABORATION)
def new_member(collaboration):
    form = NewMemberForm()
    return _member_page(form, "admin/new_member.html", collaboration,
                        lambda: NewMember(name=form.name.data, kind=OrganisationKind(form.kind.data)), "name")


@bp.route("/organisations/<int:organisation_id>")
@tenant_owned(ADMIN, BIDDER, organisation_id=ORGANISATION)
def organisation(organisation):
    db_session = get_session()
    return render_template(
        "admin/organisation.html", organisation=organisation,
        people=organisations.people(db_session, organisation.id),
        pending=invitations.pending_for_organisation(db_session, organisation.id, clock.now()),
        identifiers=organisation_identifiers.of_organisation(db_session, organisation),
    )


@bp.route("/organisations/<int:organisation_id>/identifiers", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, organisation_id=ORGANISATION)
def identifiers(organisation):
    db_session = get_session()
    form = IdentifiersForm()
    form.fill(organisation_identifiers.of_organisation(db_session, organisation))
    return form_page(form, "admin/identifiers.html", organisation=organisation, field="gb_coh",
                     action=lambda: organisation_identifiers.save(db_session, current_user, organisation,
                                                                  form.values(), clock.now()),
                     done=flashed("Registered identifiers saved", "admin.organisation",
                                  organisation_id=organisation.id))


@bp.route("/organisations/<int:organisation_id>/invite", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, organisation_id=ORGANISATION)
def invite(organisation):
    form = InvitationForm(organisation)

    def send():
        request = InvitationRequest(organisation, form.email.data, form.full_name.data,
                                    frozenset(Role(r) for r in form.roles.data))
        return invitations.invite(get_session(), current_user, request, clock.now(),
                                  lambda token: url_for("auth.accept_invitation", token=token, _external=True),
                                  timedelta(days=current_app.config["INVITATION_VALIDITY_DAYS"]))

    return form_page(form, "admin/invite.html", organisation=organisation, field="email", action=send,
                     done=flashed(lambda sent: f"Invitation sent to {sent.email}", "admin.organisation",
                                  organisation_id=organisation.id))


def _person_page(user, organisation, form, template: str, action, message: str, field: str):
    """A form about one person of ``organisation``: done, back to its page, saying ``message``."""
    return form_page(form, template, user=user, organisation=organisation, field=field, action=action,
                     done=flashed(message, "admin.organisation", organisation_id=organisation.id))


@bp.route("/users/<int:user_id>/roles", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, user_id=USER)
def user_roles(user):
    db_session = get_session()
    organisation = organisations.organisation_of(db_session, user)
    form = RolesForm(organisation)
    if not form.is_submitted():
        form.roles.data = sorted(organisations.user_roles(db_session, user.id))
    return _person_page(user, organisation, form, "admin/user_roles.html", lambda: organisations.change_roles(
        db_session, current_user, user, frozenset(Role(r) for r in form.roles.data), clock.now()),
        f"Roles for {user.full_name} saved", "roles")


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@tenant_owned(ADMIN, BIDDER, user_id=USER)
def reset_two_factor(user):
    """For someone who lost their phone and recovery codes: they set it up again at next sign-in."""
    organisation = organisations.organisation_of(get_session(), user)
    return _person_page(user, organisation, ResetTwoFactorForm(), "admin/reset_two_factor.html",
                        lambda: two_factor.reset(get_session(), current_user, user, clock.now()),
                        f"Two-factor sign-in for {user.full_name} has been reset. They have been signed out and "
                        "will set it up again when they next sign in.", "submit")


@bp.route("/outbox")
@role_required(ADMIN)
def outbox():
    if not current_app.config["OUTBOX_PAGE"]:
        abort(404)
    filters, wanted = read_filter(statuses=[(s.value, s.label) for s in access.DeliveryStatus],
                                  dates=("Written from", "Written to"))
    page = access.outbox_list(get_session(), current_user, wanted) if wanted else None
    return render_template("admin/outbox.html", form=filters, wanted=wanted, page=page,
                           pages=pagination(page) if page else None), list_status(filters)


def _failed_messages_page(retry_form: RetryMessageForm):
    filters, wanted = read_filter(dates=("Gave up from", "Gave up to"))
    page = access.failed_outbox_list(get_session(), current_user, wanted) if wanted else None
    failed = retry_form if retry_form.errors else filters
    return render_template("admin/failed_messages.html", form=failed, filters=filters, retry_form=retry_form,
                           wanted=wanted, page=page,
                           pages=pagination(page, "admin.failed_messages") if page else None), status_code(failed)


@bp.route("/outbox/failed")
@role_required(ADMIN)
def failed_messages():
    """Messages the worker gave up on, in every environment (not only with OUTBOX_PAGE)."""
    return _failed_messages_page(RetryMessageForm())


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
@tenant_owned(ADMIN, message_id=FAILED_MESSAGE)
def retry_message(message):
    form = RetryMessageForm()
    if not form.validate_on_submit():
        return _failed_messages_page(form)
    failed_messages_service.retry(get_session(), current_user, message, clock.now())
    flash(f"The message to {message.recipient} will be sent again shortly.", "success")
    return redirect(url_for("admin.failed_messages"))
