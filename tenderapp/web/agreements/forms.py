from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderapp.web.forms import BaseForm, OrganisationsField

TEXT_LIMIT = 200_000


def _line(label: str, blank: str) -> StringField:
    """A required line of up to 200 characters."""
    return StringField(label, widget=GovTextInput(), validators=[
        InputRequired(message=blank), Length(max=200, message=f"{label} must be 200 characters or fewer")])


def _answer_text(label: str, presence, name: str, **options) -> TextAreaField:
    """A note of up to 2,000 characters that comes with a signatory's answer."""
    return TextAreaField(label, widget=GovCharacterCount(), validators=[
        presence, Length(max=2000, message=f"{name} must be 2,000 characters or fewer")], **options)


class AgreementForm(BaseForm):
    title = _line("Title", "Enter a title")
    body = TextAreaField(
        "Agreement text", widget=GovTextArea(),
        description="Write the agreement here, or upload it as a PDF below. You can use Markdown: "
                    "# for headings, - for lists, **bold**.",
        validators=[Optional(), Length(max=TEXT_LIMIT, message="Agreement text must be 200,000 characters or fewer")],
    )
    document = FileField("Or upload the agreement as a PDF", widget=GovFileInput(),
                         description="Smaller than 20MB")
    summary = TextAreaField(
        "Summary of the PDF", widget=GovTextArea(),
        description="Needed with a PDF: what the agreement commits members to, in plain English",
        validators=[Optional(), Length(max=5000, message="Summary must be 5,000 characters or fewer")],
    )
    change_summary = TextAreaField(
        "What has changed since the last version", widget=GovTextArea(),
        validators=[Optional(), Length(max=5000, message="Summary of changes must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save draft", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A button that only needs CSRF protection (issue, send reminders)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class VersionField(HiddenField):
    """The id of the version the person read. Anything else on the form reads as 0, which the
    service answers as a superseded version (the page then shows the current one)."""

    def process_formdata(self, valuelist):
        value = valuelist[0].strip() if valuelist else ""
        self.data = int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


class _AnswerForm(BaseForm):
    version_id = VersionField()
    organisation_ids = OrganisationsField(
        "Organisations you are answering for",
        validators=[InputRequired(message="Select the organisations you are answering for")],
    )


class InPrincipleForm(_AnswerForm):
    note = _answer_text("Note (optional)", Optional(), "Note",
                        description="For example, what approval is still needed and when: "
                                    "“subject to our governance board on 12 January”")
    submit = SubmitField("Record agreement in principle", widget=GovSubmitInput())


class DeclineForm(_AnswerForm):
    reason = _answer_text("Reason for declining", InputRequired(message="Enter the reason for declining"), "Reason")
    submit = SubmitField("Decline the agreement", widget=GovSubmitInput())


class SignForm(_AnswerForm):
    full_name = _line("Full name", "Enter your full name")
    job_title = _line("Job title", "Enter your job title")
    authorised = BooleanField(
        "I confirm that I am authorised to sign this agreement for the organisations selected",
        widget=GovCheckboxInput(),
        validators=[InputRequired(message="Confirm that you are authorised to sign for the organisations selected")],
    )
    password = PasswordField(
        "Your password", widget=GovPasswordInput(),
        description="Enter your Tenderapp password again to sign",
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign the agreement", widget=GovSubmitInput())


class RepresentationForm(BaseForm):
    representative_id = SelectField(
        "Organisation acting for others", widget=GovSelect(), coerce=int,
        validators=[InputRequired(message="Select the organisation that will act for the others")],
    )
    represented_ids = OrganisationsField(
        "Organisations it acts for",
        validators=[InputRequired(message="Select the organisations it acts for")],
    )
    reference = StringField(
        "Authority it relies on", widget=GovTextInput(),
        description="For example, a letter of authority or the minute of a governing body's decision",
        validators=[InputRequired(message="Enter the authority it relies on, such as a letter or minute reference"),
                    Length(max=500, message="Authority must be 500 characters or fewer")],
    )
    document = FileField("Copy of the authority (optional)", widget=GovFileInput(),
                         description="A PDF, smaller than 20MB")
    submit = SubmitField("Save", widget=GovSubmitInput())
