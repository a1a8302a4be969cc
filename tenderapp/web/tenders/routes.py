"""Tenders: the list, the tender page, and the lead's builder (details, timetable,
weighting, conflicts assessment, publication). Lines, criteria and documents are in
``schedule.py``, questions in ``clarifications.py``, on the same blueprint."""

from datetime import date

from flask import abort, current_app, flash, jsonify, render_template, url_for
from flask_login import current_user

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.money import from_pence
from tenderapp.domain.tenders import MINIMUM_DAYS, PriceMethod, Regime, TenderStatus, Timetable
from tenderapp.domain.uk_time import uk_date_of, uk_instant
from tenderapp.formatting import uk_time
from tenderapp.services import agreement_status, tender_page, tenders
from tenderapp.services.tenders import TenderDetails
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.forms import field_name
from tenderapp.web.guards import public, signed_in, tenant_owned
from tenderapp.web.listing import list_status, pagination, read_filter
from tenderapp.web.tenders import clarifications as _clarifications  # noqa: F401  (registers its routes on bp)
from tenderapp.web.tenders import schedule as _schedule  # noqa: F401  (registers its routes on bp)
from tenderapp.web.tenders import timeline as _timeline  # noqa: F401  (registers its routes on bp)
from tenderapp.web.tenders.blueprint import ADMIN, back_to, bp, summary_of
from tenderapp.web.tenders.forms import ConflictsForm, DetailsForm, PublishForm, TimetableForm, WeightingForm

__all__ = ["bp"]


@bp.app_template_global()
def tender_status_of(tender, progress=None):
    return tenders.status_of(tender, clock.now(), progress)


@bp.app_template_global()
def regime_label(value: str) -> str:
    return Regime(value).label


@bp.app_template_global()
def price_method_label(value: str) -> str:
    return PriceMethod(value).label


@bp.route("/tenders")
@signed_in
def index():
    """The tenders the person may see, filtered by the GET parameters (see web/listing.py)."""
    db_session = get_session()
    filters, wanted = read_filter(statuses=[(s.value, s.label) for s in TenderStatus],
                                  collaborations=access.tender_list_collaborations(db_session, current_user),
                                  dates=("Submission deadline from", "Submission deadline to"))
    page = access.tender_list(db_session, current_user, wanted, clock.now()) if wanted else None
    return render_template("tenders/index.html", form=filters, wanted=wanted, page=page,
                           pages=pagination(page) if page else None,
                           progress=tenders.progress_of(db_session, page.items) if page else {}), list_status(filters)


@bp.route("/tenders/<int:tender_id>")
@tenant_owned(tender_id=access.get_visible_tender)
def tender(tender):
    page = tender_page.tender_page(get_session(), current_user, tender, clock.now())
    return render_template("tenders/tender.html", page=page, tender=tender, button=PublishForm())


@bp.route("/open-data/tenders/<path:reference>.json")
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
@tenant_owned(ADMIN, collaboration_id=access.get_led_collaboration)
def new(collaboration):
    form = DetailsForm()
    return form_page(
        form, "tenders/details.html", collaboration=collaboration, tender=None, field="reference",
        action=lambda: tenders.create(get_session(), current_user, collaboration, _details(form), clock.now()),
        done=flashed("Draft tender created. Add the timetable, pricing schedule, criteria and specification, "
                     "then publish it.", lambda created: url_for("tenders.tender", tender_id=created.id)))


