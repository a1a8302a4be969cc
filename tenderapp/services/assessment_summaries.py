"""Assessment summaries: one per bidder, drafted from the moderated scores and rationales once
the award is recorded, edited by the lead's admins, then issued. An issued summary is fixed,
and each supplier sees its own only (in its portal and by email), never another's."""

from datetime import datetime

from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.access import contracts as contract_access
from tenderapp.domain.errors import NotFound, RuleViolation
from tenderapp.domain.notifications import Notice
from tenderapp.domain.tenders import PriceMethod, Regime
from tenderapp.formatting import money
from tenderapp.models import (
    AssessmentSummary,
    Bid,
    BidSubmission,
    Contract,
    ModeratedScore,
    Organisation,
    Tender,
    User,
)
from tenderapp.sealing import Sealer
from tenderapp.services import audit, notifications, results

MAX_BODY = 20_000
ADVANTAGES_PROMPT = "[Describe the characteristics and relative advantages of the successful bid.]"


def summaries(session: Session, contract: Contract) -> list[AssessmentSummary]:
    """The (scoped) contract's summaries, in the order they were drafted."""
    return list(session.exec(select(AssessmentSummary).where(AssessmentSummary.contract_id == contract.id)
                             .order_by(AssessmentSummary.id)).all())


def supplier_names(session: Session, contract: Contract) -> dict[int, str]:
    """The name of each organisation the (scoped) contract's summaries are for, by its id."""
    return dict(session.exec(select(Organisation.id, Organisation.name).join(
        AssessmentSummary, AssessmentSummary.organisation_id == Organisation.id)
        .where(AssessmentSummary.contract_id == contract.id)).all())


def supplier_name(session: Session, summary: AssessmentSummary) -> str:
    return session.get(Organisation, summary.organisation_id).name


def _draft_text(tender: Tender, found: results.Results, row: results.Row, winner: results.Row,
                rationales: dict[tuple[int, int], str]) -> str:
    lines = [f"Tender {tender.reference}: {tender.title}", "",
             f"The contract is to be awarded to {winner.supplier}.", "",
             "Award criteria, weightings and how each was scored:",
             f"- Price, {tender.price_weight}%: {PriceMethod(tender.price_method).label}."]
    for criterion in found.criteria:  # criterion weights are shares of the whole score
        lines.append(f"- {criterion.title}, {criterion.weight}%: "
                     f"scored 0 to {criterion.max_score} against the published descriptors.")
    lines += ["", "Your bid:"]
    lines.append(f"- Price: evaluated price {money(row.evaluated_price)}, score "
                 f"{row.price_score:.2f} out of {tender.price_weight}" if row.price_score is not None
                 else "- Price: not scored (the bid did not pass the compliance check)")
    for criterion in found.criteria:
        score, contribution = row.quality.get(criterion.id, (None, None))
        rationale = rationales.get((row.submission_id, criterion.id), "").strip()
        lines.append(f"- {criterion.title}: {score if score is not None else '–'} out of {criterion.max_score}"
                     + (f" ({contribution:.2f} points)" if contribution is not None else "")
                     + (f". {rationale}" if rationale else ""))
    if row.total is not None:
        lines.append(f"- Total: {row.total:.2f} out of 100, ranked {row.rank}.")
    if tender.regime == Regime.PCR2015.value and row.submission_id != winner.submission_id:
        lines += ["", f"The successful bid ({winner.supplier}):",
                  f"- Price score {winner.price_score:.2f}" if winner.price_score is not None else "- Price: –"]
        for criterion in found.criteria:
            score, _ = winner.quality.get(criterion.id, (None, None))
            lines.append(f"- {criterion.title}: {score if score is not None else '–'} out of {criterion.max_score}")
        lines += [f"- Total: {winner.total:.2f}" if winner.total is not None else "- Total: –", "",
                  "Relative advantages of the successful bid:", ADVANTAGES_PROMPT]
    return "\n".join(lines)


