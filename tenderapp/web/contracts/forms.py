from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tenderapp.web.forms import BaseForm, UKDateField
from tenderapp.web.tenders.forms import WholeNumberField, _whole


class DecisionForm(BaseForm):
    number = StringField("Decision number", widget=GovTextInput(), description="For example, 14/00153",
                         validators=[InputRequired(message="Enter the decision number"), Length(max=40)])
    title = StringField("Title", widget=GovTextInput(), validators=[InputRequired(message="Enter the decision's title")])
    kind = RadioField("Type", widget=GovRadioInput(), choices=[SelectChoice("award", "Award"),
                      SelectChoice("extension", "Extension"), SelectChoice("other", "Other")],
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
    summary = TextAreaField("Summary", widget=GovTextArea(), validators=[InputRequired(message="Enter a summary of the decision")])
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