@bp.route("/tenders/<int:tender_id>/details", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def details(tender):
    form = DetailsForm(obj=tender)
    if not form.is_submitted() and tender.estimated_value_pence is not None:
        form.estimated_value.data = f"{from_pence(tender.estimated_value_pence):,.2f}"
    return form_page(
        form, "tenders/details.html", tender=tender, collaboration=None, field="title",
        action=lambda: tenders.update_details(get_session(), current_user, tender, _details(form), summary_of(form),
                                              clock.now()),
        done=back_to(tender, "Tender details saved"))


def _fill_timetable(form: TimetableForm, found) -> None:
    for prefix, moment in (("publication", found.publication_at), ("clarification", found.clarification_deadline),
                           ("submission", found.submission_deadline)):
        if moment is not None:
            getattr(form, f"{prefix}_date").data = uk_date_of(moment)
            getattr(form, f"{prefix}_time").data = uk_time(moment)
    form.evaluation_date.data, form.award_date.data = found.evaluation_date, found.award_date
    form.shorter_period_ground.data = found.shorter_period_ground


def _save_timetable(form: TimetableForm, tender) -> list[str]:
    """The timetable typed, saved; a rule's message is put beside the date it names."""
    try:
        if tender.contract_start is None:
            raise RuleViolation("Add the contract start date in the tender details first", "submission_date")
        plan = Timetable(
            publication_at=_instant(form.publication_date.data, form.publication_time, "publication_time"),
            clarification_deadline=_instant(form.clarification_date.data, form.clarification_time,
                                            "clarification_time"),
            submission_deadline=_instant(form.submission_date.data, form.submission_time, "submission_time"),
            evaluation_date=form.evaluation_date.data, award_date=form.award_date.data,
            contract_start=tender.contract_start, shorter_period_ground=form.shorter_period_ground.data)
        return tenders.set_timetable(get_session(), current_user, tender, plan, summary_of(form), clock.now())
    except RuleViolation as error:
        raise _on_date_field(error) from None


def _timetable_saved(tender):
    def done(notes: list[str]):
        for note in notes:
            flash(note, "info")
        return back_to(tender, "Timetable saved")(notes)

    return done


@bp.route("/tenders/<int:tender_id>/timetable", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def timetable(tender):
    form = TimetableForm()
    if not form.is_submitted():
        _fill_timetable(form, tender)
    return form_page(form, "tenders/timetable.html", tender=tender, field="submission_date",
                     minimum_days=MINIMUM_DAYS[(Regime(tender.regime), tender.light_touch)],
                     action=lambda: _save_timetable(form, tender), done=_timetable_saved(tender))


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
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def weighting(tender):
    form = WeightingForm(obj=tender)
    db_session = get_session()
    return form_page(
        form, "tenders/weighting.html", tender=tender, field="price_weight",
        quality=sum(tenders.criteria_weights(db_session, tender)),
        action=lambda: tenders.set_weighting(db_session, current_user, tender, form.price_weight.data,
                                             PriceMethod(form.price_method.data), summary_of(form), clock.now(),
                                             form.abnormally_low_percent.data, form.spread_threshold.data),
        done=back_to(tender, "Price weighting saved"))


@bp.route("/tenders/<int:tender_id>/conflicts", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def conflicts(tender):
    form = ConflictsForm(assessment=tender.conflicts_assessment)
    return form_page(
        form, "tenders/conflicts.html", tender=tender, field="assessment",
        action=lambda: tenders.record_conflicts_assessment(get_session(), current_user, tender, form.assessment.data,
                                                           clock.now()),
        done=back_to(tender, "Conflicts assessment recorded"))


@bp.route("/tenders/<int:tender_id>/publish", methods=["GET", "POST"])
@tenant_owned(ADMIN, tender_id=access.get_lead_tender)
def publish(tender):
    db_session = get_session()
    form = PublishForm()
    problems = tenders.readiness(db_session, tender, clock.now()) if not tender.published_at else []
    if form.validate_on_submit():
        try:
            tenders.publish(db_session, current_user, tender, clock.now())
        except (RuleViolation, Conflict) as error:
            flash(error.message, "info")  # shown as a notice: the page lists what is missing
        else:
            return back_to(tender, f"Tender {tender.reference} published. Suppliers can now register interest "
                                   "and bid.")(tender)
    agreements = ([] if tender.published_at
                  else agreement_status.collaboration_agreements(db_session, tender.collaboration_id))
    return render_template("tenders/publish.html", form=form, tender=tender, problems=problems,
                           agreements=agreements)
