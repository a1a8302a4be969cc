"""The data the harnesses work on, set up through the project's own models and services (the
SEG demo, benchmark tenders, suppliers and officers), and the reconciliation of the receipts
clients were given against what the database holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_client import BidIntent
from bench_server import BENCH_DIR, PASSWORD, ROOT, BenchDatabase, server_env

LINE_SPECS = [
    ("CORE-Y1", "Core subscription, year 1, including 5 meetings", "per authority", 16),
    ("CORE-Y2", "Core subscription, year 2", "per authority", 16),
    ("CORE-Y3", "Core subscription, year 3", "per authority", 16),
    ("EXT-Y4", "Core subscription, extension year 4", "per authority", 16),
    ("EXT-Y5", "Core subscription, extension year 5", "per authority", 16),
    ("PAYG-MED", "Mediation meeting (pay as you go)", "per meeting", 250),
    ("PAYG-DR", "Disagreement resolution meeting (pay as you go)", "per meeting", 60),
    ("PAYG-MED-X", "Mediation meeting, extension years", "per meeting", 170),
    ("PAYG-DR-X", "Disagreement resolution meeting, extension years", "per meeting", 40),
    ("CERT", "Mediation certificate issued outside a meeting", "per certificate", 300),
    ("LINE-OOH", "Information line, out-of-hours cover", "per year", 5),
    ("INTERP", "Interpreter, per hour", "per hour", 200),
    ("BSL", "British Sign Language interpreter, per hour", "per hour", 60),
    ("VENUE", "Additional venue hire", "per day", 80),
    ("HOMEVIS", "Home visit before a meeting", "per visit", 120),
    ("TRAIN", "Training session for member staff", "per session", 20),
    ("REPORT", "Quarterly performance report", "per report", 20),
    ("ADVOC", "Advocacy support for a young person", "per case", 90),
    ("ONLINE", "Online meeting platform", "per year", 5),
    ("MOBIL", "Mobilisation", "once", 1),
]
CRITERIA = [
    ("Service delivery model", 30, 500),
    ("Social value", 20, 300),
]


@dataclass
class Bidder:
    email: str
    organisation_id: int
    index: int


@dataclass
class TenderInfo:
    id: int
    reference: str
    lines: list[tuple[int, str]]  # (pricing line id, code), in page order
    criteria: list[int]  # quality criterion ids


@dataclass
class World:
    rush: TenderInfo
    capacity: TenderInfo
    bidders: list[Bidder]
    officers: list[str]
    officer_pages: list[str]
    collaboration_id: int
    members: int


def _tender_spec(reference: str, now: datetime) -> dict:
    return {
        "reference": reference,
        "title": f"SEND Mediation and Disagreement Resolution Service (benchmark {reference})",
        "description": "A benchmark tender with a 20-line pricing schedule.",
        "author": "admin@kent.example", "regime": "PA2023", "light_touch": True, "cpv_code": "85320000",
        "estimated_value": "1800000", "contract_start": {"days": 150}, "initial_term_months": 36,
        "extensions_allowed": 1, "extension_max_months": 24,
        "published_at": (now - timedelta(days=7)).isoformat(),
        "clarification_deadline": (now - timedelta(days=1)).isoformat(),
        "submission_deadline": (now + timedelta(days=2)).isoformat(),  # moved just before the load starts
        "evaluation_date": {"days": 7}, "award_date": {"days": 30}, "price_weight": 40, "price_method": "lowest",
        "conflicts_assessment": "Benchmark tender: no officer declared a conflict.",
        "lines": [{"code": c, "description": d, "unit": u, "quantity": q, "per_authority": u == "per authority"}
                  for c, d, u, q in LINE_SPECS],
        "criteria": [{"title": t, "guidance": f"Tell us about: {t.lower()}.", "weight": w, "word_limit": limit}
                     for t, w, limit in CRITERIA],
        "descriptors": "0 – no answer\n3 – satisfactory\n5 – excellent",
        "specification": ["1. A benchmark specification."],
    }


def _no_app_links(endpoint: str, **values) -> str:
    """The demo's email links here: there is no app to build addresses with, and a benchmark's
    outbox is never delivered."""
    return f"http://bench.invalid/{endpoint}"


def build_world(url: str, documents: Path, bid_secret: str, bidders: int, officers: int,
                rush_reference: str = "RUSH-001", capacity_reference: str | None = "CAPACITY-001",
                password_cost: dict | None = None) -> World:
    """Migrates, loads the SEG demo (16 member authorities), adds the benchmark tenders, the
    supplier organisations with one bidder each (interest registered) and the officers."""
    from sqlmodel import Session, select

    from tenderapp import migrate, security
    from tenderapp.db import make_engine, write_intent
    from tenderapp.demo import load_scenario
    from tenderapp.domain.roles import OrganisationKind, Role
    from tenderapp.models import (
        Collaboration,
        CollaborationMember,
        Organisation,
        PricingLine,
        QualityCriterion,
        RoleAssignment,
        Tender,
        TenderInterest,
        User,
    )
    from tenderapp.sealing import Sealer
    from tenderapp.services import demo, demo_tenders
    from tenderapp.storage import DocumentStore

    migrate.upgrade(url)
    engine = make_engine(url)
    sealer = Sealer(bytes.fromhex(bid_secret))
    store = DocumentStore(documents)
    now = datetime.now(UTC)
    # The demo's own accounts are never signed into here: hash their passwords cheaply. The
    # benchmark accounts get one hash at the production cost (what the served app verifies).
    security.configure(time_cost=1, memory_cost=8, parallelism=1)
    production_hash = security.Passwords(**(password_cost or security.DEFAULT_COST)).hash(PASSWORD)
    scenario = load_scenario("seg")
    with write_intent(), Session(engine, expire_on_commit=False) as session:
        # no app here to build addresses with: the demo's emails are never sent from a benchmark
        demo.load(session, scenario, now, None, sealer, store, _no_app_links)
        collab = session.exec(select(Collaboration).where(Collaboration.name == scenario["collaborations"][0]["name"])).one()
        member_rows = session.exec(
            select(Organisation).join(CollaborationMember, CollaborationMember.organisation_id == Organisation.id)
            .where(CollaborationMember.collaboration_id == collab.id,
                   Organisation.kind == OrganisationKind.LOCAL_AUTHORITY.value)).all()
        references = [rush_reference] + ([capacity_reference] if capacity_reference else [])
        demo_tenders.load(session, collab, [_tender_spec(r, now) for r in references], {}, sealer, store, _no_app_links, now)
        session.commit()
        tenders = {}
        for reference in references:
            tender = session.exec(select(Tender).where(Tender.reference == reference)).one()
            lines = session.exec(select(PricingLine).where(PricingLine.tender_id == tender.id)
                                 .order_by(PricingLine.position)).all()
            criteria = session.exec(select(QualityCriterion).where(QualityCriterion.tender_id == tender.id)
                                    .order_by(QualityCriterion.position)).all()
            tenders[reference] = TenderInfo(tender.id, reference, [(ln.id, ln.code) for ln in lines],
                                            [c.id for c in criteria])

        made_bidders = []
        for i in range(bidders):
            org = Organisation(name=f"Bench Mediation {i:03d} Ltd", kind=OrganisationKind.SUPPLIER.value,
                               created_at=now)
            session.add(org)
            session.flush()
            email = f"bidder{i:03d}@bench-supplier-{i:03d}.example"
            person = User(organisation_id=org.id, email=email, full_name=f"Bench Bidder {i:03d}",
                          password_hash=production_hash, created_at=now, password_changed_at=now)
            session.add(person)
            session.flush()
            session.add(RoleAssignment(user_id=person.id, role=Role.BIDDER.value, granted_at=now))
            for info in tenders.values():
                session.add(TenderInterest(tender_id=info.id, organisation_id=org.id, user_id=person.id,
                                           registered_at=now - timedelta(days=2)))
            made_bidders.append(Bidder(email, org.id, i))
        # Officers: viewers in the member authorities (Kent, the lead, gets the extra ones).
        # Viewers, not evaluators: evaluators and admins must pass a second factor to sign in.
        ordered = sorted(member_rows, key=lambda o: (o.name != "Kent County Council", o.name))
        made_officers = []
        for j in range(officers):
            org = ordered[j % len(ordered)] if j < len(ordered) else ordered[0]
            domain = re.sub(r"[^a-z]+", "-", org.name.lower()).strip("-")
            email = f"officer{j:02d}@{domain}.bench.example"
            person = User(organisation_id=org.id, email=email, full_name=f"Bench Officer {j:02d}",
                          password_hash=production_hash, created_at=now, password_changed_at=now)
            session.add(person)
            session.flush()
            session.add(RoleAssignment(user_id=person.id, role=Role.VIEWER.value, granted_at=now))
            made_officers.append(email)
        session.commit()
        demo_tender_ids = [t.id for t in session.exec(select(Tender).where(Tender.reference.in_(["SC14027", "SC26041"])))]
    engine.dispose()
    rush = tenders[rush_reference]
    pages = ["/dashboard", "/tenders", f"/tenders/{rush.id}", "/agreements", "/decisions", "/organisation",
             *[f"/tenders/{t}" for t in demo_tender_ids], f"/open-data/tenders/{rush_reference}.json"]
    return World(rush, tenders.get(capacity_reference) if capacity_reference else None, made_bidders,
                 made_officers, pages, collab.id, len(member_rows))


def set_deadline(url: str, tender_id: int, deadline: datetime) -> None:
    from sqlmodel import Session

    from tenderapp.db import make_engine, write_intent
    from tenderapp.models import Tender

    engine = make_engine(url)
    with write_intent(), Session(engine) as session:
        tender = session.get(Tender, tender_id)
        tender.submission_deadline = deadline
        session.add(tender)
        session.commit()
    engine.dispose()


def create_baseline_table(url: str) -> None:
    from sqlalchemy import create_engine

    from baseline_app import metadata

    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()


@dataclass
class ClientReceipt:
    tender_id: int
    organisation_id: int
    receipt: str
    sha256: str
    number: int | None
    sent_at: float
    answered_at: float
    intent: BidIntent | None


def reconcile(url: str, bid_secret: str, receipts: list[ClientReceipt], tender_ids: list[int],
              deadlines: dict[int, datetime] | None = None) -> dict:
    """Every receipt a client holds must be a stored submission whose sealed content hashes to
    the receipt's SHA-256 and says what the client sent. Also checks the stored rows
    themselves: each decrypts and hashes to its recorded SHA-256, has its audit event and its
    emailed receipt, versions are numbered 1..n per bid, nothing is stamped at or after the
    deadline, and no two client receipts point at one row."""
    from sqlmodel import Session, select

    from tenderapp.db import make_engine
    from tenderapp.domain.bids import REQUIRED_DECLARATIONS, content_hash
    from tenderapp.models import AuditEvent, Bid, BidSubmission, LateAttempt, OutboxMessage
    from tenderapp.sealing import Sealer

    sealer = Sealer(bytes.fromhex(bid_secret))
    engine = make_engine(url)
    problems: list[str] = []
    with Session(engine) as session:
        bids = {b.id: b for b in session.exec(select(Bid).where(Bid.tender_id.in_(tender_ids)))}
        rows = session.exec(select(BidSubmission).where(BidSubmission.bid_id.in_(list(bids) or [0]))).all()
        audit_receipts = {}
        bid_ids = {str(b) for b in bids}
        for event in session.exec(select(AuditEvent).where(AuditEvent.action == "bid.submitted")):
            if event.object_id in bid_ids:
                details = json.loads(event.details)
                audit_receipts[details.get("receipt")] = details.get("sha256")
        outbox_bodies = [m.body for m in session.exec(select(OutboxMessage).where(
            OutboxMessage.subject.startswith("Receipt for your bid")))]
        late_attempts = session.exec(select(LateAttempt).where(LateAttempt.tender_id.in_(tender_ids))).all()
        draft_failures = 0
        for bid in bids.values():
            try:
                sealer.open(bid.tender_id, bid.draft, f"draft:{bid.tender_id}:{bid.organisation_id}")
            except Exception:  # noqa: BLE001
                draft_failures += 1
    engine.dispose()
    outbox_text = "\n".join(outbox_bodies)

    by_receipt = {r.receipt: r for r in rows}
    stored_ok: dict[str, dict] = {}
    unreadable = hash_mismatch_stored = missing_audit = missing_outbox = after_deadline = 0
    for row in rows:
        bid = bids[row.bid_id]
        try:
            content = sealer.open(bid.tender_id, row.content,
                                  f"submission:{bid.tender_id}:{bid.organisation_id}:{row.receipt}").decode()
        except Exception:  # noqa: BLE001
            unreadable += 1
            problems.append(f"stored submission {row.receipt} does not decrypt")
            continue
        if content_hash(content) != row.content_sha256:
            hash_mismatch_stored += 1
            problems.append(f"stored submission {row.receipt}: content does not hash to its SHA-256")
        if audit_receipts.get(row.receipt) != row.content_sha256:
            missing_audit += 1
            problems.append(f"stored submission {row.receipt} has no matching bid.submitted audit event")
        if row.receipt not in outbox_text or row.content_sha256 not in outbox_text:
            missing_outbox += 1
            problems.append(f"stored submission {row.receipt} has no emailed receipt in the outbox")
        deadline = (deadlines or {}).get(bid.tender_id)
        if deadline is not None and row.submitted_at >= deadline:
            after_deadline += 1
            problems.append(f"submission {row.receipt} stamped {row.submitted_at.isoformat()}, deadline {deadline.isoformat()}")
        stored_ok[row.receipt] = {"content": json.loads(content), "row": row, "bid": bid}

    # Versions per bid: 1..n, no gaps or repeats; at most one counting (latest not withdrawn).
    per_bid: dict[int, list] = {}
    for row in rows:
        per_bid.setdefault(row.bid_id, []).append(row)
    numbering_problems = 0
    current_per_supplier_over_one = 0
    for bid_id, versions in per_bid.items():
        numbers = sorted(v.number for v in versions)
        if numbers != list(range(1, len(numbers) + 1)):
            numbering_problems += 1
            problems.append(f"bid {bid_id}: versions numbered {numbers}")
        not_withdrawn = [v for v in versions if v.withdrawn_at is None]
        if len(versions) > 1 and len(not_withdrawn) > 1:
            # more than one live version: only the latest counts, but two live rows from what
            # each client believes is one submission is a duplicate (counted per client below)
            pass
    # Receipts held by clients.
    lost = hash_mismatch = content_mismatch = wrong_supplier = 0
    seen_rows: dict[int, int] = {}
    for held in receipts:
        found = stored_ok.get(held.receipt)
        if found is None:
            lost += 1
            problems.append(f"LOST: receipt {held.receipt} (org {held.organisation_id}) has no readable stored row"
                            + (" (row exists but unreadable)" if held.receipt in by_receipt else ""))
            continue
        row, content = found["row"], found["content"]
        seen_rows[row.id] = seen_rows.get(row.id, 0) + 1
        if row.content_sha256 != held.sha256:
            hash_mismatch += 1
            lost += 1
            problems.append(f"LOST: receipt {held.receipt}: stored SHA-256 {row.content_sha256[:12]}… ≠ receipt {held.sha256[:12]}…")
            continue
        if found["bid"].organisation_id != held.organisation_id or content.get("supplier") != held.organisation_id:
            wrong_supplier += 1
            problems.append(f"receipt {held.receipt} stored for another supplier")
        if held.intent is not None:
            expected_prices = {code: f"{p:.2f}" for code, p in held.intent.prices.items()}
            if (content.get("prices") != expected_prices or content.get("answers") != held.intent.answers
                    or sorted(content.get("declarations", [])) != sorted(REQUIRED_DECLARATIONS)):
                content_mismatch += 1
                problems.append(f"receipt {held.receipt}: sealed content differs from what the client sent")
    duplicate_receipts = sum(1 for n in seen_rows.values() if n > 1)
    client_receipt_strings = [r.receipt for r in receipts]
    repeated_strings = len(client_receipt_strings) - len(set(client_receipt_strings))
    return {
        "stored_submissions": len(rows),
        "client_receipts": len(receipts),
        "lost": lost,
        "hash_mismatch": hash_mismatch,
        "content_mismatch": content_mismatch,
        "wrong_supplier": wrong_supplier,
        "duplicate_rows_for_one_receipt": duplicate_receipts + repeated_strings,
        "stored_unreadable": unreadable,
        "stored_hash_mismatch": hash_mismatch_stored,
        "stored_without_audit_event": missing_audit,
        "stored_without_outbox_receipt": missing_outbox,
        "version_numbering_problems": numbering_problems,
        "stamped_at_or_after_deadline": after_deadline,
        "drafts_unreadable": draft_failures,
        "audit_events_without_submission": len(set(audit_receipts) - set(by_receipt)),
        "late_attempts_logged": len(late_attempts),
        "unacknowledged_stored": len(set(by_receipt) - set(client_receipt_strings)),
        "submissions_per_bid": {str(k): len(v) for k, v in per_bid.items()},
        "problems": problems[:50],
    }


def verify_audit_cli(db: BenchDatabase, secret: str, bid_secret: str) -> tuple[bool, str]:
    """Runs the project's own `flask verify-audit` against this database."""
    env = {**os.environ, **server_env(db, secret, bid_secret),
           "PYTHONPATH": os.pathsep.join([str(BENCH_DIR), str(ROOT)])}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "serve_tenderapp", "verify-audit"],
                            env=env, cwd=str(ROOT), capture_output=True, text=True, timeout=300)
    output = (result.stdout + result.stderr).strip().splitlines()
    return result.returncode == 0, (output[-1] if output else f"exit {result.returncode}")
