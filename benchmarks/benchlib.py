"""What the harnesses (deadline_rush.py, faults.py) import, gathered from:

  bench_server  databases, gunicorn, CPU accounting, the server log
  bench_world   data set-up through the project's models and services; reconciliation
  bench_client  the stdlib HTTP client and the journeys people make through Tenderapp
  bench_stats   latency, throughput, the per-route time breakdown, results files

Nothing here is imported by the application; it only drives it from the outside.
"""

# ruff: noqa: F401

from bench_server import (
    BENCH_DB_PREFIX,
    BENCH_DIR,
    BenchDatabase,
    create_database,
    database_cpu_seconds,
    drop_pg_database,
    ensure_environment,
    free_port,
    Gunicorn,
    log,
    machine,
    new_secrets,
    PASSWORD,
    PASSWORD_COSTS,
    PG_ADMIN_URL,
    PG_HOST,
    PG_PORT,
    pg_ready,
    proc_cpu_seconds,
    raw_get,
    RESULTS_DIR,
    ROOT,
    self_cpu_seconds,
    server_env,
    server_log_findings,
    VENV_PYTHON,
    wait_for_quiet,
)

from bench_world import (
    Bidder,
    build_world,
    ClientReceipt,
    create_baseline_table,
    CRITERIA,
    LINE_SPECS,
    reconcile,
    set_deadline,
    TenderInfo,
    verify_audit_cli,
    World,
)

from bench_client import (
    answer,
    ANSWER_WORDS,
    BidIntent,
    Browser,
    csrf_of,
    CSRF_RE,
    declare,
    describe_error_page,
    LATE_TEXT,
    make_intent,
    prepare_bid,
    price_by_excel,
    price_online,
    RECEIPT_RE,
    Recorder,
    Response,
    Sample,
    SHA_RE,
    sign_in,
    StepFailed,
    Stopped,
    submit,
    submit_token,
    SubmitOutcome,
    typed_price,
)

from bench_stats import (
    fmt_seconds,
    latency_summary,
    percentile,
    print_breakdown,
    status_summary,
    throughput,
    throughput_between,
    trace_breakdown,
    write_results,
)
