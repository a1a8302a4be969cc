"""Fault harness: what happens to acknowledged bids and to the people using Tenderapp when
things break under load.

  kill        gunicorn workers are SIGKILLed at random (every 0.5–2 s, at least 20 times)
              while bidders submit continuously. Every acknowledged bid (receipt shown) must
              be stored, complete and hash-matching; no half-written rows; the audit chain
              verifies (flask verify-audit); the master keeps serving. SQLite and PostgreSQL.
  pg-restart  PostgreSQL is stopped for ~5 s and started again while people browse and
              submit. While it is down the app must answer 503 with its GOV.UK page (never
              500); once it is back, requests succeed without restarting gunicorn.
              PostgreSQL only; it disturbs anyone else using the server, so run it sparingly.
  disk        SQLite on a small tmpfs that is then filled up (and, if the kernel allows,
              remounted read-only): writes must fail with a friendly page, not a 500, reads
              keep working, and writes work again once space is freed. Needs root (mount).

    python benchmarks/faults.py [--backend sqlite|postgresql|both] [--scenario kill|pg-restart|disk|all]

Prints PASS/FAIL per check and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

bl.ensure_environment()


# --------------------------------------------------------------------------------------------
# People who keep going whatever happens (retrying as a person would)


class PersistentBidder:
    """Prices (online, or by Excel every third round), answers, declares and submits, again
    and again; after any failure waits a moment and starts the round again."""

    def __init__(self, bidder: bl.Bidder, tender: bl.TenderInfo, port: int, recorder: bl.Recorder,
                 stop: threading.Event, seed: int):
        self.bidder, self.tender, self.stop = bidder, tender, stop
        self.rng = random.Random(seed)
        self.browser = bl.Browser(port, recorder, f"10.{seed % 200}.{bidder.index % 250}.7", timeout=30)
        self.receipts: list[bl.ClientReceipt] = []
        self.failures: Counter = Counter()
        self.rounds = 0

    def run(self) -> None:
        signed_in = False
        while not self.stop.is_set():
            try:
                if not signed_in:
                    bl.sign_in(self.browser, self.bidder.email)
                    signed_in = True
                self.rounds += 1
                intent = bl.make_intent(self.rng, self.tender, "excel" if self.rounds % 3 == 0 else "online")
                bl.prepare_bid(self.browser, self.tender, intent)
                outcome = bl.submit(self.browser, self.tender, bl.submit_token(self.browser, self.tender),
                                    receipt_retries=5)
            except bl.StepFailed as error:
                self.failures[f"{error.step}: {error.status}"] += 1
                if error.status == 302 or error.step.startswith("sign-in"):
                    signed_in = False  # sent to the sign-in page: sign in again
                self.stop.wait(0.3)
                continue
            if outcome.kind == "receipt":
                self.receipts.append(bl.ClientReceipt(self.tender.id, self.bidder.organisation_id, outcome.receipt,
                                                      outcome.sha256, outcome.number, outcome.sent_at,
                                                      outcome.answered_at, intent))
            else:
                self.failures[f"submit {outcome.kind}: {outcome.status}"] += 1
                self.stop.wait(0.3)


def officer_loop(email: str, pages: list[str], port: int, recorder: bl.Recorder, stop: threading.Event, seed: int,
                 failures: Counter) -> None:
    rng = random.Random(seed)
    browser = bl.Browser(port, recorder, f"10.201.{seed % 250}.9", timeout=30)
    signed_in = False
    while not stop.is_set():
        try:
            if not signed_in:
                bl.sign_in(browser, email)
                signed_in = True
            response = browser.get(rng.choice(pages), "GET officer page")
            if response.status == 302 and "/sign-in" in (response.location or ""):
                signed_in = False
        except bl.StepFailed as error:
            failures[f"{error.step}: {error.status}"] += 1
            stop.wait(0.3)
        stop.wait(rng.uniform(0.1, 0.4))


# --------------------------------------------------------------------------------------------
# Checks


class Checks:
    def __init__(self, title: str):
        self.title, self.items = title, []

    def add(self, name: str, ok: bool, detail: str = "", skipped: bool = False) -> None:
        self.items.append({"check": name, "ok": bool(ok), "detail": detail, "skipped": skipped})

    @property
    def ok(self) -> bool:
        return all(i["ok"] for i in self.items)

    def print(self) -> None:
        print()
        print(self.title)
        print("-" * len(self.title))
        for item in self.items:
            verdict = "SKIP" if item.get("skipped") else ("PASS" if item["ok"] else "FAIL")
            print(f"  {verdict}  {item['check']}" + (f" — {item['detail']}" if item["detail"] else ""))
        print()


def integrity_checks(checks: Checks, db: bl.BenchDatabase, secret: str, bid_secret: str, tender: bl.TenderInfo,
                     receipts: list[bl.ClientReceipt]) -> dict:
    check = bl.reconcile(db.url, bid_secret, receipts, [tender.id])
    checks.add("every acknowledged bid is stored, complete and hash-matching",
               check["lost"] == 0 and check["content_mismatch"] == 0 and check["wrong_supplier"] == 0,
               f"{check['client_receipts']} receipts held, {check['lost']} lost, "
               f"{check['content_mismatch']} with other content")
    half = (check["stored_unreadable"] + check["stored_hash_mismatch"] + check["stored_without_audit_event"]
            + check["stored_without_outbox_receipt"] + check["version_numbering_problems"]
            + check["audit_events_without_submission"] + check["drafts_unreadable"])
    checks.add("no half-written rows", half == 0,
               f"{check['stored_submissions']} stored submissions ({check['unacknowledged_stored']} never "
               f"acknowledged): unreadable {check['stored_unreadable']}, hash mismatch "
               f"{check['stored_hash_mismatch']}, no audit event {check['stored_without_audit_event']}, no emailed "
               f"receipt {check['stored_without_outbox_receipt']}, audit event without submission "
               f"{check['audit_events_without_submission']}, version gaps {check['version_numbering_problems']}, "
               f"unreadable drafts {check['drafts_unreadable']}")
    checks.add("no duplicates (two receipts for one stored row)", check["duplicate_rows_for_one_receipt"] == 0)
    audit_ok, message = bl.verify_audit_cli(db, secret, bid_secret)
    checks.add("audit chain verifies (flask verify-audit)", audit_ok, message)
    return {k: v for k, v in check.items() if k != "submissions_per_bid"}


def prepare(backend: str, label: str, bidders: int, officers: int, workers: int, password_cost, folder=None,
            sqlite_dir=None, preload: bool = False):
    secret, bid_secret = bl.new_secrets()
    db = bl.create_database(backend, label, folder, sqlite_dir)
    world = bl.build_world(db.url, db.folder / "instance" / "documents", bid_secret, bidders, officers,
                           rush_reference="FAULT-001", capacity_reference=None, password_cost=password_cost)
    bl.set_deadline(db.url, world.rush.id, datetime.now(UTC) + timedelta(hours=6))
    server = bl.Gunicorn("serve_tenderapp:app", bl.server_env(db, secret, bid_secret, password_cost), workers,
                         db.folder / f"gunicorn-{label}.log", label, preload=preload)
    server.start()
    return secret, bid_secret, db, world, server


def cleanup(db: bl.BenchDatabase, server: bl.Gunicorn | None, keep: bool) -> None:
    if server is not None:
        try:
            server.stop()
        except Exception:  # noqa: BLE001
            pass
    if keep:
        bl.log(f"kept {db.folder}" + (f" and database {db.pg_name}" if db.pg_name else ""))
        return
    db.drop()
    shutil.rmtree(db.folder, ignore_errors=True)


def after_status(samples: list[bl.Sample], t0: float) -> Counter:
    return Counter(str(s.status) for s in samples if s.start >= t0)


# --------------------------------------------------------------------------------------------
# a. Worker SIGKILL


def scenario_kill(backend: str, args) -> Checks:
    checks = Checks(f"Worker SIGKILL under load — {backend}")
    cost = bl.PASSWORD_COSTS[args.password_cost]
    secret, bid_secret, db, world, server = prepare(backend, "kill", args.clients, 0, args.kill_workers, cost,
                                                  preload=args.preload)
    result: dict = {"scenario": "kill", "backend": backend, "preload": args.preload}
    try:
        recorder = bl.Recorder()
        recorder.phase = "kill"
        stop = threading.Event()
        clients = [PersistentBidder(b, world.rush, server.port, recorder, stop, args.seed + b.index)
                   for b in world.bidders]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        master = server.proc.pid
        for t in threads:
            t.start()
        bl.log(f"[{backend}] kill: {len(clients)} bidders submitting; killing a worker every 0.5–2 s, "
               f"{args.kills} times")
        rng = random.Random(args.seed)
        kills, pids_killed, master_died = [], set(), False
        time.sleep(3.0)
        while len(kills) < args.kills:
            time.sleep(rng.uniform(0.5, 2.0))
            if not server.alive():
                master_died = True
                break
            workers = [p for p in server.worker_pids() if p not in pids_killed]
            if not workers:
                continue
            victim = rng.choice(workers)
            try:
                os.kill(victim, signal.SIGKILL)  # a gunicorn worker we started (child of our master)
            except ProcessLookupError:
                continue
            pids_killed.add(victim)
            kills.append({"at": time.time(), "pid": victim})
        time.sleep(3.0)  # a little more load after the last kill
        stop.set()
        for t in threads:
            t.join(60)
        health = bl.raw_get(server.port, "/healthz") if server.alive() else None
        master_alive = server.alive() and server.proc.pid == master
        workers_now = server.worker_pids()
        app_log = server.log_text()
        server.stop()

        receipts = [r for c in clients for r in c.receipts]
        samples = recorder.samples
        five_xx = [s for s in samples if s.status is not None and s.status >= 500]
        no_answer = [s for s in samples if s.status is None]
        checks.add(f"at least {args.kills} workers SIGKILLed", len(kills) >= args.kills, f"{len(kills)} kills")
        checks.add("the master kept serving, with fresh workers", master_alive and not master_died and health == 200
                   and len(workers_now) == args.kill_workers,
                   f"/healthz {health}, {len(workers_now)} workers after the kills")
        checks.add("bids kept being acknowledged during the kills", len(receipts) >= max(5, args.kills // 2),
                   f"{len(receipts)} receipts in {sum(c.rounds for c in clients)} rounds")
        result["integrity"] = integrity_checks(checks, db, secret, bid_secret, world.rush, receipts)
        checks.add("no 5xx answers (a killed worker shows as a dropped connection)", not five_xx,
                   f"{len(five_xx)} × 5xx, {len(no_answer)} dropped connections "
                   f"({Counter(s.status for s in five_xx)})")
        result.update({
            "kills": len(kills), "receipts": len(receipts), "requests": len(samples),
            "statuses": bl.status_summary(samples), "dropped_connections": len(no_answer),
            "client_failures": dict(sum((c.failures for c in clients), Counter()).most_common(15)),
            "server_log": bl.server_log_findings(app_log),
        })
    finally:
        cleanup(db, server, args.keep)
    checks.result = result
    return checks


# --------------------------------------------------------------------------------------------
# b. PostgreSQL restarted mid-load


def pg_cluster() -> tuple[str, str]:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    return version, "main"


def pg_ctl(action: str, *extra: str) -> subprocess.CompletedProcess:
    version, cluster = pg_cluster()
    return subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, action, *extra],
                          capture_output=True, text=True, timeout=120)


def ensure_pg_running() -> bool:
    if bl.pg_ready():
        return True
    bl.log("PostgreSQL is not answering: starting it")
    pg_ctl("start")
    for _ in range(60):
        if bl.pg_ready():
            return True
        time.sleep(1)
    return False


def scenario_pg_restart(args) -> Checks:
    checks = Checks("PostgreSQL restarted mid-load")
    cost = bl.PASSWORD_COSTS[args.password_cost]
    secret, bid_secret, db, world, server = prepare("postgresql", "pgrestart", args.clients, 4, 3, cost)
    result: dict = {"scenario": "pg-restart", "backend": "postgresql"}
    try:
        recorder = bl.Recorder()
        recorder.phase = "pg-restart"
        stop = threading.Event()
        officer_failures: Counter = Counter()
        clients = [PersistentBidder(b, world.rush, server.port, recorder, stop, args.seed + b.index)
                   for b in world.bidders]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        threads += [threading.Thread(target=officer_loop, daemon=True,
                                     args=(e, world.officer_pages, server.port, recorder, stop, args.seed + 50 + j,
                                           officer_failures)) for j, e in enumerate(world.officers)]
        master, workers_before = server.proc.pid, sorted(server.worker_pids())
        for t in threads:
            t.start()
        time.sleep(8.0)
        bl.log("stopping PostgreSQL (fast shutdown)")
        t_stop_issued = time.time()
        stopped = pg_ctl("stop", "-m", "fast")
        t_down = time.time()
        time.sleep(args.pg_down_seconds)
        t_start_issued = time.time()
        bl.log("starting PostgreSQL")
        started = pg_ctl("start")
        ready = ensure_pg_running()
        t_up = time.time()
        bl.log(f"PostgreSQL back after {t_up - t_stop_issued:.1f} s")
        time.sleep(args.after_seconds)
        stop.set()
        for t in threads:
            t.join(60)
        t_end = time.time()
        health = bl.raw_get(server.port, "/healthz") if server.alive() else None
        workers_after = sorted(server.worker_pids())
        master_alive = server.alive() and server.proc.pid == master
        app_log = server.log_text()
        server.stop()

        samples = recorder.samples
        during = [s for s in samples if s.start >= t_down + 0.2 and s.start + s.seconds <= t_start_issued]
        grace = t_up + args.grace_seconds
        after = [s for s in samples if s.start >= grace]
        during_status = Counter(str(s.status) for s in during)
        five_hundreds = [s for s in samples if s.status == 500]
        during_503 = [s for s in during if s.status == 503]
        pages = Counter(s.detail for s in during_503)
        friendly = all(json.loads(s.detail)["govuk_page"] and not json.loads(s.detail)["leaks_internals"]
                       for s in during_503)
        checks.add("PostgreSQL stopped and started", stopped.returncode == 0 and started.returncode == 0 and ready,
                   f"down {t_start_issued - t_down:.1f} s; stop: {stopped.returncode} start: {started.returncode}")
        checks.add("while down: answers are 503, never 500", bool(during) and not any(s.status == 500 for s in during)
                   and bool(during_503),
                   f"answers while down: {dict(during_status)}")
        checks.add("while down: the 503 is the app's GOV.UK page, no internals", bool(during_503) and friendly,
                   f"{dict(pages)}" if pages else "no 503 seen")
        checks.add("no 500 at any time", not five_hundreds,
                   "; ".join(f"500 on {s.label} sent at t{s.start - t_stop_issued:+.1f}s, answered at "
                             f"t{s.start + s.seconds - t_stop_issued:+.1f}s: {s.detail}" for s in five_hundreds[:3]))
        after_bad = [s for s in after if s.status is None or s.status >= 500]
        checks.add(f"back up: every request succeeds from {args.grace_seconds:.0f} s after PostgreSQL is ready",
                   bool(after) and not after_bad,
                   f"{len(after)} requests after, statuses {dict(Counter(str(s.status) for s in after))}")
        receipts = [r for c in clients for r in c.receipts]
        after_receipts = [r for r in receipts if r.sent_at >= grace]
        checks.add("bids are acknowledged again after the restart", bool(after_receipts),
                   f"{len(after_receipts)} receipts after, {len(receipts)} in all")
        checks.add("gunicorn was not restarted (same master, same workers)",
                   master_alive and health == 200 and workers_after == workers_before,
                   f"/healthz {health}; workers before {workers_before}, after {workers_after}")
        result["integrity"] = integrity_checks(checks, db, secret, bid_secret, world.rush, receipts)
        result.update({
            "timeline": {"stop_issued": t_stop_issued, "down": t_down, "start_issued": t_start_issued, "up": t_up,
                         "end": t_end},
            "during_statuses": dict(during_status), "statuses": bl.status_summary(samples),
            "first_success_after_up_seconds": min((s.start + s.seconds - t_up for s in samples
                                                   if s.start >= t_up and s.status and s.status < 400), default=None),
            "error_pages": dict(Counter(s.detail for s in samples if s.detail)),
            "statuses_by_second": timeline(samples, t_stop_issued - 3, t_up + args.after_seconds),
            "client_failures": dict(sum((c.failures for c in clients), Counter()).most_common(15)),
            "officer_failures": dict(officer_failures.most_common(10)),
            "server_log": bl.server_log_findings(app_log),
        })
    finally:
        if not ensure_pg_running():
            bl.log("WARNING: PostgreSQL is NOT running again")
        cleanup(db, server, args.keep)
    checks.result = result
    return checks


def scenario_pg_terminate(args) -> Checks:
    """Like a restart, but only for this harness's own database: its server connections are
    terminated (pg_terminate_backend) again and again under load. Disturbs nobody else, so it
    can run long enough to catch rare failures of the error handling."""
    checks = Checks("PostgreSQL connections terminated mid-load (pg_terminate_backend)")
    cost = bl.PASSWORD_COSTS[args.password_cost]
    secret, bid_secret, db, world, server = prepare("postgresql", "pgterminate", args.clients, 4, 3, cost)
    result: dict = {"scenario": "pg-terminate", "backend": "postgresql"}
    try:
        recorder = bl.Recorder()
        recorder.phase = "pg-terminate"
        stop = threading.Event()
        officer_failures: Counter = Counter()
        clients = [PersistentBidder(b, world.rush, server.port, recorder, stop, args.seed + b.index)
                   for b in world.bidders]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        threads += [threading.Thread(target=officer_loop, daemon=True,
                                     args=(e, world.officer_pages, server.port, recorder, stop, args.seed + 50 + j,
                                           officer_failures)) for j, e in enumerate(world.officers)]
        for t in threads:
            t.start()
        rng = random.Random(args.seed)
        terminated = rounds = 0
        t_end = time.time() + args.terminate_seconds
        time.sleep(3)
        import psycopg

        while time.time() < t_end:
            time.sleep(rng.uniform(0.3, 1.0))
            with psycopg.connect(bl.PG_ADMIN_URL, autocommit=True) as admin:
                rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = %s AND pid <> pg_backend_pid()", (db.pg_name,)).fetchall()
            terminated += len(rows)
            rounds += 1
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(60)
        app_log = server.log_text()
        server.stop()
        samples = recorder.samples
        statuses = Counter(str(s.status) for s in samples)
        five_hundreds = [s for s in samples if s.status == 500]
        other_5xx = [s for s in samples if s.status is not None and s.status >= 500 and s.status != 503]
        friendly = all(json.loads(s.detail)["govuk_page"] for s in samples if s.status == 503)
        receipts = [r for c in clients for r in c.receipts]
        checks.add("connections terminated", terminated > 0, f"{terminated} backends in {rounds} rounds")
        checks.add("no 500 (a lost connection is a 503 at worst)", not five_hundreds and not other_5xx,
                   f"statuses {dict(statuses)}; 500 on " + ", ".join(sorted({s.label for s in five_hundreds}))
                   if five_hundreds else f"statuses {dict(statuses)}")
        checks.add("every 503 is the app's GOV.UK page", friendly)
        checks.add("bids acknowledged throughout", len(receipts) > 0, f"{len(receipts)} receipts")
        result["integrity"] = integrity_checks(checks, db, secret, bid_secret, world.rush, receipts)
        result.update({"terminated": terminated, "statuses": dict(statuses),
                       "error_pages": dict(Counter(s.detail for s in samples if s.detail)),
                       "server_log": bl.server_log_findings(app_log),
                       "client_failures": dict(sum((c.failures for c in clients), Counter()).most_common(15))})
    finally:
        cleanup(db, server, args.keep)
    checks.result = result
    return checks


def timeline(samples: list[bl.Sample], t0: float, t1: float) -> list[str]:
    rows = []
    for second in range(int(t1 - t0) + 1):
        start = t0 + second
        counts = Counter(str(s.status) for s in samples if start <= s.start + s.seconds < start + 1)
        rows.append(f"answered at t{second - 3:+d}s " + " ".join(f"{k}×{v}" for k, v in sorted(counts.items())))
    return rows


# --------------------------------------------------------------------------------------------
# c. Full disk / read-only filesystem under SQLite


def scenario_disk(args) -> Checks:
    checks = Checks("Full disk and read-only filesystem — sqlite on tmpfs")
    result: dict = {"scenario": "disk", "backend": "sqlite"}
    folder = Path(tempfile.mkdtemp(prefix="tenderapp-bench-disk-"))
    mount = folder / "mnt"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={args.tmpfs_mb}m", "tmpfs", str(mount)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        checks.add("tmpfs mounted", False, f"cannot mount tmpfs here: {mounted.stderr.strip()} — scenario skipped")
        checks.result = result
        shutil.rmtree(folder, ignore_errors=True)
        return checks
    cost = bl.PASSWORD_COSTS[args.password_cost]
    server = db = None
    filler = mount / "filler"
    try:
        secret, bid_secret, db, world, server = prepare("sqlite", "disk", args.clients, 2, 3, cost, folder=folder,
                                                         sqlite_dir=mount)
        recorder = bl.Recorder()
        stop = threading.Event()
        officer_failures: Counter = Counter()
        clients = [PersistentBidder(b, world.rush, server.port, recorder, stop, args.seed + b.index)
                   for b in world.bidders]
        threads = [threading.Thread(target=c.run, daemon=True) for c in clients]
        threads += [threading.Thread(target=officer_loop, daemon=True,
                                     args=(e, world.officer_pages, server.port, recorder, stop, args.seed + 70 + j,
                                           officer_failures)) for j, e in enumerate(world.officers)]
        recorder.phase = "normal"
        for t in threads:
            t.start()
        time.sleep(6)
        recorder.phase = "disk full"
        bl.log("filling the tmpfs")
        t_full = time.time()
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)
        # keep it full while the WAL and journal try to grow
        time.sleep(args.fault_seconds)
        filler.unlink()
        t_freed = time.time()
        recorder.phase = "space freed"
        bl.log("space freed")
        time.sleep(6)
        recorder.phase = "read-only"
        ro = subprocess.run(["mount", "-o", "remount,ro", str(mount)], capture_output=True, text=True)
        t_ro = time.time()
        if ro.returncode == 0:
            bl.log("filesystem remounted read-only")
            time.sleep(args.fault_seconds)
            subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
            bl.log("filesystem writable again")
        t_rw = time.time()
        recorder.phase = "writable again"
        time.sleep(6)
        stop.set()
        for t in threads:
            t.join(60)
        app_log = server.log_text()
        server.stop()

        by_phase = {phase: bl.status_summary(recorder.of(phase))
                    for phase in ("normal", "disk full", "space freed", "read-only", "writable again")}
        full = recorder.of("disk full")
        five_hundreds = [s for s in recorder.samples if s.status == 500]
        full_writes = [s for s in full if s.label.startswith("POST")]
        full_reads = [s for s in full if s.label.startswith("GET")]
        checks.add("tmpfs filled up", True, f"{args.tmpfs_mb} MB tmpfs, full for {t_freed - t_full:.0f} s")
        checks.add("disk full: no 500 (writes refused with a friendly page)", not any(s.status == 500 for s in full),
                   f"POSTs while full: {dict(Counter(str(s.status) for s in full_writes))}; "
                   f"error pages {dict(Counter(s.detail for s in full if s.detail))}")
        checks.add("disk full: pages still read", any(s.status == 200 for s in full_reads),
                   f"GETs while full: {dict(Counter(str(s.status) for s in full_reads))}")
        after_free = [s for s in recorder.of("space freed") if s.start >= t_freed + 2]
        checks.add("space freed: requests succeed again", bool(after_free) and not any(
            s.status is None or s.status >= 500 for s in after_free), f"{dict(Counter(str(s.status) for s in after_free))}")
        if ro.returncode == 0:
            ro_samples = recorder.of("read-only")
            checks.add("read-only: no 500", not any(s.status == 500 for s in ro_samples),
                       f"{dict(Counter(str(s.status) for s in ro_samples))}")
            after_rw = [s for s in recorder.of("writable again") if s.start >= t_rw + 2]
            checks.add("writable again: requests succeed", bool(after_rw) and not any(
                s.status is None or s.status >= 500 for s in after_rw), f"{dict(Counter(str(s.status) for s in after_rw))}")
        else:
            checks.add("read-only filesystem", True, "the kernel refuses to remount read-only while the database "
                       f"is open for writing: {ro.stderr.strip().splitlines()[0] if ro.stderr.strip() else ''}",
                       skipped=True)
        checks.add("no 500 at any time", not five_hundreds, f"{len(five_hundreds)} × 500" if five_hundreds else "")
        receipts = [r for c in clients for r in c.receipts]
        result["integrity"] = integrity_checks(checks, db, secret, bid_secret, world.rush, receipts)
        result.update({"statuses_by_phase": by_phase, "server_log": bl.server_log_findings(app_log),
                       "error_pages": dict(Counter(s.detail for s in recorder.samples if s.detail)),
                       "client_failures": dict(sum((c.failures for c in clients), Counter()).most_common(15))})
    finally:
        if server is not None:
            try:
                server.stop()
            except Exception:  # noqa: BLE001
                pass
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], capture_output=True)
        subprocess.run(["umount", str(mount)], capture_output=True)
        if db is not None and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    checks.result = result
    return checks


# --------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both",
                        help="for the kill scenario (pg-restart is PostgreSQL only, disk SQLite only)")
    parser.add_argument("--scenario", choices=["kill", "pg-restart", "pg-terminate", "disk", "all"], default="all",
                        help="all = kill, pg-restart, disk (pg-terminate is extra: it only touches its own database)")
    parser.add_argument("--clients", type=int, default=12, help="bidders submitting continuously")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--kill-workers", type=int, default=3)
    parser.add_argument("--preload", action=argparse.BooleanOptionalAction, default=True,
                        help="kill scenario: gunicorn --preload, so a replacement worker is forked ready instead "
                             "of importing the app again (seconds on a busy 2-core machine)")
    parser.add_argument("--pg-down-seconds", type=float, default=5.0)
    parser.add_argument("--after-seconds", type=float, default=12.0, help="load after PostgreSQL is back")
    parser.add_argument("--grace-seconds", type=float, default=2.0,
                        help="after PostgreSQL is ready, how long before every request must succeed")
    parser.add_argument("--terminate-seconds", type=float, default=40.0)
    parser.add_argument("--tmpfs-mb", type=int, default=48)
    parser.add_argument("--fault-seconds", type=float, default=6.0)
    parser.add_argument("--password-cost", choices=sorted(bl.PASSWORD_COSTS), default="production",
                        help="argon2id cost (default: OWASP minimum, so sign-ins do not dominate a small machine)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    scenarios = ["kill", "pg-restart", "disk"] if args.scenario == "all" else [args.scenario]
    needs_pg = "postgresql" in backends and "kill" in scenarios or {"pg-restart", "pg-terminate"} & set(scenarios)
    if needs_pg and not bl.pg_ready():
        parser.error("PostgreSQL is not answering on 127.0.0.1:5432")
    all_checks = []
    if "kill" in scenarios:
        for backend in backends:
            all_checks.append(scenario_kill(backend, args))
            all_checks[-1].print()
    if "pg-restart" in scenarios:
        all_checks.append(scenario_pg_restart(args))
        all_checks[-1].print()
    if "pg-terminate" in scenarios:
        all_checks.append(scenario_pg_terminate(args))
        all_checks[-1].print()
    if "disk" in scenarios:
        all_checks.append(scenario_disk(args))
        all_checks[-1].print()
    path = bl.write_results("faults", {"started": datetime.now(UTC), "machine": bl.machine(), "arguments": vars(args),
                                       "scenarios": [{"title": c.title, "ok": c.ok, "checks": c.items,
                                                      "result": getattr(c, "result", {})} for c in all_checks]})
    print("Summary:")
    for c in all_checks:
        print(f"  {'PASS' if c.ok else 'FAIL'}  {c.title}")
    bl.log(f"results written to {path.relative_to(bl.ROOT)}")
    return 0 if all(c.ok for c in all_checks) else 1


if __name__ == "__main__":
    sys.exit(main())
