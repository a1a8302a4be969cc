"""Loading a demo scenario (organisations, collaborations, people). Safe to run again:
what exists is kept, what is missing is added."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlmodel import Session, select

from tenderapp.domain.identifiers import check_identifiers
from tenderapp.domain.roles import OrganisationKind, Role, check_roles
from tenderapp.models import (
    Collaboration,
    CollaborationMember,
    Organisation,
    Representation,
    RoleAssignment,
    User,
)
from tenderapp.services import audit, demo_agreements, demo_tenders, organisation_identifiers
from tenderapp.services.auth import set_password


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    organisation: str
    roles: tuple[Role, ...]


def _get_or_add(session: Session, model, where, make):
    row = session.exec(select(model).where(*where)).first()
    if row is None:
        row = make()
        session.add(row)
        session.flush()
    return row


def _organisations(session: Session, scenario: dict, now: datetime) -> dict[str, Organisation]:
    by_name = {}
    for spec in scenario["organisations"]:
        kind = OrganisationKind(spec["kind"])
        by_name[spec["name"]] = _get_or_add(
            session, Organisation, [Organisation.name == spec["name"]],
            partial(Organisation, name=spec["name"], kind=kind.value, created_at=now),
        )
        _identifiers(session, by_name[spec["name"]], spec.get("identifiers", {}), now)
    return by_name


def _identifiers(session: Session, organisation: Organisation, values: dict[str, str], now: datetime) -> None:
    """Adds the scenario's registered identifiers the organisation does not have yet."""
    held = {i.scheme for i in organisation_identifiers.of_organisation(session, organisation)}
    organisation_identifiers.add(session, organisation,
                                 [i for i in check_identifiers(dict(values)) if i.scheme not in held], now)


def _people(spec: dict) -> list[dict]:
    if "people" in spec:
        return spec["people"]
    return [{"name": spec.get("signatory", f"{spec['name']} signatory"), "email": "signatory",
             "roles": ["signatory"]}]


def _accounts(session, scenario, orgs, password, reset_passwords, now) -> list[DemoAccount]:
    accounts = []
    for spec in scenario["organisations"]:
        organisation = orgs[spec["name"]]
        for person in _people(spec):
            email = f"{person['email']}@{spec['domain']}.example"
            roles = frozenset(Role(r) for r in person["roles"])
            check_roles(OrganisationKind(organisation.kind), roles)
            user = session.exec(select(User).where(User.email == email)).first()
            if user is None:
                user = User(organisation_id=organisation.id, email=email, full_name=person["name"],
                            password_hash="", created_at=now, password_changed_at=now)
                set_password(session, user, password, now)
                session.flush()
            elif reset_passwords:
                set_password(session, user, password, now)
            held = set(session.exec(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)).all())
            for role in sorted(roles):
                if role.value not in held:
                    session.add(RoleAssignment(user_id=user.id, role=role.value, granted_at=now))
            accounts.append(DemoAccount(email, person["name"], organisation.name, tuple(sorted(roles))))
    return accounts


def _collaborations(session: Session, scenario: dict, orgs: dict[str, Organisation], sealer, store,
                    link_for: Callable[..., str], now: datetime) -> None:
    for spec in scenario.get("collaborations", []):
        lead = orgs[spec["lead"]]
        for name in spec.get("managed", []):
            orgs[name].managed_by_organisation_id = lead.id
            session.add(orgs[name])
        collaboration = _get_or_add(
            session, Collaboration, [Collaboration.name == spec["name"]],
            partial(Collaboration, name=spec["name"], lead_organisation_id=lead.id, created_at=now),
        )
        for name in spec["members"]:
            _get_or_add(
                session, CollaborationMember,
                [CollaborationMember.collaboration_id == collaboration.id,
                 CollaborationMember.organisation_id == orgs[name].id],
                partial(CollaborationMember, collaboration_id=collaboration.id, organisation_id=orgs[name].id,
                        joined_at=now),
            )
        _representations(session, collaboration, spec.get("representations", []), orgs, now)
        session.flush()
        demo_agreements.load(session, collaboration, spec.get("agreements", []), orgs, now)
        if spec.get("tenders"):
            demo_tenders.load(session, collaboration, spec["tenders"], orgs, sealer, store, link_for, now)


def _representations(session: Session, collaboration: Collaboration, specs: list[dict],
                     orgs: dict[str, Organisation], now: datetime) -> None:
    for rep in specs:
        for name in rep["represented"]:
            _get_or_add(
                session, Representation,
                [Representation.collaboration_id == collaboration.id,
                 Representation.represented_organisation_id == orgs[name].id],
                partial(
                    Representation, collaboration_id=collaboration.id,
                    representative_organisation_id=orgs[rep["representative"]].id,
                    represented_organisation_id=orgs[name].id,
                    authority_reference=rep["authority_reference"], created_at=now),
            )


def load(
    session: Session, scenario: dict, now: datetime, password: str | None, sealer, store,
    link_for: Callable[..., str],
) -> list[DemoAccount]:
    """Loads ``scenario`` and returns every demo account. New accounts get ``password`` (or the
    scenario's default); when ``password`` is given, existing demo accounts get it too.
    Tenders (with sealed bids and documents) need the ``sealer`` and document ``store``; the
    emails of what the story has happen now (a question asked, answered, a panel named) link
    to their pages with ``link_for(endpoint, **values)`` (see ``tenderapp.links``)."""
    orgs = _organisations(session, scenario, now)
    accounts = _accounts(session, scenario, orgs, password or scenario["default_password"],
                         password is not None, now)
    _collaborations(session, scenario, orgs, sealer, store, link_for, now)
    audit.record(session, None, "demo.loaded", "scenario", scenario.get("name", "demo"), now,
                 {"accounts": len(accounts), "passwords_reset": password is not None})
    session.commit()
    return accounts
