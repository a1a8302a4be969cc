"""A supplier's bid: prices (online or by Excel), quality answers, declarations, review and
submission with a receipt, withdrawal."""

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.bids import REQUIRED_DECLARATIONS, DeadlinePassed
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.suppliers import word_count
from tenderapp.domain.roles import Role
from tenderapp.formatting import money
from tenderapp.sealing import sealer
from tenderapp.services import bid_attachments, bids
from tenderapp.services.bids import PriceErrors, UploadProblems
from tenderapp.web.bids.forms import (
    AttachmentForm,
    ButtonForm,
    DeclarationsForm,
    UploadForm,
    answers_form,
    prices_form,
)
from tenderapp.web.downloads import download
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import tenant_owned

bp = Blueprint("bids", __name__, url_prefix="/tenders/<int:tender_id>/bid")
BIDDER = Role.BIDDER


def _overview(tender_id: int):
    return redirect(url_for("bids.overview", tender_id=tender_id))


def _late(error: DeadlinePassed, tender_id: int):
    flash(error.message, "info")
    return _overview(tender_id)


@bp.route("")
@tenant_owned(BIDDER, tender_id="open_tender")
def overview(tender_id: int):
    db_session = get_session()
    tender, bid, draft = bids.load(db_session, current_user, sealer(), tender_id)
    return render_template("bids/overview.html", tender=tender, bid=bid, draft=draft,
                           closed=not bids.accepting_changes(tender, clock.now()),
                           review=bids.review(db_session, tender, draft),
                           files=bids.attached_files(db_session, sealer(), tender, bid),
                           submissions=bids.submissions(db_session, bid),
                           current=bids.current_submission(db_session, bid), button=ButtonForm())


