"""The scoring rules, by worked examples computed by hand, and by properties."""

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.scoring import (
    Criterion,
    Scored,
    abnormally_low,
    below_minimum,
    display,
    price_scores,
    quality_score,
    rank,
    scorable_price,
)


def test_lowest_price_method_worked_example():
    # lowest 100: 40 × 100/100 = 40; 40 × 100/125 = 32; 40 × 100/250 = 16
    assert price_scores({"A": D("100"), "B": D("125"), "C": D("250")}, 40) == {"A": D(40), "B": D(32), "C": D(16)}


def test_lowest_price_method_with_the_seed_prices():
    # Mediation Partners £985,400; Family Voice £974,200 (lowest): 40 × 974,200 / 985,400
    # = 40 × 0.988634...  = 39.5453... → 39.55 on display
    scores = price_scores({"MP": D("985400.00"), "FV": D("974200.00")}, 40)
    assert scores["FV"] == D(40)
    assert display(scores["MP"]) == D("39.55")
    assert D("39.545") < scores["MP"] < D("39.546")


def test_deviation_method_worked_example():
    # 40 × (1 − 25/100) = 30; 40 × (1 − 150/100) = −20, floored at 0
    assert price_scores({"A": D(100), "B": D(125), "C": D(250)}, 40, "deviation") == {
        "A": D(40), "B": D(30), "C": D(0)}


@pytest.mark.parametrize("prices,method,problem", [
    ({}, "lowest", "no prices"),
    ({"A": D(0)}, "lowest", "more than zero"),
    ({"A": D(-1), "B": D(5)}, "lowest", "more than zero"),
    ({"A": D(1)}, "cheapest", "unknown price scoring method"),
])
def test_bad_price_input_raises_value_error(prices, method, problem):
    with pytest.raises(ValueError, match=problem):
        price_scores(prices, 40, method)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        price_scores({"A": 100.0}, 40)
    with pytest.raises(TypeError):
        quality_score({"q": 3.5}, [Criterion("q", 60, 5)])


def test_quality_score_worked_example():
    # 25 × 4/5 + 15 × 3/5 + 10 × 5/5 + 10 × 2/5 = 20 + 9 + 10 + 4 = 43
    criteria = [Criterion("delivery", 25, 5, 2), Criterion("access", 15, 5), Criterion("people", 10, 5),
                Criterion("social", 10, 5)]
    scores = {"delivery": 4, "access": 3, "people": 5, "social": 2}
    assert quality_score(scores, criteria) == D(43)
    assert below_minimum(scores, criteria) == []
    assert below_minimum({**scores, "delivery": 1}, criteria) == ["delivery"]


@pytest.mark.parametrize("scores,problem", [
    ({"q": 6}, "outside 0..5"),
    ({"q": -1}, "outside 0..5"),
    ({}, "no score"),
    ({"q": 1, "other": 2}, "unknown criteria"),
])
def test_bad_quality_scores_raise_value_error(scores, problem):
    with pytest.raises(ValueError, match=problem):
        quality_score(scores, [Criterion("q", 60, 5)])


def test_ranking_breaks_ties_on_quality_then_price_and_flags_the_rest():
    bids = [
        Scored("A", D(100), D(40), D(40)),  # 80
        Scored("B", D(110), D(35), D(45)),  # 80, higher quality: first
        Scored("C", D(90), D(30), D(40)),   # 70
        Scored("D", D(95), D(30), D(40)),   # 70, same quality, higher price than C
        Scored("E", D(95), D(30), D(40)),   # identical to D: tied
    ]
    ranked = rank(bids)
    assert [(r.scored.key, r.rank, r.tied_with) for r in ranked] == [
        ("B", 1, ()), ("A", 2, ()), ("C", 3, ()), ("D", 4, ("E",)), ("E", 4, ("D",))]


def test_ranking_uses_unrounded_values():
    a = Scored("A", D(1), D("33.334"), D(0))
    b = Scored("B", D(1), D("33.333"), D(0))
    assert display(a.total) == display(b.total)
    assert [r.scored.key for r in rank([b, a])] == ["A", "B"]


