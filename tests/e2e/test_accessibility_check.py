"""The accessibility check itself: it must report what it is there to catch, or a journey
that passes it would prove nothing."""

import pytest

from tests.e2e.axe import failing, report

pytestmark = pytest.mark.browser

BROKEN = """<!doctype html>
<html lang="en"><head><title>Broken – Tenderapp</title>
<link rel="stylesheet" href="/static/govuk/application.css"></head>
<body class="govuk-template__body"><main class="govuk-main-wrapper" id="main-content">
<h1 class="govuk-heading-l">A page with faults</h1>
<img src="/static/favicon.svg">
<input class="govuk-input" type="text" name="price">
<p style="color: #bbbbbb">Pale text on white</p>
</main></body></html>"""


def test_serious_and_critical_violations_are_reported_with_where_they_are(auditor):
    # replayed at an address nothing listens on: the check needs no server
    findings = auditor.check("a page with faults", "http://127.0.0.1:9/broken", BROKEN).result(timeout=60)
    serious = {f.rule: f for f in failing(findings)}
    assert {"image-alt", "label", "color-contrast"} <= set(serious)
    assert serious["label"].targets == ["input"]
    assert "a page with faults (http://127.0.0.1:9/broken)" in report([serious["label"]])
