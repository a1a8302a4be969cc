"""Command-line tasks: flask --app tenderapp db-upgrade | bootstrap | seed-demo | deliver-outbox | export-ocds |
verify-audit | audit-checkpoint | audit-key | reseal | import-documents."""

import json
import signal
import threading
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import Session

from tenderapp import clock, mail, migrate, outbox_worker
from tenderapp.db import engine, write_intent
from tenderapp.demo import load_scenario
from tenderapp.domain.errors import DomainError
from tenderapp.domain.roles import OrganisationKind
from tenderapp.formatting import uk_datetime
from tenderapp.links import public_links
from tenderapp.sealing import sealer
from tenderapp.services import audit, audit_verification, contract_reminders, demo, first_run, ocds, resealing
from tenderapp.storage import DocumentStore, document_store, import_local


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Migrate the database to the latest schema."""
    click.echo(migrate.upgrade_report(current_app.config["DATABASE_URL"]))


@click.command("seed-demo")
@click.option("--password", default=None,
              help="Set this password for every demo account, existing ones included.")
@click.option("--scenario", default="seg", show_default=True, help="Demo scenario file to load.")
@with_appcontext
def seed_demo(password: str | None, scenario: str) -> None:
    """Load the demo organisations, collaborations and accounts (safe to run again)."""
    data = load_scenario(scenario)
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        accounts = demo.load(session, data, clock.now(), password, sealer(), document_store(session),
                             public_links(current_app))
    shown = password or f"{data['default_password']} (unless changed with --password)"
    click.echo(f"Demo data is loaded ({len(accounts)} accounts; anything already there was kept). "
               f"Password: {shown}")
    for account in accounts:
        roles = ", ".join(r.label for r in account.roles)
        click.echo(f"  {account.email:<42} {account.organisation} — {roles}")


@click.command("deliver-outbox")
@click.option("--watch", is_flag=True, help="Keep running, a pass every --interval seconds, until SIGTERM/SIGINT.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between passes with --watch.")
@with_appcontext
def deliver_outbox(watch: bool, interval: float) -> None:
    """Send the outbox messages that are due (new, or waiting to be retried after a failure)."""
    config, log = current_app.config, current_app.logger
    if not mail.can_deliver(config):
        raise click.ClickException("Nothing to deliver with: set MAIL_SERVER (or OUTBOX_CONSOLE in development).")
    if not watch:
        result = outbox_worker.deliver_pass(engine(), config, config["CLOCK"], log=log)
        click.echo(f"Sent {result.sent} messages; {result.retrying} will be retried; {result.failed} failed.")
        if result.retrying or result.failed:
            raise SystemExit(1)
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo(f"Delivering the outbox every {interval:g} s; stop with SIGTERM or Ctrl+C.")
    outbox_worker.watch(engine(), config, config["CLOCK"], interval, stop, log)
    click.echo("Outbox worker stopped.")


@click.command("notify-due")
@with_appcontext
def notify_due() -> None:
    """Email what falls due with no one acting (run daily): contracts whose extension decision is due."""
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        told = contract_reminders.notify_extension_decisions(
            session, clock.now(), current_app.config["EXTENSION_NOTICE_MONTHS"],
            lambda contract_id: _public_url("contracts.contract", contract_id=contract_id))
    click.echo(f"Told the lead of {told} extension decisions coming due.")


@click.command("export-ocds")
@click.argument("reference")
@with_appcontext
def export_ocds(reference: str) -> None:
    """Print a published tender's OCDS release package (JSON) to standard output."""
    config = current_app.config
    with Session(engine(), expire_on_commit=False) as session:
        tender = ocds.published_tender(session, reference, clock.now())
        if tender is None:
            raise click.ClickException(f"No published tender has the reference {reference}")
        url = f"{config['PUBLIC_BASE_URL'].rstrip('/')}/open-data/tenders/{reference}.json"
        package = ocds.release_package(session, tender, url, config["OCDS_OCID_PREFIX"], clock.now())
    click.echo(json.dumps(package, indent=2, ensure_ascii=False))


def _audit_problems(anchors: list) -> tuple[list, int]:
    """(broken chains, number of chains), read in one snapshot on PostgreSQL."""
    with Session(engine()) as session:
        if session.get_bind().dialect.name == "postgresql":
            # one snapshot for the whole check, so events appended meanwhile cannot look broken
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return audit.verify(session, anchors), audit_verification.chain_count(session)


@click.command("verify-audit")
@click.option("--checkpoints", "checkpoint_dirs", multiple=True, type=click.Path(file_okay=False),
              help="A folder of checkpoint files (chain-N.jsonl); repeatable. Default: AUDIT_CHECKPOINT_DIR.")
@click.option("--receipt", "receipts", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A bid receipt or checkpoint email (text) whose audit position must still be in the log; "
                   "repeatable.")
