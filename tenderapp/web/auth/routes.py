"""Signing in and out, the account page, password change and accepting invitations."""

import base64
import binascii
from functools import wraps
from urllib.parse import urlsplit

import segno
from cryptography.exceptions import InvalidTag
from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException

from tenderapp import clock
from tenderapp.db import get_session
from tenderapp.domain import two_factor as two_factor_rules
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.roles import Role
from tenderapp.sealing import sealer
from tenderapp.services import auth, invitations, notifications, password_resets
from tenderapp.services import two_factor as two_factor_service
from tenderapp.web import throttle
from tenderapp.web.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ForgottenPasswordForm,
    NotificationsForm,
    RenewRecoveryCodesForm,
    ResetPasswordForm,
    SetUpTwoFactorForm,
    SignInForm,
    TwoFactorForm,
)
from tenderapp.web.flow import attempt, flashed, form_page, status_code
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


def _safe_next() -> str | None:
    target = request.args.get("next")
    return target if _is_safe_next(target) else None


def _second_factor_page(actor, target: str | None) -> str:
    endpoint = "auth.two_factor" if actor.two_factor_enrolled else "auth.two_factor_setup"
    return url_for(endpoint, next=target) if target else url_for(endpoint)


# Pages a person who has given their password but not yet their second factor may reach.
_SECOND_FACTOR_PAGES = {"auth.two_factor", "auth.two_factor_setup", "auth.sign_out", "static"}


@bp.before_app_request
def require_second_factor():
    """Until a session that needs it passes the second factor, every page but the public ones
    leads to the code (or set-up) page."""
    if request.endpoint in _SECOND_FACTOR_PAGES or request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if getattr(getattr(view, "access_rule", None), "kind", None) == "public":
        return None
    if current_user.is_authenticated and current_user.needs_second_factor:
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(_second_factor_page(current_user, target if _is_safe_next(target) else None))
    return None


def _no_store(response):
    """Secrets on a page (a two-factor key, recovery codes) are kept out of the browser's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


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
            target = _safe_next()
            if actor.needs_second_factor:
                return redirect(_second_factor_page(actor, target))
            return redirect(target or url_for("main.dashboard"))
    return render_template("auth/sign_in.html", form=form), status_code(form)


def _too_many_codes(form, actor, stage: str) -> int | None:
    """Counts this attempt at a code, before it is checked. When the account has had too many
    wrong codes, records that and puts the wait beside the field: the seconds to wait, else None."""
    wait = throttle.code_attempt(actor.user_id)
    if wait is not None:
        try:
            two_factor_service.refuse_too_many(get_session(), actor, stage, wait, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error)
    return wait


def _code_page(body: str, form, wait: int | None):
    """A page with a code form: 429 (with Retry-After) when the code was refused for too many
    wrong ones, 400 when the form has other errors, else 200."""
    if wait is not None:
        return body, 429, {"Retry-After": str(wait)}
    return body, status_code(form)


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@signed_in
def two_factor():
    actor = current_user._get_current_object()
    target = _safe_next()
    if not actor.needs_second_factor:
        return redirect(target or url_for("main.dashboard"))
    if not actor.two_factor_enrolled:
        return redirect(_second_factor_page(actor, target))
    form = TwoFactorForm()
    wait = None
    if form.validate_on_submit() and (wait := _too_many_codes(form, actor, "sign_in")) is None:
        db_session = get_session()
        try:
            kind = two_factor_service.verify(db_session, actor, sealer(), form.code.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error)
        else:
            throttle.forgive_codes(actor.user_id)
            if kind == "recovery":
                left = two_factor_service.unused_recovery_codes(db_session, actor.user_id)
                flash(f"You used a recovery code. {left} unused recovery "
                      f"{'code is' if left == 1 else 'codes are'} left: create new ones from your account page "
                      "if you are running out or have lost your phone.", "info")
            return redirect(target or url_for("main.dashboard"))
    return _code_page(render_template("auth/two_factor.html", form=form), form, wait)


_PENDING_KEY = "pending_two_factor"
_PENDING_PURPOSE = "pending two-factor secret"


def _pending_secret(actor) -> str:
    """The secret being set up, kept sealed in this browser's session until a code confirms it."""
    binding = f"pending:{actor.user_id}"
    stored = session.get(_PENDING_KEY)
    if stored:
        try:
            return sealer().open_value(_PENDING_PURPOSE, base64.b64decode(stored), binding).decode()
        except (InvalidTag, ValueError, binascii.Error):
            pass
    secret = two_factor_service.new_secret()
    session[_PENDING_KEY] = base64.b64encode(sealer().seal_value(_PENDING_PURPOSE, secret.encode(), binding)).decode()
    return secret


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@signed_in
def two_factor_setup():
    actor = current_user._get_current_object()
    target = _safe_next()
    if actor.two_factor_enrolled:
        flash("Two-factor sign-in is already set up for your account", "info")
        return redirect(_second_factor_page(actor, target) if actor.needs_second_factor else url_for("auth.account"))
    secret = _pending_secret(actor)
    form = SetUpTwoFactorForm()
    wait = None
    if form.validate_on_submit() and (wait := _too_many_codes(form, actor, "set_up")) is None:
        try:
            codes = two_factor_service.enrol(get_session(), actor, sealer(), secret, form.code.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error)
        except Conflict as error:
            flash(error.message, "info")
            return redirect(url_for("auth.account"))
        else:
            throttle.forgive_codes(actor.user_id)
            session.pop(_PENDING_KEY, None)
            return _no_store(current_app.make_response(render_template(
                "auth/recovery_codes.html", codes=codes, just_set_up=True,
                next_url=target or url_for("main.dashboard"))))
    uri = two_factor_service.provisioning_uri(secret, actor.email, current_app.config["SERVICE_NAME"])
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#0b0c0c", light="#ffffff")
    page = render_template("auth/two_factor_setup.html", form=form, qr=qr,
                           key=two_factor_rules.grouped_secret(secret),
                           required=two_factor_rules.required_for(actor.roles, False))
    return _no_store(current_app.make_response(_code_page(page, form, wait)))


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@signed_in
def renew_recovery_codes():
    actor = current_user._get_current_object()
    if not actor.two_factor_enrolled:
        return redirect(url_for("auth.two_factor_setup"))
    form = RenewRecoveryCodesForm()
    wait = None
    if form.validate_on_submit() and (wait := _too_many_codes(form, actor, "renew")) is None:
        try:
            codes = two_factor_service.renew_recovery_codes(get_session(), actor, sealer(), form.code.data, clock.now())
        except RuleViolation as error:
            form.add_domain_error(error)
        else:
            throttle.forgive_codes(actor.user_id)
            return _no_store(current_app.make_response(render_template(
                "auth/recovery_codes.html", codes=codes, just_set_up=False, next_url=url_for("auth.account"))))
    return _code_page(render_template("auth/renew_recovery_codes.html", form=form), form, wait)


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
    db_session = get_session()
    return render_template("auth/account.html", user=auth.user_of(db_session, current_user),
                           emails=notifications.choices(db_session, current_user),
                           recovery_codes_left=two_factor_service.unused_recovery_codes(db_session,
                                                                                        current_user.user_id),
                           two_factor_required=two_factor_rules.required_for(current_user.roles, False))


