"""Typed amounts: whatever is typed, the answer is an amount or a MoneyError with a hint."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.errors import RuleViolation
from tenderapp.domain.money import MAX_AMOUNT, MoneyError, from_number, parse_amount, storable_pence


@pytest.mark.parametrize(("typed", "hint"), [
    ("9" * 1000, "enter a price under £1,000,000,000"),  # once an InvalidOperation: a server error
    ("9" * 27 + ".5", "enter a price under £1,000,000,000"),
    ("1." + "1" * 1000, "enter the price in pounds and pence, with no more than 2 decimal places"),
    ("NaN", "enter a number, like 1250.00"),
    ("Infinity", "enter a number, like 1250.00"),
    ("1e9", "enter a number, like 1250.00"),
    ("£1,2,3", "enter a number, like 1250.00"),
    ("-0", "enter a price of £0 or more"),
])
def test_odd_amounts_get_a_hint_not_an_error(typed, hint):
    with pytest.raises(MoneyError) as raised:
        parse_amount(typed)
    assert raised.value.hint == hint


@pytest.mark.parametrize(("typed", "hint"), [
    ("٣٤٥", "enter a price using the digits 0 to 9, like 1250.00"),  # once £345.00
    ("£١,٢٥٠.٠٠", "enter a price using the digits 0 to 9, like 1250.00"),
    ("１２３", "enter a price using the digits 0 to 9, like 1250.00"),  # full-width
    ("12३", "enter a price using the digits 0 to 9, like 1250.00"),
    ("1 2 3", "enter a price without spaces between the digits, like 1250.00"),  # once £123.00
    ("1 250.00", "enter a price without spaces between the digits, like 1250.00"),
    ("1\u00a0250", "enter a price without spaces between the digits, like 1250.00"),
    ("1250 .00", "enter a price without spaces between the digits, like 1250.00"),
    ("a thousand", "enter a number, like 1250.00"),
    ("£", "enter a price, like 1250.00"),
    ("£ -5", "enter a price of £0 or more"),
])
def test_only_the_digits_0_to_9_with_no_spaces_inside_make_an_amount(typed, hint):
    with pytest.raises(MoneyError) as raised:
        parse_amount(typed)
    assert raised.value.hint == hint


@pytest.mark.parametrize(("typed", "amount"), [
    ("  1250 ", "1250.00"), ("£1,250.00", "1250.00"), ("£ 1,250.5", "1250.50"), (" £7,480.00\t", "7480.00"),
])
def test_spaces_around_a_leading_pound_sign_and_thousands_commas_are_kept_as_today(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.from_regex(r"£?[0-9,]{1,80}(\.[0-9]{0,60})?", fullmatch=True)))
def test_any_typed_text_is_an_amount_in_range_or_a_money_error(typed):
    try:
        amount = parse_amount(typed)
    except MoneyError as error:
        assert error.hint
    else:
        assert Decimal(0) <= amount < MAX_AMOUNT and amount == amount.quantize(Decimal("0.01"))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.decimals(), st.booleans()))
def test_any_spreadsheet_number_is_an_amount_or_a_money_error(value):
    try:
        amount = from_number(value)
    except MoneyError:
        return
    assert Decimal(0) <= amount < MAX_AMOUNT


def test_an_amount_is_stored_in_pence_only_when_a_pence_column_holds_it():
    assert storable_pence(Decimal("21474836.48"), "cost", "Cost") == 2**31  # beyond a 32-bit column
    assert storable_pence(Decimal("1000000000000.00"), "cost", "Cost") == 10**14
    with pytest.raises(RuleViolation) as raised:
        storable_pence(Decimal("1000000000000.01"), "cost", "Cost")
    assert raised.value.message == "Cost must be £1,000,000,000,000.00 or less" and raised.value.field == "cost"


def test_one_penny_for_every_money_rule():
    import pathlib

    from tenderapp.domain import cost_shares, meeting_charges, meeting_kpis, money

    assert meeting_charges.PENNY is money.PENNY and meeting_kpis.PENNY is money.PENNY
    assert cost_shares.PENNY is money.PENNY
    root = pathlib.Path(money.__file__).parents[1]
    defined = [str(p.relative_to(root)) for p in root.rglob("*.py") if "\nPENNY = " in p.read_text()]
    assert defined == ["domain/money.py"]
    for module in (meeting_charges, meeting_kpis):
        assert 'Decimal("0.01")' not in pathlib.Path(module.__file__).read_text()
