"""How each route may be reached. Every view carries one of these markers, so the
tenant-isolation test can check that no route is left unclassified.

- ``public``: anyone, signed in or not;
- ``signed_in``: any signed-in user;
- ``role_required(*roles)``: signed-in users holding one of the roles (403 otherwise);
- ``tenant_owned(*roles, **params)``: as role_required, and each named URL parameter
  identifies a tenant-owned object of the given kind, loaded through ``tenderapp.access``
  (another tenant's id answers 404).
"""

from dataclasses import dataclass, field
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from tenderapp.domain.roles import Role


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public", "signed_in", "role" or "tenant"
    roles: frozenset[Role] = frozenset()
    objects: dict[str, str] = field(default_factory=dict)  # URL parameter -> object kind


def _mark(view, rule: AccessRule):
    view.access_rule = rule
    return view


def public(view):
    return _mark(view, AccessRule("public"))


def signed_in(view):
    return _mark(login_required(view), AccessRule("signed_in"))


def _with_roles(view, roles: frozenset[Role]):
    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.has_role(*roles):
            abort(403)
        return view(*args, **kwargs)

    return login_required(guarded)


def role_required(*roles: Role):
    def decorate(view):
        return _mark(_with_roles(view, frozenset(roles)), AccessRule("role", frozenset(roles)))

    return decorate


def tenant_owned(*roles: Role, **objects: str):
    """``objects`` maps URL parameters to object kinds, e.g. ``organisation_id="organisation"``."""
    if not objects:
        raise ValueError("tenant_owned routes name the URL parameters they scope")

    def decorate(view):
        guarded = _with_roles(view, frozenset(roles)) if roles else login_required(view)
        return _mark(guarded, AccessRule("tenant", frozenset(roles), dict(objects)))

    return decorate
