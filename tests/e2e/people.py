"""People using Tenderapp in a real browser with JavaScript off, and the journey's record:
numbered full-page screenshots, and every page they see handed to the accessibility check."""

import re
from concurrent.futures import Future
from datetime import timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pyotp
from sqlmodel import Session, select

from tenderapp.models import OutboxMessage
from tests.e2e.axe import Auditor, Finding

DEMO_PASSWORD = "demo-password"
TOTP_STEP_SECONDS = 30


class Journey:
    """Shared by everyone in the journey: the server, the clock, the screenshots, the audit."""

    def __init__(self, app, browser, base_url: str, auditor: Auditor, artefacts: Path):
        self.engine, self.clock = app.extensions["tenderapp.engine"], app.config["CLOCK"]
        self.browser, self.base_url = browser, base_url
        self.auditor, self.artefacts = auditor, artefacts
        self.step_name = "start"
        self.shots = 0
        self.audits: list[Future] = []  # one accessibility check for each page reached
        self.totp_secrets: dict[str, str] = {}  # email -> base32 secret, learnt at set-up
        self.totp_last_step: dict[str, int] = {}
        self.people: list[Person] = []
        self.last: Person | None = None  # who did something last

    def person(self, email: str) -> "Person":
        someone = Person(self, email)
        self.people.append(someone)
        return someone

    def link_in_email(self, recipient: str, path: str) -> str:
        """The link to ``path`` (a part of it) in the newest email to ``recipient`` that has one,
        read from the outbox as the person would read their inbox."""
        with Session(self.engine) as session:
            messages = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == recipient)
                                    .order_by(OutboxMessage.id.desc())).all()
        for message in messages:
            for link in re.findall(r"https?://\S+", message.body):
                if path in link:
                    assert link.startswith(self.base_url), f"the email links to {link}, not to this server"
                    return link
        raise AssertionError(f"no email to {recipient} links to {path}")

    def step(self, name: str) -> None:
        self.step_name = name

    def screenshot(self, person: "Person", name: str) -> Path:
        self.shots += 1
        path = self.artefacts / f"{self.shots:02d}-{name}.png"
        person.page.screenshot(path=str(path), full_page=True)
        return path

    def screenshot_where_it_stopped(self) -> None:
        if self.last is not None:
            try:
                self.screenshot(self.last, "stopped-here")
            except Exception:  # the failure being reported matters more
                pass

    def checks(self) -> list[Future]:
        """The distinct accessibility checks of the pages reached (pages alike share one)."""
        return list({id(audit): audit for audit in self.audits}.values())

    def findings(self, timeout: float = 120) -> list[Finding]:
        """What axe found on every page reached, once the last check is done."""
        return [finding for audit in self.checks() for finding in audit.result(timeout=timeout)]

    def close(self) -> None:
        for someone in self.people:
            someone.context.close()


