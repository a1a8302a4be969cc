"""Tenders: the list, the tender page, and the lead's builder (details, timetable,
weighting, conflicts assessment, publication). Lines, criteria and documents are in
``schedule.py`` on the same blueprint."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.money import from_pence
from tenderapp.domain.roles import Role
from tenderapp.domain.tenders import MINIMUM_DAYS, PriceMethod, Regime, Timetable, tender_status
from tenderapp.domain.uk_time import uk_date_of, uk_instant
from tenderapp.formatting import uk_time
from tenderapp.services import (
    agreement_status,
    assessment_summaries,
    clarifications,
    member_contracts,
    openers,
    suppliers,
    tender_schedule,
    tenders,
)
from tenderapp.services.tenders import TenderDetails
from tenderapp.web.guards import public, signed_in, tenant_owned
from tenderapp.web.forms import field_name
from tenderapp.web.tenders.forms import ConflictsForm, DetailsForm, PublishForm, TimetableForm, WeightingForm

bp = Blueprint("tenders", __name__)
ADMIN = Role.PROCUREMENT_ADMIN


def status_code(form) -> int:
    return 400 if form.errors else 200


def summary_of(form) -> str | None:
    return form.amendment_summary.data if hasattr(form, "amendment_summary") else None


def back_to(tender_id: int, message: str):
    flash(message, "success")
    return redirect(url_for("tenders.tender", tender_id=tender_id))


@bp.app_template_global()
def tender_status_of(tender, progress=None):
    return tender_status(tender.published_at, tender.submission_deadline, tender.opened_at, clock.now(), progress)


@bp.app_template_global()
def regime_label(value: str) -> str:
    return Regime(value).label


@bp.app_template_global()
def price_method_label(value: str) -> str:
    return PriceMethod(value).label


@bp.route("/tenders")
@signed_in
def index():
    db_session = get_session()
    if current_user.organisation_kind.is_authority:
        led = access.lead_tenders(db_session, current_user)
        shown = led + [t for t in access.published_tenders(db_session, current_user, members_only=True)
                       if t not in led]
    else:
        shown = access.published_tenders(db_session, current_user)
    return render_template("tenders/index.html", tenders=shown, progress=tenders.progress_of(db_session, shown))


@bp.route("/tenders/<int:tender_id>")
@tenant_owned(tender_id="tender")
def tender(tender_id: int):
    db_session = get_session()
    found = access.get_visible_tender(db_session, current_user, tender_id)
    lead = access.is_lead(db_session, current_user, found)
    bidder = current_user.has_role(Role.BIDDER) and not current_user.organisation_kind.is_authority
    return render_template(
        "tenders/tender.html", tender=found, is_lead=lead, is_bidder=bidder, now=clock.now(),
        progress=tenders.progress_of(db_session, [found]).get(found.id),
        interest=suppliers.interest_of(db_session, current_user, found) if bidder else None,
        own_summary=(bidder and found.opened_at is not None
                     and assessment_summaries.has_own(db_session, current_user, found)),
        questions=(clarifications.for_supplier(db_session, current_user, found) if bidder
                   else clarifications.published(db_session, found)),
        interested=suppliers.interested_suppliers(db_session, found) if lead else [],
        bid_count=access.submitted_count(db_session, current_user, found.id) if lead and found.published_at else 0,
        button=PublishForm(),
        lines=tender_schedule.lines(db_session, found), criteria=tender_schedule.criteria(db_session, found),
        documents=tender_schedule.documents(db_session, found),
        amendments=tenders.amendments(db_session, found), buyer=tenders.lead_name(db_session, found),
        problems=tenders.readiness(db_session, found, clock.now()) if lead and not found.published_at else [],
        opener_names=openers.opener_names(db_session, found) if lead else [],
        member_contract=(member_contracts.contract_of_tender(db_session, current_user, found)
                         if current_user.organisation_kind.is_authority and found.opened_at else None),
    )


@bp.route("/open-data/tenders/<reference>.json")
@public
def ocds_package(reference: str):
    """The tender's OCDS release package: open data, for anyone, once the tender is published."""
    from tenderapp.services import ocds

    db_session = get_session()
    found = ocds.published_tender(db_session, reference, clock.now())
    if found is None:
        abort(404)
    url = url_for("tenders.ocds_package", reference=reference, _external=True)
    package = ocds.release_package(db_session, found, url, current_app.config["OCDS_OCID_PREFIX"], clock.now())
    response = jsonify(package)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _details(form: DetailsForm) -> TenderDetails:
    return TenderDetails(
        reference=form.reference.data or "", title=form.title.data or "", description=form.description.data or "",
        regime=Regime(form.regime.data), light_touch=form.light_touch.data, cpv_code=form.cpv_code.data or "",
        estimated_value=form.estimated_value.amount, contract_start=form.contract_start.data,
        initial_term_months=form.initial_term_months.data, extensions_allowed=form.extensions_allowed.data or 0,
        extension_max_months=form.extension_max_months.data or 0)


@bp.route("/collaborations/<int:collaboration_id>/tenders/new", methods=["GET", "POST"])
@tenant_owned(ADMIN, collaboration_id="collaboration")
def new(collaboration_id: int):
    db_session = get_session()
    collaboration = access.get_led_collaboration(db_session, current_user, collaboration_id)
    form = DetailsForm()
    if form.validate_on_submit():
        try:
            created = tenders.create(db_session, current_user, collaboration.id, _details(form), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "reference")
        else:
            return back_to(created.id, "Draft tender created. Add the timetable, pricing schedule, criteria "
                                       "and specification, then publish it.")
    return render_template("tenders/details.html", form=form, collaboration=collaboration, tender=None), \
        status_code(form)


