"""The lead's side of the collaborative agreement: drafting, issuing, new versions,
reminders and who may sign on behalf of whom."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from tenderapp.access import Actor, get_lead_agreement, get_led_collaboration
from tenderapp.domain.agreements import text_fingerprint
from tenderapp.domain.documents import PDF, check_pdf, safe_filename
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.roles import OrganisationKind
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
    session: Session, actor: Actor, collaboration_id: int, title: str, content: VersionContent,
    store: DocumentStore, now: datetime,
) -> Agreement:
    """Creates an agreement with a first draft version. Raises NotFound outside the actor's
    led collaborations; RuleViolation on a missing title or content."""
    collaboration = get_led_collaboration(session, actor, collaboration_id)
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


def update_draft(
    session: Session, actor: Actor, agreement_id: int, title: str, content: VersionContent,
    store: DocumentStore, now: datetime,
) -> AgreementVersion:
    """Changes the draft version (never an issued one). Raises Conflict without a draft."""
    agreement = get_lead_agreement(session, actor, agreement_id)
    version = draft_version(session, agreement.id)
    if version is None:
        raise Conflict("There is no draft to change. Start a new version instead.")
    title = check_single_line(title, "title", "Title", "Enter a title")
    _apply_content(version, content, store)
    if version.number > 1:
        if not (content.change_summary or "").strip():
            raise RuleViolation("Enter a summary of what has changed", field="change_summary")
        version.change_summary = content.change_summary.strip()
    agreement.title = title
    session.add_all([agreement, version])
    audit.record(session, actor, "agreement.draft_changed", "agreement", agreement.id, now,
                 {"version": version.number, "sha256": version.sha256})
    session.commit()
    return version


def start_new_version(
    session: Session, actor: Actor, agreement_id: int, content: VersionContent, store: DocumentStore,
    now: datetime,
) -> AgreementVersion:
    """Drafts the next version. Raises Conflict while a draft exists or before the first issue;
    RuleViolation without a summary of changes."""
    agreement = get_lead_agreement(session, actor, agreement_id)
    if draft_version(session, agreement.id) is not None:
        raise Conflict("A draft version already exists. Change it or issue it.")
    issued = current_version(session, agreement.id)
    if issued is None:
        raise Conflict("Issue the first version before starting another.")
    if not (content.change_summary or "").strip():
        raise RuleViolation("Enter a summary of what has changed", field="change_summary")
    version = AgreementVersion(agreement_id=agreement.id, number=issued.number + 1, sha256="",
                               change_summary=content.change_summary.strip(), created_at=now)
    _apply_content(version, content, store)
    if version.sha256 == issued.sha256:
        raise RuleViolation("The new version is the same as the current one. Change the text first.", field="body")
    session.add(version)
    session.flush()
    audit.record(session, actor, "agreement.version_drafted", "agreement", agreement.id, now,
                 {"version": version.number, "sha256": version.sha256})
    session.commit()
    return version


def issue(
    session: Session, actor: Actor, agreement_id: int, now: datetime, link: str,
) -> AgreementVersion:
    """Issues the draft: it becomes the version members answer, earlier signatures turn into
    'Re-signing required', and every member's signatories are told. Raises Conflict without
    a draft."""
    agreement = get_lead_agreement(session, actor, agreement_id)
    version = draft_version(session, agreement.id)
    if version is None:
        raise Conflict("There is no draft version to issue")
    version.issued_at = now
    version.issued_by_user_id = actor.user_id
    session.add(version)
    session.flush()
    body = (f"{actor.organisation_name} has issued “{agreement.title}” (version {version.number}) "
            "for signature.\n\n"
            + (f"What has changed: {version.change_summary}\n\n" if version.change_summary else "")
            + f"Read it, agree in principle or sign it here:\n{link}\n")
    recipients = notify_signatories(session, agreement, [m for m, _ in member_statuses(session, agreement)],
                                    f"Collaborative agreement to sign: {agreement.title}", body, now)
    audit.record(session, actor, "agreement.issued", "agreement", agreement.id, now,
                 {"version": version.number, "sha256": version.sha256, "notified": recipients})
    session.commit()
    return version


def send_reminders(session: Session, actor: Actor, agreement_id: int, now: datetime, link: str) -> int:
    """Reminds the signatories of every member still to respond; returns how many members."""
    agreement = get_lead_agreement(session, actor, agreement_id)
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


def record_representation(
    session: Session, actor: Actor, collaboration_id: int, representative_id: int,
    represented_ids: list[int], reference: str, document: bytes | None, document_name: str | None,
    store: DocumentStore, now: datetime,
) -> list[Representation]:
    """Records that one organisation (a member or not, such as a commissioning support unit)
    may answer for members of the collaboration, and on what authority. Raises RuleViolation
    for a supplier, non-member represented organisations, itself, or an empty reference."""
    collaboration = get_led_collaboration(session, actor, collaboration_id)
    members = set(session.exec(select(CollaborationMember.organisation_id)
                               .where(CollaborationMember.collaboration_id == collaboration.id)).all())
    representative = session.get(Organisation, representative_id) if representative_id else None
    if representative is None or not OrganisationKind(representative.kind).is_authority:
        raise RuleViolation("Select the organisation that will act for the others", field="representative_id")
    represented = [i for i in represented_ids if i != representative_id]
    if not represented:
        raise RuleViolation("Select the organisations it acts for", field="represented_ids")
    if any(i not in members for i in represented):
        raise RuleViolation("Only members of the collaboration can be represented", field="represented_ids")
    reference = check_single_line(reference, "reference", "Authority",
                                  "Enter the authority it relies on, such as a letter or minute reference", 500)
    document_sha = None
    if document is not None:
        check_pdf(document, document_name, "document")
        document_sha = store.save(document)
    rows = []
    for organisation_id in represented:
        row = session.exec(select(Representation).where(
            Representation.collaboration_id == collaboration.id,
            Representation.represented_organisation_id == organisation_id)).first()
        row = row or Representation(collaboration_id=collaboration.id, represented_organisation_id=organisation_id,
                                    representative_organisation_id=representative_id, authority_reference="",
                                    created_at=now)
        row.representative_organisation_id = representative_id
        row.authority_reference = reference
        if document_sha:
            row.document_sha256, row.document_name = document_sha, safe_filename(document_name, media_type=PDF)
        session.add(row)
        rows.append(row)
    session.flush()
    audit.record(session, actor, "collaboration.representation_recorded", "collaboration", collaboration.id, now,
                 {"representative": representative_id, "represented": represented, "reference": reference})
    session.commit()
    return rows


def representations(session: Session, collaboration: Collaboration) -> list[tuple[Representation, Organisation, Organisation]]:
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


def representation_document(session: Session, actor: Actor, collaboration_id: int, representation_id: int
                            ) -> Representation:
    """The representation, for its authority document. Raises NotFound outside the lead's
    collaborations or when it has no document."""
    collaboration = get_led_collaboration(session, actor, collaboration_id)
    row = session.get(Representation, representation_id)
    if row is None or row.collaboration_id != collaboration.id or not row.document_sha256:
        raise NotFound("Document not found")
    return row
