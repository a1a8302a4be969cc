"""Shared form pieces."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectChoice, SelectMultipleField

from tenderapp.domain.errors import DomainError
from tenderapp.domain.roles import Role


def strip(value):
    """A field filter: pasted addresses and names often carry spaces at either end."""
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    def add_domain_error(self, error: DomainError, default_field: str | None = None) -> None:
        """Shows a rule's message beside its field (or ``default_field``)."""
        name = error.field if error.field in self._fields else default_field
        if name is None:
            name = next(iter(k for k in self._fields if k != "csrf_token"))
        self._fields[name].errors = list(self._fields[name].errors or []) + [error.message]


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
