"""Bid forms. The pricing and answer forms have one field per line or criterion of the
tender, so their classes are built for the tender at hand."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tenderapp.domain.bids import REQUIRED_DECLARATIONS
from tenderapp.web.forms import BaseForm, OrganisationsField, RolesField, strip
from tenderapp.web.tenders.forms import WholeNumberField, WholeNumberRange


def prices_form(lines, saved: dict[str, str] | None = None):
    """One price field per line, filled with the ``saved`` prices (by line code) when given."""

    class PricesForm(BaseForm):
        submit = SubmitField("Save prices", widget=GovSubmitInput())

        def typed(self) -> dict[str, str]:
            """What was typed, by line code."""
            return {line.code: self[f"line_{line.id}"].data for line in lines}

        def add_domain_error(self, error, default_field=None):
            """Prices that could not be read are shown each beside its own line."""
            by_line = getattr(error, "errors", None)
            if not isinstance(by_line, dict):
                return super().add_domain_error(error, default_field)
            for line in lines:
                if line.code in by_line:
                    self[f"line_{line.id}"].errors = [by_line[line.code]]

    for number, line in enumerate(lines, start=1):
        setattr(PricesForm, f"line_{line.id}", StringField(
            f"Line {number}: {line.code}, {line.description}", widget=GovTextInput(),
            description=f"Unit price in pounds, {line.unit}. Evaluated at {line.evaluation_quantity:,}."))
    return PricesForm(data=None if saved is None else {f"line_{line.id}": saved.get(line.code, "") for line in lines})


def answers_form(criteria, saved: dict[str, str] | None = None):
    """One answer per criterion, filled with the ``saved`` answers (by criterion id) when given."""

    class AnswersForm(BaseForm):
        submit = SubmitField("Save answers", widget=GovSubmitInput())

        def typed(self) -> dict[str, str]:
            """What was typed, by criterion id (as text)."""
            return {str(c.id): self[f"criterion_{c.id}"].data for c in criteria}

    for criterion in criteria:
        setattr(AnswersForm, f"criterion_{criterion.id}", TextAreaField(
            f"{criterion.title} ({criterion.weight} marks)", widget=GovCharacterCount(),
            description=criterion.guidance))
    return AnswersForm(data=None if saved is None else {f"criterion_{c.id}": saved.get(str(c.id), "")
                                                        for c in criteria})


class DeclarationsForm(BaseForm):
    declarations = RolesField("Declarations", choices=[SelectChoice(d, d) for d in REQUIRED_DECLARATIONS])
    submit = SubmitField("Save declarations", widget=GovSubmitInput())


class UploadForm(BaseForm):
    workbook = FileField("Filled-in pricing template", widget=GovFileInput(),
                         description="The .xlsx file you downloaded and filled in, smaller than 5MB")
    submit = SubmitField("Upload prices", widget=GovSubmitInput())
    problems: tuple[str, ...] = ()  # every problem found in the workbook sent, listed on the page

    def add_domain_error(self, error, default_field=None):
        self.problems = tuple(getattr(error, "problems", ()))
        super().add_domain_error(error, default_field)


class AttachmentForm(BaseForm):
    attachment = FileField("File", widget=GovFileInput(), description="A PDF, Word or Excel file, smaller than 10MB")
    submit = SubmitField("Attach file", widget=GovSubmitInput())


class ButtonForm(BaseForm):
    submit = SubmitField("Submit your bid", widget=GovSubmitInput())


class OpenersForm(BaseForm):
    """The bid openers: checkboxes of the lead's procurement admins, and how many must turn a key."""

    # every id is checked by the service (another tenant's person: not found; one without
    # two-factor sign-in: a message naming them), so the list's own choice check is off
    openers = OrganisationsField("Bid openers", validate_choice=False,
                                 description="Procurement admins of your authority with two-factor sign-in set up. "
                                 "Name at least one more than the quorum, so the box can still be opened if someone "
                                 "is away.")
    quorum = WholeNumberField("How many openers must turn a key", widget=GovTextInput(),
                              description="At least 2", validators=[
                                  InputRequired(message="Enter how many openers must turn a key"),
                                  WholeNumberRange(min=2, max=20,
                                                   message="At least 2 openers, and at most 20, must turn a key")])
    submit = SubmitField("Save the bid openers", widget=GovSubmitInput())


class ReplacementForm(BaseForm):
    leaving = SelectField("Opener who has left", coerce=int, widget=GovSelect())
    nominee = SelectField("Replacement opener", coerce=int, widget=GovSelect(),
                          description="Only a procurement admin who had the role and two-factor sign-in before the "
                                      "submission deadline")
    reason = TextAreaField("Reason", widget=GovTextArea(), filters=[strip],
                           description="For example: left the council on 3 March. This is shown on the opening record.",
                           validators=[InputRequired(message="Enter the reason the opener is being replaced"),
                                       Length(max=2000, message="Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Propose the replacement", widget=GovSubmitInput())
