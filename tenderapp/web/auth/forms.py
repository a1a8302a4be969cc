from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length

from tenderapp.domain.passwords import MIN_LENGTH
from tenderapp.web.forms import BaseForm, strip


class SignInForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(), filters=[strip],
        validators=[InputRequired(message="Enter your email address"),
                    Length(max=320, message="Email address must be 320 characters or fewer")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _new_password_validators(label: str):
    # length and the other password rules are checked by the service (one message for each rule)
    return [InputRequired(message=f"Enter {label}")]



class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(),
        description=f"Must be at least {MIN_LENGTH} characters. A few unrelated words make a strong password.",
        validators=_new_password_validators("a new password"),
    )
    confirm_password = PasswordField(
        "Confirm new password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your new password"),
                    EqualTo("new_password", message="Passwords must match")],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class AcceptInvitationForm(BaseForm):
    password = PasswordField(
        "Create a password", widget=GovPasswordInput(),
        description=f"Must be at least {MIN_LENGTH} characters. A few unrelated words make a strong password.",
        validators=_new_password_validators("a password"),
    )
    confirm_password = PasswordField(
        "Confirm password", widget=GovPasswordInput(),
        validators=[InputRequired(message="Confirm your password"),
                    EqualTo("password", message="Passwords must match")],
    )
    submit = SubmitField("Create account", widget=GovSubmitInput())


class ForgottenPasswordForm(BaseForm):
    email = EmailField(
        "Email address", widget=GovTextInput(), filters=[strip],
        description="The address you sign in with",
        validators=[InputRequired(message="Enter your email address"),
                    Length(max=320, message="Email address must be 320 characters or fewer")],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class ResetPasswordForm(AcceptInvitationForm):
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class TwoFactorForm(BaseForm):
    code = StringField(
        "Security code", widget=GovTextInput(), filters=[strip],
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        validators=[InputRequired(message="Enter the 6-digit code from your authenticator app, or a recovery code"),
                    Length(max=40, message="Enter a 6-digit code or a recovery code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpTwoFactorForm(BaseForm):
    code = StringField(
        "Enter the 6-digit code your app shows", widget=GovTextInput(), filters=[strip],
        validators=[InputRequired(message="Enter the 6-digit code your authenticator app shows"),
                    Length(max=40, message="Enter the 6-digit code your authenticator app shows")],
    )
    submit = SubmitField("Set up two-factor sign-in", widget=GovSubmitInput())


class RenewRecoveryCodesForm(SetUpTwoFactorForm):
    submit = SubmitField("Create new recovery codes", widget=GovSubmitInput())


class ConfirmResetForm(BaseForm):
    submit = SubmitField("Reset two-factor sign-in", widget=GovSubmitInput())