@bp.route("/account/notifications", methods=["GET", "POST"])
@signed_in
def notification_choices():
    db_session = get_session()
    chosen = notifications.choices(db_session, current_user)
    form = NotificationsForm()
    if not form.is_submitted():
        form.wanted.data = [kind.notice.value for kind, on in chosen if kind.optional and on]
    return form_page(form, "auth/notifications.html", field="wanted",
                     required=[kind for kind, _ in chosen if not kind.optional],
                     action=lambda: notifications.choose(db_session, current_user, set(form.wanted.data or []),
                                                         clock.now()),
                     done=flashed("Your email choices have been saved", "auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = ChangePasswordForm()

    def change():
        throttle.guard_password_attempt(current_user.email)
        return auth.change_password(get_session(), current_user._get_current_object(), form.current_password.data,
                                    form.new_password.data, clock.now(), current_app.config["SESSION_LIFETIME_HOURS"],
                                    client_info())

    changed, actor = attempt(form, change)
    if changed:
        _start(actor)
        flash("Your password has been changed. You have been signed out everywhere else.", "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), status_code(form)


def _by_emailed_link(find, unusable_template: str):
    """For a route ``/<token>`` an emailed link leads to: the view receives the token and what
    the link stands for (``find(session, token, now)``). An unknown link answers 404 and a used,
    withdrawn or expired one 410, each with ``unusable_template`` saying why."""

    def decorate(view):
        @wraps(view)
        def found(token: str):
            try:
                target = find(get_session(), token, clock.now())
            except (NotFound, RuleViolation) as error:
                return (render_template(unusable_template, message=error.message),
                        404 if isinstance(error, NotFound) else 410)
            return view(token, target)

        return found

    return decorate


def _to_sign_in(message: str, email: str, clear_always: bool = False):
    """Signs out whoever was signed in in this browser and leads to the sign-in page with ``email``."""
    if current_user.is_authenticated:
        logout_user()
        session.clear()
    elif clear_always:
        session.clear()
    flash(message, "success")
    return redirect(url_for("auth.sign_in", email=email))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@public
@_by_emailed_link(invitations.find_usable, "auth/invitation_unusable.html")
def accept_invitation(token: str, invitation):
    db_session = get_session()
    form = AcceptInvitationForm()
    return form_page(form, "auth/accept_invitation.html", invitation=invitation,
                     organisation=invitations.organisation_of(db_session, invitation),
                     roles=[Role(r).label for r in invitation.roles],
                     action=lambda: invitations.accept(db_session, token, form.password.data, clock.now()),
                     done=lambda _: _to_sign_in("Your account has been created. Sign in with your email address and "
                                                "new password.", invitation.email))


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
    return render_template("auth/forgotten_password.html", form=form), status_code(form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
@_by_emailed_link(password_resets.find_usable, "auth/reset_unusable.html")
def reset_password(token: str, reset):
    form = ResetPasswordForm()
    return form_page(form, "auth/reset_password.html", reset=reset,
                     action=lambda: password_resets.reset_password(get_session(), token, form.password.data,
                                                                   clock.now()),
                     done=lambda user: _to_sign_in("Your password has been changed. Sign in with your new password.",
                                                   user.email, clear_always=True))
