"""The lead's tracker: every member's status, date, signer and note, with tallies by kind.
A fixed number of queries whatever the number of members."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tenderapp.access.listing import ListFilter, Page, page_of_rows, rows_between, text_in
from tenderapp.domain.agreements import Action, PartyStatus, Tally, tally
from tenderapp.domain.roles import OrganisationKind
from tenderapp.exports.agreement_tracker import TrackerRow, TrackerSheet
from tenderapp.models import Agreement, AgreementResponse, AgreementVersion, Organisation, Representation, Signature
from tenderapp.services.agreement_status import current_version, members, responses_by_organisation, status_of

__all__ = ["SignatureLine", "Tracker", "TrackerRow", "sheet", "signatures", "tracker_of"]


@dataclass(frozen=True)
class Tracker:
    agreement: Agreement
    version: AgreementVersion | None
    rows: list[TrackerRow]
    tallies: list[Tally]

    def filtered(self, status: PartyStatus | None) -> list[TrackerRow]:
        return [r for r in self.rows if status is None or r.status is status]

    def page(self, wanted: ListFilter) -> Page[TrackerRow]:
        """The page of members matching ``wanted``: the organisation's name (or the one
        representing it) holding the text, the status, the latest answer on those UK days."""
        answered = rows_between(lambda r: r.date, wanted.date_from, wanted.date_to)
        rows = [r for r in self.rows
                if (not wanted.text or text_in(wanted.text, r.organisation, r.represented_by))
                and (not wanted.status or r.status.value == wanted.status) and answered(r)]
        return page_of_rows(rows, wanted.page)


def _signatures(session: Session, version: AgreementVersion | None) -> dict[int, tuple[Signature, str]]:
    if version is None:
        return {}
    signer_org = aliased(Organisation)
    return {s.organisation_id: (s, name) for s, name in session.exec(
        select(Signature, signer_org.name)
        .join(signer_org, signer_org.id == Signature.signer_organisation_id)
        .where(Signature.version_id == version.id))}


def _represented_by(session: Session, agreement: Agreement) -> dict[int, str]:
    """Member id -> the name of the organisation that represents it in the collaboration."""
    representative = aliased(Organisation)
    return dict(session.exec(
        select(Representation.represented_organisation_id, representative.name)
        .join(representative, representative.id == Representation.representative_organisation_id)
        .where(Representation.collaboration_id == agreement.collaboration_id)).all())


def _row(member: Organisation, version: AgreementVersion | None, responses: list[tuple[AgreementResponse, int]],
         signed: tuple[Signature | None, str | None], represented_by: str | None) -> TrackerRow:
    latest = next((r for r, n in reversed(responses) if version and n == version.number), None)
    signature, signer_org = signed
    return TrackerRow(
        organisation=member.name,
        kind=OrganisationKind(member.kind),
        status=status_of(version, responses),
        date=latest.created_at if latest else None,
        signer=f"{signature.signer_name}, {signature.signer_job_title}" if signature else None,
        signed_by=signer_org if signature and signature.signer_organisation_id != member.id else None,
        note=latest.note if latest and latest.action != Action.SIGN.value else None,
        represented_by=represented_by,
    )


def tracker_of(session: Session, agreement: Agreement) -> Tracker:
    """The tracker of an agreement the caller has loaded through access (lead only)."""
    version = current_version(session, agreement.id)
    history = responses_by_organisation(session, agreement.id)
    signatures = _signatures(session, version)
    represented_by = _represented_by(session, agreement)
    rows = [_row(member, version, history.get(member.id, []), signatures.get(member.id, (None, None)),
                 represented_by.get(member.id)) for member in members(session, agreement)]
    kinds = [k for k in OrganisationKind if any(r.kind is k for r in rows)]
    tallies = [tally(k.value, [r.status for r in rows if r.kind is k]) for k in kinds]
    return Tracker(agreement, version, rows, tallies)


def sheet(tracker: Tracker) -> TrackerSheet:
    """The tracker as the workbook writer takes it."""
    version = tracker.version
    return TrackerSheet(tracker.agreement.title, version.number if version else None,
                        version.sha256 if version else None, tracker.rows, tracker.tallies)


@dataclass(frozen=True)
class SignatureLine:
    organisation: str
    signer_name: str
    signer_job_title: str
    signer_organisation: str
    on_behalf: bool
    signed_at: datetime
    version_number: int
    version_sha256: str


def signatures(session: Session, tracker: Tracker) -> list[SignatureLine]:
    """Every signature on the current version, for the signature page (lead only: the
    caller has loaded the tracker through access)."""
    if tracker.version is None:
        return []
    signed_for, signer_org = aliased(Organisation), aliased(Organisation)
    rows = session.exec(
        select(Signature, signed_for.name, signer_org.name)
        .join(signed_for, signed_for.id == Signature.organisation_id)
        .join(signer_org, signer_org.id == Signature.signer_organisation_id)
        .where(Signature.version_id == tracker.version.id)
        .order_by(signed_for.name)
    ).all()
    return [SignatureLine(name, s.signer_name, s.signer_job_title, signer_name,
                          s.signer_organisation_id != s.organisation_id, s.signed_at, s.version_number,
                          s.version_sha256) for s, name, signer_name in rows]
