"""A supplier's bid: prices (online or by Excel), quality answers, declarations, review and
submission with a receipt, withdrawal."""

from decimal import Decimal
from typing import Any, Literal, NamedTuple

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.access import bids as bid_access
from tenderapp.db import get_session
from tenderapp.domain.bids import REQUIRED_DECLARATIONS, DeadlinePassed
from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.domain.suppliers import word_count
from tenderapp.exports import pricing_template, pricing_upload
from tenderapp.formatting import money
from tenderapp.models import Tender
from tenderapp.sealing import sealer
from tenderapp.services import bid_attachments, bids
from tenderapp.services.bids import OwnBid
from tenderapp.web.bids import reraising
from tenderapp.web.bids.forms import (
    AttachmentForm,
    ButtonForm,
    DeclarationsForm,
    UploadForm,
    answers_form,
    prices_form,
)
from tenderapp.web.downloads import download
from tenderapp.web.flow import attempt, flashed, form_page
from tenderapp.web.forms import uploaded
from tenderapp.web.guards import tenant_owned

bp = Blueprint("bids", __name__, url_prefix="/tenders/<int:tender_id>/bid")
BIDDER = Role.BIDDER
OPEN_TENDER = access.get_open_tender_for_bidder


class Late(Exception):
    """A bid sent at or after the deadline: said on the bid's overview, not beside a field."""

    def __init__(self, message: str, tender: Tender):
        super().__init__(message)
        self.message, self.tender = message, tender


@bp.errorhandler(Late)
def _late(late: Late):
    flash(late.message, "info")
    return _overview(late.tender)


def _in_time(own: OwnBid, action):
    """``action``, with the deadline's refusal carried past the form (see ``Late``)."""
    return reraising(action, DeadlinePassed, lambda error: Late(error.message, own.tender))


def _overview(tender: Tender):
    return redirect(url_for("bids.overview", tender_id=tender.id))


def _own(tender: Tender) -> OwnBid:
    return bids.load(get_session(), current_user, sealer(), tender)


def _closed(tender: Tender) -> bool:
    return not bids.accepting_changes(tender, clock.now())


class _DraftPart(NamedTuple):
    own: OwnBid
    lines: list
    criteria: list
    form: Any
    typed: dict[str, str]


def _draft_part(tender: Tender, part: Literal["prices", "answers"]) -> _DraftPart:
    """A page that edits one part of the draft bid: its prices (a field a pricing line) or its
    answers (one a criterion). The form shows the saved draft, or what was sent when it is being
    sent; ``typed`` is what it holds, by line code or criterion id."""
    own = _own(tender)
    lines, criteria = bid_access.schedule(get_session(), tender)
    sent = request.method == "POST"
    if part == "prices":
        form = prices_form(lines, None if sent else own.draft.prices)
    else:
        form = answers_form(criteria, None if sent else own.draft.answers)
    return _DraftPart(own, lines, criteria, form, form.typed())


@bp.route("")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def overview(tender: Tender):
    db_session = get_session()
    own = _own(tender)
    lines, criteria = bid_access.schedule(db_session, tender)
    return render_template("bids/overview.html", tender=tender, bid=own.bid, draft=own.draft,
                           closed=_closed(tender), review=bids.review(lines, criteria, own.draft),
                           files=bids.attached_files(db_session, sealer(), own),
                           submissions=own.submissions, current=own.current, button=ButtonForm())


