"""The lead's side of the bid box: its named openers, the opening by them, the opening record, and the bids
once opened."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, Forbidden, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.sealing import sealer
from tenderapp.services import bids as bid_service
from tenderapp.services import opening
from tenderapp.services import openers as opener_service
from tenderapp.web.bids.forms import ButtonForm, OpenersForm, ReplacementForm
from tenderapp.web.downloads import download
from tenderapp.web.guards import tenant_owned

bp = Blueprint("opening", __name__, url_prefix="/tenders/<int:tender_id>")
ADMIN = Role.PROCUREMENT_ADMIN


def _openers_link(tender_id: int) -> str:
    return url_for("opening.openers", tender_id=tender_id, _external=True)


@bp.route("/opening", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def opening_page(tender_id: int):
    db_session = get_session()
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            opened = opening.turn_key(db_session, current_user, tender_id, clock.now(),
                                      url_for("opening.opening_page", tender_id=tender_id, _external=True))
        except (RuleViolation, Conflict, Forbidden) as error:
            flash(error.message, "info")
        else:
            flash("The bids are open." if opened else "Your key is turned. The other named openers have been told.",
                  "success")
        return redirect(url_for("opening.opening_page", tender_id=tender_id))
    return render_template("bids/opening.html", record=opening.record(db_session, current_user, tender_id, clock.now()),
                           form=form, now=clock.now())


@bp.route("/openers", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def openers(tender_id: int):
    db_session = get_session()
    named = opener_service.view(db_session, current_user, tender_id, clock.now())
    form = OpenersForm()
    form.openers.choices = [SelectChoice(p.user_id, p.name) for p in named.eligible]
    if not form.is_submitted():
        form.openers.data, form.quorum.data = named.default_choice, named.tender.opening_quorum
    if form.validate_on_submit():
        try:
            opener_service.name_openers(db_session, current_user, tender_id, form.openers.data, form.quorum.data,
                                        clock.now(), _openers_link(tender_id))
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "openers")
        else:
            flash("Bid openers saved. Every procurement admin of your authority has been told.", "success")
            return redirect(url_for("opening.openers", tender_id=tender_id))
    return render_template("bids/openers.html", named=named, form=form, naming=form,
                           replace_form=_replacement_form(named) if named.frozen else None), 400 if form.errors else 200


def _replacement_form(named) -> ReplacementForm:
    form = ReplacementForm()
    current = {o.user_id for o in named.current}
    form.leaving.choices = [SelectChoice(o.user_id, named.name(o.user_id)) for o in named.current]
    form.nominee.choices = [SelectChoice(p.user_id, p.name) for p in named.people.values()
                            if p.user_id not in current and p.eligible()]
    return form


@bp.route("/openers/replace", methods=["POST"])
@tenant_owned(ADMIN, tender_id="tender")
def propose_replacement(tender_id: int):
    db_session = get_session()
    named = opener_service.view(db_session, current_user, tender_id, clock.now())
    form = _replacement_form(named)
    if form.validate_on_submit():
        try:
            opener_service.propose_replacement(db_session, current_user, tender_id, form.leaving.data,
                                               form.nominee.data, form.reason.data, clock.now(),
                                               _openers_link(tender_id))
        except (RuleViolation, Conflict, Forbidden) as error:
            form.add_domain_error(error, "nominee")
        else:
            flash("Replacement proposed. It takes effect when a second person confirms it.", "success")
            return redirect(url_for("opening.openers", tender_id=tender_id))
    return render_template("bids/openers.html", named=named, form=form, naming=None, replace_form=form), 400


@bp.route("/openers/replacements/<int:replacement_id>/<any(confirm, withdraw):action>", methods=["POST"])
@tenant_owned(ADMIN, tender_id="tender")
def decide_replacement(tender_id: int, replacement_id: int, action: str):
    db_session = get_session()
    form = ButtonForm()
    if form.validate_on_submit():
        do = opener_service.confirm_replacement if action == "confirm" else opener_service.withdraw_replacement
        try:
            do(db_session, current_user, tender_id, replacement_id, clock.now(), _openers_link(tender_id))
        except (RuleViolation, Conflict, Forbidden) as error:
            flash(error.message, "info")
        else:
            flash("Replacement confirmed: the new opener can turn a key." if action == "confirm"
                  else "Proposal withdrawn.", "success")
    return redirect(url_for("opening.openers", tender_id=tender_id))


@bp.route("/bids")
@tenant_owned(ADMIN, tender_id="tender")
def opened_list(tender_id: int):
    tender, opened = opening.opened_bids(get_session(), current_user, sealer(), tender_id)
    return render_template("bids/opened_list.html", tender=tender, opened=opened)


@bp.route("/bids/<int:submission_id>")
@tenant_owned(ADMIN, tender_id="tender")
def opened_bid(tender_id: int, submission_id: int):
    db_session = get_session()
    tender, bid = opening.opened_bid(db_session, current_user, sealer(), tender_id, submission_id)
    lines, criteria = bid_service.schedule(db_session, tender)
    return render_template("bids/opened_bid.html", tender=tender, bid=bid, lines=lines, criteria=criteria)


@bp.route("/bids/<int:submission_id>/files/<sha256>")
@tenant_owned(ADMIN, tender_id="tender")
def opened_file(tender_id: int, submission_id: int, sha256: str):
    name, content = opening.opened_attachment(get_session(), current_user, sealer(), tender_id, submission_id, sha256)
    return download(content, "application/octet-stream", name)
