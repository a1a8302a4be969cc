"""Shared form pieces."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput
from wtforms import SelectChoice, SelectMultipleField

from tenderapp.domain.errors import DomainError
from tenderapp.domain.roles import Role


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
