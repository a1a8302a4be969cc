"""Databases, gunicorn and the machine: creating and dropping the benchmark's own databases,
starting and stopping gunicorn by its own pid, CPU accounting and what the server log says."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_HOST, PG_PORT = "127.0.0.1", 5432
BENCH_DB_PREFIX = "tenderapp_bench_"
PASSWORD = "bench-password-7f3a"  # every benchmark account
# argon2id costs: the app's production default (tenderapp.security.DEFAULT_COST, OWASP's
# minimum: m=19 MiB, t=2, p=1) and RFC 9106's second recommendation (64 MiB, t=3, p=4), the
# app's default until the rush showed its sign-ins queueing everything else.
PASSWORD_COSTS = {
    "production": None,
    "rfc9106": {"time_cost": 3, "memory_cost": 65536, "parallelism": 4},
}


def ensure_environment() -> None:
    """Re-runs the script with the project's virtualenv when tenderapp is not importable here."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    try:
        import gunicorn  # noqa: F401
        import openpyxl  # noqa: F401
        import tenderapp  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable).resolve() != VENV_PYTHON.resolve():
            os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), *sys.argv])
        raise


def log(message: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class BenchDatabase:
    backend: str
    url: str  # SQLAlchemy URL for the app
    folder: Path  # temporary folder (instance, logs, SQLite file)
    pg_name: str | None = None

    def drop(self) -> None:
        if self.pg_name:
            drop_pg_database(self.pg_name)


def _pg_admin():
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=10)


def create_database(backend: str, label: str, folder: Path | None = None,
                    sqlite_dir: Path | None = None) -> BenchDatabase:
    """A fresh database: a SQLite file (in ``sqlite_dir``, else the temporary folder) or a
    PostgreSQL database named tenderapp_bench_<pid>_<label>."""
    folder = folder or Path(tempfile.mkdtemp(prefix=f"tenderapp-bench-{label}-"))
    if backend == "sqlite":
        return BenchDatabase("sqlite", f"sqlite:///{(sqlite_dir or folder) / 'tenderapp.db'}", folder)
    name = f"{BENCH_DB_PREFIX}{os.getpid()}_{label}".lower()
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return BenchDatabase("postgresql", f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{name}", folder, name)


def drop_pg_database(name: str) -> None:
    # Only ever our own databases: never "test" or tenderapp_ci_*.
    if not name.startswith(BENCH_DB_PREFIX):
        raise ValueError(f"refusing to drop {name}")
    for attempt in range(5):
        try:
            with _pg_admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except Exception as error:  # noqa: BLE001 - PostgreSQL may be restarting
            if attempt == 4:
                log(f"could not drop database {name}: {error}")
            time.sleep(2)


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", PG_HOST, "-p", str(PG_PORT)], capture_output=True).returncode == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """A gunicorn master started in its own session; stopped by its own pid only."""

    def __init__(self, app_spec: str, env: dict[str, str], workers: int, log_path: Path, name: str,
                 preload: bool = False, threads: int = 1):
        self.app_spec, self.env, self.workers, self.log_path, self.name = app_spec, env, workers, log_path, name
        self.preload, self.threads = preload, threads
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, health_path: str = "/healthz", timeout: float = 90) -> None:
        worker_class = ["--worker-class", "gthread", "--threads", str(self.threads)] if self.threads > 1 else [
            "--worker-class", "sync"]
        cmd = [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), *worker_class,
               "--bind", f"127.0.0.1:{self.port}", "--timeout", "30", "--graceful-timeout", "10",
               "--backlog", "2048", "--no-control-socket", "--pythonpath", f"{BENCH_DIR},{ROOT}", "--log-level", "info",
               *(["--preload"] if self.preload else []), self.app_spec]
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, env={**os.environ, **self.env}, stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=str(ROOT), start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited: see {self.log_path}\n{self.log_tail()}")
            try:
                status = raw_get(self.port, health_path)
            except OSError:
                status = None
            if status == 200 and len(self.worker_pids()) >= self.workers:
                time.sleep(1.0)  # let every worker finish importing
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn ({self.name}) did not answer in {timeout}s\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def cpu_seconds(self) -> float:
        """CPU time (user + system) of the master and its living workers so far."""
        if self.proc is None:
            return 0.0
        return proc_cpu_seconds([self.proc.pid, *self.worker_pids()])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # our own process group only
                self.proc.wait(10)
        self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def proc_cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def database_cpu_seconds(db: "BenchDatabase") -> float:
    """CPU time so far of the PostgreSQL backends serving this database (0 for SQLite, whose
    work is inside the workers' own CPU time). Backends that ended meanwhile are not counted."""
    if db.pg_name is None:
        return 0.0
    try:
        with _pg_admin() as conn:
            pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s",
                                               (db.pg_name,)).fetchall()]
    except Exception:  # noqa: BLE001
        return 0.0
    return proc_cpu_seconds(pids)


