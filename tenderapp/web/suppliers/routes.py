"""Suppliers registering themselves, confirming their email address by link."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.services import suppliers
from tenderapp.services.suppliers import RegistrationInput
from tenderapp.web import throttle
from tenderapp.web.guards import public
from tenderapp.web.suppliers.forms import ConfirmRegistrationForm, RegistrationForm

bp = Blueprint("suppliers", __name__)


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    form = RegistrationForm()
    if form.validate_on_submit():
        throttle.guard_password_attempt(form.email.data.lower())  # no flooding an inbox with links
        try:
            suppliers.register(get_session(), RegistrationInput(
                organisation_name=form.organisation_name.data, company_number=form.company_number.data,
                address=form.address.data, contact_name=form.contact_name.data, email=form.email.data),
                clock.now(), lambda token: url_for("suppliers.confirm", token=token, _external=True))
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "organisation_name")
        else:
            return render_template("suppliers/check_email.html", email=form.email.data)
    return render_template("suppliers/register.html", form=form), 400 if form.errors else 200


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
    if form.validate_on_submit():
        try:
            user = suppliers.confirm(db_session, token, form.password.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error, "password")
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(f"{registration.organisation_name} is registered. Sign in to read tenders and bid.", "success")
            return redirect(url_for("auth.sign_in", email=user.email))
    return render_template("suppliers/confirm.html", form=form, registration=registration), \
        400 if form.errors else 200