@with_appcontext
def verify_audit(checkpoint_dirs: tuple[str, ...], receipts: tuple[str, ...]) -> None:
    """Check the audit log's keyed hash chains against the checkpoints and receipts given:
    prints OK, or each chain's first problem (truncation, deletion, insertion, rewriting) and exits 1."""
    settings = current_app.extensions["tenderapp.audit"]
    folders = [Path(d) for d in checkpoint_dirs] or [settings.checkpoints.directory]
    anchors, refused = audit_verification.anchors_from(settings.key, folders, [Path(r) for r in receipts])
    problems, chains = _audit_problems(anchors)
    for message in refused:
        click.echo(f"FORGED or unreadable anchor: {message}", err=True)
    for broken in problems:
        click.echo(f"BROKEN: chain {broken.chain} at entry {broken.seq}: {broken.reason}", err=True)
    if problems or refused:
        raise SystemExit(1)
    click.echo(f"OK: {chains} audit chains intact, checked against {len(anchors)} checkpoints and receipts.")


@click.command("audit-checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Anchor every audit chain that moved since its last checkpoint (run daily, from cron)."""
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        written = audit.write_checkpoints(session, clock.now())
    folder = current_app.extensions["tenderapp.audit"].checkpoints.directory
    click.echo(f"Wrote {len(written)} checkpoints to {folder}.")


@click.command("import-documents")
@with_appcontext
def import_documents() -> None:
    """Copy the documents kept on disk under DOCUMENTS_PATH into the configured store (safe to run again)."""
    source = DocumentStore(current_app.config["DOCUMENTS_PATH"])
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        target = document_store(session)
        if isinstance(target, DocumentStore):
            raise click.ClickException("Set DOCUMENT_STORAGE to database or s3 to import documents into it.")
        copied, kept = import_local(source, target)
        session.commit()
    click.echo(f"Imported {copied} documents from {source.root} ({kept} were already there).")


def _public_url(endpoint: str, **values) -> str:
    """The page's address under PUBLIC_BASE_URL (a command has no request to take the host from)."""
    return public_links(current_app)(endpoint, **values)


_AUTHORITY_KINDS = [kind.value for kind in OrganisationKind if kind.is_authority]


@click.command("bootstrap")
@click.argument("organisation_name")
@click.argument("email")
@click.option("--full-name", default="Procurement admin", show_default=True,
              help="The first admin's full name, as colleagues and the audit log will see it.")
@click.option("--kind", type=click.Choice(_AUTHORITY_KINDS), default=OrganisationKind.LOCAL_AUTHORITY.value,
              show_default=True, help="What kind of authority the organisation is.")
@with_appcontext
def bootstrap(organisation_name: str, email: str, full_name: str, kind: str) -> None:
    """First run, on a database with no organisations: creates the first authority and its first
    procurement admin, and prints a single-use link with which the admin sets a password."""
    request = first_run.FirstRunRequest(organisation_name, email, full_name, OrganisationKind(kind))
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        try:
            done = first_run.bootstrap(session, request, clock.now(),
                                       lambda token: _public_url("auth.reset_password", token=token))
        except DomainError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"Created {done.organisation.name} and its procurement admin {done.admin.email}.\n"
               f"To set a password, open this link (it works once, until {uk_datetime(done.expires_at)} UK time):\n"
               f"  {done.link}\n"
               "After signing in, the admin sets up two-factor sign-in with an authenticator app.")


@click.command("audit-key")
@with_appcontext
def audit_key() -> None:
    """Print the audit log's key in use (AUDIT_KEY, or the one derived from BID_SECRET): set it
    as AUDIT_KEY before rotating BID_SECRET. Treat the output as a secret."""
    click.echo(current_app.extensions["tenderapp.audit"].key.hex())


@click.command("reseal")
@click.option("--dry-run", is_flag=True, help="Only count the values sealed under a previous secret.")
@with_appcontext
def reseal(dry_run: bool) -> None:
    """After rotating BID_SECRET: seal every stored bid, file and two-factor secret again under
    the current secret, so the secrets in BID_SECRETS_PREVIOUS can be retired. Safe to run again."""
    current = sealer()
    with write_intent(), Session(engine(), expire_on_commit=False) as session:
        report = resealing.reseal(session, current, clock.now(), dry_run=dry_run)
    verb = "Would seal again" if dry_run else "Sealed again"
    click.echo(f"{verb} under key {current.key_id.hex()}: {report.total_resealed} values.")
    for kind in dict.fromkeys([*report.resealed, *report.current]):
        click.echo(f"  {kind:<20} {report.resealed.get(kind, 0):>7} {'to seal' if dry_run else 'sealed'}, "
                   f"{report.current.get(kind, 0):>7} already under the current key")
    if report.changed_meanwhile:
        click.echo(f"  {report.changed_meanwhile} changed while this ran (saved under the current key meanwhile).")
    if report.unreadable:
        listed = ", ".join(f"{kind} #{row_id}" for kind, row_id in report.unreadable[:20])
        raise click.ClickException(f"{len(report.unreadable)} values open under none of the secrets given: {listed}. "
                                   "Add the secret that sealed them to BID_SECRETS_PREVIOUS and run again.")
    if not dry_run and not report.unreadable:
        click.echo("Every sealed value is under the current key: BID_SECRETS_PREVIOUS can be removed "
                   "(keep AUDIT_KEY as it is).")


COMMANDS = (import_documents, db_upgrade, seed_demo, deliver_outbox, export_ocds, verify_audit, audit_checkpoint,
            bootstrap, audit_key, reseal, notify_due)


def register(app: Flask) -> None:
    """Adds the commands to ``flask --app tenderapp``."""
    for command in COMMANDS:
        app.cli.add_command(command)
