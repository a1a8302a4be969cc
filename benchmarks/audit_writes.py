"""Audited writes per second from many tenants at once: one chain per organisation against
the single chain every tenant shared before (issue 11), in one run, on PostgreSQL.

Each of ``--tenants`` threads is one organisation writing as a request does: begin, update
a row of its own, append an audit entry (locking its chain's head until the commit), queue
an outbox message, commit. In "single" mode every entry goes to one chain, so every
tenant's transaction waits for the one head row: that is the design before this change,
run with the same code. The figure is committed writes a second; the ratio is per-tenant
over single.

    .venv/bin/python benchmarks/audit_writes.py                 # 20 tenants, 10 s a mode, 3 rounds
    .venv/bin/python benchmarks/audit_writes.py --hold-ms 5      # each transaction goes on 5 ms after its entry
    .venv/bin/python benchmarks/audit_writes.py --tenants 5 --seconds 3 --rounds 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import ROOT, create_database  # noqa: E402

sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session, create_engine  # noqa: E402

from tenderapp import audit_trail, create_app, migrate  # noqa: E402
from tenderapp.models import Organisation  # noqa: E402
from tenderapp.services import audit, outbox  # noqa: E402


def _setup(engine, tenants: int) -> list[int]:
    now = datetime.now(UTC)
    with Session(engine) as session:
        orgs = [Organisation(name=f"Authority {n}", kind="local_authority", created_at=now) for n in range(tenants)]
        session.add_all(orgs)
        session.commit()
        return [o.id for o in orgs]


def _writer(engine, organisation_id: int, chain: int, stop: threading.Event, counts: list[int], slot: int,
            hold: float):
    while not stop.is_set():
        now = datetime.now(UTC)
        with Session(engine) as session:
            session.execute(text("UPDATE organisation SET name = name WHERE id = :id"), {"id": organisation_id})
            audit.append(session, chain, {
                "occurred_at": now, "actor_user_id": None, "organisation_id": organisation_id,
                "action": "bench.write", "object_type": "organisation", "object_id": str(organisation_id),
                "details": {"n": counts[slot]}}, now)
            outbox.queue(session, f"officer{organisation_id}@example.org", "Benchmark", "A write.", now,
                         organisation_id)
            if hold:  # the rest of a request's transaction: further statements, round trips
                session.execute(text("SELECT pg_sleep(:s)"), {"s": hold})
            session.commit()
        counts[slot] += 1


def _measure(engine, organisations: list[int], single: bool, seconds: float, hold: float) -> float:
    stop, counts = threading.Event(), [0] * len(organisations)
    threads = [threading.Thread(target=_writer, args=(engine, org, 0 if single else org, stop, counts, i, hold))
               for i, org in enumerate(organisations)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hold-ms", type=float, default=0,
                        help="time a transaction goes on after its audit entry (a request's further statements)")
    args = parser.parse_args()
    database = create_database("postgresql", "audit")
    try:
        migrate.upgrade(database.url)
        app = create_app({"ENV": "testing", "DATABASE_URL": database.url,
                          "INSTANCE_PATH": str(database.folder / "instance")})
        # one connection a writer, signing with the app's audit key
        engine = create_engine(database.url, pool_size=args.tenants + 2, max_overflow=0)
        audit_trail.register(engine, app.extensions["tenderapp.audit"])
        organisations = _setup(engine, args.tenants)
        rates = {"single": [], "per-tenant": []}
        for _ in range(args.rounds):  # alternate, so load on the machine falls on both alike
            for mode in ("single", "per-tenant"):
                rates[mode].append(_measure(engine, organisations, mode == "single", args.seconds,
                                            args.hold_ms / 1000))
        with Session(engine) as session:
            problems = audit.verify(session)
        result = {
            "tenants": args.tenants, "seconds": args.seconds, "rounds": args.rounds, "hold_ms": args.hold_ms,
            "writes_per_second": {m: [round(r, 1) for r in v] for m, v in rates.items()},
            "median": {m: round(statistics.median(v), 1) for m, v in rates.items()},
            "ratio_per_tenant_over_single": round(statistics.median(rates["per-tenant"])
                                                  / statistics.median(rates["single"]), 2),
            "chains_verified": not problems,
        }
        print(json.dumps(result, indent=2))
        out = Path(__file__).resolve().parent / "results"
        out.mkdir(exist_ok=True)
        (out / f"audit_writes_{int(time.time())}.json").write_text(json.dumps(result, indent=2))
        if problems:
            raise SystemExit(f"audit chains broken: {problems}")
    finally:
        database.drop()


if __name__ == "__main__":
    main()
