"""Suppliers join Tenderapp themselves: a registration is confirmed through an emailed link,
which creates the organisation and its first bidder. Bidders register interest in tenders."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session, select

from tenderapp import security
from tenderapp.access import Actor, require_role
from tenderapp.domain.errors import Conflict, NotFound, RuleViolation
from tenderapp.domain.identifiers import Identifier
from tenderapp.domain.passwords import check_new_password
from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.domain.suppliers import check_company_number
from tenderapp.domain.text import check_single_line
from tenderapp.formatting import uk_datetime
from tenderapp.models import (
    Organisation,
    OrganisationIdentifier,
    RoleAssignment,
    SupplierRegistration,
    Tender,
    TenderInterest,
    User,
)
from tenderapp.services import audit, end_read_transaction, organisation_identifiers, outbox, same_text
from tenderapp.services.auth import normalise_email

VALIDITY = timedelta(hours=24)


@dataclass(frozen=True)
class RegistrationInput:
    organisation_name: str
    company_number: str | None
    address: str
    contact_name: str
    email: str


def _name_taken(session: Session, name: str) -> bool:
    return session.exec(select(Organisation.id).where(same_text(Organisation.name, name))).first() is not None


def _company_number_taken(session: Session, number: str) -> bool:
    return session.exec(select(OrganisationIdentifier.id).where(
        OrganisationIdentifier.scheme == "GB-COH", OrganisationIdentifier.identifier == number)).first() is not None


def _remind_to_sign_in(session: Session, email: str, now: datetime) -> None:
    outbox.queue(session, email, "You already have a Tenderapp account",
                 "Someone tried to register a supplier on Tenderapp with this email address, which already "
                 "has an account.\n\nSign in instead, or reset your password if you have forgotten it.\n",
                 now, None)
    session.commit()


def register(session: Session, data: RegistrationInput, now: datetime, link_for: Callable[[str], str]) -> None:
    """Emails a confirmation link (or, when the address already has an account, a reminder
    to sign in): the page afterwards is the same either way. Raises RuleViolation for bad
    details and Conflict when the organisation is already registered."""
    name = check_single_line(data.organisation_name, "organisation_name", "Organisation name",
                             "Enter your organisation's name")
    number = check_company_number(data.company_number)
    if number and _company_number_taken(session, number):
        raise Conflict("An organisation with this Companies House number is already registered. Ask someone "
                       "there to invite you.", "company_number")
    contact = check_single_line(data.contact_name, "contact_name", "Full name", "Enter your full name")
    if not data.address.strip():
        raise RuleViolation("Enter your organisation's address", "address")
    if _name_taken(session, name):
        raise Conflict("An organisation with this name is already registered. Ask someone there to invite you.",
                       "organisation_name")
    email = normalise_email(data.email)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        _remind_to_sign_in(session, email, now)
        return
    token = security.new_token()
    registration = SupplierRegistration(organisation_name=name, company_number=number, address=data.address.strip(),
                                        contact_name=contact, email=email, token_hash=security.token_hash(token),
                                        created_at=now, expires_at=now + VALIDITY)
    session.add(registration)
    session.flush()
    outbox.queue(session, email, "Confirm your email address to finish registering on Tenderapp",
                 f"Dear {contact},\n\nTo finish registering {name} on Tenderapp, confirm your email address and "
                 f"choose a password here:\n{link_for(token)}\n\n"
                 f"The link works once and expires on {uk_datetime(registration.expires_at)} (UK time).\n", now, None)
    audit.record(session, None, "supplier.registration_started", "supplier_registration", registration.id, now,
                 {"organisation": name})
    session.commit()


def find_registration(session: Session, token: str, now: datetime) -> SupplierRegistration:
    registration = session.exec(select(SupplierRegistration).where(
        SupplierRegistration.token_hash == security.token_hash(token))).first()
    if registration is None:
        raise NotFound("This link is not valid. Check you copied the whole link.")
    if registration.confirmed_at is not None:
        raise RuleViolation("This registration is already confirmed. Sign in instead.")
    if now >= registration.expires_at:
        raise RuleViolation("This link has expired. Register again to get a new one.")
    return registration


def confirm(session: Session, token: str, password: str, now: datetime) -> User:
    """Creates the supplier organisation and its first bidder. Raises as find_registration;
    RuleViolation on ``password``; Conflict when the name or address was taken meanwhile."""
    registration = find_registration(session, token, now)
    check_new_password(password, registration.email, "password")
    end_read_transaction(session)
    password_hash = security.hash_password(password)
    registration = find_registration(session, token, now)
    if _name_taken(session, registration.organisation_name):
        raise Conflict("An organisation with this name has been registered meanwhile. Ask someone there to invite you.")
    if session.exec(select(User.id).where(User.email == registration.email)).first() is not None:
        raise Conflict("An account with this email address already exists. Sign in instead.")
    organisation = Organisation(name=registration.organisation_name, kind=OrganisationKind.SUPPLIER.value,
                                address=registration.address, created_at=now)
    session.add(organisation)
    session.flush()
    if registration.company_number:
        organisation_identifiers.add(session, organisation, [Identifier("GB-COH", registration.company_number)],
                                     now)
    user = User(organisation_id=organisation.id, email=registration.email, full_name=registration.contact_name,
                password_hash=password_hash, created_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    session.add(RoleAssignment(user_id=user.id, role=Role.BIDDER.value, granted_at=now))
    registration.confirmed_at, registration.organisation_id = now, organisation.id
    session.add(registration)
    audit.record(session, None, "supplier.registered", "organisation", organisation.id, now,
                 {"name": organisation.name, "company_number": registration.company_number, "user_id": user.id},
                 organisation_id=organisation.id)
    session.commit()
    return user


def register_interest(session: Session, actor: Actor, tender: Tender, now: datetime) -> TenderInterest:
    """Registers the actor's supplier as interested in a published tender (once). Raises
    NotFound for a draft."""
    require_role(actor, Role.BIDDER)
    if tender.published_at is None:
        raise NotFound("Tender not found")
    interest = interest_of(session, actor, tender)
    if interest is None:
        interest = TenderInterest(tender_id=tender.id, organisation_id=actor.organisation_id, user_id=actor.user_id,
                                  registered_at=now)
        session.add(interest)
        session.flush()
        audit.record(session, actor, "tender.interest_registered", "tender", tender.id, now)
        session.commit()
    return interest


def interest_of(session: Session, actor: Actor, tender: Tender) -> TenderInterest | None:
    return session.exec(select(TenderInterest).where(TenderInterest.tender_id == tender.id,
                                                     TenderInterest.organisation_id == actor.organisation_id)).first()


def interested_suppliers(session: Session, tender: Tender) -> list[tuple[str, datetime]]:
    """Who registered interest, and when (the lead may see this before the opening)."""
    return list(session.exec(
        select(Organisation.name, TenderInterest.registered_at)
        .join(TenderInterest, TenderInterest.organisation_id == Organisation.id)
        .where(TenderInterest.tender_id == tender.id).order_by(Organisation.name)).all())