class Person:
    """One person's browser (its own cookies), JavaScript off."""

    def __init__(self, journey: Journey, email: str):
        self.journey, self.email = journey, email
        self.context = journey.browser.new_context(java_script_enabled=False, base_url=journey.base_url,
                                                   accept_downloads=True)
        self.context.set_default_timeout(30_000)  # generous: CI machines can be busy
        self.page = self.context.new_page()

    # --- moving around: each page reached is checked ------------------------------------

    def open(self, path: str, status: int = 200) -> None:
        self._arrived(self.page.goto(path), status)

    def follow(self, name: str, exact: bool = False, status: int = 200) -> None:
        """Clicks the link called ``name``, or the GOV.UK link-button (an ``<a role="button">``)."""
        target = self.page.get_by_role("link", name=name, exact=exact).or_(
            self.page.get_by_role("button", name=name, exact=exact).and_(self.page.locator("a")))
        self._click(target.first, status)

    def press(self, name: str, exact: bool = False, status: int = 200) -> None:
        """Clicks the button called ``name``: with JavaScript off the browser submits the form."""
        self._click(self.page.get_by_role("button", name=name, exact=exact).first, status)

    def _click(self, target, status: int) -> None:
        with self.page.expect_navigation(wait_until="load") as navigation:
            target.click()
        self._arrived(navigation.value, status)

    def _arrived(self, response, status: int) -> None:
        self.journey.last = self
        assert response is not None, f"no page loaded at {self.page.url}"
        assert response.status == status, (
            f"{self.page.url} answered {response.status}, expected {status}:\n{self.main_text()[:2000]}")
        title = self.page.title()
        assert title.endswith("Tenderapp"), f"unexpected page at {self.page.url}: {title}"
        self.journey.audits.append(self.journey.auditor.check(
            f"{self.journey.step_name}: {title}", self.page.url, self.page.content()))

    # --- reading and filling -------------------------------------------------------------

    def main_text(self) -> str:
        return self.page.locator("main").inner_text()

    def heading(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def sees(self, *texts: str) -> None:
        shown = self.main_text()
        for text in texts:
            assert text in shown, f"{text!r} is not on {self.page.url}:\n{shown[:3000]}"

    def fill(self, label: str, value: str, exact: bool = True) -> None:
        self.page.get_by_label(label, exact=exact).fill(value)

    def fill_date(self, legend: str, day) -> None:
        """Types a date into the GOV.UK date input whose legend is ``legend``."""
        group = self.page.get_by_role("group", name=legend)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))

    def choose(self, label: str, exact: bool = True) -> None:
        """Ticks a radio button or a checkbox by its label."""
        self.page.get_by_label(label, exact=exact).check()

    def select(self, label: str, option: str) -> None:
        self.page.get_by_label(label, exact=True).select_option(label=option)

    def download(self, name: str, folder: Path) -> Path:
        with self.page.expect_download() as event:
            self.page.get_by_role("link", name=name).first.click()
        path = folder / event.value.suggested_filename
        event.value.save_as(path)
        return path

    def screenshot(self, name: str) -> Path:
        return self.journey.screenshot(self, name)


def sign_in(journey: Journey, email: str, start: str = "/dashboard", password: str = DEMO_PASSWORD) -> Person:
    """A fresh browser for ``email`` that opens ``start`` (a bookmark, or a link from an
    email), is sent to sign in, signs in as a person would and lands back on ``start``.
    Two-factor sign-in where the account needs it: set up on the first sign-in from the key
    the set-up page shows (codes worked out with pyotp at the app's clock), entered later."""
    person = journey.person(email)
    person.open(start)
    assert person.heading() == "Sign in", f"{start} did not ask {email} to sign in"
    person.fill("Email address", email)
    person.fill("Password", password)
    person.press("Sign in")
    if person.heading() == "Set up two-factor sign-in":
        secret = re.sub(r"\s+", "", person.page.locator("#setup-key").inner_text())
        journey.totp_secrets[email] = secret
        person.fill("Enter the 6-digit code your app shows", _totp_code(journey, email))
        person.press("Set up two-factor sign-in")
        person.sees("Save your recovery codes")
        person.follow("I have saved my recovery codes")
    elif person.heading() == "Enter your security code":
        person.fill("Security code", _totp_code(journey, email))
        person.press("Continue")
    landed, wanted = urlsplit(person.page.url), urlsplit(urljoin(journey.base_url, start))
    assert (landed.path, landed.query) == (wanted.path, wanted.query), f"{email} landed on {person.page.url}"
    return person


def _totp_code(journey: Journey, email: str) -> str:
    """The code the person's authenticator app shows at the app's (frozen) clock. A code is
    taken once, and the next step's code is accepted too: signing in again within the same
    30 seconds uses the next step, and if that is used as well the clock moves on."""
    def current() -> int:
        return int(journey.clock().timestamp()) // TOTP_STEP_SECONDS

    last = journey.totp_last_step.get(email)
    if last is not None and last > current():
        journey.clock.set(journey.clock() + timedelta(seconds=TOTP_STEP_SECONDS * (last - current())))
    step = current() if last is None or last < current() else last + 1
    journey.totp_last_step[email] = step
    return pyotp.TOTP(journey.totp_secrets[email]).at(step * TOTP_STEP_SECONDS)
