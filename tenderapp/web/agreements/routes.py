"""The collaborative agreement: the lead drafts, issues and tracks it; members read it,
agree in principle, sign or decline."""

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.access import agreements as agreement_access
from tenderapp.db import get_session
from tenderapp.domain.agreements import ALLOWED_MOVES, Action, PartyStatus
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.exports import agreement_tracker as tracker_export
from tenderapp.models import Agreement, Collaboration
from tenderapp.services import agreement_status, agreement_tracker, agreements, organisations, signing
from tenderapp.services.agreements import Authority, VersionContent
from tenderapp.services.signing import SignatureRequest, VersionSuperseded
from tenderapp.storage import document_store
from tenderapp.web import throttle
from tenderapp.web.agreements.forms import (
    AgreementForm,
    ConfirmForm,
    DeclineForm,
    InPrincipleForm,
    RepresentationForm,
    SignForm,
)
from tenderapp.web.downloads import download
from tenderapp.web.flow import SHOWN_ON_THE_FORM, attempt, flashed, form_page, status_code
from tenderapp.web.forms import organisation_choices, uploaded
from tenderapp.web.guards import signed_in, tenant_owned
from tenderapp.web.listing import list_status, pagination, read_filter
from tenderapp.web.session import client_info

bp = Blueprint("agreements", __name__)
ADMIN, SIGNATORY = Role.PROCUREMENT_ADMIN, Role.SIGNATORY


@bp.app_template_global()
def status_label(value: str) -> str:
    return PartyStatus(value).label


@bp.app_template_global()
def kind_plural(kind: str, count: int) -> str:
    kind = OrganisationKind(kind)
    return kind.label.lower() if count == 1 else kind.plural


def _agreement_link(agreement_id: int) -> str:
    return url_for("agreements.agreement", agreement_id=agreement_id, _external=True)


def _tracker_link(agreement_id: int) -> str:
    return url_for("agreements.tracker", agreement_id=agreement_id, _external=True)


def _content(form: AgreementForm) -> VersionContent:
    document, name = uploaded(form.document)
    return VersionContent(body=form.body.data, document=document, document_name=name,
                          summary=form.summary.data, change_summary=form.change_summary.data)


def _back(endpoint: str, agreement: Agreement, message: str):
    """Sends the person back to the agreement's page (or tracker) with why."""
    flash(message, "info")
    return redirect(url_for(endpoint, agreement_id=agreement.id))


# --- everyone in a member organisation -----------------------------------------------------


@bp.route("/agreements")
@signed_in
def index():
    return render_template("agreements/index.html",
                           agreements=access.party_agreements(get_session(), current_user))


@bp.route("/agreements/<int:agreement_id>")
@tenant_owned(agreement_id=access.get_party_agreement)
def agreement(agreement: Agreement):
    db_session = get_session()
    return render_template(
        "agreements/agreement.html", agreement=agreement,
        version=agreement_status.current_version(db_session, agreement.id),
        parties=signing.parties(db_session, current_user, agreement),
        history=signing.history(db_session, current_user, agreement),
        signed=signing.signed_members(db_session, agreement),
        member_count=len(agreement_status.members(db_session, agreement)),
        is_lead=current_user.has_role(ADMIN) and agreement_access.leads(db_session, current_user, agreement),
    )


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/document")
@tenant_owned(agreement_id=access.get_party_agreement)
def document(agreement: Agreement, number: int):
    version = agreement_access.version_document(get_session(), current_user, agreement, number)
    return _pdf(version.document_sha256, version.document_name)


def _pdf(sha256: str, name: str | None):
    return download(document_store().read(sha256), "application/pdf", name, inline=True)


# --- signatories ---------------------------------------------------------------------------


