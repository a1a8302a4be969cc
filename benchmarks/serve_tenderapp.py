"""The WSGI entry point the harnesses give gunicorn: Tenderapp as in production, on the
benchmark's database and instance folder (so nothing in the checkout's instance/ is used).

    BENCH_DATABASE_URL=... BENCH_INSTANCE_PATH=... SECRET_KEY=... BID_SECRET=... \
        gunicorn --pythonpath benchmarks,. serve_tenderapp:app

It trusts one proxy (TRUSTED_PROXIES=1, as the README advises behind nginx): the harness
gives each simulated person an X-Forwarded-For address of its own.

With BENCH_TRACE=<folder>, each worker also writes one JSON line per request to
<folder>/trace-<pid>.jsonl: the request id the harness sent (X-Bench-Id), the route, wall
and CPU time in the worker, time in SQL, time spent waiting in BEGIN (SQLite's BEGIN
IMMEDIATE waits there for the write lock) and how long the write transaction was held.
This only observes the app (SQLAlchemy events, request hooks); it changes nothing it does.
"""

import json
import os
import time

from tenderapp import create_app

_instance = os.environ["BENCH_INSTANCE_PATH"]
# BENCH_PASSWORD_HASH (JSON argon2 cost) replaces the production cost when a run asks for it.
_extra = {"PASSWORD_HASH": json.loads(os.environ["BENCH_PASSWORD_HASH"])} if os.environ.get("BENCH_PASSWORD_HASH") else {}
app = create_app({
    **_extra,
    "ENV": os.environ.get("TENDERAPP_ENV", "production"),
    "INSTANCE_PATH": _instance,
    "DATABASE_URL": os.environ["BENCH_DATABASE_URL"],
    "DOCUMENTS_PATH": os.path.join(_instance, "documents"),
    "TRUSTED_PROXIES": 1,
})


def _install_trace(folder: str) -> None:
    from flask import request
    from sqlalchemy import event

    engine = app.extensions["tenderapp.engine"]
    current = {"trace": None}  # sync workers: one request at a time per process
    handles: dict[int, object] = {}

    def trace():
        return current["trace"]

    @event.listens_for(engine, "before_cursor_execute")
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def after(conn, cursor, statement, parameters, context, executemany):
        t = trace()
        if t is None:
            return
        spent = time.perf_counter() - conn.info.pop("bench_t0", time.perf_counter())
        t["sql"] += spent
        t["statements"] += 1
        if statement.startswith("BEGIN"):
            t["begin_wait"] += spent
            if statement.startswith("BEGIN IMMEDIATE"):
                t["write_since"] = time.perf_counter()
        elif "FOR UPDATE" in statement or "FOR SHARE" in statement:
            t["lock_statements"] += spent

    def _ended(conn):
        t = trace()
        if t is not None and t.get("write_since"):
            t["write_held"] += time.perf_counter() - t.pop("write_since")

    event.listen(engine, "commit", _ended)
    event.listen(engine, "rollback", _ended)

    @app.teardown_request
    def name_route(exc):
        t = trace()
        if t is not None:
            t["route"] = f"{request.method} {request.url_rule.rule if request.url_rule else request.path}"

    inner = app.wsgi_app

    def traced(environ, start_response):
        # outermost, so that queries made by any before_request hook are counted too
        current["trace"] = t = {"id": environ.get("HTTP_X_BENCH_ID"), "start": time.time(), "sql": 0.0,
                                "statements": 0, "begin_wait": 0.0, "write_held": 0.0, "lock_statements": 0.0,
                                "route": environ.get("REQUEST_METHOD", "") + " ?"}
        t0, cpu0 = time.perf_counter(), time.process_time()
        try:
            return inner(environ, start_response)
        finally:
            current["trace"] = None
            t["wall"] = time.perf_counter() - t0
            t["cpu"] = time.process_time() - cpu0
            t.pop("write_since", None)
            pid = os.getpid()
            handle = handles.get(pid)
            if handle is None:
                handle = handles[pid] = open(os.path.join(folder, f"trace-{pid}.jsonl"), "a", buffering=1)
            handle.write(json.dumps(t) + "\n")

    app.wsgi_app = traced


if os.environ.get("BENCH_TRACE"):
    _install_trace(os.environ["BENCH_TRACE"])
