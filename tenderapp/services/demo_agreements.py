"""Demo collaborative agreements: each is created, issued and answered through the same use
cases people use (so the same rules apply), each at the moment the scenario file gives it.

Two steps differ from a person's, on purpose: the story tells no one (the demo's signatories
get no email for an agreement issued in 2014, nor the lead for each answer its members gave
then: the use cases are called with no link), and a recorded signature is not re-authenticated
(the demo has no password to re-enter: ``signing.record_signatures`` is the signing use case
after that check)."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from tenderapp.access import Actor, actor_for
from tenderapp.domain.agreements import Action
from tenderapp.domain.roles import Role
from tenderapp.models import Agreement, Collaboration, Organisation, RoleAssignment, User
from tenderapp.services import agreements, signing
from tenderapp.services.agreement_status import current_version
from tenderapp.services.agreements import VersionContent
from tenderapp.services.signing import Signer

_SESSION_TOKEN = "demo scenario"


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


def _person(session: Session, email: str | None, otherwise: User | None = None) -> User:
    return session.exec(select(User).where(User.email == email)).one() if email else otherwise


def _answer(session: Session, agreement: Agreement, organisation: Organisation, signer: Actor, spec: dict,
            at: datetime) -> None:
    """Records the organisation's answer as the signatory's, at ``at``."""
    version_id, chosen = current_version(session, agreement.id).id, [organisation.id]
    action = Action(spec["action"])
    if action is Action.SIGN:
        signing.record_signatures(session, signer, agreement, version_id, chosen,
                                  Signer(signer.full_name, spec.get("job_title", "Director")), at, None)
    elif action is Action.AGREE_IN_PRINCIPLE:
        signing.agree_in_principle(session, signer, agreement, version_id, chosen, spec.get("note") or "", at, None)
    else:
        signing.decline(session, signer, agreement, version_id, chosen, spec.get("note") or "", at, None)


def _responses(session: Session, agreement: Agreement, specs: list[dict], orgs: dict[str, Organisation]) -> None:
    for response in specs:
        first = datetime.fromisoformat(response["first_at"])
        for day, name in enumerate(response["organisations"]):
            organisation = orgs[name]
            signer = _person(session, response.get("by")) or _signatory(session, organisation)
            _answer(session, agreement, organisation, actor_for(session, signer, _SESSION_TOKEN), response,
                    first + timedelta(days=day))


def load(session: Session, collaboration: Collaboration, specs: list[dict], orgs: dict[str, Organisation],
         now: datetime) -> None:
    """Adds each agreement the collaboration does not have yet (matched by title): created and
    issued at its ``issued_at`` (a draft, created ``now``, without one), then answered."""
    for spec in specs:
        if session.exec(select(Agreement).where(Agreement.collaboration_id == collaboration.id,
                                                Agreement.title == spec["title"])).first():
            continue
        author = actor_for(session, _person(session, spec.get("issued_by"), _lead_admin(session, collaboration)),
                           _SESSION_TOKEN)
        issued_at = datetime.fromisoformat(spec["issued_at"]) if spec.get("issued_at") else None
        # A text agreement needs no document store.
        agreement = agreements.create(session, author, collaboration, spec["title"],
                                      VersionContent(body=spec["body"]), None, issued_at or now)
        if issued_at:
            agreements.issue(session, author, agreement, issued_at, None)
        _responses(session, agreement, spec.get("responses", []), orgs)
