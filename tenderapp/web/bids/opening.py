"""The lead's side of the bid box: its named openers, the opening by them, the opening record, and the bids
once opened."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.access import bids as bid_access
from tenderapp.access import openers as opener_access
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, Forbidden, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.models import Tender
from tenderapp.sealing import sealer
from tenderapp.services import openers as opener_service
from tenderapp.services import opening
from tenderapp.web.bids import reraising
from tenderapp.web.bids.forms import ButtonForm, OpenersForm, ReplacementForm
from tenderapp.web.downloads import download
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.guards import tenant_owned

bp = Blueprint("opening", __name__, url_prefix="/tenders/<int:tender_id>")
ADMIN = Role.PROCUREMENT_ADMIN
LEAD_TENDER = access.get_lead_tender
REFUSED = (RuleViolation, Conflict, Forbidden)  # said to the opener, who may try again


def _openers_link(tender: Tender) -> str:
    return url_for("opening.openers", tender_id=tender.id, _external=True)


@bp.route("/opening", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def opening_page(tender: Tender):
    db_session = get_session()
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            opened = opening.turn_key(db_session, current_user, tender, clock.now(),
                                      url_for("opening.opening_page", tender_id=tender.id, _external=True),
                                      url_for("evaluation.work", tender_id=tender.id, _external=True))
        except REFUSED as error:
            flash(error.message, "info")
        else:
            flash("The bids are open." if opened else "Your key is turned. The other named openers have been told.",
                  "success")
        return redirect(url_for("opening.opening_page", tender_id=tender.id))
    return render_template("bids/opening.html", record=opening.record(db_session, current_user, tender, clock.now()),
                           form=form, now=clock.now())


@bp.route("/openers", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def openers(tender: Tender):
    db_session = get_session()
    named = opener_service.view(db_session, tender, clock.now())
    form = OpenersForm()
    form.openers.choices = [SelectChoice(p.user_id, p.name) for p in named.eligible]
    if not form.is_submitted():
        form.openers.data, form.quorum.data = named.default_choice, tender.opening_quorum
    return form_page(form, "bids/openers.html", named=named, naming=form, field="openers",
                     replace_form=_replacement_form(named) if named.frozen else None,
                     action=lambda: opener_service.name_openers(db_session, current_user, tender, form.openers.data,
                                                                form.quorum.data, clock.now(), _openers_link(tender)),
                     done=flashed("Bid openers saved. Every procurement admin of your authority has been told.",
                                  "opening.openers", tender_id=tender.id))


def _replacement_form(named) -> ReplacementForm:
    form = ReplacementForm()
    current = {o.user_id for o in named.current}
    form.leaving.choices = [SelectChoice(o.user_id, named.name(o.user_id)) for o in named.current]
    form.nominee.choices = [SelectChoice(p.user_id, p.name) for p in named.people.values()
                            if p.user_id not in current and p.eligible()]
    return form


def _forbidden_on_the_form(action):
    """``action``, with a refusal for who the actor is shown beside the form's field like a rule's."""
    return reraising(action, Forbidden, lambda error: RuleViolation(error.message, error.field))


@bp.route("/openers/replace", methods=["POST"])
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def propose_replacement(tender: Tender):
    db_session = get_session()
    named = opener_service.view(db_session, tender, clock.now())
    form = _replacement_form(named)
    return form_page(form, "bids/openers.html", named=named, naming=None, replace_form=form, field="nominee",
                     action=_forbidden_on_the_form(lambda: opener_service.propose_replacement(
                         db_session, current_user, tender, form.leaving.data, form.nominee.data, form.reason.data,
                         clock.now(), _openers_link(tender))),
                     done=flashed("Replacement proposed. It takes effect when a second person confirms it.",
                                  "opening.openers", tender_id=tender.id))


@bp.route("/openers/replacements/<int:replacement_id>/<any(confirm, withdraw):action>", methods=["POST"])
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def decide_replacement(tender: Tender, replacement_id: int, action: str):
    db_session = get_session()
    form = ButtonForm()
    if form.validate_on_submit():
        proposal = opener_access.get_replacement(db_session, tender, replacement_id)
        do = opener_service.confirm_replacement if action == "confirm" else opener_service.withdraw_replacement
        try:
            do(db_session, current_user, tender, proposal, clock.now(), _openers_link(tender))
        except REFUSED as error:
            flash(error.message, "info")
        else:
            flash("Replacement confirmed: the new opener can turn a key." if action == "confirm"
                  else "Proposal withdrawn.", "success")
    return redirect(url_for("opening.openers", tender_id=tender.id))


@bp.route("/bids")
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def opened_list(tender: Tender):
    return render_template("bids/opened_list.html", tender=tender,
                           opened=opening.unsealed_bids(get_session(), sealer(), tender))


@bp.route("/bids/<int:submission_id>")
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def opened_bid(tender: Tender, submission_id: int):
    db_session = get_session()
    bid = opening.opened_bid(db_session, sealer(), tender, submission_id)
    lines, criteria = bid_access.schedule(db_session, tender)
    return render_template("bids/opened_bid.html", tender=tender, bid=bid, lines=lines, criteria=criteria)


@bp.route("/bids/<int:submission_id>/files/<sha256>")
@tenant_owned(ADMIN, tender_id=LEAD_TENDER)
def opened_file(tender: Tender, submission_id: int, sha256: str):
    name, content = opening.opened_attachment(get_session(), sealer(), tender, submission_id, sha256)
    return download(content, "application/octet-stream", name)
