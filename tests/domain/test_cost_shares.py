"""Cost shares and savings, with Kent's figures from the seed paper."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.cost_shares import core_codes_by_year, projection, split


def test_kents_figures_from_the_paper():
    # core £12,480 in year 1 (the 5 lifetime meetings worth £5,000 charged up front), £7,480 in
    # years 2 and 3; 7 meetings a year at £1,000; previous contract £24,103.21 a year.
    # Year 1: 12,480 + (7 − 5) × 1,000 = 14,480. Years 2–3: 7,480 + 7 × 1,000 = 14,480.
    # Saving: 24,103.21 − 14,480 = 9,623.21 a year.
    kent = projection([D("12480"), D("7480"), D("7480")], included_meetings=5, payg_rate=D("1000"),
                      meetings_per_year=7, previous_annual_cost=D("24103.21"))
    assert [y.core for y in kent.years] == [D("12480.00"), D("7480.00"), D("7480.00")]
    assert [(y.included_meetings_used, y.payg_meetings) for y in kent.years] == [(5, 2), (0, 7), (0, 7)]
    assert [y.total for y in kent.years] == [D("14480.00")] * 3
    assert [y.saving for y in kent.years] == [D("9623.21")] * 3
    assert kent.average_saving == D("9623.21")


def test_included_meetings_last_across_years_when_few_are_used():
    # 2 meetings a year: 5 included cover year 1 (2), year 2 (2) and 1 of year 3
    p = projection([D(100)] * 3, 5, D(10), 2)
    assert [(y.included_meetings_used, y.payg_meetings, y.total) for y in p.years] == [
        (2, 0, D("100.00")), (2, 0, D("100.00")), (1, 1, D("110.00"))]


def test_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        projection([D(1)], -1, D(1), 1)


def test_equal_split_is_exact_to_the_penny():
    # £100 between 3: 33.33 each, the spare penny to the first by key order
    assert split(D("100.00"), {"a": 1, "b": 1, "c": 1}) == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}


def test_weighted_split():
    # 3:1 of £1,000
    assert split(D("1000"), {"kent": 3, "medway": 1}) == {"kent": D("750.00"), "medway": D("250.00")}


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=D("0"), max_value=D("10000000"), places=2),
       st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 100), min_size=1, max_size=20)
       .filter(lambda w: sum(w.values()) > 0))
def test_shares_always_add_up_to_the_total(total, weights):
    shares = split(total, weights)
    assert sum(shares.values()) == total
    assert all(s >= 0 for s in shares.values())


def test_each_extension_year_takes_its_own_line_or_the_year_before():
    lines = {"CORE-Y1", "CORE-Y2", "CORE-Y3", "EXT-Y4", "EXT-Y5"}
    assert core_codes_by_year(["CORE-Y1", "CORE-Y2", "CORE-Y3"], lines, 5) == [
        "CORE-Y1", "CORE-Y2", "CORE-Y3", "EXT-Y4", "EXT-Y5"]
    # without an extension line, the last line's price goes on
    assert core_codes_by_year(["CORE-Y1", "CORE-Y2"], {"CORE-Y1", "CORE-Y2", "EXT-Y4"}, 5) == [
        "CORE-Y1", "CORE-Y2", "CORE-Y2", "EXT-Y4", "EXT-Y4"]
    # lines the lead chose for the later years win over the naming
    assert core_codes_by_year(["CORE-Y1", "EXT-Y5"], lines, 3) == ["CORE-Y1", "EXT-Y5", "EXT-Y5"]
    with pytest.raises(ValueError):
        core_codes_by_year([], lines, 2)
