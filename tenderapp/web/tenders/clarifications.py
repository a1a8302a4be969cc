"""Suppliers' interest and clarification questions on a published tender, and the lead's
answers."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.access import tenders as tender_access
from tenderapp.db import get_session
from tenderapp.services import clarifications, suppliers
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.guards import tenant_owned
from tenderapp.web.suppliers.forms import AnswerForm, QuestionForm
from tenderapp.web.tenders.blueprint import ADMIN, BIDDER, back_to, bp
from tenderapp.web.tenders.forms import PublishForm


@bp.route("/tenders/<int:tender_id>/interest", methods=["POST"])
@tenant_owned(BIDDER, tender_id=access.get_visible_tender)
def register_interest(tender):
    if PublishForm().validate_on_submit():  # a button: CSRF only
        suppliers.register_interest(get_session(), current_user, tender, clock.now())
        return back_to(tender, "Interest registered. You will be told of amendments and published answers.")(None)
    return redirect(url_for("tenders.tender", tender_id=tender.id))


@bp.route("/tenders/<int:tender_id>/questions/new", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=access.get_visible_tender)
def ask(tender):
    form = QuestionForm()
    return form_page(
        form, "tenders/ask.html", tender=tender, field="question",
        action=lambda: clarifications.ask(
            get_session(), current_user, tender, form.question.data, clock.now(),
            lambda clarification_id: url_for("tenders.answer", tender_id=tender.id, clarification_id=clarification_id,
                                             _external=True)),
        done=back_to(tender, "Question sent. You will get an email when it is answered."))


@bp.route("/tenders/<int:tender_id>/questions")
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def questions(tender):
    return render_template("tenders/questions.html", tender=tender,
                           rows=clarifications.for_lead(get_session(), tender))


@bp.route("/tenders/<int:tender_id>/questions/<int:clarification_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def answer(tender, clarification_id: int):
    db_session = get_session()
    asked = tender_access.tender_clarification(db_session, tender, clarification_id)
    form = AnswerForm(obj=asked) if asked.answer else AnswerForm()
    return form_page(
        form, "tenders/answer.html", tender=tender, asked=asked, field="answer",
        action=lambda: clarifications.answer(db_session, current_user, tender, asked, form.answer.data,
                                             form.visibility.data == "published", form.private_reason.data,
                                             clock.now(),
                                             url_for("tenders.tender", tender_id=tender.id, _external=True)),
        done=flashed("Answer sent", "tenders.questions", tender_id=tender.id))
