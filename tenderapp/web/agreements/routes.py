"""The collaborative agreement: the lead drafts, issues and tracks it; members read it,
agree in principle, sign or decline."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.agreements import ALLOWED_MOVES, Action, PartyStatus
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.exports import agreement_tracker as tracker_export
from tenderapp.services import agreement_status, agreement_tracker, agreements, organisations, signing
from tenderapp.services.agreements import VersionContent
from tenderapp.services.signing import SignatureRequest, VersionSuperseded
from tenderapp.storage import document_store
from tenderapp.web.agreements.forms import (
    AgreementForm,
    ConfirmForm,
    DeclineForm,
    InPrincipleForm,
    RepresentationForm,
    SignForm,
)
from tenderapp.web.downloads import download
from tenderapp.web.forms import organisation_choices, uploaded
from tenderapp.web import throttle
from tenderapp.web.guards import signed_in, tenant_owned
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


def _status(form) -> int:
    return 400 if form.errors else 200


def _agreement_link(agreement_id: int) -> str:
    return url_for("agreements.agreement", agreement_id=agreement_id, _external=True)


def _content(form: AgreementForm) -> VersionContent:
    document, name = uploaded(form.document)
    return VersionContent(body=form.body.data, document=document, document_name=name,
                          summary=form.summary.data, change_summary=form.change_summary.data)


# --- everyone in a member organisation -----------------------------------------------------


@bp.route("/agreements")
@signed_in
def index():
    return render_template("agreements/index.html",
                           agreements=access.party_agreements(get_session(), current_user))


@bp.route("/agreements/<int:agreement_id>")
@tenant_owned(agreement_id="agreement")
def agreement(agreement_id: int):
    db_session = get_session()
    found = access.get_party_agreement(db_session, current_user, agreement_id)
    return render_template(
        "agreements/agreement.html", agreement=found,
        version=agreement_status.current_version(db_session, found.id),
        parties=signing.parties(db_session, current_user, found),
        history=signing.history(db_session, current_user, found),
        signed=signing.signed_members(db_session, found),
        member_count=len(agreement_status.members(db_session, found)),
        is_lead=current_user.has_role(ADMIN) and _leads(found),
    )


def _leads(found) -> bool:
    try:
        access.get_lead_agreement(get_session(), current_user, found.id)
    except NotFound:
        return False
    return True


@bp.route("/agreements/<int:agreement_id>/versions/<int:number>/document")
@tenant_owned(agreement_id="agreement")
def document(agreement_id: int, number: int):
    db_session = get_session()
    found = access.get_party_agreement(db_session, current_user, agreement_id)
    version = next((v for v in agreement_status.versions(db_session, found.id)
                    if v.number == number and v.document_sha256 and (v.issued_at or _leads(found))), None)
    if version is None:
        raise NotFound("Document not found")
    return download(document_store().read(version.document_sha256), "application/pdf", version.document_name,
                    inline=True)


# --- signatories ---------------------------------------------------------------------------


def _answer_page(agreement_id: int, form, action: str, template: str, service_call, done_message: str):
    """The shared shape of the three answers: load, offer the organisations whose status
    allows this answer, validate, call the service, confirm or show errors."""
    db_session = get_session()
    found = access.get_party_agreement(db_session, current_user, agreement_id)
    version = agreement_status.current_version(db_session, found.id)
    if version is None:
        flash("The agreement has not been issued yet", "info")
        return redirect(url_for("agreements.agreement", agreement_id=found.id))
    parties = signing.parties(db_session, current_user, found)
    open_parties = [p for p in parties if _can(p.status, action)]
    form.organisation_ids.choices = organisation_choices(p.organisation for p in open_parties)
    if not form.is_submitted():
        form.version_id.data = version.id
        form.organisation_ids.data = [p.organisation.id for p in open_parties]
    superseded = None
    if form.validate_on_submit():
        try:
            service_call(db_session, found, form)
        except VersionSuperseded as error:
            superseded = error.message
            form.version_id.data = version.id
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "organisation_ids")
        else:
            flash(done_message, "success")
            return redirect(url_for("agreements.agreement", agreement_id=found.id))
    return render_template(template, form=form, agreement=found, version=version, parties=open_parties,
                           superseded=superseded), 409 if superseded else _status(form)


def _can(status: PartyStatus, action: str) -> bool:
    return Action(action) in ALLOWED_MOVES[status]


@bp.route("/agreements/<int:agreement_id>/in-principle", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id="agreement")
def in_principle(agreement_id: int):
    form = InPrincipleForm()

    def call(db_session, found, form):
        signing.agree_in_principle(db_session, current_user, found.id, int(form.version_id.data),
                                   form.organisation_ids.data, form.note.data or "", clock.now())

    return _answer_page(agreement_id, form, "agreed_in_principle", "agreements/in_principle.html", call,
                        "Agreement in principle recorded")


@bp.route("/agreements/<int:agreement_id>/decline", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id="agreement")
def decline(agreement_id: int):
    form = DeclineForm()

    def call(db_session, found, form):
        signing.decline(db_session, current_user, found.id, int(form.version_id.data),
                        form.organisation_ids.data, form.reason.data, clock.now())

    return _answer_page(agreement_id, form, "declined", "agreements/decline.html", call,
                        "You have declined the agreement")


@bp.route("/agreements/<int:agreement_id>/sign", methods=["GET", "POST"])
@tenant_owned(SIGNATORY, agreement_id="agreement")
def sign(agreement_id: int):
    form = SignForm()
    if not form.is_submitted():
        form.full_name.data = current_user.full_name

    def call(db_session, found, form):
        throttle.guard_password_attempt(current_user.email)
        signing.sign(db_session, current_user, found.id, SignatureRequest(
            version_id=int(form.version_id.data), organisation_ids=form.organisation_ids.data,
            full_name=form.full_name.data, job_title=form.job_title.data, authorised=form.authorised.data,
            password=form.password.data), clock.now(), client_info())

    return _answer_page(agreement_id, form, "signed", "agreements/sign.html", call,
                        "You have signed the agreement")


# --- the lead's procurement admins ---------------------------------------------------------


@bp.route("/collaborations/<int:collaboration_id>/agreements/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def new(collaboration_id: int):
    db_session = get_session()
    collaboration = access.get_led_collaboration(db_session, current_user, collaboration_id)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            created = agreements.create(db_session, current_user, collaboration.id, form.title.data,
                                        _content(form), document_store(), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "body")
        else:
            flash("Draft agreement saved. Check it, then issue it to the members.", "success")
            return redirect(url_for("agreements.tracker", agreement_id=created.id))
    return render_template("agreements/edit.html", form=form, collaboration=collaboration, agreement=None,
                           number=1), _status(form)


@bp.route("/agreements/<int:agreement_id>/draft", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id="agreement")
def edit_draft(agreement_id: int):
    db_session = get_session()
    found = access.get_lead_agreement(db_session, current_user, agreement_id)
    draft = agreement_status.draft_version(db_session, found.id)
    if draft is None:
        flash("There is no draft to change. Start a new version instead.", "info")
        return redirect(url_for("agreements.tracker", agreement_id=found.id))
    form = AgreementForm()
    if not form.is_submitted():
        form.title.data, form.body.data = found.title, draft.body
        form.summary.data, form.change_summary.data = draft.summary, draft.change_summary
    if form.validate_on_submit():
        try:
            agreements.update_draft(db_session, current_user, found.id, form.title.data, _content(form),
                                    document_store(), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "body")
        else:
            flash("Draft saved", "success")
            return redirect(url_for("agreements.tracker", agreement_id=found.id))
    return render_template("agreements/edit.html", form=form, agreement=found, number=draft.number,
                           draft=draft), _status(form)


@bp.route("/agreements/<int:agreement_id>/new-version", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id="agreement")
def new_version(agreement_id: int):
    db_session = get_session()
    found = access.get_lead_agreement(db_session, current_user, agreement_id)
    current = agreement_status.current_version(db_session, found.id)
    if current is None or agreement_status.draft_version(db_session, found.id):
        return redirect(url_for("agreements.edit_draft", agreement_id=found.id))
    form = AgreementForm()
    if not form.is_submitted():
        form.title.data, form.body.data, form.summary.data = found.title, current.body, current.summary
    if form.validate_on_submit():
        try:
            agreements.start_new_version(db_session, current_user, found.id, _content(form), document_store(),
                                         clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "change_summary")
        else:
            flash(f"Draft of version {current.number + 1} saved. Issue it when it is ready.", "success")
            return redirect(url_for("agreements.tracker", agreement_id=found.id))
    return render_template("agreements/edit.html", form=form, agreement=found, number=current.number + 1,
                           draft=current), _status(form)


@bp.route("/agreements/<int:agreement_id>/issue", methods=["GET", "POST"])
@tenant_owned(ADMIN, agreement_id="agreement")
def issue(agreement_id: int):
    db_session = get_session()
    found = access.get_lead_agreement(db_session, current_user, agreement_id)
    draft = agreement_status.draft_version(db_session, found.id)
    if draft is None:
        flash("There is no draft version to issue", "info")
        return redirect(url_for("agreements.tracker", agreement_id=found.id))
    form = ConfirmForm()
    if form.validate_on_submit():
        version = agreements.issue(db_session, current_user, found.id, clock.now(), _agreement_link(found.id))
        flash(f"Version {version.number} issued. The members' signatories have been told.", "success")
        return redirect(url_for("agreements.tracker", agreement_id=found.id))
    return render_template("agreements/issue.html", form=form, agreement=found, draft=draft,
                           members=agreement_status.members(db_session, found))


@bp.route("/agreements/<int:agreement_id>/tracker")
@tenant_owned(ADMIN, agreement_id="agreement")
def tracker(agreement_id: int):
    db_session = get_session()
    view = agreement_tracker.tracker(db_session, current_user, agreement_id)
    chosen = request.args.get("status") or None
    status = PartyStatus(chosen) if chosen in {s.value for s in PartyStatus} else None
    return render_template(
        "agreements/tracker.html", tracker=view, rows=view.filtered(status), status=status,
        statuses=list(PartyStatus), draft=agreement_status.draft_version(db_session, agreement_id),
        versions=agreement_status.versions(db_session, agreement_id), reminder_form=ConfirmForm())


@bp.route("/agreements/<int:agreement_id>/tracker.xlsx")
@tenant_owned(ADMIN, agreement_id="agreement")
def tracker_workbook(agreement_id: int):
    view = agreement_tracker.tracker(get_session(), current_user, agreement_id)
    return download(tracker_export.workbook_bytes(agreement_tracker.sheet(view)),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"agreement-{agreement_id}-tracker.xlsx")


@bp.route("/agreements/<int:agreement_id>/reminders", methods=["POST"])
@tenant_owned(ADMIN, agreement_id="agreement")
def reminders(agreement_id: int):
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            count = agreements.send_reminders(get_session(), current_user, agreement_id, clock.now(),
                                              _agreement_link(agreement_id))
        except (RuleViolation, Conflict) as error:
            flash(error.message, "info")
        else:
            flash(f"Reminders sent to the signatories of {count} organisations", "success")
    return redirect(url_for("agreements.tracker", agreement_id=agreement_id))


@bp.route("/agreements/<int:agreement_id>/signed")
@tenant_owned(ADMIN, agreement_id="agreement")
def signed_copy(agreement_id: int):
    db_session = get_session()
    view = agreement_tracker.tracker(db_session, current_user, agreement_id)
    return render_template("agreements/signed.html", tracker=view,
                           signatures=agreement_tracker.signatures(db_session, view))


@bp.route("/collaborations/<int:collaboration_id>/representations/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def new_representation(collaboration_id: int):
    db_session = get_session()
    collaboration = access.get_led_collaboration(db_session, current_user, collaboration_id)
    member_orgs = [o for o, _ in organisations.members(db_session, collaboration)]
    form = RepresentationForm()
    form.representative_id.choices = [SelectChoice(0, "Select an organisation")] + organisation_choices(
        organisations.authorities(db_session))
    form.represented_ids.choices = organisation_choices(member_orgs)
    if form.validate_on_submit():
        document, name = uploaded(form.document)
        try:
            agreements.record_representation(
                db_session, current_user, collaboration.id, form.representative_id.data, form.represented_ids.data,
                form.reference.data, document, name, document_store(), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "represented_ids")
        else:
            flash("Saved. The organisation can now answer for the others.", "success")
            return redirect(url_for("admin.collaboration", collaboration_id=collaboration.id))
    return render_template("agreements/representation.html", form=form, collaboration=collaboration), _status(form)


@bp.route("/collaborations/<int:collaboration_id>/representations/<int:representation_id>/document")
@tenant_owned(ADMIN, collaboration_id="collaboration")
def representation_document(collaboration_id: int, representation_id: int):
    row = agreements.representation_document(get_session(), current_user, collaboration_id, representation_id)
    return download(document_store().read(row.document_sha256), "application/pdf", row.document_name, inline=True)
