"""Decisions: the list each member may read, recording and publishing them (the lead's
procurement admins), and the papers behind them."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import decisions as decision_access
from tenderapp.db import get_session
from tenderapp.domain.decisions import DecisionStatus, DocumentKind
from tenderapp.domain.documents import document_type
from tenderapp.domain.errors import RuleViolation
from tenderapp.models import Collaboration
from tenderapp.services import decisions as decision_service
from tenderapp.services.decisions import DecisionInput
from tenderapp.storage import document_store
from tenderapp.web.contracts.blueprint import ADMIN, bp
from tenderapp.web.contracts.forms import DecisionDocumentForm, DecisionForm
from tenderapp.web.downloads import download
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import signed_in, tenant_owned
from tenderapp.web.listing import list_status, pagination, read_filter


@bp.app_template_global()
def decision_status(decision) -> str:
    return decision_service.decision_status(decision).label


@bp.route("/decisions")
@signed_in
def decisions():
    """The decisions the person may read, filtered by the GET parameters (see web/listing.py)."""
    db_session = get_session()
    memberships = access.member_collaborations(db_session, current_user)
    filters, wanted = read_filter(statuses=[(s.value, s.label) for s in DecisionStatus],
                                  collaborations=[c for c, _ in memberships], dates=("Taken from", "Taken to"))
    page = decision_access.decision_list(db_session, current_user, wanted) if wanted else None
    return render_template("contracts/decisions.html", form=filters, wanted=wanted, page=page,
                           pages=pagination(page) if page else None,
                           collaborations={c.id: c for c, _ in memberships},
                           led=access.led_collaborations(db_session, current_user)), list_status(filters)


def _decision_input(form: DecisionForm) -> DecisionInput:
    return DecisionInput(
        number=form.number.data, title=form.title.data, kind=form.kind.data, key_decision=form.key_decision.data,
        decision_maker=form.decision_maker.data, forum=form.forum.data,
        delegation_reference=form.delegation_reference.data, summary=form.summary.data,
        endorsed_on=form.endorsed_on.data, taken_on=form.taken_on.data)


@bp.route("/collaborations/<int:collaboration_id>/decisions/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id=access.get_led_collaboration)
def new_decision(collaboration):
    form = DecisionForm()
    return form_page(form, "contracts/decision_form.html", collaboration=collaboration,
                     action=lambda: decision_service.record_decision(get_session(), current_user, collaboration,
                                                              _decision_input(form), clock.now()),
                     done=flashed("Decision recorded", "contracts.decisions"), field="number")


@bp.route("/decisions/<int:decision_id>/publish", methods=["POST"])
@tenant_owned(ADMIN, decision_id=decision_access.get_lead_decision)
def publish_decision(decision):
    try:
        decision_service.publish_decision(get_session(), current_user, decision, clock.now())
    except RuleViolation as error:
        flash(error.message, "info")
    else:
        flash("Decision published to every member", "success")
    return redirect(url_for("contracts.decisions"))


@bp.route("/decisions/<int:decision_id>")
@tenant_owned(decision_id=decision_access.get_readable_decision)
def decision(decision):
    db_session = get_session()
    found, leads = decision
    return render_template("contracts/decision.html", decision=found, leads=leads,
                           documents=decision_service.decision_documents(db_session, found), kinds=DocumentKind,
                           collaboration=db_session.get(Collaboration, found.collaboration_id))


@bp.route("/decisions/<int:decision_id>/documents/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, decision_id=decision_access.get_lead_decision)
def new_decision_document(decision):
    form = DecisionDocumentForm()
    return form_page(form, "contracts/decision_document.html", decision=decision,
                     action=lambda: decision_service.add_decision_document(
                         get_session(), current_user, decision, form.kind.data, form.title.data,
                         *uploaded(form.document), document_store(), clock.now()),
                     done=flashed("Document added", "contracts.decision", decision_id=decision.id), field="document")


@bp.route("/decisions/<int:decision_id>/documents/<int:document_id>")
@tenant_owned(decision_id=decision_access.get_readable_decision)
def decision_document(decision, document_id: int):
    found, _ = decision
    document = decision_access.decision_document(get_session(), found, document_id)
    content = document_store().read(document.sha256)
    return download(content, document_type(content) or "application/octet-stream", document.filename)
