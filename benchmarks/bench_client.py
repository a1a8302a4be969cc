"""A small HTTP client (stdlib only: one connection per request, a cookie jar, CSRF tokens
read from the pages) and the journeys people make through Tenderapp: signing in, pricing
online or by the Excel template, answering, declaring and submitting."""

from __future__ import annotations

import http.client
import io
import json
import random
import re
import threading
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from bench_server import PASSWORD

if TYPE_CHECKING:
    from bench_world import TenderInfo

ANSWER_WORDS = ("mediation family school local authority meeting timescale accredited supervision venue "
                "support parent young person plan review safeguard quality").split()


@dataclass
class Sample:
    label: str
    status: int | None
    start: float  # wall clock (time.time())
    seconds: float
    phase: str
    error: str | None = None
    detail: str | None = None  # for 5xx answers: what kind of page came back
    rid: str | None = None  # X-Bench-Id, to join with the server's trace


class Recorder:
    def __init__(self):
        self.samples: list[Sample] = []
        self.phase = "setup"
        self._lock = threading.Lock()

    def add(self, sample: Sample) -> None:
        with self._lock:
            self.samples.append(sample)

    def of(self, phase: str, label: str | None = None) -> list[Sample]:
        return [s for s in self.samples if s.phase == phase and (label is None or s.label == label)]


@dataclass
class Response:
    status: int | None
    headers: dict[str, str]
    body: bytes
    error: str | None = None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str | None:
        value = self.headers.get("location")
        if not value:
            return None
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RECEIPT_RE = re.compile(r"Submission id<br><strong>(TA-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})</strong>")
SHA_RE = re.compile(r"app-fingerprint['\"]>([0-9a-f]{64})<")
LATE_TEXT = "The submission deadline has passed"


def describe_error_page(status: int, body: bytes) -> str:
    """For a 5xx answer: is it the app's GOV.UK error page, what is its title, does it leak a traceback."""
    text = body.decode("utf-8", errors="replace")
    title = re.search(r"<title[^>]*>(.*?)</title>", text, re.S)
    govuk = "govuk-template" in text or 'class="govuk-' in text
    leak = any(w in text for w in ("Traceback", "OperationalError", "psycopg", "sqlite3."))
    return json.dumps({"govuk_page": govuk, "leaks_internals": leak,
                       "title": re.sub(r"\s+", " ", title.group(1)).strip()[:120] if title else None})


def csrf_of(response: Response) -> str | None:
    match = CSRF_RE.search(response.text) if response.body else None
    return match.group(1) if match else None


class Browser:
    """One person's browser: a cookie jar (Secure cookies are sent over plain HTTP here, as the
    TLS proxy in front of a real deployment would) and an X-Forwarded-For address of its own
    (the app trusts one proxy), so per-address sign-in limits see separate people."""

    def __init__(self, port: int, recorder: Recorder, address: str, timeout: float = 60.0):
        self.port, self.recorder, self.address, self.timeout = port, recorder, address, timeout
        self.cookies: dict[str, str] = {}
        self.stop: threading.Event | None = None  # when set, the next request raises Stopped

    def request(self, method: str, path: str, label: str, body: bytes | None = None,
                content_type: str | None = None) -> Response:
        if self.stop is not None and self.stop.is_set():
            raise Stopped()
        rid = uuid.uuid4().hex[:16]
        headers = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "tenderapp-bench/1",
                   "X-Forwarded-For": self.address, "Accept": "text/html", "X-Bench-Id": rid}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        if body is not None:
            headers["Content-Length"] = str(len(body))
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        start, t0 = time.time(), time.perf_counter()
        status, data, found, error = None, b"", {}, None
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            found = {k.lower(): v for k, v in response.getheaders() if k.lower() != "set-cookie"}
            for cookie in response.msg.get_all("Set-Cookie") or []:
                self._store_cookie(cookie)
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        finally:
            conn.close()
        detail = describe_error_page(status, data) if status is not None and status >= 500 else None
        self.recorder.add(Sample(label, status, start, time.perf_counter() - t0, self.recorder.phase, error, detail,
                                 rid))
        return Response(status, found, data, error)

    def _store_cookie(self, header: str) -> None:
        first, *attributes = [p.strip() for p in header.split(";")]
        name, _, value = first.partition("=")
        attrs = {a.split("=", 1)[0].lower(): (a.split("=", 1)[1] if "=" in a else "") for a in attributes}
        if attrs.get("max-age") == "0" or "1970" in attrs.get("expires", ""):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str, label: str) -> Response:
        return self.request("GET", path, label)

    def post_form(self, path: str, fields: list[tuple[str, str]], label: str) -> Response:
        return self.request("POST", path, label, urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def post_multipart(self, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, str, bytes]],
                       label: str) -> Response:
        boundary = f"----bench{uuid.uuid4().hex}"
        out = io.BytesIO()
        for name, value in fields:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, mimetype, content in files:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                      f"Content-Type: {mimetype}\r\n\r\n".encode())
            out.write(content)
            out.write(b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, label, out.getvalue(), f"multipart/form-data; boundary={boundary}")

    def follow(self, response: Response, label: str) -> Response | None:
        if response.status in (301, 302, 303, 307, 308) and response.location:
            return self.get(response.location, label)
        return None