@bp.route("/prices", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def prices(tender: Tender):
    own, lines, _, form, typed = _draft_part(tender, "prices")
    return form_page(form, "bids/prices.html", tender=tender, lines=lines, draft=own.draft, closed=_closed(tender),
                     action=_in_time(own, lambda: bids.save_prices(get_session(), current_user, sealer(), own, lines,
                                                                   typed, clock.now())),
                     done=flashed("Prices saved", "bids.overview", tender_id=tender.id))


@bp.route("/template.xlsx")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def template(tender: Tender):
    own = _own(tender)
    lines, _ = bid_access.schedule(get_session(), tender)
    content = pricing_template.workbook_bytes(tender.reference, tender.title, tender.schedule_version, lines,
                                              own.draft.prices)
    return download(content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"pricing-{tender.reference}-v{tender.schedule_version}.xlsx")


@bp.route("/upload", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def upload(tender: Tender):
    db_session = get_session()
    own = _own(tender)
    form = UploadForm()

    def save():
        content, _ = uploaded(form.workbook)
        if content is None:
            raise RuleViolation("Select the filled-in pricing template", "workbook")
        lines, _ = bid_access.schedule(db_session, tender)
        read = pricing_upload.read(content, pricing_upload.Expected(tender.reference, tender.schedule_version,
                                                                    [line.code for line in lines]))
        return lines, bids.upload_prices(db_session, current_user, sealer(), own, lines, read.prices, read.problems,
                                         clock.now())

    return form_page(form, "bids/upload.html", tender=tender, closed=_closed(tender), field="workbook",
                     action=_in_time(own, save),
                     done=flashed(lambda saved: _uploaded_message(*saved), "bids.overview", tender_id=tender.id))


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
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def answers(tender: Tender):
    db_session = get_session()
    own, lines, criteria, form, typed = _draft_part(tender, "answers")
    saved, _ = attempt(form, _in_time(own, lambda: bids.save_answers(db_session, current_user, sealer(), own,
                                                                     criteria, typed, clock.now())))
    if saved:
        too_long = [c.title for c in criteria if word_count(typed[str(c.id)]) > c.word_limit]
        if too_long:
            flash("Answers saved, but too long for: " + ", ".join(too_long) + ". Shorten them before you submit.",
                  "info")
        else:
            flash("Answers saved", "success")
        return _overview(tender)
    return render_template("bids/answers.html", form=form, tender=tender, criteria=criteria,
                           files=bids.attached_files(db_session, sealer(), own),
                           review=bids.review(lines, criteria, own.draft), closed=_closed(tender))


@bp.route("/answers/<int:criterion_id>/files", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def attachments(tender: Tender, criterion_id: int):
    db_session = get_session()
    own = _own(tender)
    criterion = bid_access.criterion_to_answer(db_session, tender, criterion_id)
    form = AttachmentForm()

    def attach():
        content, name = uploaded(form.attachment)
        return bid_attachments.add(db_session, current_user, sealer(), own, criterion, content, name, clock.now())

    files = [f for f in bids.attached_files(db_session, sealer(), own) if f.criterion_id == criterion.id]
    return form_page(form, "bids/attachments.html", tender=tender, criterion=criterion, files=files,
                     button=ButtonForm(), closed=_closed(tender), field="attachment", action=_in_time(own, attach),
                     done=flashed("File attached", "bids.attachments", tender_id=tender.id, criterion_id=criterion.id))


@bp.route("/files/<int:attachment_id>")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def attachment_file(tender: Tender, attachment_id: int):
    own = _own(tender)
    name, content = bid_attachments.read_own(sealer(), own, bid_access.own_attachment(get_session(), own.bid,
                                                                                      attachment_id))
    return download(content, "application/octet-stream", name)


@bp.route("/files/<int:attachment_id>/remove", methods=["POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def remove_attachment(tender: Tender, attachment_id: int):
    db_session = get_session()
    if ButtonForm().validate_on_submit():
        own = _own(tender)
        attachment = bid_access.own_attachment(db_session, own.bid, attachment_id)
        _in_time(own, lambda: bid_attachments.remove(db_session, current_user, own, attachment, clock.now()))()
        flash("File removed", "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("bids.answers", tender_id=tender.id))


@bp.route("/declarations", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def declarations(tender: Tender):
    db_session = get_session()
    own = _own(tender)
    form = DeclarationsForm()
    form.declarations.choices = [SelectChoice(d, d) for d in REQUIRED_DECLARATIONS]
    if not form.is_submitted():
        form.declarations.data = own.draft.declarations
    saved, _ = attempt(form, _in_time(own, lambda: bids.save_declarations(
        db_session, current_user, sealer(), own, form.declarations.data or [], clock.now())))
    if saved:
        flash("Declarations saved", "success")
        return _overview(tender)
    return render_template("bids/declarations.html", form=form, tender=tender, draft=own.draft,
                           closed=_closed(tender))


@bp.route("/submit", methods=["POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def submit(tender: Tender):
    if not ButtonForm().validate_on_submit():
        return _overview(tender)
    db_session = get_session()
    own = _own(tender)
    lines, criteria = bid_access.schedule(db_session, tender)
    try:
        submission = _in_time(own, lambda: bids.submit(db_session, current_user, sealer(), own, lines, criteria,
                                                       clock.now()))()
    except RuleViolation as error:
        flash(error.message, "info")
        return _overview(tender)
    flash("Your bid has been submitted", "success")
    return redirect(url_for("bids.receipt", tender_id=tender.id, number=submission.number))


@bp.route("/withdraw", methods=["GET", "POST"])
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def withdraw(tender: Tender):
    form = ButtonForm()
    if request.method == "GET":
        return render_template("bids/withdraw.html", tender=tender, form=form, current=_own(tender).current)
    if form.validate_on_submit():
        own = _own(tender)
        try:
            withdrawn = _in_time(own, lambda: bids.withdraw(get_session(), current_user, own, clock.now()))()
        except RuleViolation as error:
            flash(error.message, "info")
        else:
            flash(f"Bid {withdrawn.receipt} withdrawn. Your draft is kept: change it and submit again before "
                  "the deadline.", "success")
    return _overview(tender)


@bp.route("/receipts/<int:number>")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def receipt(tender: Tender, number: int):
    own = _own(tender)
    submission = bid_access.own_submission(get_session(), own.bid, number)
    return render_template("bids/receipt.html", tender=tender, submission=submission,
                           is_current=own.current is not None and own.current.id == submission.id)


@bp.route("/receipts/<int:number>.json")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def receipt_content(tender: Tender, number: int):
    own = _own(tender)
    content = bids.submitted_content(sealer(), own, bid_access.own_submission(get_session(), own.bid, number))
    return download(content, "application/json", f"bid-{tender.id}-v{number}.json")


@bp.route("/receipts/<int:number>.txt")
@tenant_owned(BIDDER, tender_id=OPEN_TENDER)
def receipt_download(tender: Tender, number: int):
    submission = bid_access.own_submission(get_session(), _own(tender).bid, number)
    return download(bids.receipt_text(tender, current_user.organisation_name, submission), "text/plain",
                    f"receipt-{submission.receipt}.txt")
