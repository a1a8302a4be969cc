from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import EmailField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from tenderapp.domain.roles import OrganisationKind
from tenderapp.web.forms import BaseForm, MaxLength, RolesField, strip


class CollaborationForm(BaseForm):
    name = StringField(
        "Collaboration name", widget=GovTextInput(),
        description="For example, South East Group SEND Mediation",
        validators=[InputRequired(message="Enter a collaboration name"),
                    Length(max=200, message="Collaboration name must be 200 characters or fewer")],
    )
    submit = SubmitField("Create collaboration", widget=GovSubmitInput())


class ExistingMemberForm(BaseForm):
    organisation_id = SelectField(
        "Organisation", widget=GovSelect(), coerce=int,
        validators=[InputRequired(message="Select an organisation")],
    )
    submit = SubmitField("Add member", widget=GovSubmitInput())


AUTHORITY_KINDS = [SelectChoice(k.value, k.label) for k in OrganisationKind if k.is_authority]


class NewMemberForm(BaseForm):
    name = StringField(
        "Organisation name", widget=GovTextInput(),
        validators=[InputRequired(message="Enter the organisation's name"),
                    Length(max=200, message="Organisation name must be 200 characters or fewer")],
    )
    kind = RadioField(
        "Type of organisation", widget=GovRadioInput(), choices=AUTHORITY_KINDS,
        validators=[InputRequired(message="Select the type of organisation")],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class InvitationForm(BaseForm):
    full_name = StringField(
        "Full name", widget=GovTextInput(),
        validators=[InputRequired(message="Enter the person's full name"),
                    Length(max=200, message="Full name must be 200 characters or fewer")],
    )
    email = EmailField(
        "Email address", widget=GovTextInput(), filters=[strip],
        description="The invitation link is sent to this address",
        validators=[InputRequired(message="Enter an email address"),
                    MaxLength(320, message="Email address must be 320 characters or fewer"),
                    Email(message="Enter an email address in the correct format, like name@example.com",
                          check_deliverability=False)],
    )
    roles = RolesField("Roles", validators=[InputRequired(message="Select at least one role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RolesForm(BaseForm):
    roles = RolesField("Roles", validators=[InputRequired(message="Select at least one role")])
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class ResetTwoFactorForm(BaseForm):
    submit = SubmitField("Reset two-factor sign-in", widget=GovSubmitInput(), render_kw={"class": "govuk-button--warning"})
