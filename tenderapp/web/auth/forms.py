"""Signing in, passwords and two-factor codes."""

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SelectChoice, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from tenderapp.domain.notifications import CATALOGUE
from tenderapp.domain.passwords import MIN_LENGTH
from tenderapp.web.forms import BaseForm, RolesField, strip


def _email(**kwargs) -> EmailField:
    """The address a person signs in with."""
    return EmailField("Email address", widget=GovTextInput(), filters=[strip], **kwargs,
                      validators=[InputRequired(message="Enter your email address"),
                                  Length(max=320, message="Email address must be 320 characters or fewer")])


def _new_password(label: str, missing: str) -> PasswordField:
    # length and the other password rules are checked by the service (one message for each rule)
    return PasswordField(label, widget=GovPasswordInput(), validators=[InputRequired(message=missing)],
                         description=f"Must be at least {MIN_LENGTH} characters. A few unrelated words make a strong "
                                     "password.")


def _confirmed(label: str, missing: str, of: str) -> PasswordField:
    return PasswordField(label, widget=GovPasswordInput(),
                         validators=[InputRequired(message=missing), EqualTo(of, message="Passwords must match")])


def _code(label: str, missing: str, too_long: str, **kwargs) -> StringField:
    """A two-factor code (an app's or a recovery code), checked by the service."""
    return StringField(label, widget=GovTextInput(), filters=[strip], **kwargs,
                       validators=[InputRequired(message=missing), Length(max=40, message=too_long)])


class SignInForm(BaseForm):
    email = _email()
    password = PasswordField(
        "Password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = _new_password("New password", "Enter a new password")
    confirm_password = _confirmed("Confirm new password", "Confirm your new password", "new_password")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(BaseForm):
    password = _new_password("Create a password", "Enter a password")
    confirm_password = _confirmed("Confirm password", "Confirm your password", "password")
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ForgottenPasswordForm(BaseForm):
    email = _email(description="The address you sign in with")
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ResetPasswordForm(AcceptInvitationForm):
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class TwoFactorForm(BaseForm):
    code = _code("Security code", "Enter the 6-digit code from your authenticator app, or a recovery code",
                 "Enter a 6-digit code or a recovery code",
                 description="The 6-digit code your authenticator app shows now, or one of your recovery codes")
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpTwoFactorForm(BaseForm):
    code = _code("Enter the 6-digit code your app shows", "Enter the 6-digit code your authenticator app shows",
                 "Enter the 6-digit code your authenticator app shows")
    submit = SubmitField("Set up two-factor sign-in", widget=GovSubmitInput())


class RenewRecoveryCodesForm(SetUpTwoFactorForm):
    submit = SubmitField("Create new recovery codes", widget=GovSubmitInput())


class NotificationsForm(BaseForm):
    """The optional emails a person gets (the required ones are listed, not offered)."""

    wanted = RolesField("Emails you choose to get",
                        choices=[SelectChoice(k.notice.value, f"{k.label} (to {k.audience})")
                                 for k in CATALOGUE if k.optional])
    submit = SubmitField("Save your choices", widget=GovSubmitInput())
