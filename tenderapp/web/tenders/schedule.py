"""The lead's pages for a tender's pricing lines, quality criteria and documents, and the
document download for everyone who may see the tender."""

from flask import render_template
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.documents import document_type
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.services import tender_schedule
from tenderapp.services.tender_schedule import CriterionInput, LineInput
from tenderapp.storage import document_store
from tenderapp.web.downloads import download
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import tenant_owned
from tenderapp.web.tenders.forms import AmendmentOnlyForm, CriterionForm, DocumentForm, LineForm
from tenderapp.web.tenders.routes import ADMIN, back_to, bp, status_code, summary_of


def _line_input(form: LineForm) -> LineInput:
    return LineInput(code=form.code.data, description=form.description.data, unit=form.unit.data,
                     evaluation_quantity=form.evaluation_quantity.data, per_authority=form.per_authority.data)


def _line_page(tender_id: int, line_id: int | None):
    db_session = get_session()
    if line_id is None:
        found, line = access.get_lead_tender(db_session, current_user, tender_id), None
    else:
        found, line = tender_schedule.get_line(db_session, current_user, tender_id, line_id)
    form = LineForm(obj=line)
    if form.validate_on_submit():
        try:
            tender_schedule.save_line(db_session, current_user, found.id, line_id, _line_input(form),
                                      summary_of(form), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "code")
        else:
            return back_to(found.id, "Pricing line saved")
    return render_template("tenders/line.html", form=form, tender=found, line=line), status_code(form)


@bp.route("/tenders/<int:tender_id>/pricing/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def new_line(tender_id: int):
    return _line_page(tender_id, None)


@bp.route("/tenders/<int:tender_id>/pricing/<int:line_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def edit_line(tender_id: int, line_id: int):
    return _line_page(tender_id, line_id)


def _remove_page(tender_id: int, what: str, load, remove):
    db_session = get_session()
    found, item = load(db_session)
    form = AmendmentOnlyForm()
    if form.validate_on_submit():
        try:
            remove(db_session, summary_of(form))
        except RuleViolation as error:
            form.add_domain_error(error, "amendment_summary")
        else:
            return back_to(found.id, f"{what.capitalize()} removed")
    return render_template("tenders/remove.html", form=form, tender=found, what=what, item=item), status_code(form)


@bp.route("/tenders/<int:tender_id>/pricing/<int:line_id>/remove", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def remove_line(tender_id: int, line_id: int):
    return _remove_page(
        tender_id, "pricing line",
        lambda s: tender_schedule.get_line(s, current_user, tender_id, line_id),
        lambda s, summary: tender_schedule.remove_line(s, current_user, tender_id, line_id, summary, clock.now()))


def _criterion_input(form: CriterionForm) -> CriterionInput:
    return CriterionInput(title=form.title.data, guidance=form.guidance.data, weight=form.weight.data,
                          max_score=form.max_score.data, min_score=form.min_score.data,
                          descriptors=form.descriptors.data, word_limit=form.word_limit.data)


def _criterion_page(tender_id: int, criterion_id: int | None):
    db_session = get_session()
    if criterion_id is None:
        found, criterion = access.get_lead_tender(db_session, current_user, tender_id), None
    else:
        found, criterion = tender_schedule.get_criterion(db_session, current_user, tender_id, criterion_id)
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            tender_schedule.save_criterion(db_session, current_user, found.id, criterion_id, _criterion_input(form),
                                           summary_of(form), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "title")
        else:
            return back_to(found.id, "Quality criterion saved")
    return render_template("tenders/criterion.html", form=form, tender=found, criterion=criterion), \
        status_code(form)


@bp.route("/tenders/<int:tender_id>/criteria/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def new_criterion(tender_id: int):
    return _criterion_page(tender_id, None)


@bp.route("/tenders/<int:tender_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def edit_criterion(tender_id: int, criterion_id: int):
    return _criterion_page(tender_id, criterion_id)


@bp.route("/tenders/<int:tender_id>/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def remove_criterion(tender_id: int, criterion_id: int):
    return _remove_page(
        tender_id, "quality criterion",
        lambda s: tender_schedule.get_criterion(s, current_user, tender_id, criterion_id),
        lambda s, summary: tender_schedule.remove_criterion(s, current_user, tender_id, criterion_id, summary,
                                                            clock.now()))


@bp.route("/tenders/<int:tender_id>/documents/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def new_document(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = DocumentForm()
    if form.validate_on_submit():
        content, name = uploaded(form.document)
        try:
            tender_schedule.add_document(db_session, current_user, found.id, form.title.data, content, name,
                                         document_store(), summary_of(form), clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "document")
        else:
            return back_to(found.id, "Document uploaded")
    return render_template("tenders/document.html", form=form, tender=found), status_code(form)


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>/withdraw", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def withdraw_document(tender_id: int, document_id: int):
    return _remove_page(
        tender_id, "document",
        lambda s: (access.get_lead_tender(s, current_user, tender_id),
                   tender_schedule.get_document(s, current_user, tender_id, document_id)),
        lambda s, summary: tender_schedule.withdraw_document(s, current_user, tender_id, document_id, summary,
                                                             clock.now()))


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>")
@tenant_owned(tender_id="tender")
def document(tender_id: int, document_id: int):
    found = tender_schedule.get_document(get_session(), current_user, tender_id, document_id)
    mimetype = document_type(content := document_store().read(found.sha256)) or "application/octet-stream"
    return download(content, mimetype, found.filename)