@bp.route("/prices", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def prices(tender_id: int):
    db_session = get_session()
    tender, _, draft = bids.load(db_session, current_user, sealer(), tender_id)
    lines, _ = bids.schedule(db_session, tender)
    form = prices_form(lines, data=None if request.method == "POST" else
                       {f"line_{line.id}": draft.prices.get(line.code, "") for line in lines})
    if form.validate_on_submit():
        typed = {line.code: form[f"line_{line.id}"].data for line in lines}
        try:
            bids.save_prices(db_session, current_user, sealer(), tender.id, typed, clock.now())
        except PriceErrors as errors:
            for line in lines:
                if line.code in errors.errors:
                    form[f"line_{line.id}"].errors = [errors.errors[line.code]]
        except DeadlinePassed as error:
            return _late(error, tender.id)
        else:
            flash("Prices saved", "success")
            return _overview(tender.id)
    return render_template("bids/prices.html", form=form, tender=tender, lines=lines, draft=draft,
                           closed=not bids.accepting_changes(tender, clock.now())), 400 if form.errors else 200


@bp.route("/template.xlsx")
@tenant_owned(BIDDER, tender_id="open_tender")
def template(tender_id: int):
    tender, content = bids.template(get_session(), current_user, sealer(), tender_id)
    return download(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"pricing-{tender.reference}-v{tender.schedule_version}.xlsx")


@bp.route("/upload", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def upload(tender_id: int):
    db_session = get_session()
    tender, _, _ = bids.load(db_session, current_user, sealer(), tender_id)
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        content, _ = uploaded(form.workbook)
        try:
            if content is None:
                raise RuleViolation("Select the filled-in pricing template", "workbook")
            saved = bids.upload_prices(db_session, current_user, sealer(), tender.id, content, clock.now())
        except UploadProblems as error:
            problems = error.problems
            form.add_domain_error(error, "workbook")
        except DeadlinePassed as error:
            return _late(error, tender.id)
        except RuleViolation as error:
            form.add_domain_error(error, "workbook")
        else:
            flash(_uploaded_message(bids.schedule(db_session, tender)[0], saved), "success")
            return _overview(tender.id)
    return render_template("bids/upload.html", form=form, tender=tender, problems=problems,
                           closed=not bids.accepting_changes(tender, clock.now())), 400 if form.errors else 200


def _uploaded_message(lines, saved) -> str:
    """Says which lines the upload left as they were, so a blank cell is never a surprise."""
    named = {line.code: f"line {number} ({line.code})" for number, line in enumerate(lines, start=1)}
    message = "Prices read from your workbook and saved."
    if saved.kept:
        message += (" Left blank in the workbook, so kept at their saved price: "
                    + ", ".join(f"{named[c]} at {money(Decimal(saved.prices[c]))}" for c in saved.kept) + ".")
    if saved.unpriced:
        message += " Left blank and still not priced: " + ", ".join(named[c] for c in saved.unpriced) + "."
    return message + " Check them below."


@bp.route("/answers", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def answers(tender_id: int):
    db_session = get_session()
    tender, bid, draft = bids.load(db_session, current_user, sealer(), tender_id)
    _, criteria = bids.schedule(db_session, tender)
    form = answers_form(criteria, data=None if request.method == "POST" else
                        {f"criterion_{c.id}": draft.answers.get(str(c.id), "") for c in criteria})
    if form.validate_on_submit():
        try:
            bids.save_answers(db_session, current_user, sealer(), tender.id,
                              {str(c.id): form[f"criterion_{c.id}"].data for c in criteria}, clock.now())
        except DeadlinePassed as error:
            return _late(error, tender.id)
        too_long = [c.title for c in criteria if word_count(form[f"criterion_{c.id}"].data) > c.word_limit]
        if too_long:
            flash("Answers saved, but too long for: " + ", ".join(too_long) + ". Shorten them before you submit.",
                  "info")
        else:
            flash("Answers saved", "success")
        return _overview(tender.id)
    files = bids.attached_files(db_session, sealer(), tender, bid)
    return render_template("bids/answers.html", form=form, tender=tender, criteria=criteria, files=files,
                           review=bids.review(db_session, tender, draft),
                           closed=not bids.accepting_changes(tender, clock.now()))


@bp.route("/answers/<int:criterion_id>/files", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def attachments(tender_id: int, criterion_id: int):
    db_session = get_session()
    tender, bid, _ = bids.load(db_session, current_user, sealer(), tender_id)
    _, criteria = bids.schedule(db_session, tender)
    criterion = next((c for c in criteria if c.id == criterion_id), None)
    if criterion is None:
        abort(404)
    form = AttachmentForm()
    if form.validate_on_submit():
        content, name = uploaded(form.attachment)
        try:
            bid_attachments.add(db_session, current_user, sealer(), tender.id, criterion.id, content, name, clock.now())
        except DeadlinePassed as error:
            return _late(error, tender.id)
        except RuleViolation as error:
            form.add_domain_error(error, "attachment")
        else:
            flash("File attached", "success")
            return redirect(url_for("bids.attachments", tender_id=tender.id, criterion_id=criterion.id))
    files = [f for f in bids.attached_files(db_session, sealer(), tender, bid) if f.criterion_id == criterion.id]
    return render_template("bids/attachments.html", form=form, tender=tender, criterion=criterion, files=files,
                           button=ButtonForm(), closed=not bids.accepting_changes(tender, clock.now())), \
        400 if form.errors else 200


@bp.route("/files/<int:attachment_id>")
@tenant_owned(BIDDER, tender_id="open_tender")
def attachment_file(tender_id: int, attachment_id: int):
    name, content = bid_attachments.read_own(get_session(), current_user, sealer(), tender_id, attachment_id)
    return download(content, "application/octet-stream", name)


@bp.route("/files/<int:attachment_id>/remove", methods=["POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def remove_attachment(tender_id: int, attachment_id: int):
    db_session = get_session()
    if ButtonForm().validate_on_submit():
        try:
            bid_attachments.remove(db_session, current_user, sealer(), tender_id, attachment_id, clock.now())
        except DeadlinePassed as error:
            return _late(error, tender_id)
        flash("File removed", "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("bids.answers", tender_id=tender_id))


@bp.route("/declarations", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def declarations(tender_id: int):
    db_session = get_session()
    tender, _, draft = bids.load(db_session, current_user, sealer(), tender_id)
    form = DeclarationsForm()
    form.declarations.choices = [SelectChoice(d, d) for d in REQUIRED_DECLARATIONS]
    if not form.is_submitted():
        form.declarations.data = draft.declarations
    if form.validate_on_submit():
        try:
            bids.save_declarations(db_session, current_user, sealer(), tender.id, form.declarations.data or [],
                                   clock.now())
        except DeadlinePassed as error:
            return _late(error, tender.id)
        flash("Declarations saved", "success")
        return _overview(tender.id)
    return render_template("bids/declarations.html", form=form, tender=tender, draft=draft,
                           closed=not bids.accepting_changes(tender, clock.now()))


@bp.route("/submit", methods=["POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def submit(tender_id: int):
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            submission = bids.submit(get_session(), current_user, sealer(), tender_id, clock.now())
        except DeadlinePassed as error:
            return _late(error, tender_id)
        except RuleViolation as error:
            flash(error.message, "info")
            return _overview(tender_id)
        flash("Your bid has been submitted", "success")
        return redirect(url_for("bids.receipt", tender_id=tender_id, number=submission.number))
    return _overview(tender_id)


@bp.route("/withdraw", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id="open_tender")
def withdraw(tender_id: int):
    form = ButtonForm()
    if request.method == "GET":
        db_session = get_session()
        tender, bid, _ = bids.load(db_session, current_user, sealer(), tender_id)
        return render_template("bids/withdraw.html", tender=tender, form=form,
                               current=bids.current_submission(db_session, bid))
    if form.validate_on_submit():
        try:
            withdrawn = bids.withdraw(get_session(), current_user, sealer(), tender_id, clock.now())
        except DeadlinePassed as error:
            return _late(error, tender_id)
        except RuleViolation as error:
            flash(error.message, "info")
        else:
            flash(f"Bid {withdrawn.receipt} withdrawn. Your draft is kept: change it and submit again before "
                  "the deadline.", "success")
    return _overview(tender_id)


@bp.route("/receipts/<int:number>")
@tenant_owned(BIDDER, tender_id="open_tender")
def receipt(tender_id: int, number: int):
    db_session = get_session()
    tender, submission = bids.get_receipt(db_session, current_user, sealer(), tender_id, number)
    current = bids.current_submission(db_session, bids.load(db_session, current_user, sealer(), tender_id)[1])
    return render_template("bids/receipt.html", tender=tender, submission=submission,
                           is_current=current is not None and current.id == submission.id)


@bp.route("/receipts/<int:number>.json")
@tenant_owned(BIDDER, tender_id="open_tender")
def receipt_content(tender_id: int, number: int):
    content = bids.submitted_content(get_session(), current_user, sealer(), tender_id, number)
    return download(content, "application/json", f"bid-{tender_id}-v{number}.json")


@bp.route("/receipts/<int:number>.txt")
@tenant_owned(BIDDER, tender_id="open_tender")
def receipt_download(tender_id: int, number: int):
    tender, submission = bids.get_receipt(get_session(), current_user, sealer(), tender_id, number)
    return download(bids.receipt_text(tender, current_user.organisation_name, submission), "text/plain",
                    f"receipt-{submission.receipt}.txt")
