"""Hostile input to every list people search: whatever the query string holds (odd Unicode,
control characters, huge values, repeated or missing date parts, pages of any kind), the list
answers 200, or 400 with the problem beside its field, and never a server error; and what was
typed in the text box comes back. FUZZ_EXAMPLES sets the examples per list (default 10)."""

import inspect
import os
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from markupsafe import escape

from tests.hostile import HOSTILE

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))

# Each list that reads a filter (tenderapp/web/listing.py), with who opens it.
LISTS = {
    "tenders.index": ("admin@lead.example", lambda w: "/tenders"),
    "contracts.decisions": ("admin@lead.example", lambda w: "/decisions"),
    "contracts.contracts": ("signatory@partner.example", lambda w: "/contracts"),
    "agreements.tracker": ("admin@lead.example", lambda w: f"/agreements/{w.agreement.id}/tracker"),
    "admin.outbox": ("admin@lead.example", lambda w: "/admin/outbox"),
    "admin.failed_messages": ("admin@lead.example", lambda w: "/admin/outbox/failed"),
    "tenders.timeline": ("admin@lead.example", lambda w: f"/tenders/{w.open_tender.id}/timeline"),
    "tenders.timeline_workbook": ("admin@lead.example", lambda w: f"/tenders/{w.open_tender.id}/timeline.xlsx"),
}

DATE_PART = st.one_of(st.sampled_from(["1", "12", "2026", "0", "-1", "31", "99999", "", " ", "²"]), HOSTILE)
VALUE = st.one_of(HOSTILE, st.sampled_from(["", "draft", "published", "signed", "failed", "1", "-1", "abc", "0"]))
PARAMS = st.fixed_dictionaries({}, optional={
    "q": st.lists(VALUE, min_size=1, max_size=2), "status": st.lists(VALUE, min_size=1, max_size=2),
    "collaboration": st.lists(VALUE, min_size=1, max_size=2), "kind": st.lists(VALUE, min_size=1, max_size=2),
    "date_from": st.lists(DATE_PART, max_size=4), "date_to": st.lists(DATE_PART, max_size=4),
    "page": st.lists(VALUE, min_size=1, max_size=2)})


def test_every_list_that_reads_a_filter_is_fuzzed(app):
    readers = {endpoint for endpoint, view in app.view_functions.items()
               if endpoint != "static" and "read_filter(" in inspect.getsource(inspect.unwrap(view))}
    readers.add("admin.failed_messages")  # reads it in _failed_messages_page
    assert readers <= set(LISTS), f"lists the fuzz does not cover: add them to LISTS: {sorted(readers - set(LISTS))}"


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_hostile_query_strings_never_break_a_list(endpoint, world, sign_in_as):
    email, url = LISTS[endpoint]
    person = sign_in_as(email)
    address = url(world)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(PARAMS)
    def visit(params):
        query = urlencode([(k, v.replace("\x00", "")) for k, vs in params.items() for v in vs])
        note(f"GET {address}?{query[:300]}")
        response = person.get(f"{address}?{query}")
        assert response.status_code in (200, 400), response.status_code
        if response.mimetype != "text/html":
            return
        page = response.get_data(as_text=True)
        if response.status_code == 400:
            assert "There is a problem" in page
        typed = params.get("q", [None])[-1]
        if typed and typed.strip() and len(typed) <= 200 and len(params["q"]) == 1 and 'name="q"' in page:
            assert str(escape(typed.replace("\x00", "").strip())) in page

    visit()