@bp.route("/tenders/<int:tender_id>/details", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def details(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = DetailsForm(obj=found)
    if not form.is_submitted() and found.estimated_value_pence is not None:
        form.estimated_value.data = f"{from_pence(found.estimated_value_pence):,.2f}"
    if form.validate_on_submit():
        try:
            tenders.update_details(db_session, current_user, found.id, _details(form), summary_of(form), clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "title")
        else:
            return back_to(found.id, "Tender details saved")
    return render_template("tenders/details.html", form=form, tender=found, collaboration=None), status_code(form)


def _fill_timetable(form: TimetableForm, found) -> None:
    for prefix, moment in (("publication", found.publication_at), ("clarification", found.clarification_deadline),
                           ("submission", found.submission_deadline)):
        if moment is not None:
            getattr(form, f"{prefix}_date").data = uk_date_of(moment)
            getattr(form, f"{prefix}_time").data = uk_time(moment)
    form.evaluation_date.data, form.award_date.data = found.evaluation_date, found.award_date
    form.shorter_period_ground.data = found.shorter_period_ground


@bp.route("/tenders/<int:tender_id>/timetable", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def timetable(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = TimetableForm()
    if not form.is_submitted():
        _fill_timetable(form, found)
    if form.validate_on_submit():
        try:
            if found.contract_start is None:
                raise RuleViolation("Add the contract start date in the tender details first", "submission_date")
            plan = Timetable(
                publication_at=_instant(form.publication_date.data, form.publication_time, "publication_time"),
                clarification_deadline=_instant(form.clarification_date.data, form.clarification_time,
                                                "clarification_time"),
                submission_deadline=_instant(form.submission_date.data, form.submission_time, "submission_time"),
                evaluation_date=form.evaluation_date.data, award_date=form.award_date.data,
                contract_start=found.contract_start, shorter_period_ground=form.shorter_period_ground.data)
            notes = tenders.set_timetable(db_session, current_user, found.id, plan, summary_of(form), clock.now())
        except RuleViolation as error:
            form.add_domain_error(_on_date_field(error), "submission_date")
        else:
            for note in notes:
                flash(note, "info")
            return back_to(found.id, "Timetable saved")
    return render_template("tenders/timetable.html", form=form, tender=found,
                           minimum_days=MINIMUM_DAYS[(Regime(found.regime), found.light_touch)]), status_code(form)


def _on_date_field(error: RuleViolation) -> RuleViolation:
    """Timetable rules name the deadline; the form shows it beside the deadline's date."""
    fields = {"publication_at": "publication_date", "clarification_deadline": "clarification_date",
              "submission_deadline": "submission_date", "contract_start": "award_date"}
    return RuleViolation(error.message, fields.get(error.field, error.field))


def _instant(day: date, time_field, field: str):
    try:
        return uk_instant(day, time_field.time)
    except ValueError as error:
        raise RuleViolation(f"{field_name(time_field)}: {error}", field) from None


@bp.route("/tenders/<int:tender_id>/weighting", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def weighting(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = WeightingForm(obj=found)
    if form.validate_on_submit():
        try:
            tenders.set_weighting(db_session, current_user, found.id, form.price_weight.data,
                                  PriceMethod(form.price_method.data), summary_of(form), clock.now(),
                                  form.abnormally_low_percent.data, form.spread_threshold.data)
        except RuleViolation as error:
            form.add_domain_error(error, "price_weight")
        else:
            return back_to(found.id, "Price weighting saved")
    quality = sum(tenders.criteria_weights(db_session, found))
    return render_template("tenders/weighting.html", form=form, tender=found, quality=quality), status_code(form)


@bp.route("/tenders/<int:tender_id>/conflicts", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def conflicts(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = ConflictsForm(assessment=found.conflicts_assessment)
    if form.validate_on_submit():
        try:
            tenders.record_conflicts_assessment(db_session, current_user, found.id, form.assessment.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error, "assessment")
        else:
            return back_to(found.id, "Conflicts assessment recorded")
    return render_template("tenders/conflicts.html", form=form, tender=found), status_code(form)


@bp.route("/tenders/<int:tender_id>/publish", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id="tender")
def publish(tender_id: int):
    db_session = get_session()
    found = access.get_lead_tender(db_session, current_user, tender_id)
    form = PublishForm()
    problems = tenders.readiness(db_session, found, clock.now()) if not found.published_at else []
    if form.validate_on_submit():
        try:
            tenders.publish(db_session, current_user, found.id, clock.now())
        except (RuleViolation, Conflict) as error:
            flash(error.message, "info")
        else:
            return back_to(found.id, f"Tender {found.reference} published. Suppliers can now register interest and bid.")
    agreements = ([] if found.published_at
                  else agreement_status.collaboration_agreements(db_session, found.collaboration_id))
    return render_template("tenders/publish.html", form=form, tender=found, problems=problems,
                           agreements=agreements)


from tenderapp.web.tenders import schedule  # noqa: E402,F401  (registers the schedule routes on bp)
from tenderapp.web.tenders import clarifications as _clarifications  # noqa: E402,F401
