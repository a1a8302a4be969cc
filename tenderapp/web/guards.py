"""How each route may be reached. Every view carries one of these markers, so the
tenant-isolation test can check that no route is left unclassified.

- ``public``: anyone, signed in or not;
- ``signed_in``: any signed-in user;
- ``role_required(*roles)``: signed-in users holding one of the roles (403 otherwise);
- ``tenant_owned(*roles, **params)``: as role_required, and each named URL parameter
  identifies a tenant-owned object. Given an access loader (a function of
  ``tenderapp.access`` marked with ``access.scope``), the guard loads the object before the
  view runs (another tenant's id answers 404) and hands it to the view in place of the id:
  ``tender_id=access.get_lead_tender`` gives the view ``tender``. A route authorises once:
  the service it calls takes the loaded object and does not look it up again.
"""

import inspect
from dataclasses import dataclass, field
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from tenderapp.db import get_session
from tenderapp.domain.roles import Role


@dataclass(frozen=True)
class AccessRule:
    kind: str  # "public", "signed_in", "role" or "tenant"
    roles: frozenset[Role] = frozenset()
    objects: dict[str, str] = field(default_factory=dict)  # URL parameter -> object kind
    loaded: frozenset[str] = frozenset()  # the URL parameters the guard loads itself


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


def object_name(parameter: str) -> str:
    """The name a view receives a loaded object by: ``tender_id`` gives ``tender``."""
    return parameter.removesuffix("_id")


def _loading(view, loaders: dict):
    """The view, given the objects ``loaders`` find for its URL parameters in place of their ids."""
    if not loaders:
        return view
    takes = inspect.signature(view).parameters
    for parameter in loaders:
        if object_name(parameter) not in takes or parameter in takes:
            raise TypeError(f"{view.__name__} takes {object_name(parameter)!r}, not {parameter!r}, "
                            "when its guard loads it")

    @wraps(view)
    def loaded(*args, **kwargs):
        db_session = get_session()
        for parameter, loader in loaders.items():
            kwargs[object_name(parameter)] = loader(db_session, current_user, kwargs.pop(parameter))
        return view(*args, **kwargs)

    return loaded


def tenant_owned(*roles: Role, **loaders):
    """``loaders`` maps URL parameters to access loaders (``tender_id=access.get_lead_tender``)."""
    if not loaders:
        raise ValueError("tenant_owned routes name the URL parameters they scope")
    missing = [p for p, loader in loaders.items() if not hasattr(loader, "scope_kind")]
    if missing:
        raise TypeError(f"give an access loader (marked with access.scope) for {', '.join(missing)}")
    kinds = {p: loader.scope_kind for p, loader in loaders.items()}

    def decorate(view):
        view = _loading(view, loaders)
        guarded = _with_roles(view, frozenset(roles)) if roles else login_required(view)
        return _mark(guarded, AccessRule("tenant", frozenset(roles), kinds, frozenset(loaders)))

    return decorate
