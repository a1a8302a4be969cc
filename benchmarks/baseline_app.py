"""The throughput baseline: a minimal Flask app that stores one row per POST, on the same
database and behind the same gunicorn settings as Tenderapp, through the same engine set-up
(tenderapp.db.make_engine: SQLite WAL, busy timeout and BEGIN IMMEDIATE for writes;
PostgreSQL with pool_pre_ping).

    BENCH_DATABASE_URL=... gunicorn --pythonpath benchmarks,. baseline_app:app
"""

import os
from datetime import UTC, datetime

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, insert, text

metadata = MetaData()
rows = Table(
    "bench_baseline_row", metadata,
    Column("id", Integer, primary_key=True),
    Column("client", String(64), nullable=False),
    Column("value", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


def create_baseline_app(database_url: str) -> Flask:
    from tenderapp.db import make_engine, write_intent

    app = Flask(__name__)
    engine = make_engine(database_url)

    @app.get("/healthz")
    def health():
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.post("/rows")
    def add_row():
        with write_intent(), engine.begin() as connection:
            connection.execute(insert(rows).values(
                client=request.form.get("client", "-")[:64], value=request.form.get("value", "")[:200],
                created_at=datetime.now(UTC)))
        return "stored\n", 201

    return app


app = create_baseline_app(os.environ["BENCH_DATABASE_URL"]) if "BENCH_DATABASE_URL" in os.environ else None
