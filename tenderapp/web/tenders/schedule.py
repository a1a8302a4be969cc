"""The lead's pages for a tender's pricing lines, quality criteria and documents, and the
document download for everyone who may see the tender."""

from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import tenders as tender_access
from tenderapp.db import get_session
from tenderapp.domain.documents import document_type
from tenderapp.services import tender_schedule
from tenderapp.services.tender_schedule import CriterionInput, LineInput
from tenderapp.storage import document_store
from tenderapp.web.downloads import download
from tenderapp.web.flow import form_page
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import tenant_owned
from tenderapp.web.tenders.blueprint import ADMIN, back_to, bp, summary_of
from tenderapp.web.tenders.forms import AmendmentOnlyForm, CriterionForm, DocumentForm, LineForm


def _line_input(form: LineForm) -> LineInput:
    return LineInput(code=form.code.data, description=form.description.data, unit=form.unit.data,
                     evaluation_quantity=form.evaluation_quantity.data, per_authority=form.per_authority.data)


def _item_page(tender, item, form, save, data, message: str, field: str, template: str, **context):
    """Adds (``item`` None) or changes a line or criterion: ``save(session, actor, tender, item,
    data(form), summary, now)``."""
    return form_page(
        form, template, tender=tender, field=field, **context,
        action=lambda: save(get_session(), current_user, tender, item, data(form), summary_of(form), clock.now()),
        done=back_to(tender, message))


def _line_page(tender, line):
    return _item_page(tender, line, LineForm(obj=line), tender_schedule.save_line, _line_input, "Pricing line saved",
                      "code", "tenders/line.html", line=line)


@bp.route("/tenders/<int:tender_id>/pricing/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def new_line(tender):
    return _line_page(tender, None)


@bp.route("/tenders/<int:tender_id>/pricing/<int:line_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def edit_line(tender, line_id: int):
    return _line_page(tender, tender_access.tender_line(get_session(), tender, line_id))


def _remove_page(tender, what: str, item, remove):
    """Asks to confirm a removal (and, once published, for the amendment's summary), then
    calls ``remove(session, actor, tender, item, summary, now)``."""
    form = AmendmentOnlyForm()
    return form_page(
        form, "tenders/remove.html", tender=tender, what=what, item=item, field="amendment_summary",
        action=lambda: remove(get_session(), current_user, tender, item, summary_of(form), clock.now()),
        done=back_to(tender, f"{what.capitalize()} removed"))


@bp.route("/tenders/<int:tender_id>/pricing/<int:line_id>/remove", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def remove_line(tender, line_id: int):
    line = tender_access.tender_line(get_session(), tender, line_id)
    return _remove_page(tender, "pricing line", line, tender_schedule.remove_line)


def _criterion_input(form: CriterionForm) -> CriterionInput:
    return CriterionInput(title=form.title.data, guidance=form.guidance.data, weight=form.weight.data,
                          max_score=form.max_score.data, min_score=form.min_score.data,
                          descriptors=form.descriptors.data, word_limit=form.word_limit.data)


def _criterion_page(tender, criterion):
    return _item_page(tender, criterion, CriterionForm(obj=criterion), tender_schedule.save_criterion,
                      _criterion_input, "Quality criterion saved", "title", "tenders/criterion.html",
                      criterion=criterion)


@bp.route("/tenders/<int:tender_id>/criteria/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def new_criterion(tender):
    return _criterion_page(tender, None)


@bp.route("/tenders/<int:tender_id>/criteria/<int:criterion_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def edit_criterion(tender, criterion_id: int):
    return _criterion_page(tender, tender_access.tender_criterion(get_session(), tender, criterion_id))


@bp.route("/tenders/<int:tender_id>/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def remove_criterion(tender, criterion_id: int):
    criterion = tender_access.tender_criterion(get_session(), tender, criterion_id)
    return _remove_page(tender, "quality criterion", criterion, tender_schedule.remove_criterion)


def _add_document(form: DocumentForm, tender):
    content, name = uploaded(form.document)
    return tender_schedule.add_document(get_session(), current_user, tender, form.title.data, content, name,
                                        document_store(), summary_of(form), clock.now())


@bp.route("/tenders/<int:tender_id>/documents/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def new_document(tender):
    form = DocumentForm()
    return form_page(form, "tenders/document.html", tender=tender, field="document",
                     action=lambda: _add_document(form, tender), done=back_to(tender, "Document uploaded"))


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>/withdraw", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def withdraw_document(tender, document_id: int):
    document = tender_access.tender_document(get_session(), tender, document_id)
    return _remove_page(tender, "document", document, tender_schedule.withdraw_document)


@bp.route("/tenders/<int:tender_id>/documents/<int:document_id>")
@tenant_owned(tender_id=access.get_visible_tender)
def document(tender, document_id: int):
    found = tender_access.tender_document(get_session(), tender, document_id)
    mimetype = document_type(content := document_store().read(found.sha256)) or "application/octet-stream"
    return download(content, mimetype, found.filename)
