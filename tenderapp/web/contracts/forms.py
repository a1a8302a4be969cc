from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from tenderapp.domain.decisions import DecisionKind, DocumentKind
from tenderapp.web.forms import BaseForm, MaxLength, MoneyField, UKDateField
from tenderapp.web.tenders.forms import WholeNumberField, _whole


class DecisionForm(BaseForm):
    number = StringField("Decision number", widget=GovTextInput(), description="For example, 14/00153",
                         validators=[InputRequired(message="Enter the decision number"), Length(max=40)])
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter the decision's title")])
    kind = RadioField("Type", widget=GovRadioInput(), choices=[SelectChoice(k.value, k.label) for k in DecisionKind],
                      validators=[InputRequired(message="Select the type of decision")])
    key_decision = BooleanField("This is a key decision", widget=GovCheckboxInput())
    decision_maker = StringField("Taken by", widget=GovTextInput(),
                                 description="For example, Cabinet Member for Education and Health Reform",
                                 validators=[InputRequired(message="Enter who took the decision")])
    forum = StringField("Endorsed by (optional)", widget=GovTextInput(),
                        description="For example, Education and Young People's Services Cabinet Committee",
                        validators=[Optional()])
    delegation_reference = StringField("Delegation (optional)", widget=GovTextInput(),
                                       description="For an officer decision, the delegation it relies on",
                                       validators=[Optional()])
    summary = TextAreaField("Summary", widget=GovTextArea(),
                            validators=[InputRequired(message="Enter a summary of the decision")])
    endorsed_on = UKDateField("Endorsed on (optional)", validators=[Optional()])
    taken_on = UKDateField("Taken on (optional)", validators=[Optional()])
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class AwardForm(BaseForm):
    decision_id = SelectField("Award decision", widget=GovSelect(), coerce=int,
                              validators=[InputRequired(message="Select the award decision")])
    notice_on = UKDateField("Notice date", description="Procurement Act 2023: the day the contract award notice is "
                            "published. 2015 regulations: the day the decision notice is sent.",
                            validators=[InputRequired(message="Enter the notice date")])
    submit = SubmitField("Record the award", widget=GovSubmitInput())


class NoticeDateForm(BaseForm):
    notice_on = UKDateField("Correct notice date", description="Procurement Act 2023: the day the contract award "
                            "notice was published. 2015 regulations: the day the decision notice was sent.",
                            validators=[InputRequired(message="Enter the correct notice date")])
    reason = TextAreaField("Why the date is being corrected", widget=GovTextArea(),
                           description="For example, the notice was published a day later than recorded",
                           validators=[InputRequired(message="Enter why the notice date is being corrected"),
                                       MaxLength(2000, "Reason must be 2,000 characters or fewer")])
    submit = SubmitField("Correct the notice date", widget=GovSubmitInput())


class EntryForm(BaseForm):
    signed_on = UKDateField("Date the contract was entered into",
                            validators=[InputRequired(message="Enter the date the contract was entered into")])
    submit = SubmitField("Record", widget=GovSubmitInput())


class ExtensionForm(BaseForm):
    decision_id = SelectField("Extension decision", widget=GovSelect(), coerce=int,
                              validators=[InputRequired(message="Select the extension decision")])
    months = WholeNumberField("Length of the extension (months)", validators=_whole("Length of the extension", 1, 120))
    decided_by = StringField("Decided by", widget=GovTextInput(), description="The officer, under the delegation",
                             validators=[InputRequired(message="Enter who took the decision")])
    consulted = StringField("Consulted (optional)", widget=GovTextInput(),
                            description="For example, the Cabinet Member for Education", validators=[Optional()])
    decided_on = UKDateField("Decided on", validators=[InputRequired(message="Enter the date of the decision")])
    submit = SubmitField("Record the extension", widget=GovSubmitInput())


class BasisForm(BaseForm):
    # Choices are the contract's price lines, set by the route; the service refuses any other
    # code with a message beside the field, so the fields do not check choices themselves.
    core_codes = SelectMultipleField("Core subscription lines", widget=GovCheckboxesInput(), validate_choice=False,
                                     description="Select the line for each year of the contract, in year order. "
                                                 "An extension year after the last line you select pays its own "
                                                 "extension line (such as EXT-Y4) if the contract has one, and "
                                                 "otherwise that last line's price again.",
                                     validators=[InputRequired(message="Select the core subscription lines")])
    payg_code = RadioField("Pay-as-you-go meeting line", widget=GovRadioInput(), validate_choice=False,
                           validators=[InputRequired(message="Select the pay-as-you-go meeting line")])
    included_meetings = WholeNumberField("Meetings included in the core subscription (for the contract's lifetime)",
                                         validators=_whole("Included meetings", 0, 1000))
    procurement_cost = MoneyField("Shared procurement cost", description="Split between the member authorities",
                                  noun="an amount")
    weighted = BooleanField("Split the procurement cost by each authority's weight, not equally",
                            widget=GovCheckboxInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class BaselineForm(BaseForm):
    previous_cost = MoneyField("Previous contract cost a year (optional)", noun="an amount")
    meetings_per_year = WholeNumberField("Expected meetings a year", validators=_whole("Expected meetings", 0, 10000))
    weight = WholeNumberField("Weight for the procurement cost split", default=1, validators=_whole("Weight", 0, 1000))
    submit = SubmitField("Save", widget=GovSubmitInput())


class SummaryForm(BaseForm):
    body = TextAreaField("Assessment summary", widget=GovTextArea(),
                         description="Plain text. The supplier reads exactly this, in Tenderapp and by email.",
                         validators=[InputRequired(message="Enter the summary")])
    submit = SubmitField("Save the summary", widget=GovSubmitInput())


class ActionForm(BaseForm):
    """A button that changes something: the form carries only the CSRF token."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ChangeNoticeForm(BaseForm):
    published_on = UKDateField("Date the contract change notice (UK10) was published",
                               validators=[InputRequired(message="Enter the date the notice was published")])
    submit = SubmitField("Record the notice", widget=GovSubmitInput())


class DecisionDocumentForm(BaseForm):
    kind = RadioField("Kind of document", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, k.label) for k in DocumentKind],
                      validators=[InputRequired(message="Select the kind of document")])
    title = StringField("Title", widget=GovTextInput(), description="For example, Report to the Cabinet Committee",
                        validators=[InputRequired(message="Enter a title for the document")])
    document = FileField("File", widget=GovFileInput(), description="A PDF, Word or Excel file, smaller than 20MB")
    submit = SubmitField("Upload", widget=GovSubmitInput())
