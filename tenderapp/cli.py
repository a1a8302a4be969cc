"""Command-line tasks: flask --app tenderapp db-upgrade | seed-demo | deliver-outbox | export-ocds | verify-audit | audit-checkpoint."""

import click
from flask import Flask, current_app
from sqlmodel import Session

from tenderapp import clock
from tenderapp.db import engine, write_intent
from tenderapp.services import audit


def register(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade():
        """Migrate the database to the latest schema."""
        from tenderapp import migrate

        click.echo(migrate.upgrade_report(current_app.config["DATABASE_URL"]))

    @app.cli.command("seed-demo")
    @click.option("--password", default=None,
                  help="Set this password for every demo account, existing ones included.")
    @click.option("--scenario", default="seg", show_default=True, help="Demo scenario file to load.")
    def seed_demo(password, scenario):
        """Load the demo organisations, collaborations and accounts (safe to run again)."""
        from tenderapp.demo import load_scenario
        from tenderapp.services import demo

        data = load_scenario(scenario)
        from tenderapp.sealing import sealer
        from tenderapp.storage import document_store

        with write_intent(), Session(engine(), expire_on_commit=False) as session:
            accounts = demo.load(session, data, clock.now(), password, sealer(), document_store())
        shown = password or f"{data['default_password']} (unless changed with --password)"
        click.echo(f"Demo data is loaded ({len(accounts)} accounts; anything already there was kept). "
                   f"Password: {shown}")
        for account in accounts:
            roles = ", ".join(r.label for r in account.roles)
            click.echo(f"  {account.email:<42} {account.organisation} — {roles}")

    @app.cli.command("deliver-outbox")
    def deliver_outbox():
        """Send every outbox message not yet delivered (for example after a mail server outage)."""
        from tenderapp import mail

        with write_intent(), Session(engine(), expire_on_commit=False) as session:
            count = mail.deliver(session, current_app.config, clock.now(), mail.unsent_ids(session))
            failed = len(mail.unsent_ids(session))
        click.echo(f"Attempted {count} messages; {failed} still undelivered.")
        if failed:
            raise SystemExit(1)

    @app.cli.command("export-ocds")
    @click.argument("reference")
    def export_ocds(reference):
        """Print a published tender's OCDS release package (JSON) to standard output."""
        import json

        from tenderapp.services import ocds

        config = current_app.config
        with Session(engine(), expire_on_commit=False) as session:
            tender = ocds.published_tender(session, reference, clock.now())
            if tender is None:
                raise click.ClickException(f"No published tender has the reference {reference}")
            url = f"{config['PUBLIC_BASE_URL'].rstrip('/')}/open-data/tenders/{reference}.json"
            package = ocds.release_package(session, tender, url, config["OCDS_OCID_PREFIX"], clock.now())
        click.echo(json.dumps(package, indent=2, ensure_ascii=False))

    @app.cli.command("verify-audit")
    @click.option("--checkpoints", "checkpoint_dirs", multiple=True, type=click.Path(file_okay=False),
                  help="A folder of checkpoint files (chain-N.jsonl); repeatable. Default: AUDIT_CHECKPOINT_DIR.")
    @click.option("--receipt", "receipts", multiple=True, type=click.Path(exists=True, dir_okay=False),
                  help="A bid receipt or checkpoint email (text) whose audit position must still be in the log; "
                       "repeatable.")
    def verify_audit(checkpoint_dirs, receipts):
        """Check the audit log's keyed hash chains against the checkpoints and receipts given:
        prints OK, or each chain's first problem (truncation, deletion, insertion, rewriting) and exits 1."""
        from pathlib import Path

        from tenderapp.services import audit_verification

        settings = current_app.extensions["tenderapp.audit"]
        folders = [Path(d) for d in checkpoint_dirs] or [settings.checkpoints.directory]
        anchors, refused = audit_verification.anchors_from(settings.key, folders, [Path(r) for r in receipts])
        with Session(engine()) as session:
            if session.get_bind().dialect.name == "postgresql":
                # one snapshot for the whole check, so events appended meanwhile cannot look broken
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            problems = audit.verify(session, anchors)
            chains = audit_verification.chain_count(session)
        for message in refused:
            click.echo(f"FORGED or unreadable anchor: {message}", err=True)
        for broken in problems:
            click.echo(f"BROKEN: chain {broken.chain} at entry {broken.seq}: {broken.reason}", err=True)
        if problems or refused:
            raise SystemExit(1)
        click.echo(f"OK: {chains} audit chains intact, checked against {len(anchors)} checkpoints and receipts.")

    @app.cli.command("audit-checkpoint")
    def audit_checkpoint():
        """Anchor every audit chain that moved since its last checkpoint (run daily, from cron)."""
        with write_intent(), Session(engine(), expire_on_commit=False) as session:
            written = audit.write_checkpoints(session, clock.now())
        folder = current_app.extensions["tenderapp.audit"].checkpoints.directory
        click.echo(f"Wrote {len(written)} checkpoints to {folder}.")