class _Superseded(Exception):
    """The version answered is no longer the one issued: the page shows the current one (409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _answer_page(agreement: Agreement, form, action: str, template: str, service_call, done_message: str):
    """The shared shape of the three answers: offer the organisations whose status allows
    this answer, validate, call the service, confirm or show errors."""
    db_session = get_session()
    version = agreement_status.current_version(db_session, agreement.id)
    if version is None:
        return _back("agreements.agreement", agreement, "The agreement has not been issued yet")
    open_parties = [p for p in signing.parties(db_session, current_user, agreement) if _can(p.status, action)]
    form.organisation_ids.choices = organisation_choices(p.organisation for p in open_parties)
    if not form.is_submitted():
        form.version_id.data = version.id
        form.organisation_ids.data = [p.organisation.id for p in open_parties]
    try:
        succeeded, _ = attempt(form, lambda: _unless_superseded(service_call, form), "organisation_ids")
    except _Superseded as error:
        form.version_id.data = version.id
        return render_template(template, form=form, agreement=agreement, version=version, parties=open_parties,
                               superseded=error.message), 409
    if succeeded:
        return flashed(done_message, "agreements.agreement", agreement_id=agreement.id)(None)
    return render_template(template, form=form, agreement=agreement, version=version, parties=open_parties,
                           superseded=None), status_code(form)


def _unless_superseded(service_call, form) -> None:
    try:
        service_call(form)
    except VersionSuperseded as error:
        raise _Superseded(error.message) from error


def _can(status: PartyStatus, action: str) -> bool:
    return Action(action) in ALLOWED_MOVES[status]


@bp.route("/agreements/<int:agreement_id>/in-principle", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id=access.get_party_agreement)
def in_principle(agreement: Agreement):
    def call(form):
        signing.agree_in_principle(get_session(), current_user, agreement, int(form.version_id.data),
                                   form.organisation_ids.data, form.note.data or "", clock.now(),
                                   _tracker_link(agreement.id))

    return _answer_page(agreement, InPrincipleForm(), "agreed_in_principle", "agreements/in_principle.html", call,
                        "Agreement in principle recorded")


@bp.route("/agreements/<int:agreement_id>/decline", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id=access.get_party_agreement)
def decline(agreement: Agreement):
    def call(form):
        signing.decline(get_session(), current_user, agreement, int(form.version_id.data),
                        form.organisation_ids.data, form.reason.data, clock.now(), _tracker_link(agreement.id))

    return _answer_page(agreement, DeclineForm(), "declined", "agreements/decline.html", call,
                        "You have declined the agreement")


@bp.route("/agreements/<int:agreement_id>/sign", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id=access.get_party_agreement)
def sign(agreement: Agreement):
    form = SignForm()
    if not form.is_submitted():
        form.full_name.data = current_user.full_name

    def call(form):
        throttle.guard_password_attempt(current_user.email)
        signing.sign(get_session(), current_user, agreement, SignatureRequest(
            version_id=int(form.version_id.data), organisation_ids=form.organisation_ids.data,
            full_name=form.full_name.data, job_title=form.job_title.data, authorised=form.authorised.data,
            password=form.password.data), clock.now(), _tracker_link(agreement.id), client_info())

    return _answer_page(agreement, form, "signed", "agreements/sign.html", call, "You have signed the agreement")


# --- the lead's procurement admins ---------------------------------------------------------


def _to_tracker(message: str, agreement: Agreement | None = None):
    """A ``done`` callback: flash ``message`` and show the tracker of ``agreement`` (or of the
    agreement the service created)."""
    return flashed(message, lambda created: url_for("agreements.tracker", agreement_id=(agreement or created).id))


def _edit_page(form: AgreementForm, save: Callable[..., Any], done, field: str = "body", **context):
    """The agreement's edit page: ``save(content, store, now)`` keeps what the form holds."""
    return form_page(form, "agreements/edit.html", field=field, done=done, **context,
                     action=lambda: save(_content(form), document_store(), clock.now()))


