"""Evaluation rules: who may score, independence, wide disagreements, and moderation."""

from tenderapp.domain.errors import Forbidden, RuleViolation
from tenderapp.domain.labels import LabelledEnum


class PanelStatus(LabelledEnum):
    """Where an evaluator stands on a tender's panel, from their conflicts declaration."""

    NOT_DECLARED = "not_declared", "Conflicts not declared yet"
    AWAITING_DECISION = "awaiting_decision", "Conflict declared: awaiting the admin's decision"
    CLEARED = "cleared", "Cleared to evaluate"
    REMOVED = "removed", "Removed from the panel"


def panel_status(declared: bool, has_conflict: bool, resolution: str | None) -> PanelStatus:
    if not declared:
        return PanelStatus.NOT_DECLARED
    if not has_conflict or resolution == "continue":
        return PanelStatus.CLEARED
    if resolution == "removed":
        return PanelStatus.REMOVED
    return PanelStatus.AWAITING_DECISION


def check_may_evaluate(status: PanelStatus) -> None:
    """Raises Forbidden unless the evaluator is cleared: no bid is shown before the declaration."""
    if status is PanelStatus.NOT_DECLARED:
        raise Forbidden("Declare any conflicts of interest before you can see the bids")
    if status is PanelStatus.AWAITING_DECISION:
        raise Forbidden("You declared a conflict of interest: the procurement admin must decide before you "
                        "can see the bids")
    if status is PanelStatus.REMOVED:
        raise Forbidden("You have been removed from this tender's evaluation panel")


def check_score(score: int | None, max_score: int, field: str = "score") -> int:
    if score is None:
        raise RuleViolation("Select a score", field)
    if not 0 <= score <= max_score:
        raise RuleViolation(f"Score must be between 0 and {max_score}", field)
    return score


def check_reasons(text: str | None, field: str, what: str) -> str:
    """Scores without written reasons do not survive challenge: at least a sentence."""
    text = (text or "").strip()
    if not text:
        raise RuleViolation(f"Enter the {what}", field)
    if len(text.split()) < 5:
        raise RuleViolation(f"Write the {what} in at least a full sentence: what in the answer led to this score",
                            field)
    return text


def wide_spread(scores: list[int], threshold: int) -> bool:
    """Evaluators disagree widely when their scores differ by ``threshold`` points or more."""
    return len(scores) > 1 and max(scores) - min(scores) >= threshold
