"""The start page, the dashboard and the user's own organisation."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access
from tenderapp.db import get_session
from tenderapp.services import organisations
from tenderapp.web.guards import public, signed_in

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    return render_template("main/index.html")


@bp.route("/dashboard")
@signed_in
def dashboard():
    db_session = get_session()
    return render_template(
        "main/dashboard.html",
        memberships=access.member_collaborations(db_session, current_user),
        led=access.led_collaborations(db_session, current_user),
    )


@bp.route("/organisation")
@signed_in
def organisation():
    db_session = get_session()
    return render_template(
        "main/organisation.html",
        people=organisations.people(db_session, current_user.organisation_id),
        memberships=access.member_collaborations(db_session, current_user),
    )


@bp.route("/healthz")
@public
def health():
    return {"status": "ok"}
