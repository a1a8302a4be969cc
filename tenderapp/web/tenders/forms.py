import re

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from tenderapp.domain.tenders import PriceMethod, Regime
from tenderapp.domain.text import has_other_digits
from tenderapp.web.forms import (
    BaseForm,
    ClockTimeField,
    MaxLength,
    MoneyField,
    UKDateField,
    field_name,
)

_WHOLE = re.compile(r"-?[0-9]+")


class AmendmentMixin:
    amendment_summary = TextAreaField(
        "Summary of the change for suppliers", widget=GovTextArea(),
        description="The tender is published: every interested supplier is sent this summary",
        validators=[Optional(), Length(max=2000, message="Summary must be 2,000 characters or fewer")],
    )


class WholeNumberField(IntegerField):
    """A whole number typed with the digits 0 to 9, with a GOV.UK message naming the field.
    (int() alone would also take ٣, 1_000 and +5.)"""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        label = field_name(self)
        typed = valuelist[0].strip() if valuelist and isinstance(valuelist[0], str) else ""
        if typed and has_other_digits(typed):
            self.data = None
            raise ValueError(f"{label} must be a whole number using the digits 0 to 9, like 12")
        if typed and not _WHOLE.fullmatch(typed):
            self.data = None
            raise ValueError(f"{label} must be a whole number, like 12")
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{label} must be a whole number, like 12") from None


class WholeNumberRange(NumberRange):
    """NumberRange for whole numbers of any size: NumberRange turns the number into a float
    first, which fails for one of more than 308 digits."""

    def __call__(self, form, field):
        if not (isinstance(field.data, int) and self.min <= field.data <= self.max):
            raise ValidationError(self.message)


def _whole(label, minimum=0, maximum=1000, required=True):
    validators = [InputRequired(message=f"Enter the {label.lower()}")] if required else [Optional()]
    return validators + [WholeNumberRange(min=minimum, max=maximum,
                                          message=f"{label} must be a whole number between {minimum} and {maximum}")]


class DetailsForm(AmendmentMixin, BaseForm):
    reference = StringField("Reference", widget=GovTextInput(), description="For example, SC14027",
                            validators=[InputRequired(message="Enter a reference"), Length(max=50)])
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter a title"), Length(max=200)])
    description = TextAreaField("Description", widget=GovTextArea(),
                                description="What is being bought, for whom, and why",
                                validators=[InputRequired(message="Enter a description of what is being bought")])
    regime = RadioField("Procurement regime", widget=GovRadioInput(), default=Regime.PA2023.value,
                        choices=[SelectChoice(r.value, r.label) for r in Regime],
                        validators=[InputRequired(message="Select the procurement regime")])
    light_touch = BooleanField("This is a light-touch contract (social and other special services, "
                               "such as SEND mediation)", widget=GovCheckboxInput())
    cpv_code = StringField("CPV code", widget=GovTextInput(), description="For example, 79995000",
                           validators=[InputRequired(message="Enter a CPV code, like 79995000")])
    estimated_value = MoneyField("Estimated total value (optional)", description="In pounds, for example £1,200,000",
                                 noun="an amount")
    contract_start = UKDateField("Contract start date", description="For example, 1 4 2015", validators=[Optional()])
    initial_term_months = WholeNumberField("Initial term (months)",
                                       validators=_whole("Initial term", 1, 240, required=False))
    extensions_allowed = WholeNumberField("Number of optional extensions", widget=GovTextInput(), default=0,
                                      validators=_whole("Number of extensions", 0, 10))
    extension_max_months = WholeNumberField("Longest each extension may be (months)", widget=GovTextInput(),
                                        default=0, validators=_whole("Extension length", 0, 120, required=False))
    submit = SubmitField("Save", widget=GovSubmitInput())


class TimetableForm(AmendmentMixin, BaseForm):
    publication_date = UKDateField("Publication date", validators=[InputRequired(message="Enter the publication date")])
    publication_time = ClockTimeField("Publication time", description="UK time, for example 9am",
                                      validators=[InputRequired(message="Enter the publication time")])
    clarification_date = UKDateField("Clarification deadline", validators=[
        InputRequired(message="Enter the clarification deadline")])
    clarification_time = ClockTimeField("Clarification deadline time", description="UK time, for example 5pm",
                                        validators=[InputRequired(message="Enter the clarification deadline time")])
    submission_date = UKDateField("Submission deadline", validators=[
        InputRequired(message="Enter the submission deadline")])
    submission_time = ClockTimeField("Submission deadline time", description="UK time, for example midday",
                                     validators=[InputRequired(message="Enter the submission deadline time")])
    evaluation_date = UKDateField("Planned evaluation (optional)", validators=[Optional()])
    award_date = UKDateField("Planned award (optional)", validators=[Optional()])
    shorter_period_ground = TextAreaField(
        "Legal ground for a shorter period (optional)", widget=GovTextArea(),
        description="Only when the tendering period is shorter than the minimum the regime sets: the provision "
                    "relied on and why it applies. Suppliers see it with the timetable.",
        validators=[Optional(), MaxLength(2000, "Legal ground for a shorter period must be 2,000 characters or fewer")])
    submit = SubmitField("Save timetable", widget=GovSubmitInput())