def test_abnormally_low_worked_example():
    # mean of the others for A: (100 + 100) / 2 = 100; 79 < 80 → flagged; 80 is not under 80
    assert abnormally_low({"A": D(79), "B": D(100), "C": D(100)}) == {"A"}
    assert abnormally_low({"A": D(80), "B": D(100), "C": D(100)}) == set()
    assert abnormally_low({"A": D(1)}) == set()
    assert abnormally_low({"A": D(85), "B": D(100), "C": D(100)}, D("0.9")) == {"A"}


def test_display_rounds_half_up_to_two_places():
    assert display(D("39.725")) == D("39.73")
    assert display(D("39.72499")) == D("39.72")


prices = st.dictionaries(st.text(min_size=1, max_size=3), st.decimals(min_value=D("0.01"), max_value=D("1000000"),
                                                                      places=2), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(prices, st.sampled_from(["lowest", "deviation"]))
def test_a_lower_price_never_scores_lower(bids, method):
    scores = price_scores(bids, 40, method)
    for a in bids:
        for b in bids:
            if bids[a] < bids[b]:
                assert scores[a] >= scores[b]


@settings(max_examples=60, deadline=None)
@given(prices, st.sampled_from(["lowest", "deviation"]), st.randoms())
def test_scores_do_not_depend_on_the_order_of_bids(bids, method, rnd):
    keys = list(bids)
    rnd.shuffle(keys)
    assert price_scores({k: bids[k] for k in keys}, 40, method) == price_scores(bids, 40, method)


criteria = [Criterion("q1", 30, 5), Criterion("q2", 20, 5), Criterion("q3", 10, 5)]
quality = st.fixed_dictionaries({"q1": st.integers(0, 5), "q2": st.integers(0, 5), "q3": st.integers(0, 5)})


@settings(max_examples=60, deadline=None)
@given(prices, st.sampled_from(["lowest", "deviation"]), st.data())
def test_totals_stay_within_0_and_100_and_stay_decimal(bids, method, data):
    scores = price_scores(bids, 40, method)
    for price_score in scores.values():
        assert isinstance(price_score, D)
        q = quality_score(data.draw(quality), criteria)
        assert isinstance(q, D)
        assert D(0) <= price_score + q <= D(100)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.decimals(D(1), D(1000), places=2), st.integers(0, 40), st.integers(0, 60)),
                min_size=1, max_size=6), st.randoms())
def test_ranking_does_not_depend_on_input_order(rows, rnd):
    bids = [Scored(str(i), price, D(p), D(q)) for i, (price, p, q) in enumerate(rows)]
    shuffled = bids[:]
    rnd.shuffle(shuffled)
    assert [(r.scored.key, r.rank) for r in rank(bids)] == [(r.scored.key, r.rank) for r in rank(shuffled)]


def test_sensitivity_finds_where_the_winner_changes():
    # A: cheaper, weaker quality; B: dearer, stronger. Price 40 as tendered.
    prices = {"A": D(100), "B": D(130)}
    shares = {"A": D("0.6"), "B": D("0.9")}   # of the quality marks
    from tenderapp.domain.scoring import sensitivity

    base, scenarios = sensitivity(prices, shares, 40, "lowest")
    # as tendered: A 40 + 60×0.6 = 76; B 40×100/130 = 30.77 + 54 = 84.77 → B
    assert base == ("B",)
    by_label = {s.label: s.winners for s in scenarios}
    # price 60: A 60 + 40×0.6 = 84; B 46.15 + 36 = 82.15 → A
    assert by_label["Price weight 60 (+20)"] == ("A",)
    assert by_label["Price weight 35 (−5)"] == ("B",)
    assert by_label["Price scored by the deviation method"] == ("B",)


def test_only_a_price_above_zero_can_be_scored_and_a_bid_at_nothing_cannot_be_submitted():
    from tenderapp.domain import bids

    assert scorable_price(D("0.01")) and not scorable_price(D("0.00"))
    lines = [bids.Line("CORE", 16), bids.Line("PAYG", 112)]
    free = {"CORE": D("0.00"), "PAYG": D("0.00")}
    assert bids.missing_for_submission(lines, [], free, {}, set(), []) == [bids.UNSCORABLE_BID]
    assert bids.missing_for_submission(lines, [], {**free, "PAYG": D("5")}, {}, set(), []) == []
    assert bids.missing_for_submission(lines, [], {"CORE": D("0")}, {}, set(), []) == \
        ["Enter the unit price for PAYG"]  # the price is only judged once every line has one
