"""Bid forms. The pricing and answer forms have one field per line or criterion of the
tender, so their classes are built for the tender at hand."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovFileInput, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, StringField, SubmitField, TextAreaField

from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.web.forms import BaseForm, RolesField


def prices_form(lines, data=None):
    class PricesForm(BaseForm):
        submit = SubmitField("Save prices", widget=GovSubmitInput())

    for number, line in enumerate(lines, start=1):
        setattr(PricesForm, f"line_{line.id}", StringField(
            f"Line {number}: {line.code}, {line.description}", widget=GovTextInput(),
            description=f"Unit price in pounds, {line.unit}. Evaluated at {line.evaluation_quantity:,}."))
    return PricesForm(data=data)


def answers_form(criteria, data=None):
    class AnswersForm(BaseForm):
        submit = SubmitField("Save answers", widget=GovSubmitInput())

    for criterion in criteria:
        setattr(AnswersForm, f"criterion_{criterion.id}", TextAreaField(
            f"{criterion.title} ({criterion.weight} marks)", widget=GovCharacterCount(),
            description=criterion.guidance))
    return AnswersForm(data=data)


class DeclarationsForm(BaseForm):
    declarations = RolesField("Declarations", choices=[SelectChoice(d, d) for d in REQUIRED_DECLARATIONS])
    submit = SubmitField("Save declarations", widget=GovSubmitInput())


class UploadForm(BaseForm):
    workbook = FileField("Filled-in pricing template", widget=GovFileInput(),
                         description="The .xlsx file you downloaded and filled in, smaller than 5MB")
    submit = SubmitField("Upload prices", widget=GovSubmitInput())


class AttachmentForm(BaseForm):
    attachment = FileField("File", widget=GovFileInput(), description="A PDF, Word or Excel file, smaller than 10MB")
    submit = SubmitField("Attach file", widget=GovSubmitInput())


class ButtonForm(BaseForm):
    submit = SubmitField("Submit your bid", widget=GovSubmitInput())
