"""Two-factor sign-in rules: who must use it, and what a typed code looks like.

Procurement admins and evaluators must pass a second factor (a six-digit code from an
authenticator app, RFC 6238 TOTP, or a single-use recovery code) after their password;
anyone else who has set it up uses it too. Opening bids needs a session that passed it.
"""

import math
import re
import secrets
from collections.abc import Iterable

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import Role

ROLES_REQUIRING_TWO_FACTOR = frozenset({Role.PROCUREMENT_ADMIN, Role.EVALUATOR})
STEP_SECONDS = 30  # RFC 6238's time step
DIGITS = 6
RECOVERY_CODE_COUNT = 10
# Recovery codes: 10 characters from an alphabet without look-alikes (no 0/o, 1/l/i), shown
# as two groups of five; about 50 bits each.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
_SEPARATORS = re.compile(r"[\s\-]+")

CODE_MISSING = "Enter the 6-digit code from your authenticator app, or a recovery code"
CODE_WRONG = "The code is not correct. Enter the current code from your app, or an unused recovery code"
APP_CODE_NEEDED = "Enter the 6-digit code your authenticator app shows"
SET_UP_CODE_WRONG = "The code is not correct. Check the key and enter the current code"
APP_CODE_WRONG = "The code is not correct. Enter the current code from your app"
SET_UP_FIRST = "Set up two-factor sign-in first"


def too_many_codes(seconds_left: int) -> str:
    """What someone sees when their account has had too many wrong codes: how long to wait, in
    whole minutes rounded up (never "0 minutes")."""
    minutes = max(1, math.ceil(seconds_left / 60))
    return (f"You have entered too many wrong codes. Wait {minutes} {'minute' if minutes == 1 else 'minutes'}, "
            "then try again")


def required_for(roles: Iterable[Role], enrolled: bool) -> bool:
    """Whether signing in needs a second factor: always once set up, and for the roles above."""
    return enrolled or bool(ROLES_REQUIRING_TWO_FACTOR.intersection(roles))


def time_step(timestamp: float) -> int:
    return int(timestamp) // STEP_SECONDS


def candidate_steps(step: int, last_used: int | None) -> list[int]:
    """The steps whose codes are accepted now: the current one and one either side (for a
    phone clock a little out), never one at or before the last step used (no replays)."""
    return [s for s in (step, step - 1, step + 1) if last_used is None or s > last_used]


def classify(typed: str, field: str = "code") -> tuple[str, str]:
    """("totp", "123456") or ("recovery", "abcde23456") from what was typed, ignoring spaces
    and hyphens and letter case. Raises RuleViolation when it can be neither."""
    value = _SEPARATORS.sub("", typed or "").lower()
    if not value:
        raise RuleViolation(CODE_MISSING, field=field)
    if value.isascii() and value.isdigit() and len(value) == DIGITS:
        return "totp", value
    if len(value) == _RECOVERY_LENGTH and all(c in _RECOVERY_ALPHABET for c in value):
        return "recovery", value
    raise RuleViolation(CODE_WRONG, field=field)


def app_code(typed: str, field: str = "code") -> str:
    """The six digits of an app code (where a recovery code will not do). Raises RuleViolation."""
    kind, code = classify(typed, field)
    if kind != "totp":
        raise RuleViolation(APP_CODE_NEEDED, field=field)
    return code


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh recovery codes in their normal form (see ``display``)."""
    return ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH)) for _ in range(count)]


def display(code: str) -> str:
    """"abcde-23456": how a recovery code is shown."""
    return f"{code[:5]}-{code[5:]}"


def grouped_secret(secret: str) -> str:
    """A base32 secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
