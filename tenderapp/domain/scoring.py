"""Scoring bids on price and quality: exact Decimal arithmetic, never float.

- Price, "lowest": ``max_points × lowest / price``; "deviation":
  ``max(0, max_points × (1 − (price − lowest) / lowest))``.
- Quality: ``Σ weight × score / max_score`` over the criteria.
- Total = price score + quality score. Ranking uses the unrounded values; a tie goes to the
  higher quality score, then the lower price; a tie that remains is flagged, never broken.
- Abnormally low: a price under ``threshold`` (default 80%) of the mean of the other bids.
- Only display rounds: to 2 decimal places, half up.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Hashable, Iterable, Mapping, TypeVar

from tenderapp.domain.tenders import PriceMethod

METHODS = tuple(PriceMethod)  # the one definition is the tender's PriceMethod
PRECISION = 34  # digits kept in intermediate results; far beyond pence and display
Key = TypeVar("Key", bound=Hashable)  # what identifies a bid to the caller


def _decimal(value: object, name: str) -> Decimal:
    """Decimal or int only: a float would carry binary rounding error into a public decision."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    return Decimal(value)


def scorable_price(price: Decimal | int) -> bool:
    """Whether a bid's evaluated price can be scored: both methods divide by the lowest price,
    so only a price above zero can be (a £0 line is fine; a £0 bid is not)."""
    return _decimal(price, "price") > 0


UNSCORABLE_PRICE = "its evaluated price is £0.00, and only a price above zero can be scored on price"


def price_scores(prices: Mapping[Key, Decimal], max_points: Decimal | int,
                 method: str = "lowest") -> dict[Key, Decimal]:
    """Each bid's price score out of ``max_points``. Raises ValueError for an unknown method,
    no prices, or a price of zero or less; TypeError for a float."""
    if method not in METHODS:
        raise ValueError(f"unknown price scoring method {method!r}: use one of {', '.join(METHODS)}")
    if not prices:
        raise ValueError("no prices to score")
    points = _decimal(max_points, "max_points")
    if points < 0:
        raise ValueError("max_points must be 0 or more")
    values = {key: _decimal(price, f"price of {key!r}") for key, price in prices.items()}
    if not all(map(scorable_price, values.values())):
        raise ValueError("every price must be more than zero")
    lowest = min(values.values())
    with localcontext() as context:
        context.prec = PRECISION
        if method == "lowest":
            return {key: points * lowest / price for key, price in values.items()}
        return {key: max(Decimal(0), points * (1 - (price - lowest) / lowest)) for key, price in values.items()}


@dataclass(frozen=True)
class Criterion:
    key: Hashable
    weight: Decimal | int
    max_score: Decimal | int
    min_score: Decimal | int | None = None


def quality_score(scores: Mapping[Hashable, Decimal | int], criteria: Iterable[Criterion]) -> Decimal:
    """``Σ weight × score / max_score``. Raises ValueError when a criterion has no score, a
    score is for no criterion, or a score is outside 0..max_score."""
    criteria = list(criteria)
    keys = {c.key for c in criteria}
    if set(scores) - keys:
        raise ValueError(f"scores for unknown criteria: {sorted(map(str, set(scores) - keys))}")
    total = Decimal(0)
    with localcontext() as context:
        context.prec = PRECISION
        for criterion in criteria:
            if criterion.key not in scores:
                raise ValueError(f"no score for criterion {criterion.key!r}")
            score = _decimal(scores[criterion.key], f"score for {criterion.key!r}")
            maximum = _decimal(criterion.max_score, "max_score")
            if not 0 <= score <= maximum:
                raise ValueError(f"score {score} for {criterion.key!r} is outside 0..{maximum}")
            total += _decimal(criterion.weight, "weight") * score / maximum
    return total


def below_minimum(scores: Mapping[Hashable, Decimal | int], criteria: Iterable[Criterion]) -> list[Hashable]:
    """The criteria whose minimum score the bid did not reach (it then fails quality)."""
    return [c.key for c in criteria if c.min_score is not None and scores[c.key] < c.min_score]


@dataclass(frozen=True)
class Scored:
    key: Hashable
    price: Decimal
    price_score: Decimal
    quality_score: Decimal

    @property
    def total(self) -> Decimal:
        return self.price_score + self.quality_score


@dataclass(frozen=True)
class Ranked:
    scored: Scored
    rank: int
    tied_with: tuple[Hashable, ...]  # keys of bids it could not be separated from (empty when none)


def rank(bids: Iterable[Scored]) -> list[Ranked]:
    """Best first: by total, then higher quality, then lower price. Bids equal on all three
    share a rank and are flagged as tied with each other."""
    ordered = sorted(bids, key=lambda b: (-b.total, -b.quality_score, b.price, str(b.key)))
    ranked, position = [], 0
    while position < len(ordered):
        group = [ordered[position]]
        while position + len(group) < len(ordered) and _same(ordered[position + len(group)], group[0]):
            group.append(ordered[position + len(group)])
        for bid in group:
            ranked.append(Ranked(bid, position + 1, tuple(b.key for b in group if b is not bid)))
        position += len(group)
    return ranked


def _same(a: Scored, b: Scored) -> bool:
    return (a.total, a.quality_score, a.price) == (b.total, b.quality_score, b.price)


def abnormally_low(prices: Mapping[Key, Decimal], threshold: Decimal = Decimal("0.8")) -> set[Key]:
    """Bids priced under ``threshold`` of the mean of the other bids (needs two or more)."""
    values = {key: _decimal(price, "price") for key, price in prices.items()}
    if len(values) < 2:
        return set()
    total = sum(values.values(), Decimal(0))
    with localcontext() as context:
        context.prec = PRECISION
        return {key for key, price in values.items()
                if price < _decimal(threshold, "threshold") * (total - price) / (len(values) - 1)}


def display(value: Decimal) -> Decimal:
    """Rounded for display only: 2 decimal places, half up."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Scenario:
    label: str
    price_weight: Decimal
    method: str
    winners: tuple[Hashable, ...]  # the bid or bids ranked first


def sensitivity(prices: Mapping[Hashable, Decimal], quality_shares: Mapping[Hashable, Decimal],
                price_weight: Decimal | int, method: str,
                steps: tuple[int, ...] = (5, 10, 20)) -> tuple[tuple[Hashable, ...], list[Scenario]]:
    """Would the winner change if price weighed more or less, or under the other method?
    ``quality_shares`` are each bid's quality score as a share of the quality marks (0..1),
    which scale with the quality weight. Returns the winners as tendered and each scenario."""

    def winners(weight: Decimal, how: str) -> tuple[Hashable, ...]:
        price_points = price_scores(prices, weight, how)
        scored = [Scored(k, prices[k], price_points[k], (100 - weight) * quality_shares[k]) for k in prices]
        ranked = rank(scored)
        return tuple(sorted((r.scored.key for r in ranked if r.rank == 1), key=str))

    base_weight = _decimal(price_weight, "price_weight")
    base = winners(base_weight, method)
    scenarios = []
    for step in steps:
        for sign in (-1, 1):
            weight = base_weight + sign * step
            if 0 <= weight <= 100:
                scenarios.append(Scenario(f"Price weight {weight} ({'+' if sign > 0 else '−'}{step})", weight, method,
                                          winners(weight, method)))
    other = next(m for m in METHODS if m != method)
    scenarios.append(Scenario(f"Price scored by the {other} method", base_weight, other, winners(base_weight, other)))
    return base, scenarios
