"""Mail on several servers: requests on both servers only queue messages; two mail workers
(`deliver-outbox --watch`, each with its own instance folder) running at once on the shared
PostgreSQL database deliver every message to a real SMTP server exactly once."""

import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, col, select

from tenderapp.domain.roles import OrganisationKind, Role
from tenderapp.models import OutboxMessage
from tests import factories
from tests.conftest import BACKEND
from tests.multiserver.client import Person
from tests.multiserver.conftest import ROOT, _free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(BACKEND != "postgresql", reason="the two-server proof runs in the PostgreSQL pass"),
]


class Inbox:
    def __init__(self):
        self.recipients: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def test_two_mail_workers_deliver_each_message_once_and_no_request_sends_any(deployment, tmp_path):
    tag = uuid.uuid4().hex[:8]
    with Session(deployment.engine, expire_on_commit=False) as session:
        now = datetime.now(UTC)
        supplier = factories.organisation(session, f"Mailed {tag} Ltd", now, OrganisationKind.SUPPLIER)
        emails = [factories.user(session, supplier, f"reset-{tag}-{n}@supplier.example", [Role.BIDDER], now).email
                  for n in range(12)]
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    for n, email in enumerate(emails):
        port = (deployment.a.port, deployment.b.port)[n % 2]
        assert Person().submit(port, "/forgotten-password", {"email": email}).status == 200
    assert inbox.recipients == []  # the requests only wrote outbox rows
    env = {**deployment.env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "MAIL_USE_TLS": "false"}
    workers = []
    for name in ("mail-1", "mail-2"):
        (instance := tmp_path / name).mkdir()
        workers.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "tenderapp", "deliver-outbox", "--watch", "--interval", "1"],
            cwd=ROOT, env={**env, "TENDERAPP_INSTANCE_PATH": str(instance)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(set(emails) & set(inbox.recipients)) < len(emails):
            time.sleep(0.5)
        time.sleep(3)  # time for a second sending of anything, were it to happen
    finally:
        for worker in workers:
            worker.terminate()
        outputs = [worker.communicate(timeout=20)[0].decode(errors="replace") for worker in workers]
        smtp.stop()
    assert all(worker.returncode == 0 for worker in workers), outputs
    ours = [r for r in inbox.recipients if r in emails]
    assert sorted(ours) == sorted(emails), outputs
    with Session(deployment.engine) as session:
        rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.recipient).in_(emails))).all()
    assert len(rows) == len(emails) and all(row.sent_at is not None for row in rows)
