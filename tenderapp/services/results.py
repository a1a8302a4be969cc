"""The results: evaluated prices, price and quality scores, totals, rank and flags, from
the opened bids, the compliance checks and the moderated scores (individual scores never
count)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.domain import scoring
from tenderapp.models import ComplianceCheck, QualityCriterion, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import moderation, opening
from tenderapp.services.opening import OpenedBid


@dataclass(frozen=True)
class Row:
    submission_id: int
    supplier: str
    evaluated_price: Decimal | None
    price_score: Decimal | None
    quality: dict[int, tuple[int | None, Decimal | None]]  # criterion id -> (moderated score, contribution)
    quality_score: Decimal | None
    total: Decimal | None
    rank: int | None
    flags: list[str]


@dataclass(frozen=True)
class Results:
    tender: Tender
    criteria: list[QualityCriterion]
    rows: list[Row]
    complete: bool  # every compliant bid fully moderated
    winners: tuple = ()  # submission ids ranked first as tendered
    scenarios: list = ()  # scoring.Scenario: would the winner change?

    def supplier(self, submission_id: int) -> str:
        return next(r.supplier for r in self.rows if r.submission_id == submission_id)


def compute(session: Session, actor: Actor, sealer: Sealer, tender: Tender) -> Results:
    """The results of the lead's opened tender. Raises Forbidden before the opening."""
    opened = opening.unsealed_bids(session, sealer, tender)
    grid = moderation.grid(session, actor, tender)
    criteria = [scoring.Criterion(c.id, c.weight, c.max_score, c.min_score) for c in grid.criteria]
    moderated = {(cell.submission.id, cell.criterion.id): cell.moderated.score
                 for cell in grid.cells if cell.moderated is not None}
    scores = {b.submission.id: {c.key: moderated.get((b.submission.id, c.key)) for c in criteria} for b in opened}
    flags: dict[int, list[str]] = {b.submission.id: [] for b in opened}
    compliant = {b.submission.id: b.evaluated_price for b in opened
                 if _check_bid(b, grid.compliance.get(b.submission.id), flags[b.submission.id])}
    quality = _quality(scores, criteria, grid.criteria, flags)
    for sid in scoring.abnormally_low(compliant, Decimal(tender.abnormally_low_percent) / 100):
        flags[sid].append(f"Abnormally low: under {tender.abnormally_low_percent}% of the mean of the other bids")
    # One pool for price scores, ranking and sensitivity: compliant, moderated, above every minimum.
    pool = {sid: price for sid, price in compliant.items()
            if sid in quality and not any(f.startswith("Below the minimum") for f in flags[sid])}
    prices, ranks = _ranking(tender, pool, quality, flags)
    rows = sorted((_row(bid, scores, criteria, prices, quality, ranks, flags) for bid in opened),
                  key=lambda r: (r.rank is None, r.rank or 0, r.supplier))
    complete = bool(pool) and all(sid in grid.compliance for sid in flags) and all(sid in quality for sid in compliant)
    winners = tuple(sorted((k for k, r in ranks.items() if r.rank == 1), key=str))
    return Results(tender, grid.criteria, rows, complete, winners, _scenarios(tender, grid, pool, quality))


def _check_bid(bid: OpenedBid, check: ComplianceCheck | None, flags: list[str]) -> bool:
    """Flags what keeps the bid from being compared on price; whether it is compliant and fully
    priced on the current schedule."""
    if check is None:
        flags.append("Compliance not checked yet")
    elif not check.passed:
        flags.append(f"Not compliant: {check.reason}")
    if bid.evaluated_price is None:
        flags.append("Incomplete prices: " + ", ".join(bid.missing_lines))
    if not bid.schedule_current:
        flags.append("Priced against an earlier version of the schedule")
    scorable = bid.evaluated_price is not None and scoring.scorable_price(bid.evaluated_price)
    if bid.evaluated_price is not None and not scorable:  # stored before submission refused it
        flags.append(f"Cannot be scored: {scoring.UNSCORABLE_PRICE}")
    return (check is None or check.passed) and scorable and bid.schedule_current


def _quality(scores: dict[int, dict], criteria: list[scoring.Criterion], rows: list[QualityCriterion],
             flags: dict[int, list[str]]) -> dict[int, Decimal]:
    """The quality score of each fully moderated bid; flags the others and those below a minimum."""
    quality: dict[int, Decimal] = {}
    for sid, bid_scores in scores.items():
        if any(v is None for v in bid_scores.values()):
            flags[sid].append("Moderation not finished")
            continue
        quality[sid] = scoring.quality_score(bid_scores, criteria)
        failed = scoring.below_minimum(bid_scores, criteria)
        if failed:
            flags[sid].append("Below the minimum score for: " + ", ".join(c.title for c in rows if c.id in failed))
    return quality


def _ranking(tender: Tender, pool: dict[int, Decimal], quality: dict[int, Decimal],
             flags: dict[int, list[str]]) -> tuple[dict, dict]:
    """The price scores and ranks of the pool's bids; flags the ties."""
    prices = scoring.price_scores(pool, tender.price_weight, tender.price_method) if pool else {}
    ranks = {r.scored.key: r for r in scoring.rank(
        [scoring.Scored(sid, pool[sid], prices[sid], quality[sid]) for sid in pool])}
    for sid, r in ranks.items():
        if r.tied_with:
            flags[sid].append("Tied: the rules do not separate this bid from another")
    return prices, ranks


def _row(bid: OpenedBid, scores: dict[int, dict], criteria: list[scoring.Criterion], prices: dict,
         quality: dict[int, Decimal], ranks: dict, flags: dict[int, list[str]]) -> Row:
    sid = bid.submission.id
    contributions = {c.key: (scores[sid][c.key], None if scores[sid][c.key] is None else
                             Decimal(c.weight) * scores[sid][c.key] / Decimal(c.max_score)) for c in criteria}
    ranked = ranks.get(sid)
    return Row(sid, bid.supplier, bid.evaluated_price, prices.get(sid), contributions, quality.get(sid),
               prices[sid] + quality[sid] if sid in prices else None, ranked.rank if ranked else None, flags[sid])


def _scenarios(tender: Tender, grid: moderation.Grid, pool: dict, quality: dict[int, Decimal]) -> list:
    """Would the winner change under other weights or methods? (none without a pool or quality marks)"""
    quality_marks = sum((Decimal(c.weight) for c in grid.criteria), Decimal(0))
    if not (pool and quality_marks):
        return []
    _, scenarios = scoring.sensitivity(pool, {sid: quality[sid] / quality_marks for sid in pool},
                                       tender.price_weight, tender.price_method)
    return scenarios
