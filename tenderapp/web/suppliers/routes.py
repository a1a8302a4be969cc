"""Suppliers registering themselves, confirming their email address by link."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.services import suppliers
from tenderapp.services.suppliers import RegistrationInput
from tenderapp.web import throttle
from tenderapp.web.flow import form_page
from tenderapp.web.guards import public
from tenderapp.web.suppliers.forms import ConfirmRegistrationForm, RegistrationForm

bp = Blueprint("suppliers", __name__)


def _register(form: RegistrationForm) -> None:
    throttle.guard_password_attempt(form.email.data.lower())  # no flooding an inbox with links
    suppliers.register(get_session(), RegistrationInput(
        organisation_name=form.organisation_name.data, company_number=form.company_number.data,
        address=form.address.data, contact_name=form.contact_name.data, email=form.email.data),
        clock.now(), lambda token: url_for("suppliers.confirm", token=token, _external=True))


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegistrationForm()
    return form_page(form, "suppliers/register.html", field="organisation_name", action=lambda: _register(form),
                     done=lambda _: render_template("suppliers/check_email.html", email=form.email.data))


def _registered(registration):
    def done(user):
        if current_user.is_authenticated:
            logout_user()
        flash(f"{registration.organisation_name} is registered. Sign in to read tenders and bid.", "success")
        return redirect(url_for("auth.sign_in", email=user.email))

    return done


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    db_session = get_session()
    try:
        registration = suppliers.find_registration(db_session, token, clock.now())
    except (NotFound, RuleViolation) as error:
        return render_template("auth/reset_unusable.html", message=error.message), (
            404 if isinstance(error, NotFound) else 410)
    form = ConfirmRegistrationForm()
    return form_page(form, "suppliers/confirm.html", registration=registration, field="password",
                     action=lambda: suppliers.confirm(db_session, token, form.password.data, clock.now()),
                     done=_registered(registration))
