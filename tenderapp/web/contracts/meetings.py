"""The meeting register: the provider records and corrects cases on its own contract's
register; the lead's admins read the whole register and set the meeting terms."""

from flask import render_template
from flask_login import current_user
from wtforms import SelectChoice

from tenderapp import access, clock
from tenderapp.db import get_session
from tenderapp.domain.meeting_charges import ChargingRules
from tenderapp.domain.meetings import Attendance, CertificateKind, FundingPartyKind, MeetingKind, Outcome, Requester
from tenderapp.domain.roles import Role
from tenderapp.formatting import money
from tenderapp.services import cost_shares as cost_share_service
from tenderapp.services import meeting_statements
from tenderapp.services import meetings as meeting_service
from tenderapp.services.meetings import CaseInput
from tenderapp.web.contracts.blueprint import bp, lead_contract, provider_contract
from tenderapp.web.contracts.meeting_forms import CaseForm, MeetingTermsForm
from tenderapp.web.flow import flashed, form_page
from tenderapp.web.guards import role_required

PROVIDER = Role.PROVIDER
_ENUM_FIELDS = {"attendance": Attendance, "funding_kind": FundingPartyKind, "outcome": Outcome,
                "certificate_kind": CertificateKind}


@bp.route("/registers")
@role_required(PROVIDER)
def registers():
    """The contracts whose meeting register the provider keeps."""
    return render_template("contracts/registers.html", contracts=access.provider_contracts(get_session(), current_user))


def _register_rows(contract, tender):
    """The register as both its provider and the lead read it: every case on the contract."""
    db_session = get_session()
    return meeting_service.register(db_session, contract, tender, access.contract_cases(db_session, contract),
                                    clock.now())


@bp.route("/contracts/<int:contract_id>/register")
@provider_contract
def register(contract, tender):
    rows = _register_rows(contract, tender)
    return render_template("contracts/register.html", contract=contract, tender=tender, rows=rows, provider=True)


def _case_form(tender, case=None) -> CaseForm:
    form = CaseForm()
    form.organisation_id.choices = [SelectChoice(0, "Select the authority")] + [
        SelectChoice(o.id, o.name) for o in cost_share_service.subscribers(get_session(), tender)]
    if case is not None and not form.is_submitted():
        for name in ("organisation_id", "reference", "kind", "requester", "day_told", "meeting_day", "cancelled_on",
                     "funding_name", "funding_agreed_on", "certificate_on", *_ENUM_FIELDS):
            value = getattr(case, name)
            form[name].data = value if value is not None or name not in _ENUM_FIELDS else ""
    return form


def _case_input(form: CaseForm) -> CaseInput:
    chosen = {name: kind(form[name].data) if form[name].data else None for name, kind in _ENUM_FIELDS.items()}
    return CaseInput(organisation_id=form.organisation_id.data, reference=form.reference.data,
                     kind=MeetingKind(form.kind.data), requester=Requester(form.requester.data),
                     day_told=form.day_told.data, meeting_day=form.meeting_day.data,
                     cancelled_on=form.cancelled_on.data, funding_name=form.funding_name.data,
                     funding_agreed_on=form.funding_agreed_on.data, certificate_on=form.certificate_on.data, **chosen)


@bp.route("/contracts/<int:contract_id>/register/new", methods=["GET", "POST"])
@provider_contract
def new_case(contract, tender):
    form = _case_form(tender)
    return form_page(form, "contracts/case.html", contract=contract, tender=tender, case=None,
                     action=lambda: meeting_service.record_case(get_session(), current_user, contract, tender,
                                                                _case_input(form), clock.now()),
                     done=flashed(lambda case: f"Case {case.reference} recorded", "contracts.register",
                                  contract_id=contract.id),
                     field="reference")


@bp.route("/contracts/<int:contract_id>/register/<int:case_id>", methods=["GET", "POST"])
@provider_contract
def edit_case(contract, tender, case_id: int):
    case = access.provider_case(get_session(), contract, case_id)
    form = _case_form(tender, case)
    return form_page(form, "contracts/case.html", contract=contract, tender=tender, case=case,
                     action=lambda: meeting_service.update_case(get_session(), current_user, contract, tender, case,
                                                                _case_input(form), clock.now()),
                     done=flashed(lambda saved: f"Case {saved.reference} saved", "contracts.register",
                                  contract_id=contract.id),
                     field="reference")


@bp.route("/contracts/<int:contract_id>/meetings")
@lead_contract
def meetings(contract, tender):
    """The lead's view of the whole register, with every authority's statement a link away."""
    db_session = get_session()
    rows = _register_rows(contract, tender)
    worked = meeting_statements.charged(db_session, contract)
    years = [(year, meeting_statements.funding_statements(worked, year)) for year in
             meeting_statements.periods(contract, meeting_statements.PeriodKind.YEAR)] if worked else []
    return render_template("contracts/register.html", contract=contract, tender=tender, rows=rows, provider=False,
                           authorities=cost_share_service.subscribers(db_session, tender),
                           terms=meeting_service.terms_of(db_session, contract),
                           funding_years=[(year, parties) for year, parties in years if parties])


def _terms_form(contract) -> MeetingTermsForm:
    db_session = get_session()
    form = MeetingTermsForm()
    choices = [SelectChoice(line.code, f"{line.code}: {line.description} ({money(line.price)})")
               for line in cost_share_service.lines(db_session, contract)]
    form.mediation_code.choices, form.dr_code.choices = choices, choices
    terms = meeting_service.terms_of(db_session, contract)
    if terms is not None and not form.is_submitted():
        form.mediation_code.data, form.dr_code.data = terms.mediation_code, terms.dr_code
        form.charge_late_cancellation.data = terms.rules.charge_late_cancellation
        form.late_cancellation_days.data = terms.rules.late_cancellation_days
        form.charge_non_attendance.data = terms.rules.charge_non_attendance
    return form


@bp.route("/contracts/<int:contract_id>/meeting-terms", methods=["GET", "POST"])
@lead_contract
def meeting_terms(contract, tender):
    form = _terms_form(contract)
    return form_page(form, "contracts/meeting_terms.html", contract=contract, tender=tender,
                     action=lambda: meeting_service.set_terms(
                         get_session(), current_user, contract, form.mediation_code.data, form.dr_code.data,
                         ChargingRules(form.charge_late_cancellation.data, form.late_cancellation_days.data,
                                       form.charge_non_attendance.data), clock.now()),
                     done=flashed("Meeting terms saved", "contracts.meetings", contract_id=contract.id),
                     field="mediation_code")
