"""Organisations, roles and which roles each kind of organisation may hold."""

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.labels import LabelledEnum


class OrganisationKind(LabelledEnum):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH_BODY = "health_body", "Health body"
    INTERNAL_SERVICE = "internal_service", "Internal service"
    SUPPLIER = "supplier", "Supplier"

    @property
    def plural(self) -> str:
        """Lower-case plural, as in "11 of 16 local authorities"."""
        return _KIND_PLURALS[self]

    @property
    def is_authority(self) -> bool:
        """Authorities (buyers) are every kind except suppliers."""
        return self is not OrganisationKind.SUPPLIER


_KIND_PLURALS = {
    OrganisationKind.LOCAL_AUTHORITY: "local authorities",
    OrganisationKind.HEALTH_BODY: "health bodies",
    OrganisationKind.INTERNAL_SERVICE: "internal services",
    OrganisationKind.SUPPLIER: "suppliers",
}


class Role(LabelledEnum):
    PROCUREMENT_ADMIN = "procurement_admin", "Procurement admin"
    SIGNATORY = "signatory", "Signatory"
    EVALUATOR = "evaluator", "Evaluator"
    VIEWER = "viewer", "Viewer"
    BIDDER = "bidder", "Bidder"
    # the awarded supplier's people who keep a contract's meeting register
    PROVIDER = "provider", "Provider (meeting register)"


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
