"""Forms of the meeting register: a case (referral, meeting, funding, outcome, certificate), and
the lead's meeting terms (the rates' price lines and the charging rules)."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional

from tenderapp.domain.meetings import (
    DATA_MINIMISATION_HINT,
    Attendance,
    CertificateKind,
    FundingPartyKind,
    MeetingKind,
    Outcome,
    Requester,
)
from tenderapp.web.forms import BaseForm, MaxLength, UKDateField
from tenderapp.web.tenders.forms import WholeNumberField, _whole


def _choices(kind, none: str | None = None) -> list[SelectChoice]:
    first = [SelectChoice("", none)] if none else []
    return first + [SelectChoice(k.value, k.label) for k in kind]


def _optional_date(label: str, hint: str | None = None) -> UKDateField:
    return UKDateField(f"{label} (optional)", description=hint, validators=[Optional()])


class CaseForm(BaseForm):
    organisation_id = SelectField("Member authority", widget=GovSelect(), coerce=int,
                                  validators=[InputRequired(message="Select the member authority the case is for")])
    reference = StringField("Case reference", widget=GovTextInput(), description=DATA_MINIMISATION_HINT,
                            validators=[InputRequired(message="Enter the case reference"),
                                        MaxLength(40, "Case reference must be 40 characters or fewer")])
    kind = RadioField("Kind of meeting", widget=GovRadioInput(), choices=_choices(MeetingKind),
                      validators=[InputRequired(message="Select the kind of meeting")])
    requester = RadioField("Who asked", widget=GovRadioInput(), choices=_choices(Requester),
                           validators=[InputRequired(message="Select who asked for the meeting")])
    day_told = UKDateField("Day the authority was told",
                           description="Mediation is due within 30 days of this day",
                           validators=[InputRequired(message="Enter the day the authority was told")])
    meeting_day = _optional_date("Meeting day", "The day the meeting is booked for, or was held")
    attendance = SelectField("What happened at the meeting", widget=GovSelect(),
                             choices=_choices(Attendance, "Not held yet"), default="")
    cancelled_on = _optional_date("Day the meeting was cancelled")
    funding_kind = SelectField("Funding party (disagreement resolution only)", widget=GovSelect(),
                               description="The party the parent or young person disagrees with pays for the meeting",
                               choices=_choices(FundingPartyKind, "None (mediation)"), default="")
    funding_name = StringField("Funding party's name (optional)", widget=GovTextInput(),
                               description="For example, Oakwood Primary School or NHS West Kent CCG",
                               validators=[Optional(), MaxLength(200, "Funding party name must be 200 characters "
                                                                      "or fewer")])
    funding_agreed_on = _optional_date("Day the funding party agreed to fund",
                                       "Needed before a disagreement-resolution meeting is held")
    outcome = SelectField("Outcome", widget=GovSelect(), choices=_choices(Outcome, "Not known yet"), default="")
    certificate_on = _optional_date("Day the mediation certificate was issued",
                                    "Due within 3 working days of the meeting, of the parent or young person "
                                    "declining mediation, or of the 30 days ending")
    certificate_kind = SelectField("Kind of certificate", widget=GovSelect(),
                                   choices=_choices(CertificateKind, "None issued yet"), default="")
    submit = SubmitField("Save the case", widget=GovSubmitInput())


class MeetingTermsForm(BaseForm):
    # Choices are the contract's price lines, set by the route; the service refuses any other code.
    mediation_code = RadioField("Price line for a mediation meeting", widget=GovRadioInput(), validate_choice=False,
                                validators=[InputRequired(message="Select the price line for a mediation meeting")])
    dr_code = RadioField("Price line for a disagreement-resolution meeting", widget=GovRadioInput(),
                         validate_choice=False,
                         validators=[InputRequired(message="Select the price line for a disagreement-resolution "
                                                           "meeting")])
    charge_late_cancellation = BooleanField("Charge for a meeting cancelled late", widget=GovCheckboxInput())
    late_cancellation_days = WholeNumberField("A cancellation is late with fewer than this many days' notice",
                                              default=2, validators=_whole("Days' notice", 0, 60))
    charge_non_attendance = BooleanField("Charge for a booked meeting no one attended", widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())
