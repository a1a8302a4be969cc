"""What each authority pays, and saves: core subscription for each year, pay-as-you-go
meetings at the contract rate after the included lifetime meetings are used up, the shared
procurement cost split between members, and the saving against the previous contract.

The years follow the contract's initial term (``contract_years``: a 24-month term has years
1 and 2; a part year counts as a year). The lead chooses the core subscription lines in year
order; year n pays the n-th chosen line's price, and every year after the last chosen line
pays that line's price again (``core_by_year``), so with one core line each year costs the
same. Lines chosen beyond the term are not charged.

An extension year after the chosen lines pays its own extension line when the contract has one:
schedules code the core subscription of extension year n ``EXT-Y<n>`` ("Core subscription,
extension year 4" is ``EXT-Y4``); otherwise it pays the previous year's line again
(``core_codes_by_year``).

Who shares the procurement cost is ``tenderapp.domain.agreements.shares_costs``: every member
authority except one that declined the collaborative agreement."""

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import TypeVar

from tenderapp.domain.contracts import add_months
from tenderapp.domain.money import PENNY

Key = TypeVar("Key", bound=Hashable)


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


def contract_years(start: date, last_day: date) -> int:
    """How many contract years a term from ``start`` to ``last_day`` (inclusive) spans: 1 April
    2015 to 31 March 2017 is 2; a part year at the end counts as a year."""
    years = 0
    while add_months(start, 12 * years) <= last_day:
        years += 1
    return years


def extension_code(year: int) -> str:
    """The code schedules give the core subscription line of extension (contract) year ``year``."""
    return f"EXT-Y{year}"


def core_codes_by_year(core_codes: list[str], contract_codes: Collection[str], years: int) -> list[str]:
    """The core subscription line for each of ``years`` contract years: the n-th of the lead's
    ``core_codes`` for year n; after them, the year's extension line (``extension_code``) when
    it is one of the ``contract_codes``, otherwise the previous year's line again. Raises
    ValueError when no core line is given."""
    if not core_codes:
        raise ValueError("at least one core subscription line is needed")
    chosen: list[str] = []
    for number in range(1, years + 1):
        if number <= len(core_codes):
            chosen.append(core_codes[number - 1])
        elif extension_code(number) in contract_codes:
            chosen.append(extension_code(number))
        else:
            chosen.append(chosen[-1])
    return chosen


def core_by_year(core_prices: list[Decimal], years: int) -> list[Decimal]:
    """The core subscription for each of ``years`` years: the n-th price for year n, the last
    price again for each year after it. Raises ValueError when no price is given."""
    if not core_prices:
        raise ValueError("at least one core subscription price is needed")
    return [core_prices[min(n, len(core_prices) - 1)] for n in range(years)]


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


def split(total: Decimal, weights: Mapping[Key, Decimal | int]) -> dict[Key, Decimal]:
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
