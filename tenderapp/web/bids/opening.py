"""The lead's side of the bid box: the dual-key opening, the opening record, and the bids
once opened."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.sealing import sealer
from tenderapp.services import bids as bid_service
from tenderapp.services import opening
from tenderapp.web.bids.forms import ButtonForm
from tenderapp.web.downloads import download
from tenderapp.web.guards import tenant_owned

bp = Blueprint("opening", __name__, url_prefix="/tenders/<int:tender_id>")
ADMIN = Role.PROCUREMENT_ADMIN


@bp.route("/opening", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def opening_page(tender_id: int):
    db_session = get_session()
    form = ButtonForm()
    if form.validate_on_submit():
        try:
            turned = opening.turn_key(db_session, current_user, tender_id, clock.now())
        except (RuleViolation, Conflict) as error:
            flash(error.message, "info")
        else:
            flash("The bids are open." if turned.second_key_at else
                  "First key turned. A second procurement admin must now confirm the opening.", "success")
        return redirect(url_for("opening.opening_page", tender_id=tender_id))
    return render_template("bids/opening.html", record=opening.record(db_session, current_user, tender_id),
                           form=form, now=clock.now())


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
