"""The navigation shown to each user, by role."""

from flask import Flask, request, url_for
from flask_login import current_user

from tenderapp.domain.roles import Role


def _everyone(user) -> bool:
    return True


def _authorities(user) -> bool:
    return user.organisation_kind.is_authority


def _evaluators(user) -> bool:
    return user.has_role(Role.EVALUATOR)


def _providers(user) -> bool:
    return user.has_role(Role.PROVIDER)


def _admins(user) -> bool:
    return user.has_role(Role.PROCUREMENT_ADMIN)


# (text, endpoint, prefixes of the endpoints that mark the item as current, who sees it)
_LINKS = [
    ("Dashboard", "main.dashboard", ("main.dashboard",), _everyone),
    ("Tenders", "tenders.index", ("tenders.",), _everyone),
    ("Agreements", "agreements.index", ("agreements.",), _authorities),
    ("Decisions", "contracts.decisions", ("contracts.decision", "contracts.new_decision"), _authorities),
    ("Contracts", "contracts.contracts", ("contracts.contract", "contracts.cost", "contracts.your_cost",
                                          "contracts.assessment_summar", "contracts.notice_date",
                                          "contracts.baseline", "contracts.issue_summaries",
                                          "contracts.draft_summaries"), _authorities),
    ("Evaluations", "evaluation.mine", ("evaluation.mine", "evaluation.work", "evaluation.score",
                                        "evaluation.declaration"), _evaluators),
    ("Meeting registers", "contracts.registers", ("contracts.registers", "contracts.register", "contracts.new_case",
                                                  "contracts.edit_case"), _providers),
    ("Organisation", "main.organisation", ("main.organisation",), _everyone),
    ("Collaborations", "admin.collaborations", ("admin.",), _admins),
]


def items() -> list[dict]:
    if not current_user.is_authenticated or current_user.needs_second_factor:
        return []  # nothing to go to until the second factor is passed
    current = request.endpoint or ""
    return [
        {
            "text": text,
            "href": url_for(endpoint),
            "active": any(current.startswith(m) for m in marks),
        }
        for text, endpoint, marks, shown_to in _LINKS
        if shown_to(current_user)
    ]


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        return {"navigation_items": items(), "service_name": app.config["SERVICE_NAME"]}
