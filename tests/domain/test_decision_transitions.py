"""A decision's status follows from its dates; it is published, or acted on (an award or an
extension under it), only once taken."""

from datetime import UTC, date, datetime

import pytest

from tenderapp.domain.decisions import (
    ALLOWED_MOVES,
    DecisionKind,
    DecisionStatus,
    DocumentKind,
    Move,
    check_basis,
    check_dates,
    check_document_kind,
    check_kind,
    check_move,
    status,
)
from tenderapp.domain.errors import RuleViolation

ENDORSED, TAKEN = date(2026, 11, 10), date(2026, 11, 12)
PUBLISHED = datetime(2026, 11, 13, tzinfo=UTC)


@pytest.mark.parametrize("endorsed, taken, published, expected", [
    (None, None, None, DecisionStatus.PROPOSED),
    (ENDORSED, None, None, DecisionStatus.ENDORSED),
    (ENDORSED, TAKEN, None, DecisionStatus.TAKEN),
    (None, TAKEN, None, DecisionStatus.TAKEN),
    (ENDORSED, TAKEN, PUBLISHED, DecisionStatus.PUBLISHED),
])
def test_the_status_follows_from_the_dates(endorsed, taken, published, expected):
    assert status(endorsed, taken, published) is expected


def test_the_labels_are_the_words_people_see():
    assert [s.label for s in DecisionStatus] == ["Proposed", "Endorsed", "Taken", "Published"]
    assert [k.label for k in DecisionKind] == ["Award", "Extension", "Other"]
    assert DocumentKind("equality_impact").label == "Equality impact assessment"


def test_the_values_are_the_stored_strings():
    assert [k.value for k in DecisionKind] == ["award", "extension", "other"]
    assert [k.value for k in DocumentKind] == ["report", "equality_impact", "legal_advice", "other"]


@pytest.mark.parametrize("current", [DecisionStatus.TAKEN, DecisionStatus.PUBLISHED])
@pytest.mark.parametrize("move", list(Move))
def test_a_taken_decision_is_published_and_acted_on(current, move):
    check_move(current, move, "award")
    assert move in ALLOWED_MOVES[current]


@pytest.mark.parametrize("current", [DecisionStatus.PROPOSED, DecisionStatus.ENDORSED])
def test_a_decision_not_yet_taken_is_neither_published_nor_acted_on(current):
    with pytest.raises(RuleViolation, match="Record when the decision was taken before publishing it"):
        check_move(current, Move.PUBLISH, "award")
    with pytest.raises(RuleViolation, match="The extension decision has not been taken yet") as refused:
        check_move(current, Move.ACT, "extension")
    assert refused.value.field == "decision_id"


def test_every_status_has_its_moves():
    assert set(ALLOWED_MOVES) == set(DecisionStatus)


@pytest.mark.parametrize("kind, current", [(None, None), ("extension", DecisionStatus.TAKEN),
                                           ("other", DecisionStatus.PUBLISHED)])
def test_an_award_needs_an_award_decision(kind, current):
    with pytest.raises(RuleViolation, match="Select the award decision") as refused:
        check_basis(DecisionKind.AWARD, kind, current)
    assert refused.value.field == "decision_id"


def test_an_award_needs_the_award_decision_taken():
    check_basis(DecisionKind.AWARD, "award", DecisionStatus.TAKEN)
    with pytest.raises(RuleViolation, match="The award decision has not been taken yet"):
        check_basis(DecisionKind.AWARD, "award", DecisionStatus.ENDORSED)


def test_kinds_outside_the_lists_are_refused_beside_the_kind_field():
    assert check_kind("award") is DecisionKind.AWARD
    assert check_document_kind("legal_advice") is DocumentKind.LEGAL_ADVICE
    for check, message in ((check_kind, "Select the type of decision"),
                           (check_document_kind, "Select the kind of document")):
        with pytest.raises(RuleViolation, match=message) as refused:
            check("minutes")
        assert refused.value.field == "kind"


def test_a_decision_is_not_taken_before_it_was_endorsed():
    check_dates(ENDORSED, TAKEN)
    check_dates(None, TAKEN)
    with pytest.raises(RuleViolation, match="cannot be taken before it was endorsed"):
        check_dates(TAKEN, ENDORSED)