def draft_summaries(session: Session, actor: Actor, sealer: Sealer, contract: Contract, tender: Tender,
                    now: datetime) -> int:
    """Drafts a summary for every bidder on the (scoped) contract's tender without one;
    existing drafts (and edits) are kept. Returns how many were drafted."""
    found = results.compute(session, actor, sealer, tender)
    winner = next((r for r in found.rows if r.submission_id == contract.submission_id), None)
    if winner is None:
        raise RuleViolation("The awarded bid is not among the evaluated bids", "contract")
    have = set(session.exec(select(AssessmentSummary.submission_id)
                            .where(AssessmentSummary.contract_id == contract.id)).all())
    owners = dict(session.exec(select(BidSubmission.id, Bid.organisation_id).join(Bid, Bid.id == BidSubmission.bid_id)
                               .where(Bid.tender_id == tender.id)).all())
    rationales = {(m.submission_id, m.criterion_id): m.rationale for m in
                  session.exec(select(ModeratedScore).where(ModeratedScore.tender_id == tender.id)).all()}
    made = 0
    for row in (r for r in found.rows if r.submission_id not in have):
        session.add(AssessmentSummary(contract_id=contract.id, submission_id=row.submission_id,
                                      organisation_id=owners[row.submission_id],
                                      body=_draft_text(tender, found, row, winner, rationales), drafted_at=now,
                                      updated_by_user_id=actor.user_id, updated_at=now))
        made += 1
    audit.record(session, actor, "contract.summaries_drafted", "contract", contract.id, now, {"drafted": made})
    session.commit()
    return made


def edit(session: Session, actor: Actor, summary: AssessmentSummary, body: str, now: datetime) -> AssessmentSummary:
    """Saves the lead's text of a (scoped) summary. Raises RuleViolation once it is issued, for
    an empty or overlong text, or while the prompt in square brackets is left in."""
    if summary.issued_at is not None:
        raise RuleViolation("This summary has been issued and can no longer be changed", "body")
    body = body.strip()
    if not body:
        raise RuleViolation("Enter the summary", "body")
    if len(body) > MAX_BODY:
        raise RuleViolation(f"The summary must be {MAX_BODY:,} characters or fewer", "body")
    if ADVANTAGES_PROMPT in body:
        raise RuleViolation("Replace the prompt in square brackets with the relative advantages", "body")
    summary.body, summary.updated_at, summary.updated_by_user_id = body, now, actor.user_id
    session.add(summary)
    audit.record(session, actor, "contract.summary_edited", "contract", summary.contract_id, now,
                 {"summary_id": summary.id})
    session.commit()
    return summary


def _queue_mail(session: Session, tender: Tender, waiting: list[AssessmentSummary], now: datetime, link: str) -> None:
    recipients = session.exec(select(User.organisation_id, User.email).where(
        User.organisation_id.in_({r.organisation_id for r in waiting}), User.active.is_(True))).all()
    for row in waiting:
        notifications.send(session, Notice.SUMMARY_ISSUED,
                           [(email, organisation_id) for organisation_id, email in recipients
                            if organisation_id == row.organisation_id],
                           f"Assessment summary: tender {tender.reference}",
                           f"Your assessment summary for tender {tender.reference} ({tender.title}) has been "
                           f"issued.\n\n{row.body}\n\nRead it in Tenderapp:", link, now)


def issue(session: Session, actor: Actor, contract: Contract, tender: Tender, now: datetime, link: str) -> int:
    """Issues every drafted summary of the (scoped) contract at once (the standstill letters go
    out together) and emails each supplier its own, with ``link`` (its page). The contract row is locked first, so two
    admins pressing Issue together send one set. Raises RuleViolation when there is nothing to
    issue or a prompt is left in."""
    session.exec(select(Contract.id).where(Contract.id == contract.id).with_for_update()).one()
    rows = summaries(session, contract)
    waiting = [r for r in rows if r.issued_at is None]
    if not waiting:
        raise RuleViolation("There are no drafted summaries to issue", "summaries")
    unfinished = [r for r in waiting if ADVANTAGES_PROMPT in r.body]
    if unfinished:
        raise RuleViolation(f"{len(unfinished)} summaries still have the prompt in square brackets: edit them first",
                            "summaries")
    for row in waiting:
        row.issued_at, row.issued_by_user_id = now, actor.user_id
        session.add(row)
    _queue_mail(session, tender, waiting, now, link)
    audit.record(session, actor, "contract.summaries_issued", "contract", contract.id, now, {"issued": len(waiting)})
    session.commit()
    return len(waiting)


def has_own(session: Session, actor: Actor, tender: Tender) -> bool:
    """Whether the actor's organisation has an issued summary for the tender."""
    try:
        contract_access.own_issued_summary(session, actor, tender)
    except NotFound:
        return False
    return True