class LineForm(AmendmentMixin, BaseForm):
    code = StringField("Code", widget=GovTextInput(), description="Short and unique, like CORE-Y1",
                       validators=[InputRequired(message="Enter a code for the line, like CORE-Y1"), Length(max=20)])
    description = StringField("Description", widget=GovTextInput(),
                              validators=[InputRequired(message="Enter a description"), Length(max=300)])
    unit = StringField("Unit", widget=GovTextInput(), description="For example, per authority per year",
                       validators=[InputRequired(message="Enter the unit, like per authority per year"),
                                   Length(max=60)])
    evaluation_quantity = WholeNumberField("Evaluation quantity", widget=GovTextInput(),
                                       description="How many of this unit the evaluation prices, for example 16",
                                       validators=_whole("Evaluation quantity", 0, 1_000_000))
    per_authority = BooleanField("The price is per authority", widget=GovCheckboxInput())
    submit = SubmitField("Save line", widget=GovSubmitInput())


DEFAULT_DESCRIPTORS = """0 – No answer, or an answer that does not address the question
1 – Poor: major gaps or concerns
2 – Weak: some gaps or concerns
3 – Satisfactory: meets the requirement
4 – Good: meets it with some added value
5 – Excellent: fully meets it with clear added value"""


class CriterionForm(AmendmentMixin, BaseForm):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter the criterion's title"), Length(max=200)])
    guidance = TextAreaField("Guidance for bidders", widget=GovTextArea(),
                             validators=[InputRequired(
                                 message="Enter guidance for bidders: what a good answer covers")])
    weight = WholeNumberField("Weighting", widget=GovTextInput(), description="Its share of the 100 marks",
                          validators=_whole("Weighting", 1, 100))
    max_score = WholeNumberField("Maximum score", widget=GovTextInput(), default=5,
                                 validators=_whole("Maximum score", 1, 10))
    min_score = WholeNumberField("Minimum score to pass (optional)", widget=GovTextInput(),
                             validators=_whole("Minimum score", 0, 10, required=False))
    descriptors = TextAreaField("Score descriptors", widget=GovTextArea(), default=DEFAULT_DESCRIPTORS,
                                validators=[InputRequired(
                                    message="Enter the score descriptors, one line for each score")])
    word_limit = WholeNumberField("Word limit for answers", widget=GovTextInput(), default=1000,
                              validators=_whole("Word limit", 50, 10000))
    submit = SubmitField("Save criterion", widget=GovSubmitInput())


class WeightingForm(AmendmentMixin, BaseForm):
    price_weight = WholeNumberField("Price weighting", widget=GovTextInput(),
                                description="Out of 100; the quality criteria share the rest",
                                validators=_whole("Price weighting", 0, 100))
    price_method = RadioField("How price is scored", widget=GovRadioInput(),
                              choices=[SelectChoice(m.value, m.label) for m in PriceMethod],
                              validators=[InputRequired(message="Select how price is scored")])
    abnormally_low_percent = WholeNumberField(
        "Abnormally low threshold (%)", default=80,
        description="A price under this share of the mean of the other compliant bids is flagged for investigation",
        validators=_whole("Abnormally low threshold", 1, 100, required=False))
    spread_threshold = WholeNumberField(
        "Wide disagreement between evaluators (points)", default=2,
        description="Evaluators' scores this far apart are flagged for moderation",
        validators=_whole("Wide disagreement", 1, 10, required=False))
    submit = SubmitField("Save", widget=GovSubmitInput())


class DocumentForm(AmendmentMixin, BaseForm):
    title = StringField("Title", widget=GovTextInput(), description="For example, Specification",
                        validators=[InputRequired(message="Enter a title for the document, like Specification")])
    document = FileField("File", widget=GovFileInput(), description="A PDF, Word or Excel file, smaller than 20MB")
    submit = SubmitField("Upload", widget=GovSubmitInput())


class ConflictsForm(BaseForm):
    assessment = TextAreaField(
        "Conflicts assessment", widget=GovTextArea(),
        description="Who involved in this procurement was asked about conflicts of interest, what was declared, "
                    "and how each conflict is managed",
        validators=[InputRequired(message="Describe the conflicts assessment")])
    submit = SubmitField("Record the assessment", widget=GovSubmitInput())


class AmendmentOnlyForm(AmendmentMixin, BaseForm):
    """Remove a line, criterion or document (with a summary once published)."""

    submit = SubmitField("Remove", widget=GovSubmitInput())


class PublishForm(BaseForm):
    submit = SubmitField("Publish the tender", widget=GovSubmitInput())
