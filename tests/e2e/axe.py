"""Accessibility checks with axe-core, in a JavaScript-enabled browser.

The journey itself runs with JavaScript off, so what a person without JavaScript gets is what
is checked: each page's HTML, as that person's browser received it, is replayed at its own
address in a second browser with JavaScript on (GOV.UK Frontend's scripts then run as they do
for everyone else), and axe runs there. Replaying, rather than fetching the address again,
also covers pages that answer a POST (a form with errors, a confirmation) and never repeats a
request that changes something. The replay takes the static files (styles, scripts) straight
from tenderapp/static, so it adds no work for the server under test.

The checks run in a thread of their own, with its own Playwright and Chromium (Playwright
wants one instance per thread), while the journey goes on: the journey only queues pages and
collects the findings at the end.
"""

import hashlib
import mimetypes
import queue
import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.paths import AXE_SCRIPT, CHROMIUM, CHROMIUM_ARGS, ROOT

FAILING_IMPACTS = ("serious", "critical")
# Every rule axe runs by default, and target size (WCAG 2.2 AA, 2.5.8), which it does not.
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations'],
                                           rules: {'target-size': {enabled: true}}})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"""


@dataclass
class Finding:
    page: str
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        where = "; ".join(self.targets[:5]) + (f" (and {len(self.targets) - 5} more)" if len(self.targets) > 5 else "")
        return f"[{self.impact}] {self.rule}: {self.help}\n    page: {self.page} ({self.url})\n    at: {where}"


class Auditor:
    """Runs axe on every page handed to :meth:`check`, one after another, in its own thread."""

    def __init__(self):
        self._seen: dict[str, Future] = {}  # markup fingerprint -> its check
        self._queue: queue.Queue = queue.Queue()
        self._broken: BaseException | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._work, name="axe", daemon=True)
        self._thread.start()
        self._ready.wait(60)

    def check(self, page: str, url: str, html: str) -> Future:
        """Queues ``html`` (received at ``url``); the future gives the page's findings. A page
        whose markup is the same as one already checked (see :func:`fingerprint`) shares that
        check: axe would find the same there."""
        key = fingerprint(html)
        if key in self._seen:
            return self._seen[key]
        result: Future = Future()
        self._seen[key] = result
        if self._broken is not None:
            result.set_exception(self._broken)
        else:
            self._queue.put((page, url, html, result))
        return result

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=60)

    def _work(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                context = browser.new_context(bypass_csp=True, java_script_enabled=True)
                context.add_init_script(script=Path(AXE_SCRIPT).read_text(encoding="utf-8"))
                context.route(_is_static, _serve_static)
                tab = context.new_page()
                replaying: dict[str, str] = {}

                def replay(route) -> None:
                    request = route.request
                    if request.is_navigation_request() and request.url == replaying.get("url"):
                        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=replaying["html"])
                    else:
                        route.fallback()

                tab.route("**/*", replay)
                self._ready.set()
                while (item := self._queue.get()) is not None:
                    page, url, html, result = item
                    replaying.update(url=url, html=html)
                    try:
                        tab.goto(url, wait_until="load")
                        result.set_result([Finding(page, url, v["id"], v["impact"] or "minor", v["help"], v["targets"])
                                           for v in tab.evaluate(RUN_AXE)])
                    except Exception as error:
                        result.set_exception(error)
                browser.close()
        except BaseException as error:  # handed to whoever waits on a check
            self._broken = error
            while not self._queue.empty():
                if (item := self._queue.get_nowait()) is not None:
                    item[-1].set_exception(error)
        finally:
            self._ready.set()


_VOLATILE_ATTRIBUTE = re.compile(r'\s(?:value|nonce)="[^"]*"')
_TEXT = re.compile(r">([^<]*)<")


def fingerprint(html: str) -> str:
    """The page's markup without what axe's rules do not depend on: the words (each run of
    text counts only as present or absent), numbers in addresses and ids, form values and
    script nonces. Two pages with the same fingerprint differ only in those."""
    markup = re.sub(r"\d+", "0", _VOLATILE_ATTRIBUTE.sub("", html))
    markup = _TEXT.sub(lambda text: ">T<" if text.group(1).strip() else "><", markup)
    return hashlib.sha256(markup.encode()).hexdigest()


def failing(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.impact in FAILING_IMPACTS]


def report(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


STATIC = ROOT / "tenderapp" / "static"


def _is_static(url: str) -> bool:
    return urlsplit(url).path.startswith("/static/")


def _serve_static(route) -> None:
    path = (STATIC / urlsplit(route.request.url).path.removeprefix("/static/")).resolve()
    if not path.is_relative_to(STATIC) or not path.is_file():
        route.fulfill(status=404, body="")
        return
    route.fulfill(status=200, body=path.read_bytes(),
                  content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")
