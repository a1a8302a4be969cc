"""The emails Tenderapp sends at each hand-off, and which of them a person may turn off.

Some are needed by the law or by the process itself (the second opener must know a key is
waiting; every interested supplier must get the same answers and amendments; each bidder must
get its assessment summary): those are always sent. The others only save a person from
checking their dashboard, where the same task is listed, and each person chooses them."""

from dataclasses import dataclass
from enum import StrEnum


class Notice(StrEnum):
    KEY_TURNED = "key_turned"
    BIDS_OPENED = "bids_opened"
    SCORES_IN = "scores_in"
    AGREEMENT_ANSWERED = "agreement_answered"
    QUESTION_ASKED = "question_asked"
    ANSWER_PUBLISHED = "answer_published"
    SUMMARY_ISSUED = "summary_issued"
    EXTENSION_DUE = "extension_due"


@dataclass(frozen=True)
class Kind:
    notice: Notice
    label: str  # what the email says, as the account page lists it
    audience: str  # who gets it
    required_because: str | None = None  # set: it cannot be turned off, and this is why

    @property
    def optional(self) -> bool:
        return self.required_because is None


CATALOGUE: tuple[Kind, ...] = (
    Kind(Notice.KEY_TURNED, "A key has been turned to open a tender's bids", "the other named bid openers",
         "the bids open only when enough openers have turned a key, so the others must know"),
    Kind(Notice.BIDS_OPENED, "A tender's bids have been opened", "the tender's evaluation panel"),
    Kind(Notice.SCORES_IN, "Every evaluator's scores are in", "the lead's procurement admins (the moderators)"),
    Kind(Notice.AGREEMENT_ANSWERED, "A member signed, agreed in principle or declined the agreement",
         "the lead's procurement admins"),
    Kind(Notice.QUESTION_ASKED, "A supplier asked a clarification question", "the lead's procurement admins"),
    Kind(Notice.ANSWER_PUBLISHED, "A clarification answer was published", "every interested supplier",
         "every supplier must be given the same information at the same time (equal treatment)"),
    Kind(Notice.SUMMARY_ISSUED, "Your assessment summary has been issued", "each bidder",
         "the law requires each bidder to be given its assessment summary (Procurement Act 2023, s.50)"),
    Kind(Notice.EXTENSION_DUE, "A contract's extension decision is coming due", "the lead's procurement admins"),
)
KINDS = {kind.notice: kind for kind in CATALOGUE}
OPTIONAL = tuple(kind.notice for kind in CATALOGUE if kind.optional)


def wanted(notice: Notice, turned_off: set[str]) -> bool:
    """Whether a person who turned off ``turned_off`` gets ``notice``: always for a required one."""
    return not KINDS[notice].optional or notice.value not in turned_off