class Stopped(Exception):
    """A closed-loop phase ended: the simulated person stops where they are."""


class StepFailed(Exception):
    def __init__(self, step: str, response: Response | None, detail: str = ""):
        status = response.status if response is not None else None
        error = response.error if response is not None else None
        super().__init__(f"{step}: status {status} {error or ''} {detail}".strip())
        self.step, self.status = step, status


@dataclass
class BidIntent:
    """What a bidder means to submit: the expected canonical prices and answers."""

    prices: dict[str, Decimal]
    answers: dict[str, str]
    mode: str  # "online" or "excel"


def make_intent(rng: random.Random, tender: TenderInfo, mode: str) -> BidIntent:
    prices = {}
    for _, code in tender.lines:
        pence = rng.randint(5_000, 2_000_000)
        prices[code] = (Decimal(pence) / 100).quantize(Decimal("0.01"))
    answers = {str(c): " ".join(rng.choice(ANSWER_WORDS) for _ in range(rng.randint(40, 120))).capitalize() + "."
               for c in tender.criteria}
    return BidIntent(prices, answers, mode)


def typed_price(amount: Decimal, n: int) -> str:
    """Prices typed as people type them: "£1,250.00", "1250.5", "1250"."""
    if n % 3 == 0:
        return f"£{amount:,.2f}"
    if amount == amount.to_integral_value():
        return f"{int(amount)}"
    return f"{amount.normalize():f}" if n % 3 == 1 else f"{amount:.2f}"


def sign_in(browser: Browser, email: str, password: str = PASSWORD) -> None:
    page = browser.get("/sign-in", "GET sign-in")
    token = csrf_of(page)
    if not token:
        raise StepFailed("sign-in form", page)
    response = browser.post_form("/sign-in", [("csrf_token", token), ("email", email), ("password", password)],
                                 "POST sign-in")
    if response.status != 302:
        raise StepFailed("sign-in", response)
    browser.follow(response, "GET dashboard")


def _form_then_post(browser: Browser, path: str, fields, step: str) -> Response:
    page = browser.get(path, f"GET {step} form")
    token = csrf_of(page)
    if not token:
        raise StepFailed(f"{step} form", page)
    response = browser.post_form(path, [("csrf_token", token), *fields], f"POST {step}")
    if response.status != 302:
        raise StepFailed(step, response, _first_error(response))
    browser.follow(response, "GET bid overview")
    return response


def _first_error(response: Response) -> str:
    match = re.search(r'govuk-error-summary__list.*?<a[^>]*>(.*?)</a>', response.text, re.S)
    return match.group(1).strip()[:160] if match else ""


def price_online(browser: Browser, tender: TenderInfo, intent: BidIntent) -> None:
    fields = [(f"line_{line_id}", typed_price(intent.prices[code], n)) for n, (line_id, code) in enumerate(tender.lines)]
    _form_then_post(browser, f"/tenders/{tender.id}/bid/prices", fields, "prices")


