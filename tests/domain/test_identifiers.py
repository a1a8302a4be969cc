"""Registered identifiers: each scheme's format, the form they are kept in, the main one first."""

import pytest

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.identifiers import BY_CODE, Identifier, check_identifiers, ordered
from tenderapp.domain.suppliers import check_company_number


@pytest.mark.parametrize("scheme, typed, kept", [
    ("GB-COH", "01234567", "01234567"), ("GB-COH", "sc 123456", "SC123456"), ("GB-COH", "OC301234", "OC301234"),
    ("GB-CHC", "1123456", "1123456"), ("GB-CHC", "202918", "202918"), ("GB-SC", "sc012345", "SC012345"),
    ("GB-LAE", "ken", "KEN"), ("GB-NHS", "09c", "09C"), ("GB-EDU", "100000", "100000"),
    ("GB-PPON", "pabc-1234-defg", "PABC-1234-DEFG"),
])
def test_an_identifier_in_its_schemes_format_is_kept_in_the_registers_form(scheme, typed, kept):
    assert BY_CODE[scheme].check(typed) == kept


@pytest.mark.parametrize("scheme, typed", [
    ("GB-COH", "12"), ("GB-COH", "1234567"), ("GB-COH", "123456789"), ("GB-COH", "S1234567"), ("GB-COH", "SC12345X"),
    ("GB-CHC", "12345"), ("GB-CHC", "12345678"), ("GB-LAE", "KE"), ("GB-LAE", "K3N"), ("GB-PPON", "1234-ABCD"),
    ("GB-SC", "123456"), ("GB-EDU", "12345"),
])
def test_an_identifier_out_of_format_is_refused_saying_the_form_expected(scheme, typed):
    with pytest.raises(RuleViolation) as refused:
        BY_CODE[scheme].check(typed)
    assert refused.value.message.startswith(f"Enter a {BY_CODE[scheme].name} in the correct format, like ")
    assert refused.value.field == BY_CODE[scheme].field


def test_companies_house_number_12_is_refused_at_registration_not_padded():
    with pytest.raises(RuleViolation) as refused:
        check_company_number("12")
    assert refused.value.field == "company_number"
    assert refused.value.message == "Enter a Companies House number in the correct format, like 01234567 or SC123456"
    assert check_company_number("  ") is None and check_company_number("01234567") == "01234567"


def test_blank_identifiers_are_none_and_the_rest_come_main_first():
    found = check_identifiers({"GB-PPON": "PABC-1234-DEFG", "GB-CHC": "", "GB-COH": "01234567"})
    assert found == [Identifier("GB-COH", "01234567"), Identifier("GB-PPON", "PABC-1234-DEFG")]
    assert found[0].org_id == "GB-COH-01234567" and found[0].scheme_name == "Companies House"
    assert ordered([Identifier("GB-PPON", "PABC-1234-DEFG"), Identifier("GB-LAE", "KEN")])[0].scheme == "GB-LAE"


def test_an_unknown_scheme_is_refused():
    with pytest.raises(RuleViolation):
        check_identifiers({"XX-HOME": "1"})
