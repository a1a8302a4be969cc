"""What each authority pays, and saves: core subscription for each year, pay-as-you-go
meetings at the contract rate after the included lifetime meetings are used up, the shared
procurement cost split between members, and the saving against the previous contract."""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import Hashable, Mapping

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class YearCost:
    year: int
    core: Decimal
    included_meetings_used: int
    payg_meetings: int
    payg_cost: Decimal
    total: Decimal
    saving: Decimal | None  # against the previous annual cost, when known


@dataclass(frozen=True)
class Projection:
    years: list[YearCost]

    @property
    def total(self) -> Decimal:
        return sum((y.total for y in self.years), Decimal(0))

    @property
    def average_saving(self) -> Decimal | None:
        savings = [y.saving for y in self.years if y.saving is not None]
        return (sum(savings, Decimal(0)) / len(savings)).quantize(PENNY) if savings else None


def projection(core_by_year: list[Decimal], included_meetings: int, payg_rate: Decimal, meetings_per_year: int,
               previous_annual_cost: Decimal | None = None) -> Projection:
    """Year by year: the core subscription, the included meetings used first (they last the
    contract's lifetime), the rest paid as you go. Raises ValueError for negative inputs."""
    if included_meetings < 0 or meetings_per_year < 0 or payg_rate < 0 or any(c < 0 for c in core_by_year):
        raise ValueError("costs and meeting numbers must be 0 or more")
    left, years = included_meetings, []
    for number, core in enumerate(core_by_year, start=1):
        used = min(left, meetings_per_year)
        left -= used
        payg = meetings_per_year - used
        payg_cost = (payg_rate * payg).quantize(PENNY)
        total = (core + payg_cost).quantize(PENNY)
        saving = (previous_annual_cost - total).quantize(PENNY) if previous_annual_cost is not None else None
        years.append(YearCost(number, core.quantize(PENNY), used, payg, payg_cost, total, saving))
    return Projection(years)


def split(total: Decimal, weights: Mapping[Hashable, Decimal | int]) -> dict:
    """Splits ``total`` in proportion to ``weights`` (equal weights for equal shares), exactly
    to the penny: each share is rounded down, and the pennies left over go to the largest
    remainders (ties by key order), so the shares always add up to the total."""
    if not weights:
        raise ValueError("nothing to split between")
    if any(Decimal(w) < 0 for w in weights.values()) or sum(Decimal(w) for w in weights.values()) == 0:
        raise ValueError("weights must be 0 or more and not all 0")
    pence = int((total / PENNY).to_integral_value())
    weight_total = sum(Decimal(w) for w in weights.values())
    exact = {key: Decimal(pence) * Decimal(w) / weight_total for key, w in weights.items()}
    shares = {key: int(value.to_integral_value(rounding=ROUND_DOWN)) for key, value in exact.items()}
    left = pence - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), str(k)))[:left]:
        shares[key] += 1
    return {key: Decimal(p) * PENNY for key, p in shares.items()}
