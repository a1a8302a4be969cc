"""The lead's side of the collaborative agreement: drafting, issuing, new versions,
reminders and who may sign on behalf of whom."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tenderapp.access import Actor
from tenderapp.domain.agreements import text_fingerprint
from tenderapp.domain.documents import PDF, check_pdf, safe_filename
from tenderapp.domain.errors import Conflict, RuleViolation
from tenderapp.domain.text import check_single_line
from tenderapp.models import (
    Agreement,
    AgreementVersion,
    Collaboration,
    CollaborationMember,
    Organisation,
    Representation,
)
from tenderapp.services import audit
from tenderapp.services.agreement_status import current_version, draft_version, member_statuses, notify_signatories
from tenderapp.storage import DocumentStore


@dataclass(frozen=True)
class VersionContent:
    """What a version says: Markdown text, or a PDF with a plain summary of it."""

    body: str | None = None
    document: bytes | None = None
    document_name: str | None = None
    summary: str | None = None
    change_summary: str | None = None


def _apply_content(version: AgreementVersion, content: VersionContent, store: DocumentStore) -> None:
    """Puts the text or the PDF (with its summary) on the version and fingerprints it.
    A new upload replaces the text; new text replaces an earlier upload."""
    body = (content.body or "").strip()
    summary = (content.summary or "").strip()
    if content.document is not None:
        check_pdf(content.document, content.document_name, "document")
        if not summary:
            raise RuleViolation("Enter a summary of the document", field="summary")
        version.body = None
        version.document_sha256 = store.save(content.document)
        version.document_name = safe_filename(content.document_name, media_type=PDF)
        version.summary = summary
    elif body:
        version.body = body
        version.document_sha256 = version.document_name = version.summary = None
    elif version.document_sha256:
        if not summary:
            raise RuleViolation("Enter a summary of the document", field="summary")
        version.summary = summary
    else:
        raise RuleViolation("Enter the agreement text, or upload the agreement as a PDF", field="body")
    version.sha256 = version.document_sha256 or text_fingerprint(version.body)


def create(
    session: Session, actor: Actor, collaboration: Collaboration, title: str, content: VersionContent,
    store: DocumentStore, now: datetime,
) -> Agreement:
    """Creates an agreement of the (led) collaboration with a first draft version. Raises
    RuleViolation on a missing title or content."""
    title = check_single_line(title, "title", "Title", "Enter a title")
    agreement = Agreement(collaboration_id=collaboration.id, title=title,
                          created_by_user_id=actor.user_id, created_at=now)
    session.add(agreement)
    session.flush()
    version = AgreementVersion(agreement_id=agreement.id, number=1, sha256="", created_at=now)
    _apply_content(version, content, store)
    session.add(version)
    session.flush()
    audit.record(session, actor, "agreement.created", "agreement", agreement.id, now,
                 {"title": title, "collaboration_id": collaboration.id, "version": 1, "sha256": version.sha256})
    session.commit()
    return agreement


def _change_summary(content: VersionContent) -> str:
    """What has changed since the last version. Raises RuleViolation when it is blank."""
    summary = (content.change_summary or "").strip()
    if not summary:
        raise RuleViolation("Enter a summary of what has changed", field="change_summary")
    return summary


def _record_version(session: Session, actor: Actor, action: str, agreement: Agreement, version: AgreementVersion,
                    now: datetime) -> None:
    audit.record(session, actor, action, "agreement", agreement.id, now,
                 {"version": version.number, "sha256": version.sha256})
    session.commit()


def update_draft(
    session: Session, actor: Actor, agreement: Agreement, title: str, content: VersionContent,
    store: DocumentStore, now: datetime,
) -> AgreementVersion:
    """Changes the draft version (never an issued one). Raises Conflict without a draft."""
    version = draft_version(session, agreement.id)
    if version is None:
        raise Conflict("There is no draft to change. Start a new version instead.")
    title = check_single_line(title, "title", "Title", "Enter a title")
    _apply_content(version, content, store)
    if version.number > 1:
        version.change_summary = _change_summary(content)
    agreement.title = title
    session.add_all([agreement, version])
    _record_version(session, actor, "agreement.draft_changed", agreement, version, now)
    return version


def start_new_version(
    session: Session, actor: Actor, agreement: Agreement, content: VersionContent, store: DocumentStore,
    now: datetime,
) -> AgreementVersion:
    """Drafts the next version. Raises Conflict while a draft exists or before the first issue;
    RuleViolation without a summary of changes."""
    if draft_version(session, agreement.id) is not None:
        raise Conflict("A draft version already exists. Change it or issue it.")
    issued = current_version(session, agreement.id)
    if issued is None:
        raise Conflict("Issue the first version before starting another.")
    version = AgreementVersion(agreement_id=agreement.id, number=issued.number + 1, sha256="",
                               change_summary=_change_summary(content), created_at=now)
    _apply_content(version, content, store)
    if version.sha256 == issued.sha256:
        raise RuleViolation("The new version is the same as the current one. Change the text first.", field="body")
    session.add(version)
    session.flush()
    _record_version(session, actor, "agreement.version_drafted", agreement, version, now)
    return version


def issue(
    session: Session, actor: Actor, agreement: Agreement, now: datetime, link: str | None,
) -> AgreementVersion:
    """Issues the draft: it becomes the version members answer, earlier signatures turn into
    'Re-signing required', and every member's signatories are told (unless ``link`` is None:
    a demo scenario's historic issue tells no one). Raises Conflict without a draft."""
    version = draft_version(session, agreement.id)
    if version is None:
        raise Conflict("There is no draft version to issue")
    version.issued_at = now
    version.issued_by_user_id = actor.user_id
    session.add(version)
    session.flush()
    recipients = 0 if link is None else notify_signatories(
        session, agreement, [m for m, _ in member_statuses(session, agreement)],
        f"Collaborative agreement to sign: {agreement.title}", _issue_message(actor, agreement, version, link), now)
    audit.record(session, actor, "agreement.issued", "agreement", agreement.id, now,
                 {"version": version.number, "sha256": version.sha256, "notified": recipients})
    session.commit()
    return version


