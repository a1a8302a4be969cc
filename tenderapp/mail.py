"""Sending one message: printed to the console (OUTBOX_CONSOLE) and/or over SMTP (MAIL_SERVER).

Only the outbox worker (``tenderapp.outbox_worker``) calls this, never a request. The standard
library's smtplib is enough: the outbox table is the queue, so a mail or job library would add
nothing but a dependency.
"""

import smtplib
import sys
from email.message import EmailMessage
from typing import Any, Mapping


def can_deliver(config: Mapping[str, Any]) -> bool:
    return bool(config["OUTBOX_CONSOLE"] or config["MAIL_SERVER"])


def _send_smtp(config: Mapping[str, Any], recipient: str, subject: str, body: str) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = recipient
    email["Subject"] = subject
    email.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def send(config: Mapping[str, Any], recipient: str, subject: str, body: str) -> None:
    """Delivers one message; raises whatever the mail server or the network raised."""
    if config["OUTBOX_CONSOLE"]:
        print(f"--- outbox message to {recipient}: {subject}\n{body}---", file=sys.stderr, flush=True)
    if config["MAIL_SERVER"]:
        _send_smtp(config, recipient, subject, body)
