"""Suppliers' interest and clarification questions on a published tender, and the lead's
answers."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.services import clarifications, suppliers
from tenderapp.web.guards import tenant_owned
from tenderapp.web.suppliers.forms import AnswerForm, QuestionForm
from tenderapp.web.tenders.forms import PublishForm
from tenderapp.web.tenders.routes import ADMIN, back_to, bp, status_code

BIDDER = Role.BIDDER


@bp.route("/tenders/<int:tender_id>/interest", methods=["POST"])
@tenant_owned(BIDDER, tender_id="tender")
def register_interest(tender_id: int):
    if PublishForm().validate_on_submit():  # a button: CSRF only
        suppliers.register_interest(get_session(), current_user, tender_id, clock.now())
        return back_to(tender_id, "Interest registered. You will be told of amendments and published answers.")
    return redirect(url_for("tenders.tender", tender_id=tender_id))


@bp.route("/tenders/<int:tender_id>/questions/new", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="tender")
def ask(tender_id: int):
    db_session = get_session()
    found = access.get_visible_tender(db_session, current_user, tender_id)
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            clarifications.ask(db_session, current_user, found.id, form.question.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "question")
        else:
            return back_to(found.id, "Question sent. You will get an email when it is answered.")
    return render_template("tenders/ask.html", form=form, tender=found), status_code(form)


@bp.route("/tenders/<int:tender_id>/questions")
@tenant_owned(ADMIN, tender_id="tender")
def questions(tender_id: int):
    found, rows = clarifications.for_lead(get_session(), current_user, tender_id)
    return render_template("tenders/questions.html", tender=found, rows=rows)


@bp.route("/tenders/<int:tender_id>/questions/<int:clarification_id>", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def answer(tender_id: int, clarification_id: int):
    db_session = get_session()
    found, asked = clarifications.get_for_lead(db_session, current_user, tender_id, clarification_id)
    form = AnswerForm(obj=asked) if asked.answer else AnswerForm()
    if form.validate_on_submit():
        try:
            clarifications.answer(db_session, current_user, found.id, asked.id, form.answer.data,
                                  form.visibility.data == "published", form.private_reason.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "answer")
        else:
            flash("Answer sent", "success")
            return redirect(url_for("tenders.questions", tender_id=found.id))
    return render_template("tenders/answer.html", form=form, tender=found, asked=asked), status_code(form)
