"""The results: evaluated prices, price and quality scores, totals, rank and flags, from
the opened bids, the compliance checks and the moderated scores (individual scores never
count)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session

from tenderapp.access import Actor
from tenderapp.domain import scoring
from tenderapp.models import QualityCriterion, Tender
from tenderapp.sealing import Sealer
from tenderapp.services import moderation, opening


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


def compute(session: Session, actor: Actor, sealer: Sealer, tender_id: int) -> Results:
    tender, opened = opening.opened_bids(session, actor, sealer, tender_id)
    grid = moderation.grid(session, actor, tender_id)
    criteria = [scoring.Criterion(c.id, c.weight, c.max_score, c.min_score) for c in grid.criteria]
    moderated = {(cell.submission.id, cell.criterion.id): cell.moderated.score
                 for cell in grid.cells if cell.moderated is not None}
    flags: dict[int, list[str]] = {b.submission.id: [] for b in opened}
    quality: dict[int, Decimal] = {}
    contributions: dict[int, dict] = {}
    compliant: dict[int, Decimal] = {}  # compliant, fully priced on the current schedule
    checked_all = True
    for bid in opened:
        sid = bid.submission.id
        scores = {c.key: moderated.get((sid, c.key)) for c in criteria}
        contributions[sid] = {c.key: (scores[c.key], None if scores[c.key] is None else
                                      Decimal(c.weight) * scores[c.key] / Decimal(c.max_score)) for c in criteria}
        check = grid.compliance.get(sid)
        if check is None:
            checked_all = False
            flags[sid].append("Compliance not checked yet")
        elif not check.passed:
            flags[sid].append(f"Not compliant: {check.reason}")
        if bid.evaluated_price is None:
            flags[sid].append("Incomplete prices: " + ", ".join(bid.missing_lines))
        if not bid.schedule_current:
            flags[sid].append("Priced against an earlier version of the schedule")
        scorable = bid.evaluated_price is not None and scoring.scorable_price(bid.evaluated_price)
        if bid.evaluated_price is not None and not scorable:  # stored before submission refused it
            flags[sid].append(f"Cannot be scored: {scoring.UNSCORABLE_PRICE}")
        if (check is None or check.passed) and scorable and bid.schedule_current:
            compliant[sid] = bid.evaluated_price
        if any(v is None for v in scores.values()):
            flags[sid].append("Moderation not finished")
            continue
        quality[sid] = scoring.quality_score(scores, criteria)
        failed = scoring.below_minimum(scores, criteria)
        if failed:
            flags[sid].append("Below the minimum score for: "
                              + ", ".join(c.title for c in grid.criteria if c.id in failed))
    for sid in scoring.abnormally_low(compliant, Decimal(tender.abnormally_low_percent) / 100):
        flags[sid].append(f"Abnormally low: under {tender.abnormally_low_percent}% of the mean of the other bids")
    # One pool for price scores, ranking and sensitivity: compliant, moderated, above every minimum.
    pool = {sid: price for sid, price in compliant.items()
            if sid in quality and not any(f.startswith("Below the minimum") for f in flags[sid])}
    prices = scoring.price_scores(pool, tender.price_weight, tender.price_method) if pool else {}
    ranks = {r.scored.key: r for r in scoring.rank(
        [scoring.Scored(sid, pool[sid], prices[sid], quality[sid]) for sid in pool])}
    for sid, r in ranks.items():
        if r.tied_with:
            flags[sid].append("Tied: the rules do not separate this bid from another")
    rows = []
    for bid in opened:
        sid = bid.submission.id
        ranked = ranks.get(sid)
        rows.append(Row(sid, bid.supplier, bid.evaluated_price, prices.get(sid), contributions[sid], quality.get(sid),
                        prices[sid] + quality[sid] if sid in prices else None,
                        ranked.rank if ranked else None, flags[sid]))
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.supplier))
    complete = bool(pool) and checked_all and all(sid in quality for sid in compliant)
    winners = tuple(sorted((k for k, r in ranks.items() if r.rank == 1), key=str))
    quality_marks = sum((Decimal(c.weight) for c in grid.criteria), Decimal(0))
    scenarios = []
    if pool and quality_marks:
        _, scenarios = scoring.sensitivity(pool, {sid: quality[sid] / quality_marks for sid in pool},
                                           tender.price_weight, tender.price_method)
    return Results(tender, grid.criteria, rows, complete, winners, scenarios)
