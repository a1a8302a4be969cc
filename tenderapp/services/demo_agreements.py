"""Demo collaborative agreements: issued versions and members' recorded answers, as the
scenario file gives them (historic dates kept on the rows; the audit log records when the
demo loaded them)."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from tenderapp.domain.agreements import Action, text_fingerprint
from tenderapp.domain.roles import Role
from tenderapp.models import (
    Agreement,
    AgreementResponse,
    AgreementVersion,
    Collaboration,
    Organisation,
    Representation,
    RoleAssignment,
    Signature,
    User,
)
from tenderapp.services import audit


def _signatory(session: Session, organisation: Organisation) -> User:
    user = session.exec(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.organisation_id == organisation.id, RoleAssignment.role == Role.SIGNATORY.value)
        .order_by(User.id)
    ).first()
    if user is None:
        raise ValueError(f"demo scenario: {organisation.name} has no signatory to answer for it")
    return user


def _lead_admin(session: Session, collaboration: Collaboration) -> User:
    return session.exec(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(User.organisation_id == collaboration.lead_organisation_id,
               RoleAssignment.role == Role.PROCUREMENT_ADMIN.value).order_by(User.id)
    ).first()


def _answer(session, version, organisation, signer, spec, at, now) -> None:
    action = Action(spec["action"])
    representation = session.exec(select(Representation).where(
        Representation.collaboration_id == version_collaboration(session, version),
        Representation.represented_organisation_id == organisation.id,
        Representation.representative_organisation_id == signer.organisation_id)).first()
    session.add(AgreementResponse(
        agreement_id=version.agreement_id, version_id=version.id, organisation_id=organisation.id,
        action=action.value, note=spec.get("note"), user_id=signer.id,
        acting_organisation_id=signer.organisation_id, created_at=at))
    if action is Action.SIGN:
        session.add(Signature(
            version_id=version.id, organisation_id=organisation.id, signer_user_id=signer.id,
            signer_organisation_id=signer.organisation_id,
            representation_id=representation.id if representation else None,
            signer_name=signer.full_name, signer_job_title=spec.get("job_title", "Director"),
            version_number=version.number, version_sha256=version.sha256, signed_at=at, reauthenticated_at=at))
    audit.record(session, None, f"agreement.{action.value}", "agreement", version.agreement_id, now,
                 {"organisation_id": organisation.id, "version": version.number, "recorded_as_of": at.isoformat(),
                  "source": "demo scenario"}, organisation_id=organisation.id)


def version_collaboration(session: Session, version: AgreementVersion) -> int:
    return session.get(Agreement, version.agreement_id).collaboration_id


def load(session: Session, collaboration: Collaboration, specs: list[dict], orgs: dict[str, Organisation],
         now: datetime) -> None:
    """Adds each agreement the collaboration does not have yet (matched by title)."""
    for spec in specs:
        if session.exec(select(Agreement).where(Agreement.collaboration_id == collaboration.id,
                                                Agreement.title == spec["title"])).first():
            continue
        author = session.exec(select(User).where(User.email == spec["issued_by"])).one() \
            if spec.get("issued_by") else _lead_admin(session, collaboration)
        issued_at = datetime.fromisoformat(spec["issued_at"]) if spec.get("issued_at") else None
        created_at = issued_at or now
        agreement = Agreement(collaboration_id=collaboration.id, title=spec["title"],
                              created_by_user_id=author.id, created_at=created_at)
        session.add(agreement)
        session.flush()
        body = spec["body"].strip()
        version = AgreementVersion(agreement_id=agreement.id, number=1, body=body, sha256=text_fingerprint(body),
                                   created_at=created_at, issued_at=issued_at,
                                   issued_by_user_id=author.id if issued_at else None)
        session.add(version)
        session.flush()
        audit.record(session, None, "agreement.created", "agreement", agreement.id, now,
                     {"title": agreement.title, "issued": issued_at is not None, "source": "demo scenario"},
                     organisation_id=collaboration.lead_organisation_id)
        for response in spec.get("responses", []):
            first = datetime.fromisoformat(response["first_at"])
            for day, name in enumerate(response["organisations"]):
                organisation = orgs[name]
                signer = session.exec(select(User).where(User.email == response["by"])).one() \
                    if response.get("by") else _signatory(session, organisation)
                _answer(session, version, organisation, signer, response, first + timedelta(days=day), now)
