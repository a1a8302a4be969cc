"""Which roles each kind of organisation may hold."""

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.roles import OrganisationKind, Role, allowed_roles, check_roles

AUTHORITY_KINDS = [
    OrganisationKind.LOCAL_AUTHORITY,
    OrganisationKind.HEALTH_BODY,
    OrganisationKind.INTERNAL_SERVICE,
]
AUTHORITY_ROLES = {Role.PROCUREMENT_ADMIN, Role.SIGNATORY, Role.EVALUATOR, Role.VIEWER}


def refusal(kind, roles) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        check_roles(kind, frozenset(roles))
    return caught.value


# --- allowed_roles -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", AUTHORITY_KINDS)
def test_an_authority_may_hold_every_buyer_role_but_not_bidder(kind):
    assert allowed_roles(kind) == AUTHORITY_ROLES


def test_a_supplier_may_hold_only_bidder_and_provider():
    assert allowed_roles(OrganisationKind.SUPPLIER) == {Role.BIDDER, Role.PROVIDER}


def test_every_role_is_allowed_in_exactly_one_side():
    authority = allowed_roles(OrganisationKind.LOCAL_AUTHORITY)
    supplier = allowed_roles(OrganisationKind.SUPPLIER)

    assert authority | supplier == set(Role)
    assert not authority & supplier


def test_every_kind_except_supplier_is_an_authority():
    assert [kind for kind in OrganisationKind if kind.is_authority] == AUTHORITY_KINDS


# --- check_roles -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_no_roles_at_all_is_refused(kind):
    error = refusal(kind, [])

    assert error.message == "Select at least one role"
    assert error.field == "roles"


@pytest.mark.parametrize("kind", AUTHORITY_KINDS)
def test_bidder_in_an_authority_is_refused_by_name(kind):
    error = refusal(kind, [Role.BIDDER])

    assert error.field == "roles"
    assert error.message.endswith("cannot hold the role: Bidder")
    assert kind.label.lower() in error.message


def test_bidder_in_a_local_authority_reads_as_a_sentence():
    error = refusal(OrganisationKind.LOCAL_AUTHORITY, [Role.BIDDER])

    assert error.message == "A local authority cannot hold the role: Bidder"


def test_bidder_in_an_internal_service_uses_the_article_an():
    error = refusal(OrganisationKind.INTERNAL_SERVICE, [Role.BIDDER])

    assert error.message == "An internal service cannot hold the role: Bidder"


def test_admin_in_a_supplier_is_refused_by_name():
    error = refusal(OrganisationKind.SUPPLIER, [Role.PROCUREMENT_ADMIN])

    assert error.message == "A supplier cannot hold the role: Procurement admin"
    assert error.field == "roles"


def test_a_valid_role_does_not_excuse_an_invalid_one():
    error = refusal(OrganisationKind.HEALTH_BODY, [Role.VIEWER, Role.BIDDER])

    assert error.message == "A health body cannot hold the role: Bidder"


def test_every_refused_role_is_named_in_alphabetical_order_of_label():
    error = refusal(OrganisationKind.SUPPLIER, [Role.VIEWER, Role.BIDDER, Role.PROCUREMENT_ADMIN, Role.EVALUATOR])

    assert error.message == "A supplier cannot hold the role: Evaluator, Procurement admin, Viewer"


@pytest.mark.parametrize("kind", AUTHORITY_KINDS)
@pytest.mark.parametrize(
    "roles",
    [
        {Role.PROCUREMENT_ADMIN},
        {Role.VIEWER},
        {Role.EVALUATOR, Role.SIGNATORY},
        AUTHORITY_ROLES,
    ],
    ids=["admin", "viewer", "evaluator-and-signatory", "all-four"],
)
def test_an_authority_accepts_buyer_roles(kind, roles):
    assert check_roles(kind, frozenset(roles)) is None


def test_a_supplier_accepts_bidder():
    assert check_roles(OrganisationKind.SUPPLIER, frozenset({Role.BIDDER})) is None


# --- labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_label(role):
    assert role.label.strip()
    assert role.label[0].isupper()


@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_every_organisation_kind_has_a_label(kind):
    assert kind.label.strip()
    assert kind.label[0].isupper()


def test_labels_are_distinct():
    assert len({role.label for role in Role}) == len(Role)
    assert len({kind.label for kind in OrganisationKind}) == len(OrganisationKind)


def test_labels_read_as_written():
    assert Role.PROCUREMENT_ADMIN.label == "Procurement admin"
    assert OrganisationKind.LOCAL_AUTHORITY.label == "Local authority"