@bp.route("/collaborations/<int:collaboration_id>/agreements/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id=access.get_led_collaboration)
def new(collaboration: Collaboration):
    form = AgreementForm()
    return _edit_page(form, partial(agreements.create, get_session(), current_user, collaboration, form.title.data),
                      _to_tracker("Draft agreement saved. Check it, then issue it to the members."),
                      collaboration=collaboration, agreement=None, number=1)


@bp.route("/agreements/<int:agreement_id>/draft", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def edit_draft(agreement: Agreement):
    draft = agreement_status.draft_version(get_session(), agreement.id)
    if draft is None:
        return _back("agreements.tracker", agreement, "There is no draft to change. Start a new version instead.")
    form = AgreementForm()
    if not form.is_submitted():
        form.title.data, form.body.data = agreement.title, draft.body
        form.summary.data, form.change_summary.data = draft.summary, draft.change_summary
    return _edit_page(form, partial(agreements.update_draft, get_session(), current_user, agreement, form.title.data),
                      _to_tracker("Draft saved", agreement), agreement=agreement, number=draft.number, draft=draft)


@bp.route("/agreements/<int:agreement_id>/new-version", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def new_version(agreement: Agreement):
    db_session = get_session()
    current = agreement_status.current_version(db_session, agreement.id)
    if current is None or agreement_status.draft_version(db_session, agreement.id):
        return redirect(url_for("agreements.edit_draft", agreement_id=agreement.id))
    form = AgreementForm()
    if not form.is_submitted():
        form.title.data, form.body.data, form.summary.data = agreement.title, current.body, current.summary
    saved = f"Draft of version {current.number + 1} saved. Issue it when it is ready."
    return _edit_page(form, partial(agreements.start_new_version, db_session, current_user, agreement),
                      _to_tracker(saved, agreement),
                      field="change_summary", agreement=agreement, number=current.number + 1, draft=current)


@bp.route("/agreements/<int:agreement_id>/issue", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def issue(agreement: Agreement):
    db_session = get_session()
    draft = agreement_status.draft_version(db_session, agreement.id)
    if draft is None:
        return _back("agreements.tracker", agreement, "There is no draft version to issue")
    form = ConfirmForm()
    if form.validate_on_submit():
        version = agreements.issue(db_session, current_user, agreement, clock.now(), _agreement_link(agreement.id))
        return flashed(f"Version {version.number} issued. The members' signatories have been told.",
                       "agreements.tracker", agreement_id=agreement.id)(version)
    # A refused confirmation (its only field is the CSRF token) shows the page again as it was.
    return render_template("agreements/issue.html", form=form, agreement=agreement, draft=draft,
                           members=agreement_status.members(db_session, agreement))


@bp.route("/agreements/<int:agreement_id>/tracker")
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def tracker(agreement: Agreement):
    db_session = get_session()
    view = agreement_tracker.tracker_of(db_session, agreement)
    filters, wanted = read_filter(statuses=[(s.value, s.label) for s in PartyStatus if s is not PartyStatus.NOT_ISSUED],
                                  dates=("Answered from", "Answered to"))
    page = view.page(wanted) if wanted else None
    return render_template(
        "agreements/tracker.html", tracker=view, form=filters, wanted=wanted, page=page,
        pages=pagination(page) if page else None,
        draft=agreement_status.draft_version(db_session, agreement.id),
        versions=agreement_status.versions(db_session, agreement.id), reminder_form=ConfirmForm()), list_status(filters)


@bp.route("/agreements/<int:agreement_id>/tracker.xlsx")
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def tracker_workbook(agreement: Agreement):
    view = agreement_tracker.tracker_of(get_session(), agreement)
    return download(tracker_export.workbook_bytes(agreement_tracker.sheet(view)),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"agreement-{agreement.id}-tracker.xlsx")


@bp.route("/agreements/<int:agreement_id>/reminders", methods=["POST"])
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def reminders(agreement: Agreement):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            count = agreements.send_reminders(get_session(), current_user, agreement, clock.now(),
                                              _agreement_link(agreement.id))
        except SHOWN_ON_THE_FORM as error:
            flash(error.message, "info")
        else:
            flash(f"Reminders sent to the signatories of {count} organisations", "success")
    return redirect(url_for("agreements.tracker", agreement_id=agreement.id))


@bp.route("/agreements/<int:agreement_id>/signed")
@tenant_owned(ADMIN, agreement_id=access.get_lead_agreement)
def signed_copy(agreement: Agreement):
    db_session = get_session()
    view = agreement_tracker.tracker_of(db_session, agreement)
    return render_template("agreements/signed.html", tracker=view,
                           signatures=agreement_tracker.signatures(db_session, view))


@bp.route("/collaborations/<int:collaboration_id>/representations/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id=access.get_led_collaboration)
def new_representation(collaboration: Collaboration):
    db_session = get_session()
    form = RepresentationForm()
    form.representative_id.choices = [SelectChoice(0, "Select an organisation")] + organisation_choices(
        organisations.authorities(db_session))
    form.represented_ids.choices = organisation_choices(o for o, _ in organisations.members(db_session, collaboration))
    return form_page(
        form, "agreements/representation.html", collaboration=collaboration, field="represented_ids",
        action=lambda: agreements.record_representation(
            db_session, current_user, collaboration,
            agreement_access.acting_authority(db_session, form.representative_id.data),
            form.represented_ids.data, _authority(form), document_store(), clock.now()),
        done=flashed("Saved. The organisation can now answer for the others.", "admin.collaboration",
                     collaboration_id=collaboration.id))


def _authority(form: RepresentationForm) -> Authority:
    document, name = uploaded(form.document)
    return Authority(form.reference.data, document, name)


@bp.route("/collaborations/<int:collaboration_id>/representations/<int:representation_id>/document")
@tenant_owned(ADMIN, collaboration_id=access.get_led_collaboration)
def representation_document(collaboration: Collaboration, representation_id: int):
    row = agreement_access.representation_document(get_session(), collaboration, representation_id)
    return _pdf(row.document_sha256, row.document_name)
