"""Signing in and out, the account page, password change and accepting invitations."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from werkzeug.exceptions import HTTPException

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.services import auth, invitations, password_resets
from tenderapp.web.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgottenPasswordForm,
    ResetPasswordForm,
    SignInForm,
)
from tenderapp.web import throttle
from tenderapp.web.guards import public, signed_in
from tenderapp.web.session import client_info

bp = Blueprint("auth", __name__)


def _is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no control characters or white space
    (browsers drop a tab in "/\t/evil.example" and go off-site), no backslashes."""
    if not target or any(ord(c) < 33 or ord(c) == 127 for c in target) or "\\" in target:
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return False
    try:  # and a page this application serves
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return False
    return True


def _start(actor) -> None:
    session.clear()  # a fresh cookie after sign-in (no session fixation)
    login_user(actor)


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = SignInForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    if form.validate_on_submit():
        throttle.guard_password_attempt(auth.normalise_email(form.email.data))
        try:
            actor = auth.sign_in(get_session(), form.email.data, form.password.data, clock.now(),
                                 current_app.config["SESSION_LIFETIME_HOURS"], client_info())
        except RuleViolation as error:
            form.add_domain_error(error)
        else:
            throttle.forgive(auth.normalise_email(form.email.data))
            _start(actor)
            target = request.args.get("next")
            return redirect(target if _is_safe_next(target) else url_for("main.dashboard"))
    status = 400 if form.errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
@signed_in
def sign_out():
    auth.sign_out(get_session(), current_user._get_current_object(), clock.now())
    logout_user()
    session.clear()
    flash("You have signed out", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/account")
@signed_in
def account():
    return render_template("auth/account.html", user=auth.user_of(get_session(), current_user))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        throttle.guard_password_attempt(current_user.email)
        try:
            actor = auth.change_password(
                get_session(), current_user._get_current_object(), form.current_password.data,
                form.new_password.data, clock.now(), current_app.config["SESSION_LIFETIME_HOURS"],
                client_info(),
            )
        except RuleViolation as error:
            form.add_domain_error(error)
        else:
            _start(actor)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    db_session = get_session()
    try:
        invitation = invitations.find_usable(db_session, token, clock.now())
    except (NotFound, RuleViolation) as error:
        return render_template("auth/invitation_unusable.html", message=error.message), (
            404 if isinstance(error, NotFound) else 410)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            invitations.accept(db_session, token, form.password.data, clock.now())
        except (RuleViolation, Conflict) as error:
            form.add_domain_error(error)
        else:
            if current_user.is_authenticated:
                logout_user()
                session.clear()
            flash("Your account has been created. Sign in with your email address and new password.", "success")
            return redirect(url_for("auth.sign_in", email=invitation.email))
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation,
                           organisation=invitations.organisation_of(db_session, invitation),
                           roles=[Role(r).label for r in invitation.roles]), 400 if form.errors else 200


@bp.route("/forgotten-password", methods=["GET", "POST"])
@public
def forgotten_password():
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        # counted like a password attempt, so the form cannot be used to flood someone's inbox
        throttle.guard_password_attempt(auth.normalise_email(form.email.data))
        password_resets.request_reset(
            get_session(), form.email.data, clock.now(),
            lambda token: url_for("auth.reset_password", token=token, _external=True))
        return render_template("auth/forgotten_password_sent.html", email=form.email.data.strip())
    return render_template("auth/forgotten_password.html", form=form), 400 if form.errors else 200


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    db_session = get_session()
    try:
        reset = password_resets.find_usable(db_session, token, clock.now())
    except (NotFound, RuleViolation) as error:
        return render_template("auth/reset_unusable.html", message=error.message), (
            404 if isinstance(error, NotFound) else 410)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_resets.reset_password(db_session, token, form.password.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error)
        else:
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash("Your password has been changed. Sign in with your new password.", "success")
            return redirect(url_for("auth.sign_in", email=user.email))
    return render_template("auth/reset_password.html", form=form, reset=reset), 400 if form.errors else 200
