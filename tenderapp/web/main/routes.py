"""The start page, the dashboard and the user's own organisation."""

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.roles import Role
from tenderapp.domain.work_queue import is_overdue
from tenderapp.services import bids, member_contracts, organisation_identifiers, organisations, signing, work_queue
from tenderapp.web.guards import public, signed_in

bp = Blueprint("main", __name__)
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 29)  # change when the statement is reviewed


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
    now = clock.now()
    return render_template(
        "main/dashboard.html",
        tasks=work_queue.tasks_for(db_session, current_user, now, current_app.config["EXTENSION_NOTICE_MONTHS"]),
        now=now, overdue=lambda task: is_overdue(task, now),
        memberships=access.member_collaborations(db_session, current_user),
        led=access.led_collaborations(db_session, current_user),
        agreements=signing.overview(db_session, current_user),
        supplier_tenders=bids.supplier_overview(db_session, current_user, now)
        if not current_user.organisation_kind.is_authority else [],
        contracts=member_contracts.contracts(db_session, current_user)
        if current_user.organisation_kind.is_authority else [],
        failed_messages=access.failed_outbox_count(db_session, current_user)
        if current_user.has_role(Role.PROCUREMENT_ADMIN) else 0,
    )


@bp.route("/organisation")
@signed_in
def organisation():
    db_session = get_session()
    return render_template(
        "main/organisation.html",
        people=organisations.people(db_session, current_user.organisation_id),
        memberships=access.member_collaborations(db_session, current_user),
        identifiers=organisation_identifiers.of_organisations(db_session, [current_user.organisation_id]).get(
            current_user.organisation_id, []),
    )


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html", prepared_on=ACCESSIBILITY_STATEMENT_DATE,
                           accessibility_contact=current_app.config["ACCESSIBILITY_CONTACT"])


@bp.route("/healthz")
@public
def health():
    """For load balancers: 200 when the app can reach its database, 503 otherwise."""
    try:
        get_session().exec(text("SELECT 1"))
    except OperationalError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
