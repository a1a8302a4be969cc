"""The navigation shown to each user, by role."""

from flask import Flask, request, url_for
from flask_login import current_user

from tenderapp.domain.roles import Role

# (text, endpoint, endpoints or "blueprint." prefixes that mark the item as current)
_LINKS = [
    ("Dashboard", "main.dashboard", ("main.dashboard",), None),
    ("Agreements", "agreements.index", ("agreements.",), None),
    ("Your organisation", "main.organisation", ("main.organisation",), None),
    ("Collaborations", "admin.collaborations", ("admin.",), Role.PROCUREMENT_ADMIN),
    ("Account", "auth.account", ("auth.account", "auth.change_password"), None),
]


def items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    current = request.endpoint or ""
    return [
        {
            "text": text,
            "href": url_for(endpoint),
            "active": any(current == m or (m.endswith(".") and current.startswith(m)) for m in marks),
        }
        for text, endpoint, marks, role in _LINKS
        if role is None or current_user.has_role(role)
    ]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {"navigation_items": items(), "service_name": app.config["SERVICE_NAME"]}
