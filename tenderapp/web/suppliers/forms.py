from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderapp.web.auth.forms import AcceptInvitationForm
from tenderapp.web.forms import BaseForm, address_to_write_to, strip


class RegistrationForm(BaseForm):
    organisation_name = StringField(
        "Organisation name", widget=GovTextInput(), filters=[strip],
        validators=[InputRequired(message="Enter your organisation's name"), Length(max=200)])
    company_number = StringField(
        "Companies House number (optional)", widget=GovTextInput(), filters=[strip],
        description="For example, 01234567 or SC123456. Leave blank if your organisation is not a company.",
        validators=[Optional(), Length(max=10)])
    address = TextAreaField("Registered address", widget=GovTextArea(),
                            validators=[InputRequired(message="Enter your organisation's address"), Length(max=1000)])
    contact_name = StringField("Your full name", widget=GovTextInput(), filters=[strip],
                               validators=[InputRequired(message="Enter your full name"), Length(max=200)])
    email = address_to_write_to("Your email address", "Enter your email address",
                                "We will send a link to this address to confirm it")
    submit = SubmitField("Register", widget=GovSubmitInput())


class ConfirmRegistrationForm(AcceptInvitationForm):
    submit = SubmitField("Finish registering", widget=GovSubmitInput())


class QuestionForm(BaseForm):
    question = TextAreaField(
        "Your question", widget=GovTextArea(),
        description="The buyer usually publishes the answer to every interested supplier, without saying who asked",
        validators=[InputRequired(message="Enter your question"),
                    Length(max=5000, message="Question must be 5,000 characters or fewer")])
    submit = SubmitField("Send question", widget=GovSubmitInput())


class AnswerForm(BaseForm):
    answer = TextAreaField("Answer", widget=GovTextArea(), validators=[InputRequired(message="Enter the answer")])
    visibility = RadioField(
        "Who sees the answer", widget=GovRadioInput(), default="published",
        choices=[SelectChoice("published", "Every interested supplier, without saying who asked"),
                 SelectChoice("private", "Only the supplier who asked")],
        validators=[InputRequired(message="Select who sees the answer")])
    private_reason = TextAreaField(
        "Why is this answer private? (needed for a private reply)", widget=GovTextArea(),
        description="For example, the question is about the supplier's own commercially sensitive arrangements",
        validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Send answer", widget=GovSubmitInput())