def _issue_message(actor: Actor, agreement: Agreement, version: AgreementVersion, link: str) -> str:
    return (f"{actor.organisation_name} has issued “{agreement.title}” (version {version.number}) "
            "for signature.\n\n"
            + (f"What has changed: {version.change_summary}\n\n" if version.change_summary else "")
            + f"Read it, agree in principle or sign it here:\n{link}\n")


def send_reminders(session: Session, actor: Actor, agreement: Agreement, now: datetime, link: str) -> int:
    """Reminds the signatories of every member still to respond; returns how many members."""
    version = current_version(session, agreement.id)
    if version is None:
        raise Conflict("Issue the agreement before sending reminders")
    outstanding = [member for member, status in member_statuses(session, agreement) if status.outstanding]
    if not outstanding:
        raise RuleViolation("Every member has already signed or declined")
    notify_signatories(session, agreement, outstanding,
                       f"Reminder: please sign {agreement.title}",
                       f"{actor.organisation_name} is still waiting for your organisation's answer to "
                       f"“{agreement.title}” (version {version.number}).\n\nRead and sign it here:\n{link}\n", now)
    audit.record(session, actor, "agreement.reminders_sent", "agreement", agreement.id, now,
                 {"organisations": [m.id for m in outstanding]})
    session.commit()
    return len(outstanding)


@dataclass(frozen=True)
class Authority:
    """What a representation relies on: a reference, and optionally a copy of it (a PDF)."""

    reference: str
    document: bytes | None = None
    document_name: str | None = None


def record_representation(
    session: Session, actor: Actor, collaboration: Collaboration, representative: Organisation | None,
    represented_ids: list[int], authority: Authority, store: DocumentStore, now: datetime,
) -> list[Representation]:
    """Records that one organisation (``access.agreements.acting_authority``: a member or not,
    such as a commissioning support unit) may answer for members of the (led) collaboration,
    and on what authority. Raises RuleViolation without a representative, for non-member
    represented organisations, itself alone, or an empty reference."""
    represented = _represented(session, collaboration, representative, represented_ids)
    reference = check_single_line(authority.reference, "reference", "Authority",
                                  "Enter the authority it relies on, such as a letter or minute reference", 500)
    document_sha = None
    if authority.document is not None:
        check_pdf(authority.document, authority.document_name, "document")
        document_sha = store.save(authority.document)
    rows = [_representation(session, collaboration, representative, member_id, now) for member_id in represented]
    for row in rows:
        row.authority_reference = reference
        if document_sha:
            row.document_sha256 = document_sha
            row.document_name = safe_filename(authority.document_name, media_type=PDF)
        session.add(row)
    session.flush()
    audit.record(session, actor, "collaboration.representation_recorded", "collaboration", collaboration.id, now,
                 {"representative": representative.id, "represented": represented, "reference": reference})
    session.commit()
    return rows


def _represented(session: Session, collaboration: Collaboration, representative: Organisation | None,
                 represented_ids: list[int]) -> list[int]:
    """The members the representative is to act for (never itself). Raises RuleViolation
    without a representative or any member, or for an organisation outside the collaboration."""
    members = set(session.exec(select(CollaborationMember.organisation_id)
                               .where(CollaborationMember.collaboration_id == collaboration.id)).all())
    if representative is None:
        raise RuleViolation("Select the organisation that will act for the others", field="representative_id")
    represented = [i for i in represented_ids if i != representative.id]
    if not represented:
        raise RuleViolation("Select the organisations it acts for", field="represented_ids")
    if any(i not in members for i in represented):
        raise RuleViolation("Only members of the collaboration can be represented", field="represented_ids")
    return represented


def _representation(session: Session, collaboration: Collaboration, representative: Organisation,
                    organisation_id: int, now: datetime) -> Representation:
    """The member's representation in the collaboration, now by ``representative`` (one a
    member: a new one replaces who acted for it before)."""
    row = session.exec(select(Representation).where(
        Representation.collaboration_id == collaboration.id,
        Representation.represented_organisation_id == organisation_id)).first()
    row = row or Representation(collaboration_id=collaboration.id, represented_organisation_id=organisation_id,
                                authority_reference="", created_at=now)
    row.representative_organisation_id = representative.id
    return row


def representations(session: Session, collaboration: Collaboration
                    ) -> list[tuple[Representation, Organisation, Organisation]]:
    """Each representation with the representative and the represented organisation."""
    representative, represented = aliased(Organisation), aliased(Organisation)
    return list(session.exec(
        select(Representation, representative, represented)
        .join(representative, representative.id == Representation.representative_organisation_id)
        .join(represented, represented.id == Representation.represented_organisation_id)
        .where(Representation.collaboration_id == collaboration.id)
        .order_by(representative.name, represented.name)
    ).all())


def of_collaboration(session: Session, collaboration: Collaboration) -> list[Agreement]:
    """The collaboration's agreements (the caller has loaded it through access)."""
    return list(session.exec(select(Agreement).where(Agreement.collaboration_id == collaboration.id)
                             .order_by(Agreement.created_at)).all())
