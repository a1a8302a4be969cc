"""Organisations, roles and which roles each kind of organisation may hold."""

from enum import StrEnum

from tenderapp.domain.errors import RuleViolation


class OrganisationKind(StrEnum):
    LOCAL_AUTHORITY = "local_authority"
    HEALTH_BODY = "health_body"
    INTERNAL_SERVICE = "internal_service"
    SUPPLIER = "supplier"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def plural(self) -> str:
        """Lower-case plural, as in "11 of 16 local authorities"."""
        return _KIND_PLURALS[self]

    @property
    def is_authority(self) -> bool:
        """Authorities (buyers) are every kind except suppliers."""
        return self is not OrganisationKind.SUPPLIER


_KIND_LABELS = {
    OrganisationKind.LOCAL_AUTHORITY: "Local authority",
    OrganisationKind.HEALTH_BODY: "Health body",
    OrganisationKind.INTERNAL_SERVICE: "Internal service",
    OrganisationKind.SUPPLIER: "Supplier",
}


_KIND_PLURALS = {
    OrganisationKind.LOCAL_AUTHORITY: "local authorities",
    OrganisationKind.HEALTH_BODY: "health bodies",
    OrganisationKind.INTERNAL_SERVICE: "internal services",
    OrganisationKind.SUPPLIER: "suppliers",
}


class Role(StrEnum):
    PROCUREMENT_ADMIN = "procurement_admin"
    SIGNATORY = "signatory"
    EVALUATOR = "evaluator"
    VIEWER = "viewer"
    BIDDER = "bidder"
    PROVIDER = "provider"  # the awarded supplier's people who keep a contract's meeting register

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.PROCUREMENT_ADMIN: "Procurement admin",
    Role.SIGNATORY: "Signatory",
    Role.EVALUATOR: "Evaluator",
    Role.VIEWER: "Viewer",
    Role.BIDDER: "Bidder",
    Role.PROVIDER: "Provider (meeting register)",
}

AUTHORITY_ROLES = frozenset(
    {Role.PROCUREMENT_ADMIN, Role.SIGNATORY, Role.EVALUATOR, Role.VIEWER}
)
SUPPLIER_ROLES = frozenset({Role.BIDDER, Role.PROVIDER})


def allowed_roles(kind: OrganisationKind) -> frozenset[Role]:
    """The roles a person in an organisation of this kind may hold."""
    return SUPPLIER_ROLES if kind is OrganisationKind.SUPPLIER else AUTHORITY_ROLES


def check_roles(kind: OrganisationKind, roles: frozenset[Role]) -> None:
    """Raises RuleViolation when ``roles`` is empty or holds a role the organisation's kind cannot."""
    if not roles:
        raise RuleViolation("Select at least one role", field="roles")
    refused = sorted(role.label for role in roles - allowed_roles(kind))
    if refused:
        article = "An" if kind.label[0] in "AEIOU" else "A"
        raise RuleViolation(
            f"{article} {kind.label.lower()} cannot hold the role: {', '.join(refused)}",
            field="roles",
        )
