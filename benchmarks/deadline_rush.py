"""Deadline rush: many suppliers sign in, price a 20-line schedule (half online, half by
uploading the app's own Excel template), answer, declare and submit in the minute before a
real wall-clock deadline, while officers of the member authorities browse; a few click
submit just after the deadline. Then every receipt is reconciled against the database, the
audit chain is verified, and throughput is compared with a minimal Flask app that stores
one row per POST on the same database behind the same gunicorn settings.

    python benchmarks/deadline_rush.py [--backend sqlite|postgresql|both] [--bidders 200] [--window 60]
    python benchmarks/deadline_rush.py --bidders 20 --window 15        # quick check

Prints a table per backend and writes JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as bl  # noqa: E402

bl.ensure_environment()

TARGET_P95 = 1.5


@dataclass
class Agent:
    bidder: bl.Bidder
    address: str
    mode: str
    late: bool
    start_at: float
    submit_at: float
    late_at: float | None
    intent: bl.BidIntent | None = None
    browser: bl.Browser | None = None
    outcome: bl.SubmitOutcome | None = None
    failure: str | None = None
    signed_in: bool = False
    capacity_receipts: list = field(default_factory=list)
    capacity_failures: list = field(default_factory=list)


def sleep_until(moment: float, stop: threading.Event | None = None) -> None:
    while True:
        left = moment - time.time()
        if left <= 0:
            return
        if stop is not None and stop.wait(min(left, 0.5)):
            return
        if stop is None:
            time.sleep(min(left, 0.5))


def plan_agents(world: bl.World, args, rng: random.Random, load_start: float, deadline_ts: float) -> list[Agent]:
    window = deadline_ts - load_start
    late_indexes = set(rng.sample(range(len(world.bidders)), min(args.late, len(world.bidders))))
    agents = []
    for bidder in world.bidders:
        late = bidder.index in late_indexes
        start = load_start + rng.uniform(0, 0.55 * window)
        if late:
            submit_at = load_start + rng.uniform(0.7 * window, window - 3.0)
            late_at = deadline_ts + rng.uniform(0.3, 3.0)
        else:
            # the rush: submissions bunch up in the last 40% of the window
            submit_at = load_start + rng.uniform(0.6 * window, window - 2.0)
            late_at = None
        agents.append(Agent(bidder, f"10.{1 + bidder.index // 250}.{bidder.index % 250}.{rng.randint(2, 250)}",
                            "online" if bidder.index % 2 == 0 else "excel", late, start, submit_at, late_at))
    return agents


def run_bidder(agent: Agent, world: bl.World, port: int, recorder: bl.Recorder, rng_seed: int) -> None:
    rng = random.Random(rng_seed)
    agent.intent = bl.make_intent(rng, world.rush, agent.mode)
    sleep_until(agent.start_at)
    browser = agent.browser = bl.Browser(port, recorder, agent.address)
    try:
        bl.sign_in(browser, agent.bidder.email)
        agent.signed_in = True
        bl.prepare_bid(browser, world.rush, agent.intent)
        sleep_until(agent.submit_at)
        token = bl.submit_token(browser, world.rush)
        if agent.late_at is not None:
            sleep_until(agent.late_at)  # the page was loaded before the deadline, the click comes after
        agent.outcome = bl.submit(browser, world.rush, token)
    except bl.StepFailed as error:
        agent.failure = str(error)
    except Exception as error:  # noqa: BLE001 - a harness bug must not hide the others' results
        agent.failure = f"harness: {type(error).__name__}: {error}"


def officer_sign_in(email: str, address: str, port: int, recorder: bl.Recorder, failures: list) -> bl.Browser | None:
    browser = bl.Browser(port, recorder, address)
    try:
        bl.sign_in(browser, email)
    except bl.StepFailed as error:
        failures.append(f"{email}: {error}")
        return None
    return browser


def officer_browse(browser: bl.Browser, pages: list[str], stop: threading.Event, think: tuple[float, float],
                   seed: int) -> None:
    rng = random.Random(seed)
    stop.wait(rng.uniform(0, think[1]))
    while not stop.is_set():
        browser.get(rng.choice(pages), "GET officer page")
        if think[1] > 0:
            stop.wait(rng.uniform(*think))


def capacity_bidder(agent: Agent, world: bl.World, stop: threading.Event, seed: int) -> None:
    """Closed loop, no think time: the whole bid journey again and again on the capacity tender."""
    rng = random.Random(seed)
    browser = agent.browser
    while not stop.is_set():
        intent = bl.make_intent(rng, world.capacity, agent.mode)
        try:
            bl.prepare_bid(browser, world.capacity, intent)
            outcome = bl.submit(browser, world.capacity, bl.submit_token(browser, world.capacity))
        except bl.Stopped:
            return
        except bl.StepFailed as error:
            agent.capacity_failures.append(str(error))
            continue
        if outcome.kind == "receipt":
            agent.capacity_receipts.append(bl.ClientReceipt(world.capacity.id, agent.bidder.organisation_id,
                                                            outcome.receipt, outcome.sha256, outcome.number,
                                                            outcome.sent_at, outcome.answered_at, intent))
        else:
            agent.capacity_failures.append(f"submit: {outcome.kind} {outcome.status} {outcome.detail}")


def capacity_officer(browser: bl.Browser, pages: list[str], stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    try:
        while not stop.is_set():
            browser.get(rng.choice(pages), "GET officer page")
    except bl.Stopped:
        return


def baseline_client(browser: bl.Browser, stop: threading.Event, name: str) -> None:
    n = 0
    try:
        while not stop.is_set():
            n += 1
            browser.post_form("/rows", [("client", name), ("value", f"row {n} from {name}")], "POST baseline row")
    except bl.Stopped:
        return


def run_threads(targets: list[tuple], stop: threading.Event | None = None, seconds: float | None = None) -> None:
    threads = [threading.Thread(target=fn, args=a, daemon=True) for fn, a in targets]
    for t in threads:
        t.start()
    if seconds is not None and stop is not None:
        time.sleep(seconds)
        stop.set()
    for t in threads:
        t.join()


def run_backend(backend: str, args) -> dict:
    rng = random.Random(args.seed)
    load_at_start = bl.wait_for_quiet(args.wait_for_load)
    secret, bid_secret = bl.new_secrets()
    db = bl.create_database(backend, "rush")
    bl.log(f"[{backend}] database {db.url} (folder {db.folder})")
    servers: list[bl.Gunicorn] = []
    result: dict = {"backend": backend, "database": db.url, "workers": args.workers, "threads": args.threads, "bidders": args.bidders,
                    "officers": args.officers, "window_seconds": args.window, "late_intended": args.late,
                    "load_average_at_start": load_at_start}
    try:
        setup_started = time.time()
        cost = bl.PASSWORD_COSTS[args.password_cost]
        result["password_cost"] = {"name": args.password_cost, "argon2": cost or "tenderapp.security.DEFAULT_COST"}
        world = bl.build_world(db.url, db.folder / "instance" / "documents", bid_secret, args.bidders, args.officers,
                               password_cost=cost)
        result["members"] = world.members
        result["setup_seconds"] = round(time.time() - setup_started, 1)
        bl.log(f"[{backend}] data ready in {result['setup_seconds']} s: {world.members} member authorities, "
               f"{len(world.bidders)} bidders, {len(world.officers)} officers, tender {world.rush.reference} "
               f"with {len(world.rush.lines)} lines")
        env = bl.server_env(db, secret, bid_secret, cost, trace=args.trace)
        app_server = bl.Gunicorn("serve_tenderapp:app", env, args.workers, db.folder / "gunicorn-tenderapp.log",
                                 "tenderapp", threads=args.threads)
        servers.append(app_server)
        app_server.start()
        bl.log(f"[{backend}] gunicorn ({args.workers} workers x {args.threads} threads) on port {app_server.port}")

        recorder = bl.Recorder()
        # The officers were at work already: they sign in before the window opens.
        recorder.phase = "warm-up"
        officer_failures: list[str] = []
        officer_browsers: list = [None] * len(world.officers)

        def sign_in_officer(j: int, email: str):
            officer_browsers[j] = officer_sign_in(email, f"10.200.{j}.{10 + j}", app_server.port, recorder,
                                                  officer_failures)

        run_threads([(sign_in_officer, (j, e)) for j, e in enumerate(world.officers)])
        officers_in = [b for b in officer_browsers if b is not None]
        bl.log(f"[{backend}] {len(officers_in)} officers signed in")

        load_start = time.time() + 2.0
        deadline_ts = math.ceil(load_start + args.window)
        deadline = datetime.fromtimestamp(deadline_ts, UTC)
        bl.set_deadline(db.url, world.rush.id, deadline)
        result["deadline_utc"] = deadline.isoformat()
        agents = plan_agents(world, args, rng, load_start, deadline_ts)
        stop_officers = threading.Event()
        bl.log(f"[{backend}] rush: load starts now, deadline {deadline.isoformat()} "
               f"({args.window} s window; {args.late} bidders will click submit just after it)")
        sleep_until(load_start)
        recorder.phase = "rush"
        cpu_server, cpu_client, cpu_db = app_server.cpu_seconds(), bl.self_cpu_seconds(), bl.database_cpu_seconds(db)
        officer_threads = [threading.Thread(target=officer_browse, daemon=True,
                                            args=(b, world.officer_pages, stop_officers,
                                                  (args.think_min, args.think_max), args.seed + 1000 + j))
                           for j, b in enumerate(officers_in)]
        for t in officer_threads:
            t.start()
        run_threads([(run_bidder, (a, world, app_server.port, recorder, args.seed + a.bidder.index)) for a in agents])
        sleep_until(deadline_ts + 4.0)
        stop_officers.set()
        for t in officer_threads:
            t.join()
        rush_end = time.time()
        result["cpu_rush"] = cpu_use(app_server.cpu_seconds() - cpu_server, bl.self_cpu_seconds() - cpu_client,
                                     rush_end - load_start, bl.database_cpu_seconds(db) - cpu_db)
        bl.log(f"[{backend}] rush over ({rush_end - load_start:.0f} s after the load started); "
               f"server CPU {result['cpu_rush']['server_cores']:.2f} cores, harness {result['cpu_rush']['harness_cores']:.2f}")

        # Capacity against the baseline: the same people, closed loop, no think time, on a second
        # tender; then a minimal app storing one row per POST, same gunicorn settings and database,
        # driven by as many clients. Both servers stay up and the phases alternate (capacity,
        # baseline, capacity, baseline), so a drift in the machine's load touches both alike.
        capacity, baseline = {}, {}
        base_server = None
        if args.capacity_seconds > 0:
            bl.create_baseline_table(db.url)
            base_server = bl.Gunicorn("baseline_app:app", env, args.workers, db.folder / "gunicorn-baseline.log",
                                      "baseline", threads=args.threads)
            servers.append(base_server)
            base_server.start()
            signed_in = [a for a in agents if a.signed_in]
            officers_ok = [b for b in officer_browsers if b is not None]
            clients = len(signed_in) + len(officers_ok)
            base_browsers = [bl.Browser(base_server.port, recorder, f"10.250.{i // 250}.{i % 250}")
                             for i in range(clients)]
            windows = {"capacity": [], "baseline": []}
            cpu = {"capacity": [0.0, 0.0, 0.0], "baseline": [0.0, 0.0, 0.0]}
            half = args.capacity_seconds / 2
            bl.log(f"[{backend}] capacity vs baseline: {clients} clients each, closed loop, "
                   f"2 × {half:.0f} s each, alternating")
            for round_ in range(2):
                for kind in ("capacity", "baseline"):
                    recorder.phase = kind
                    stop = threading.Event()
                    server = app_server if kind == "capacity" else base_server
                    if kind == "capacity":
                        for a in signed_in:
                            a.browser.stop = stop
                        for b in officers_ok:
                            b.stop = stop
                        targets = [(capacity_bidder, (a, world, stop, args.seed + 5000 + 100 * round_ + i))
                                   for i, a in enumerate(signed_in)]
                        targets += [(capacity_officer, (b, world.officer_pages, stop, args.seed + 9000 + j))
                                    for j, b in enumerate(officers_ok)]
                    else:
                        for b in base_browsers:
                            b.stop = stop
                        targets = [(baseline_client, (b, stop, f"client{i}")) for i, b in enumerate(base_browsers)]
                    cpu_server, cpu_client, t0 = server.cpu_seconds(), bl.self_cpu_seconds(), time.time()
                    run_threads(targets, stop, half)
                    t1 = t0 + half
                    windows[kind].append((t0, t1))
                    used = cpu[kind]
                    used[0] += server.cpu_seconds() - cpu_server
                    used[1] += bl.self_cpu_seconds() - cpu_client
                    used[2] += time.time() - t0
            for kind, target in (("capacity", capacity), ("baseline", baseline)):
                samples = recorder.of(kind)
                answered = sum(bl.throughput_between(samples, t0, t1) * (t1 - t0) for t0, t1 in windows[kind])
                seconds = sum(t1 - t0 for t0, t1 in windows[kind])
                target.update({
                    "clients": clients, "requests": len(samples), "requests_per_second": answered / seconds,
                    "statuses": bl.status_summary(samples), "latency_all": bl.latency_summary(samples),
                    "cpu": cpu_use(*cpu[kind])})
            capacity["latency_submit"] = bl.latency_summary([s for s in recorder.of("capacity")
                                                             if s.label == "POST submit"])
            capacity["failures"] = sum(len(a.capacity_failures) for a in agents)
            capacity["failure_examples"] = [f for a in agents for f in a.capacity_failures][:10]
            capacity["ratio_to_baseline"] = (capacity["requests_per_second"] / baseline["requests_per_second"]
                                             if baseline["requests_per_second"] else None)
            base_server.stop()
        app_log = app_server.log_text()
        app_server.stop()

        # Reconciliation.
        bl.log(f"[{backend}] reconciling receipts against the database")
        rush_receipts = [bl.ClientReceipt(world.rush.id, a.bidder.organisation_id, a.outcome.receipt, a.outcome.sha256,
                                          a.outcome.number, a.outcome.sent_at, a.outcome.answered_at, a.intent)
                         for a in agents if a.outcome is not None and a.outcome.kind == "receipt"]
        rush_check = bl.reconcile(db.url, bid_secret, rush_receipts, [world.rush.id], {world.rush.id: deadline})
        cap_receipts = [r for a in agents for r in a.capacity_receipts]
        cap_check = bl.reconcile(db.url, bid_secret, cap_receipts, [world.capacity.id]) if cap_receipts else {}
        audit_ok, audit_message = bl.verify_audit_cli(db, secret, bid_secret)

        result.update(summarise(agents, recorder, rush_check, deadline_ts, load_start, rush_end))
        result["officer_sign_in_failures"] = officer_failures
        result["capacity"] = capacity
        result["capacity_reconciliation"] = {k: v for k, v in cap_check.items() if k != "submissions_per_bid"}
        result["baseline"] = baseline
        result["rush_reconciliation"] = {k: v for k, v in rush_check.items() if k != "submissions_per_bid"}
        result["audit_chain"] = {"ok": audit_ok, "message": audit_message}
        result["server_log"] = bl.server_log_findings(app_log)
        if args.trace:
            result["rush_breakdown"] = bl.trace_breakdown(db.folder / "trace", recorder.of("rush"))
            result["capacity_breakdown"] = bl.trace_breakdown(db.folder / "trace", recorder.of("capacity"))
        result["targets_met"] = targets_met(result)
        return result
    finally:
        for server in servers:
            try:
                server.stop()
            except Exception:  # noqa: BLE001
                pass
        if args.keep:
            bl.log(f"[{backend}] kept {db.folder}" + (f" and database {db.pg_name}" if db.pg_name else ""))
        else:
            db.drop()
            shutil.rmtree(db.folder, ignore_errors=True)


def cpu_use(server: float, harness: float, seconds: float, database: float = 0.0) -> dict:
    return {"server_cpu_seconds": round(server, 1), "harness_cpu_seconds": round(harness, 1),
            "database_cpu_seconds": round(database, 1), "wall_seconds": round(seconds, 1),
            "server_cores": server / seconds if seconds else 0, "harness_cores": harness / seconds if seconds else 0,
            "database_cores": database / seconds if seconds else 0, "load_average": os.getloadavg()}


def summarise(agents: list[Agent], recorder: bl.Recorder, check: dict, deadline_ts: float, load_start: float,
              rush_end: float) -> dict:
    samples = recorder.of("rush")
    outcomes = [a.outcome for a in agents if a.outcome is not None]
    accepted = [a for a in agents if a.outcome is not None and a.outcome.kind == "receipt"]
    late_refused = [a for a in agents if a.outcome is not None and a.outcome.kind == "late"]
    per_bid = check.get("submissions_per_bid", {})
    submit_samples = [s for s in samples if s.label == "POST submit"]
    in_window = [s for s in samples if s.start < deadline_ts]
    return {
        "submissions_accepted": len(accepted),
        "refused_late_intended": sum(1 for a in late_refused if a.late),
        "refused_late_unintended": sum(1 for a in late_refused if not a.late),
        "late_clicks_accepted": sum(1 for a in accepted if a.late),
        "refused_other": [f"{a.bidder.email}: {a.outcome.detail}" for a in agents
                          if a.outcome is not None and a.outcome.kind == "refused"],
        "submit_errors": [f"{a.bidder.email}: {a.outcome.status} {a.outcome.detail}" for a in agents
                          if a.outcome is not None and a.outcome.kind == "error"],
        "journeys_failed": len([a for a in agents if a.failure]),
        "journey_failures": [f"{a.bidder.email}: {a.failure}" for a in agents if a.failure][:20],
        "server_errors_5xx": sum(1 for s in samples if s.status is not None and s.status >= 500),
        "no_answer": sum(1 for s in samples if s.status is None),
        "statuses": bl.status_summary(samples),
        "lost": check["lost"],
        "duplicates": (check["duplicate_rows_for_one_receipt"]
                       + sum(1 for n in per_bid.values() if n > 1)),
        "accepted_after_deadline": check["stamped_at_or_after_deadline"]
        + sum(1 for a in accepted if a.outcome.sent_at >= deadline_ts),
        "accepted_answered_after_deadline": sum(1 for a in accepted if a.outcome.answered_at >= deadline_ts),
        "by_mode": {m: sum(1 for a in accepted if a.mode == m) for m in ("online", "excel")},
        "latency_submit": bl.latency_summary(submit_samples),
        "latency_all": bl.latency_summary(samples),
        "latency_by_label": {label: bl.latency_summary([s for s in samples if s.label == label])
                             for label in sorted({s.label for s in samples})},
        "requests": len(samples),
        "requests_per_second_during_window": len(in_window) / max(1e-9, deadline_ts - load_start),
        "submits_in_last_10_seconds": sum(1 for o in outcomes if deadline_ts - 10 <= o.sent_at < deadline_ts),
    }


def targets_met(r: dict) -> dict:
    on_time = r["bidders"] - r["late_intended"]
    submit_p95, all_p95 = r["latency_submit"]["p95"], r["latency_all"]["p95"]
    return {
        "0 lost": r["lost"] == 0,
        "0 duplicates": r["duplicates"] == 0,
        "0 server errors": r["server_errors_5xx"] == 0,
        "0 accepted after the deadline": r["accepted_after_deadline"] == 0,
        f"submit p95 <= {TARGET_P95} s": submit_p95 is not None and submit_p95 <= TARGET_P95,
        f"all-requests p95 <= {TARGET_P95} s": all_p95 is not None and all_p95 <= TARGET_P95,
        "audit chain verifies": r["audit_chain"]["ok"],
        f"every on-time bidder got a receipt ({r['submissions_accepted'] - r['late_clicks_accepted']} of {on_time})":
            r["submissions_accepted"] - r["late_clicks_accepted"] == on_time,
        f"every late click refused ({r['refused_late_intended']} of {r['late_intended']})":
            r["refused_late_intended"] == r["late_intended"],
        "every request answered within 60 s": r["no_answer"] == 0,
    }


def print_table(r: dict) -> None:
    def lat(summary):
        return " / ".join(bl.fmt_seconds(summary.get(k)) for k in ("p50", "p95", "p99")) + " s"

    cap, base = r.get("capacity") or {}, r.get("baseline") or {}
    rows = [
        ("submissions accepted", f"{r['submissions_accepted']} (online {r['by_mode']['online']}, "
                                 f"Excel {r['by_mode']['excel']})"),
        ("refused as late (clicked after the deadline)", f"{r['refused_late_intended']} of {r['late_intended']}"),
        ("refused as late, not meant to be", r["refused_late_unintended"]),
        ("journeys that failed before submitting", r["journeys_failed"]),
        ("server errors (5xx)", r["server_errors_5xx"]),
        ("requests with no answer", r["no_answer"]),
        ("lost (receipt without a stored, hash-matching bid)", r["lost"]),
        ("duplicates", r["duplicates"]),
        ("accepted after the deadline", r["accepted_after_deadline"]),
        ("  (sent before, answered after the deadline)", r["accepted_answered_after_deadline"]),
        ("submit latency p50 / p95 / p99", lat(r["latency_submit"])),
        ("all requests p50 / p95 / p99", lat(r["latency_all"])),
        ("requests during the rush", f"{r['requests']} ({r['requests_per_second_during_window']:.1f}/s in the window)"),
        ("audit chain (flask verify-audit)", r["audit_chain"]["message"]),
        ("CPU during the rush: workers / PostgreSQL / harness (cores of 2)",
         f"{r['cpu_rush']['server_cores']:.2f} / {r['cpu_rush']['database_cores']:.2f} / "
         f"{r['cpu_rush']['harness_cores']:.2f} (load average {r['cpu_rush']['load_average'][0]:.1f}; "
         f"{r['load_average_at_start']:.1f} at the start)"),
    ]
    if cap:
        rows += [
            (f"capacity, Tenderapp ({cap['clients']} clients, closed loop)",
             f"{cap['requests_per_second']:.1f} req/s, p95 {bl.fmt_seconds(cap['latency_all']['p95'])} s, "
             f"5xx {sum(v for k, v in cap['statuses'].items() if k.startswith('5'))}"),
            (f"baseline, one row per POST ({base.get('clients')} clients)",
             f"{base.get('requests_per_second', 0):.1f} req/s, p95 {bl.fmt_seconds(base.get('latency_all', {}).get('p95'))} s"),
            ("throughput ratio Tenderapp / baseline",
             f"{cap['ratio_to_baseline']:.3f}" if cap.get("ratio_to_baseline") is not None else "–"),
            ("rush load as a share of baseline capacity",
             f"{r['requests_per_second_during_window'] / base['requests_per_second']:.3f}" if base.get('requests_per_second') else "–"),
        ]
    width = max(len(k) for k, _ in rows)
    print()
    print(f"Deadline rush — {r['backend']}: gunicorn {r['workers']} workers, {r['bidders']} bidders, "
          f"{r['officers']} officers, {r['window_seconds']} s window, deadline {r['deadline_utc']}, "
          f"{r['password_cost']['name']} password cost")
    print("-" * (width + 40))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    print("-" * (width + 40))
    for name, ok in r["targets_met"].items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    findings = r["server_log"]
    if findings["tracebacks"] or findings["database_is_locked"]:
        print(f"  server log: {findings['tracebacks']} tracebacks, {findings['database_is_locked']} 'database is locked'")
        for line, count in findings["exceptions"].items():
            print(f"    {count} × {line}")
    if r.get("rush_breakdown"):
        bl.print_breakdown(r["rush_breakdown"])
    for failure in r["journey_failures"][:5] + r["submit_errors"][:5]:
        print(f"  e.g. {failure}")
    for problem in r["rush_reconciliation"]["problems"][:5]:
        print(f"  reconciliation: {problem}")
    print()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--officers", type=int, default=20)
    parser.add_argument("--window", type=int, default=60, help="seconds from the start of the load to the deadline")
    parser.add_argument("--late", type=int, default=5, help="bidders who click submit just after the deadline")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per gunicorn worker (gthread; 1 gives sync workers)")
    parser.add_argument("--capacity-seconds", type=int, default=None,
                        help="closed-loop capacity and baseline phases (default 20 s, 8 s for windows under 30 s; 0 skips)")
    parser.add_argument("--think-min", type=float, default=1.0, help="officers' pause between pages (s)")
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--password-cost", choices=sorted(bl.PASSWORD_COSTS), default="production",
                        help="argon2id cost of the accounts and the served app: the app's production default "
                             "(OWASP's minimum, 19 MiB, t=2, p=1) or RFC 9106's (64 MiB, t=3, p=4)")
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--keep", action="store_true", help="keep the database and logs")
    parser.add_argument("--wait-for-load", type=float, default=None, metavar="LOAD",
                        help="on a shared machine: before each backend, wait (up to 15 min) until the 1-minute "
                             "load average is under LOAD")
    parser.add_argument("--trace", action=argparse.BooleanOptionalAction, default=True,
                        help="per-request trace in the workers (wall, CPU, SQL, SQLite lock wait), joined with "
                             "the clients' timings to show where the time went")
    args = parser.parse_args(argv)
    if args.capacity_seconds is None:
        args.capacity_seconds = 20 if args.window >= 30 else 8
    if args.window < 10:
        parser.error("--window must be at least 10 seconds")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and not bl.pg_ready():
        parser.error("PostgreSQL is not answering on 127.0.0.1:5432")
    results = []
    for backend in backends:
        result = run_backend(backend, args)
        print_table(result)
        results.append(result)
    path = bl.write_results("deadline_rush", {"started": datetime.now(UTC), "machine": bl.machine(),
                                              "arguments": vars(args), "runs": results})
    bl.log(f"results written to {path.relative_to(bl.ROOT)}")
    return 0 if all(all(r["targets_met"].values()) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
