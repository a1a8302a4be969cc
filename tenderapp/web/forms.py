"""Shared form pieces."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovTextInput
from wtforms import DateField, EmailField, PasswordField, SelectChoice, SelectMultipleField, StringField
from wtforms.utils import unset_value
from wtforms.validators import Email, InputRequired, Length, StopValidation, ValidationError

from tenderapp.domain.errors import DomainError
from tenderapp.domain.money import MoneyError, parse_amount
from tenderapp.domain.roles import Role
from tenderapp.domain.uk_time import parse_clock_time


def strip(value):
    """A field filter: pasted addresses and names often carry spaces at either end."""
    return value.strip() if isinstance(value, str) else value


def without_nul(value):
    """A field filter: a NUL character means nothing in text, and PostgreSQL cannot store one
    (saving it was a server error there)."""
    return value.replace("\x00", "") if isinstance(value, str) else value


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Every text field drops NUL characters; a password is kept exactly as typed."""
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                options = {**options, "filters": [without_nul, *unbound_field.kwargs.get("filters", ())]}
            return super().bind_field(form, unbound_field, options)

    def add_domain_error(self, error: DomainError, default_field: str | None = None) -> None:
        """Shows a rule's message beside its field (or ``default_field``)."""
        name = error.field if error.field in self._fields else default_field
        if name is None:
            name = next(iter(k for k in self._fields if k != "csrf_token"))
        self._fields[name].errors = list(self._fields[name].errors or []) + [error.message]


def field_name(field) -> str:
    """The field's label as an error message names it: "Taken on (optional)" is "Taken on"."""
    return field.label.text.replace(" (optional)", "").strip()


class MaxLength(Length):
    """Length(max=...) that ends the field's checks when the text is too long, so that a costly
    check after it (an email address's syntax takes seconds on a megabyte) never runs."""

    def __init__(self, max: int, message: str):
        super().__init__(max=max, message=message)

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None


def address_to_write_to(label: str, missing: str, description: str) -> EmailField:
    """A required email address that a link is about to be sent to: at most 320 characters
    (checked first, so a huge value never reaches the syntax check) and well formed."""
    return EmailField(label, widget=GovTextInput(), filters=[strip], description=description,
                      validators=[InputRequired(message=missing),
                                  MaxLength(320, message="Email address must be 320 characters or fewer"),
                                  Email(message="Enter an email address in the correct format, like name@example.com",
                                        check_deliverability=False)])


class RolesField(SelectMultipleField):
    widget = GovCheckboxesInput()


def role_choices(roles) -> list[SelectChoice]:
    order = list(Role)
    return [SelectChoice(r.value, r.label) for r in sorted(roles, key=order.index)]


class OrganisationsField(SelectMultipleField):
    """Checkboxes of organisation ids."""

    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=int, **kwargs)


def organisation_choices(organisations) -> list[SelectChoice]:
    return [SelectChoice(o.id, o.name) for o in organisations]


def uploaded(field) -> tuple[bytes | None, str | None]:
    """The bytes and name of an uploaded file, or (None, None) when none was chosen."""
    storage = field.data
    if not storage or not getattr(storage, "filename", ""):
        return None, None
    return storage.read(), storage.filename


class UKDateField(DateField):
    """A GOV.UK date input (day, month, year) with GOV.UK error messages."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        # The GOV.UK widget redisplays exactly three boxes: a request that sent none (or some
        # other number) must not break the page.
        if self.raw_data is not None and len(self.raw_data) != 3:
            self.raw_data = (list(self.raw_data) + ["", "", ""])[:3] if self.raw_data else None

    def process_formdata(self, valuelist):
        if valuelist and not any(v.strip() for v in valuelist):
            self.data = None
            self.raw_data = [v.strip() for v in valuelist]  # spaces alone are no answer to InputRequired
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(f"{field_name(self)} must be a real date") from None


class ClockTimeField(StringField):
    """A time of day as GOV.UK writes it ("5pm", "17:00", "midday"), in UK time."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        if valuelist and not any(v.strip() for v in valuelist):
            valuelist = [v.strip() for v in valuelist]  # spaces alone are no answer to InputRequired
            self.raw_data = valuelist
        super().process_formdata(valuelist)
        self.time = None
        if self.data and self.data.strip():
            try:
                self.time = parse_clock_time(self.data)
            except ValueError:
                raise ValueError(f"{field_name(self)} must be a time, like 5pm or 17:00") from None


class MoneyField(StringField):
    """An amount of pounds typed as "£1,250.00" or "1250"; ``amount`` holds the Decimal."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, noun="a price", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.noun = noun

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.amount = None
        if self.data and self.data.strip():
            try:
                self.amount = parse_amount(self.data)
            except MoneyError as error:
                raise ValueError(f"{field_name(self)}: {error.hint.replace('a price', self.noun)}") from None
