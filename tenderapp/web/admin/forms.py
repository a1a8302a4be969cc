"""The administration's forms; those offering choices fill them from the values the route hands them."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tenderapp.domain.identifiers import BY_CODE, SCHEMES, Scheme
from tenderapp.domain.roles import OrganisationKind, allowed_roles
from tenderapp.web.forms import BaseForm, RolesField, address_to_write_to, role_choices, strip


def _name(label: str, missing: str, noun: str, **kwargs) -> StringField:
    """A required single line of at most 200 characters."""
    return StringField(label, widget=GovTextInput(), **kwargs,
                       validators=[InputRequired(message=missing),
                                   Length(max=200, message=f"{noun} must be 200 characters or fewer")])


class CollaborationForm(BaseForm):
    name = _name("Collaboration name", "Enter a collaboration name", "Collaboration name",
                 description="For example, South East Group SEND Mediation")
    submit = SubmitField("Create collaboration", widget=GovSubmitInput())


class ExistingMemberForm(BaseForm):
    organisation_id = SelectField(
        "Organisation", widget=GovSelect(), coerce=int,
        validators=[InputRequired(message="Select an organisation")],
    )
    submit = SubmitField("Add member", widget=GovSubmitInput())

    def __init__(self, organisations, **kwargs):
        """``organisations``: those that may be added."""
        super().__init__(**kwargs)
        self.organisations = list(organisations)
        self.organisation_id.choices = [SelectChoice(0, "Select an organisation")] + [
            SelectChoice(o.id, o.name) for o in self.organisations]

    def chosen(self):
        """The organisation chosen, or None."""
        return next((o for o in self.organisations if o.id == self.organisation_id.data), None)


AUTHORITY_KINDS = [SelectChoice(k.value, k.label) for k in OrganisationKind if k.is_authority]


class NewMemberForm(BaseForm):
    name = _name("Organisation name", "Enter the organisation's name", "Organisation name")
    kind = RadioField(
        "Type of organisation", widget=GovRadioInput(), choices=AUTHORITY_KINDS,
        validators=[InputRequired(message="Select the type of organisation")],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class _RolesOfOrganisation(BaseForm):
    """A form whose ``roles`` offers the roles people of the organisation may hold."""

    def __init__(self, organisation, **kwargs):
        super().__init__(**kwargs)
        self.roles.choices = role_choices(allowed_roles(OrganisationKind(organisation.kind)))


class InvitationForm(_RolesOfOrganisation):
    full_name = _name("Full name", "Enter the person's full name", "Full name")
    email = address_to_write_to("Email address", "Enter an email address",
                                "The invitation link is sent to this address")
    roles = RolesField("Roles", validators=[InputRequired(message="Select at least one role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class RolesForm(_RolesOfOrganisation):
    roles = RolesField("Roles", validators=[InputRequired(message="Select at least one role")])
    submit = SubmitField("Save roles", widget=GovSubmitInput())


class ResetTwoFactorForm(BaseForm):
    submit = SubmitField("Reset two-factor sign-in", widget=GovSubmitInput(),
                         render_kw={"class": "govuk-button--warning"})


class RetryMessageForm(BaseForm):
    submit = SubmitField("Try again", widget=GovSubmitInput(), render_kw={"class": "govuk-button--secondary"})


def _identifier_field(scheme: Scheme) -> StringField:
    return StringField(f"{scheme.name[0].upper()}{scheme.name[1:]} ({scheme.code}, optional)", widget=GovTextInput(),
                       filters=[strip], description=f"{scheme.register}. For example, {scheme.example}",
                       validators=[Length(max=40, message=f"{scheme.name[0].upper()}{scheme.name[1:]} must be "
                                                          "40 characters or fewer")])


class IdentifiersForm(BaseForm):
    """One optional field per scheme (``gb_coh`` for GB-COH, ...): blank removes the identifier."""

    gb_lae = _identifier_field(BY_CODE["GB-LAE"])
    gb_nhs = _identifier_field(BY_CODE["GB-NHS"])
    gb_coh = _identifier_field(BY_CODE["GB-COH"])
    gb_chc = _identifier_field(BY_CODE["GB-CHC"])
    gb_sc = _identifier_field(BY_CODE["GB-SC"])
    gb_edu = _identifier_field(BY_CODE["GB-EDU"])
    gb_ppon = _identifier_field(BY_CODE["GB-PPON"])
    submit = SubmitField("Save identifiers", widget=GovSubmitInput())

    def fill(self, identifiers) -> None:
        """Shows the organisation's current identifiers, unless the form was sent."""
        if not self.is_submitted():
            for identifier in identifiers:
                getattr(self, BY_CODE[identifier.scheme].field).data = identifier.id

    def values(self) -> dict[str, str | None]:
        return {scheme.code: getattr(self, scheme.field).data for scheme in SCHEMES}

    def identifier_fields(self):
        return [getattr(self, scheme.field) for scheme in SCHEMES]