def self_cpu_seconds() -> float:
    usage = os.times()
    return usage.user + usage.system


def raw_get(port: int, path: str, timeout: float = 5) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def server_env(db: BenchDatabase, secret: str, bid_secret: str, password_cost: dict | None = None,
               trace: bool = False) -> dict[str, str]:
    instance = db.folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    if trace:
        (db.folder / "trace").mkdir(exist_ok=True)
    return {
        "BENCH_TRACE": str(db.folder / "trace") if trace else "",
        "BENCH_PASSWORD_HASH": json.dumps(password_cost) if password_cost else "",
        "TENDERAPP_ENV": "production",
        "BENCH_DATABASE_URL": db.url,
        "BENCH_INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret,
        "BID_SECRET": bid_secret,
        # production refuses per-worker (memory://) attempt counts with several workers
        "RATELIMIT_STORAGE_URI": os.environ.get("BENCH_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0"),
        "PYTHONUNBUFFERED": "1",
    }


def server_log_findings(text: str) -> dict:
    """What the server log says about failures: tracebacks, locked databases, worker kills,
    and one example traceback per distinct final exception (the evidence for a bug report)."""
    exceptions = re.findall(r"^(\w+(?:\.\w+)*(?:Error|Exception|Locked|Busy|Shutdown)\w*): (.*)$", text, re.M)
    summary: dict[str, int] = {}
    for name, message in exceptions:
        key = f"{name}: {message[:120]}"
        summary[key] = summary.get(key, 0) + 1
    examples: dict[str, str] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        chained = any(ln.startswith(("During handling", "The above exception")) for ln in lines[max(0, i - 2):i])
        if not line.startswith("Traceback (most recent call last)") or chained:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith("["):  # the next log line ends the block
            j += 1
        block = lines[max(0, i - 1):j]
        finals = [ln for ln in block if re.match(r"^[\w.]+(Error|Exception|Shutdown)\b", ln)]
        key = " <- ".join(f.split(":", 1)[0] for f in reversed(finals))
        if key and key not in examples and len(examples) < 6:
            examples[key] = "\n".join(block[:6] + ["  ..."] + block[-40:] if len(block) > 46 else block)
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "database_is_locked": text.count("database is locked"),
        "worker_timeouts": text.count("WORKER TIMEOUT"),
        "workers_killed_seen": len(re.findall(r"was sent SIGKILL|Worker \(pid:\d+\) was sent", text)),
        "exceptions": dict(sorted(summary.items(), key=lambda kv: -kv[1])[:15]),
        "traceback_examples": examples,
    }


def new_secrets() -> tuple[str, str]:
    return secrets.token_hex(32), secrets.token_hex(32)


def wait_for_quiet(threshold: float | None, max_wait: float = 900) -> float:
    """Waits (up to ``max_wait`` s) until the 1-minute load average is under ``threshold``, so
    a run on a shared machine starts when others are not busy; returns the load at the start."""
    started = time.monotonic()
    while threshold is not None and os.getloadavg()[0] >= threshold and time.monotonic() - started < max_wait:
        log(f"load average {os.getloadavg()[0]:.1f} ≥ {threshold}: waiting for a quieter machine")
        time.sleep(30)
    return os.getloadavg()[0]


def machine() -> dict:
    import platform

    cpu = ""
    try:
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "platform": platform.platform(), "load_average_at_start": os.getloadavg()}
