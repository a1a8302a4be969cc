"""A tender's timeline: its audit events in words, in order. The lead's procurement admins see
every event (who, what, when); anyone else who may read the tender sees the public ones, with
the organisation that acted rather than the person. Five queries however many events."""

import json
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from tenderapp.access import Actor, is_lead
from tenderapp.access.timeline import tender_events
from tenderapp.domain.timeline import (
    Entry,
    EventKind,
    amendment_of,
    deadline_entry,
    in_order,
    is_public,
    kind_of,
    label_of,
)
from tenderapp.exports.timeline import TimelineSheet
from tenderapp.models import AuditEvent, Collaboration, Organisation, Tender


@dataclass(frozen=True)
class Timeline:
    tender: Tender
    full: bool  # every event (the lead's admins), or the public ones
    entries: list[Entry]
    kind: EventKind | None


def _who(person: str | None, organisation: str | None, full: bool) -> str:
    if not full:
        return organisation or "Tenderapp"
    return ", ".join(n for n in (person, organisation) if n) or "Tenderapp"


def _entry(event: AuditEvent, person: str | None, organisation: str | None, full: bool) -> Entry | None:
    details = json.loads(event.details or "{}")
    if not full and not is_public(event.action, details):
        return None
    return Entry(event.occurred_at, kind_of(event.action), label_of(event.action), _who(person, organisation, full),
                 amendment_of(details))


def _buyer(session: Session, tender: Tender) -> str:
    collaboration = session.get(Collaboration, tender.collaboration_id)
    lead = session.get(Organisation, collaboration.lead_organisation_id) if collaboration else None
    return lead.name if lead else ""


def timeline(session: Session, actor: Actor, tender: Tender, now: datetime, kind: EventKind | None = None) -> Timeline:
    """The timeline of a tender the caller has scoped for ``actor``, of one ``kind`` or all."""
    full = is_lead(session, actor, tender)
    entries = [e for row in tender_events(session, tender) if (e := _entry(*row, full=full)) is not None]
    entries += deadline_entry(tender.submission_deadline if tender.published_at else None, now,
                              _buyer(session, tender))
    return Timeline(tender, full, in_order(entries, kind), kind)


def sheet(found: Timeline) -> TimelineSheet:
    """The timeline as the workbook writer takes it."""
    return TimelineSheet(reference=found.tender.reference, title=found.tender.title,
                         kind=found.kind.label if found.kind else None, entries=found.entries)
