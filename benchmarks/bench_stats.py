"""Latency and throughput statistics, the per-route time breakdown from the servers' trace,
and writing results."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from bench_client import Sample
from bench_server import RESULTS_DIR

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def latency_summary(samples: list[Sample]) -> dict:
    times = [s.seconds for s in samples if s.status is not None]
    return {
        "count": len(samples),
        "p50": percentile(times, 50), "p95": percentile(times, 95), "p99": percentile(times, 99),
        "max": max(times) if times else None,
    }


def status_summary(samples: list[Sample]) -> dict:
    counts: dict[str, int] = {}
    for s in samples:
        key = str(s.status) if s.status is not None else "no answer"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def throughput(samples: list[Sample]) -> float | None:
    done = [s for s in samples if s.status is not None]
    if len(done) < 2:
        return None
    first = min(s.start for s in done)
    last = max(s.start + s.seconds for s in done)
    return len(done) / (last - first) if last > first else None


def throughput_between(samples: list[Sample], t0: float, t1: float) -> float:
    """Requests answered within [t0, t1] per second."""
    done = [s for s in samples if s.status is not None and s.start >= t0 and s.start + s.seconds <= t1]
    return len(done) / (t1 - t0) if t1 > t0 else 0.0


def fmt_seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def trace_breakdown(folder: Path, samples: list[Sample]) -> dict:
    """Where the time of each route went, joining the server's trace (see serve_tenderapp.py)
    with what the clients saw: queue = client latency − worker wall time (waiting for a free
    worker, plus the network), and within the worker: CPU, SQL, waiting for BEGIN (SQLite's
    write lock) and holding the write transaction."""
    by_id = {}
    for path in Path(folder).glob("trace-*.jsonl"):
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if row.get("id"):
                by_id[row["id"]] = row
    routes: dict[str, list] = {}
    for s in samples:
        row = by_id.get(s.rid)
        if row is None or s.status is None:
            continue
        routes.setdefault(row["route"], []).append((s.seconds, row))

    def mean(values):
        return sum(values) / len(values) if values else 0.0

    table = {}
    for route, rows in sorted(routes.items(), key=lambda kv: -sum(r[1]["wall"] for r in kv[1])):
        table[route] = {
            "count": len(rows),
            "client_p50": percentile([c for c, _ in rows], 50), "client_p95": percentile([c for c, _ in rows], 95),
            "worker_wall_mean": mean([r["wall"] for _, r in rows]),
            "worker_wall_p95": percentile([r["wall"] for _, r in rows], 95),
            "queue_mean": mean([max(0.0, c - r["wall"]) for c, r in rows]),
            "cpu_mean": mean([r["cpu"] for _, r in rows]),
            "sql_mean": mean([r["sql"] for _, r in rows]),
            "begin_wait_mean": mean([r["begin_wait"] for _, r in rows]),
            "begin_wait_p95": percentile([r["begin_wait"] for _, r in rows], 95),
            "write_held_mean": mean([r["write_held"] for _, r in rows]),
            "lock_statements_mean": mean([r["lock_statements"] for _, r in rows]),
            "statements_mean": mean([r["statements"] for _, r in rows]),
        }
    all_rows = [r for rows in routes.values() for r in rows]
    total = {
        "requests_traced": len(all_rows),
        "worker_wall": sum(r["wall"] for _, r in all_rows),
        "worker_cpu": sum(r["cpu"] for _, r in all_rows),
        "begin_wait": sum(r["begin_wait"] for _, r in all_rows),
        "write_held": sum(r["write_held"] for _, r in all_rows),
        "queue": sum(max(0.0, c - r["wall"]) for c, r in all_rows),
    }
    return {"total": total, "routes": table}


def print_breakdown(breakdown: dict, limit: int = 12) -> None:
    total = breakdown["total"]
    if not total["requests_traced"]:
        return
    print(f"  where the time went ({total['requests_traced']} requests traced): worker wall "
          f"{total['worker_wall']:.0f} s, of which CPU {total['worker_cpu']:.0f} s, waiting for the SQLite write lock "
          f"{total['begin_wait']:.0f} s; write lock held {total['write_held']:.0f} s; queued for a worker "
          f"{total['queue']:.0f} s")
    print(f"  {'route':44} {'n':>5} {'client p50':>10} {'queue':>7} {'wall':>7} {'cpu':>7} {'sql':>7} "
          f"{'lockwait':>8} {'held':>7}")
    for route, r in list(breakdown["routes"].items())[:limit]:
        print(f"  {route[:44]:44} {r['count']:5d} {r['client_p50']:10.3f} {r['queue_mean']:7.3f} "
              f"{r['worker_wall_mean']:7.3f} {r['cpu_mean']:7.3f} {r['sql_mean']:7.3f} {r['begin_wait_mean']:8.3f} "
              f"{r['write_held_mean']:7.3f}")


def write_results(name: str, payload: dict) -> Path:
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(payload, indent=2, default=_json_default))
    return path


def _json_default(value):
    if isinstance(value, (datetime,)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return str(value)