def price_by_excel(browser: Browser, tender: TenderInfo, intent: BidIntent) -> None:
    from openpyxl import load_workbook

    download = browser.get(f"/tenders/{tender.id}/bid/template.xlsx", "GET template.xlsx")
    if download.status != 200:
        raise StepFailed("template download", download)
    book = load_workbook(io.BytesIO(download.body))
    sheet = book["Pricing"]
    filled = 0
    for row in range(5, 5 + len(tender.lines) + 5):
        code = sheet.cell(row=row, column=1).value
        if code in intent.prices:
            sheet.cell(row=row, column=5).value = float(intent.prices[code])
            filled += 1
    if filled != len(tender.lines):
        raise StepFailed("template fill", None, f"filled {filled} of {len(tender.lines)} lines")
    out = io.BytesIO()
    book.save(out)
    path = f"/tenders/{tender.id}/bid/upload"
    page = browser.get(path, "GET upload form")
    token = csrf_of(page)
    if not token:
        raise StepFailed("upload form", page)
    response = browser.post_multipart(path, [("csrf_token", token)], [(
        "workbook", f"pricing-{tender.reference}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", out.getvalue())], "POST upload")
    if response.status != 302:
        raise StepFailed("upload", response, _first_error(response))
    browser.follow(response, "GET bid overview")


def answer(browser: Browser, tender: TenderInfo, intent: BidIntent) -> None:
    _form_then_post(browser, f"/tenders/{tender.id}/bid/answers",
                    [(f"criterion_{c}", intent.answers[str(c)]) for c in tender.criteria], "answers")


def declare(browser: Browser, tender: TenderInfo) -> None:
    from tenderapp.domain.bids import REQUIRED_DECLARATIONS

    _form_then_post(browser, f"/tenders/{tender.id}/bid/declarations",
                    [("declarations", d) for d in REQUIRED_DECLARATIONS], "declarations")


def prepare_bid(browser: Browser, tender: TenderInfo, intent: BidIntent) -> None:
    browser.get(f"/tenders/{tender.id}/bid", "GET bid overview")
    if intent.mode == "excel":
        price_by_excel(browser, tender, intent)
    else:
        price_online(browser, tender, intent)
    answer(browser, tender, intent)
    declare(browser, tender)


def submit_token(browser: Browser, tender: TenderInfo) -> str:
    page = browser.get(f"/tenders/{tender.id}/bid", "GET bid overview")
    if page.status != 200 or f'action="/tenders/{tender.id}/bid/submit"' not in page.text:
        raise StepFailed("submit form", page, _bid_problems(page))
    return csrf_of(page)


def _bid_problems(page: Response) -> str:
    match = re.search(r"Before you can submit</h3>(.*?)</ul>", page.text, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()[:200] if match else ""


@dataclass
class SubmitOutcome:
    kind: str  # "receipt", "late", "refused", "error"
    sent_at: float
    answered_at: float
    status: int | None
    receipt: str | None = None
    sha256: str | None = None
    number: int | None = None
    detail: str = ""


def submit(browser: Browser, tender: TenderInfo, token: str, receipt_retries: int = 0) -> SubmitOutcome:
    """Clicks "Submit your bid" once (never resubmits) and reads the receipt it leads to;
    ``receipt_retries`` reloads the receipt page when it fails (as a person would)."""
    sent = time.time()
    response = browser.post_form(f"/tenders/{tender.id}/bid/submit", [("csrf_token", token)], "POST submit")
    answered = time.time()
    if response.status != 302:
        return SubmitOutcome("error", sent, answered, response.status, detail=response.error or "")
    location = response.location or ""
    match = re.search(r"/receipts/(\d+)$", location)
    if match:
        for attempt in range(receipt_retries + 1):
            page = browser.get(location, "GET receipt")
            if page.status == 200 or attempt == receipt_retries:
                break
            time.sleep(0.5)
        receipt, sha = RECEIPT_RE.search(page.text), SHA_RE.search(page.text)
        if page.status == 200 and receipt and sha:
            return SubmitOutcome("receipt", sent, answered, 302, receipt.group(1), sha.group(1), int(match.group(1)))
        return SubmitOutcome("error", sent, answered, page.status, number=int(match.group(1)),
                             detail="receipt page unreadable")
    page = browser.follow(response, "GET bid overview")
    text = page.text if page is not None else ""
    if LATE_TEXT in text:
        return SubmitOutcome("late", sent, answered, 302)
    return SubmitOutcome("refused", sent, answered, 302, detail=_bid_problems(page) if page else "")
