"""Hostile pricing workbooks: the app's own template, mutated by Hypothesis (cell values of any
type, formulas, huge strings, sheets deleted, renamed, hidden or added, the hidden sheet
tampered with, bytes of the zip flipped, files cut short, random bytes), plus the curated
hostile set of test_pricing_workbook. Each file is read or refused with a clear message, never
an unexpected exception, within 2 seconds (or, on a machine slowed by other work, 500 times
the time the app's own filled template takes to read just then) and 100MB. FUZZ_EXAMPLES sets
the examples per test.
"""

import io
import os
import tracemalloc
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from tenderapp.exports.pricing_template import META_SHEET, PRICING_SHEET
from tenderapp.exports.pricing_upload import NOT_A_WORKBOOK, Upload, read
from tests.services.test_pricing_workbook import (
    EXPECTED,
    LINES,
    _replace_part,
    _sheet_with_rows,
    assert_quick,
    filled,
    template,
    timed_read,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
PEAK_BYTES = 100 * 1024 * 1024
GENERIC = "could not be read"  # the reader's answer when the parser gives up on a damaged file
TOO_LARGE = "The workbook is too large once unpacked"  # its answer for a file too big to read at all
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
BASE = filled({"CORE": 7480, "PAYG": "999.99", "=EXT": 1})


def read_within_limits(data: bytes) -> Upload:
    """Reads ``data`` as an upload would, checking the answer's shape, the time and (reading it
    again, as tracing slows everything down) the memory."""
    result, elapsed = timed_read(data)
    tracemalloc.start()
    try:
        assert read(data, EXPECTED) == result, "the same file gets the same answer"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    seen = f"{len(data)} bytes -> {result.problems[:3]} {result.prices} in {elapsed:.2f}s, peak {peak / 1e6:.1f}MB"
    assert_quick(elapsed, data, seen)
    assert peak < PEAK_BYTES, seen
    assert isinstance(result, Upload)
    if result.problems:
        assert result.prices == {}, "nothing is saved when there is a problem"
        for problem in result.problems:
            assert isinstance(problem, str) and problem[:1].isupper() and len(problem) <= 300, problem
            assert problem.isprintable(), problem
    else:
        assert set(result.prices) <= set(EXPECTED.codes)
        for price in result.prices.values():
            amount = Decimal(price)
            assert amount >= 0 and amount == amount.quantize(Decimal("0.01"))
    return result


def saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- cell values: the workbook stays a workbook, so every answer is specific ----------------

CELL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(float),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=30),
    st.sampled_from(["=D5*2", "=1/0", "=SUM(E5:E7)", "=HYPERLINK(\"http://x\")", "'=1", "1e9", "NaN", "-0", "£1,2,3",
                     "Infinity", "7,480.00", "£ 12", " 12 ", "١٢", "1_000", "12.345", "(5)"]),
    st.builds(lambda piece, times: piece * times, st.sampled_from(["9", "x", "é"]), st.sampled_from([300, 32_000])),
)
CODES = st.one_of(st.sampled_from([line.code for line in LINES] + ["'=EXT", "BOGUS", "core"]), CELL_VALUES)


@st.composite
def edited_templates(draw) -> bytes:
    """The template as a bidder (or an attacker with a spreadsheet program) might leave it."""
    book = load_workbook(io.BytesIO(BASE))
    sheet = book[PRICING_SHEET]
    for row in range(5, 5 + len(LINES)):
        sheet.cell(row=row, column=5, value=draw(CELL_VALUES))
        if draw(st.integers(0, 5)) == 0:
            sheet.cell(row=row, column=1, value=draw(CODES))
    for _ in range(draw(st.integers(0, 3))):  # stray values anywhere, far right or far down included
        sheet.cell(row=draw(st.integers(1, 1100)), column=draw(st.sampled_from([1, 5, 6, 100, 16384])),
                   value=draw(CELL_VALUES))
    meta = book[META_SHEET]
    if draw(st.booleans()):
        meta.cell(row=draw(st.integers(1, 3)), column=draw(st.integers(1, 3)), value=draw(CELL_VALUES))
    meta.sheet_state = draw(st.sampled_from(["hidden", "veryHidden", "visible"]))
    change = draw(st.sampled_from(["none", "delete meta", "delete pricing", "rename", "extra sheets", "reorder"]))
    if change == "delete meta":
        del book[META_SHEET]
    elif change == "delete pricing":
        del book[PRICING_SHEET]
        meta.sheet_state = "visible"  # a workbook shows at least one sheet
    elif change == "rename":
        draw(st.sampled_from([sheet, meta])).title = draw(st.sampled_from(["Prices", "pricing", "_TENDERAPP", "Sheet"]))
    elif change == "extra sheets":
        for number in range(draw(st.integers(1, 4))):
            extra = book.create_sheet(f"Extra{number}", index=draw(st.integers(0, 2)))
            extra["A1"] = draw(CELL_VALUES)
    elif change == "reorder":
        book.move_sheet(META_SHEET, offset=-1)
    return saved(book)


@FUZZ
@given(edited_templates())
def test_an_edited_template_is_read_or_refused_with_specific_messages(data):
    result = read_within_limits(data)
    assert not any(GENERIC in p for p in result.problems), "a well-formed workbook gets a specific answer"


@FUZZ
@given(st.lists(CELL_VALUES, min_size=3, max_size=3))
def test_each_bad_price_is_named_by_its_cell(values):
    book = load_workbook(io.BytesIO(BASE))
    for row, value in enumerate(values, start=5):
        book[PRICING_SHEET].cell(row=row, column=5, value=value)
    result = read_within_limits(saved(book))
    for problem in result.problems:
        if problem.startswith(TOO_LARGE):  # the one answer for the whole file, and only for huge texts
            assert sum(len(str(v).encode()) for v in values) > 100_000, (problem, values)
            continue
        assert problem.startswith(("Pricing, E5:", "Pricing, E6:", "Pricing, E7:")), problem


# --- the file itself: bytes flipped, parts damaged, cut short, or not a workbook at all -----


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_flipped_bytes_anywhere_in_the_zip_are_read_or_refused(flips):
    data = bytearray(BASE)
    for at, value in flips:
        data[at] = value
    read_within_limits(bytes(data))


@FUZZ
@given(st.integers(0, len(BASE)), st.binary(max_size=64))
def test_a_file_cut_short_or_padded_is_read_or_refused(length, tail):
    read_within_limits(BASE[:length] + tail)


PARTS = sorted(zipfile.ZipFile(io.BytesIO(BASE)).namelist())


@FUZZ
@given(st.sampled_from(PARTS), st.data())
def test_a_damaged_part_of_the_workbook_is_read_or_refused(part, data):
    original = zipfile.ZipFile(io.BytesIO(BASE)).read(part)
    how = data.draw(st.sampled_from(["random", "flip", "cut", "empty", "repeat"]))
    if how == "random":
        content = data.draw(st.binary(max_size=512))
    elif how == "flip":
        at = data.draw(st.integers(0, max(len(original) - 1, 0)))
        content = original[:at] + data.draw(st.binary(min_size=1, max_size=4)) + original[at + 1:]
    elif how == "cut":
        content = original[:data.draw(st.integers(0, len(original)))]
    elif how == "empty":
        content = b""
    else:
        content = original * data.draw(st.integers(2, 50))
    read_within_limits(_replace_part(BASE, part, content))


@FUZZ
@given(st.sampled_from(PARTS))
def test_a_missing_part_is_refused_or_read(part):
    source = zipfile.ZipFile(io.BytesIO(BASE))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            if name != part:
                archive.writestr(name, source.read(name))
    read_within_limits(out.getvalue())


@FUZZ
@given(st.one_of(st.binary(max_size=4096), st.builds(lambda tail: b"PK\x03\x04" + tail, st.binary(max_size=512))))
def test_random_bytes_are_refused(data):
    assert read_within_limits(data).problems


# --- the curated hostile set, and more of its kind ------------------------------------------


def _styles(body: bytes) -> bytes:
    return b'<?xml version="1.0"?><styleSheet ' + NS + b">" + body + b"</styleSheet>"


def _with_part(data: bytes, name: str, content: bytes, content_type: str | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "[Content_Types].xml" and content_type:
                body = body.replace(b"</Types>", b'<Override PartName="/' + name.encode() + b'" ContentType="'
                                    + content_type.encode() + b'"/></Types>')
            archive.writestr(item, body)
        archive.writestr(name, content)
    return out.getvalue()


def _wide_rows(count: int) -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>CORE</t></is></c><c r="XFD%d"><v>1</v></c></row>'
                    % (n, n, n) for n in range(5, 5 + count))
    return b'<?xml version="1.0"?><worksheet ' + NS + b"><sheetData>" + rows + b"</sheetData></worksheet>"


def _many_cells_in_a_row(count: int) -> bytes:
    cells = b"".join(b'<c r="%s5"><v>1</v></c>' % column.encode() for column in _columns(count))
    return (b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="5">' + cells
            + b"</row></sheetData></worksheet>")


def _columns(count: int):
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        yield name


def _with_parts(data: bytes, count: int) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        for number in range(count):
            archive.writestr(f"extra/{number}.xml", b"<x/>")
    return out.getvalue()


def _many_sheets(count: int) -> bytes:
    book = Workbook()
    for number in range(count):
        book.create_sheet(f"S{number}")
    return saved(book)


SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
HOSTILE = {
    "entity expansion": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b"<worksheet " + NS + b'><sheetData><row r="5"><c r="A5" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
        b"</sheetData></worksheet>")),
    "external entity": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><worksheet ' + NS +
        b'><sheetData><row r="5"><c r="A5" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>')),
    "zip bomb": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", b"<" + b"0" * (60 * 1024 * 1024)),
    "too many rows": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", _sheet_with_rows(1500)),
    "a million rows": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", _sheet_with_rows(1_000_000)),
    "one row a million down": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", (
        b'<?xml version="1.0"?><worksheet ' + NS + b'><sheetData><row r="1048576"><c r="A1048576"><v>1</v></c>'
        b"</row></sheetData></worksheet>")),
    "rows reaching the last column": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", _wide_rows(990)),
    "a row of 50,000 cells": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", _many_cells_in_a_row(50_000)),
    "a row of every one of 16,384 columns": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml",
                                                                  _many_cells_in_a_row(16_384)),
    "a stylesheet of 350,000 styles": lambda: _replace_part(BASE, "xl/styles.xml", _styles(
        b'<cellXfs count="1">' + b"<xf/>" * 350_000 + b"</cellXfs>")),
    "a stylesheet of 100,000 styles": lambda: _replace_part(BASE, "xl/styles.xml", _styles(
        b'<cellXfs count="1">' + b"<xf/>" * 100_000 + b"</cellXfs>")),
    "a stylesheet of 70,000 fonts": lambda: _replace_part(BASE, "xl/styles.xml", _styles(
        b"<fonts>" + b"<font/>" * 70_000 + b"</fonts>")),
    "100,000 shared strings": lambda: _with_part(BASE, "xl/sharedStrings.xml", (
        b'<?xml version="1.0"?><sst ' + NS + b">" + b"<si><t>a</t></si>" * 100_000 + b"</sst>"), SHARED_STRINGS),
    "30,000 shared strings": lambda: _with_part(BASE, "xl/sharedStrings.xml", (
        b'<?xml version="1.0"?><sst ' + NS + b">" + b"<si><t>a</t></si>" * 30_000 + b"</sst>"), SHARED_STRINGS),
    "an oversized shared string": lambda: _replace_part(BASE, "xl/worksheets/sheet1.xml", (
        b'<?xml version="1.0"?><sst ' + NS + b"><si><t>" + b"x" * (3 * 1024 * 1024) + b"</t></si></sst>")),
    "400 sheets": lambda: _many_sheets(400),
    "600 parts": lambda: _with_parts(BASE, 600),
    "a workbook of another tender": lambda: filled({"CORE": 1}, reference="XYZ999"),
    "an older schedule version": lambda: filled({"CORE": 1}, version=1),
    "a PDF named .xlsx": lambda: b"%PDF-1.4 not a spreadsheet",
    "an empty file": lambda: b"",
    "a zip of something else": lambda: _with_part(_replace_part(BASE, "xl/workbook.xml", b"x"), "hello.txt", b"hi"),
    "encrypted-looking parts": lambda: BASE.replace(b"PK\x03\x04\x14\x00\x00\x00", b"PK\x03\x04\x14\x00\x01\x00", 1),
    "a bare template": lambda: template(),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_workbook_is_refused_or_read_quickly_and_in_bounded_memory(name):
    read_within_limits(HOSTILE[name]())


def test_a_stylesheet_bomb_is_never_parsed():
    data = HOSTILE["a stylesheet of 100,000 styles"]()
    assert len(data) < 20_000  # 8KB that openpyxl takes seconds to open (minutes at 350,000 styles)
    assert read_within_limits(data).prices == {"CORE": "7480.00", "PAYG": "999.99", "=EXT": "1.00"}


def test_workbook_values_quoted_in_messages_are_short_and_on_one_line():
    book = load_workbook(io.BytesIO(BASE))
    book[META_SHEET]["B1"] = "R" * 32_000
    assert read_within_limits(saved(book)).problems == [
        f"This template is for tender {'R' * 39}…, not SC14027. Download the template for this tender"]
    book = load_workbook(io.BytesIO(BASE))
    book[PRICING_SHEET]["A6"] = "BOGUS\nLINE" + "!" * 100
    problems = read_within_limits(saved(book)).problems
    assert f"Pricing, A6: “BOGUS LINE{'!' * 29}…” is not a line of this pricing schedule" in problems


def test_a_part_whose_compressed_bytes_are_damaged_is_refused_as_unreadable():
    damaged = bytearray(BASE)
    entry = zipfile.ZipFile(io.BytesIO(BASE)).getinfo("xl/worksheets/sheet1.xml")
    start = entry.header_offset + 30 + len(entry.filename)
    damaged[start:start + 8] = b"\xff" * 8
    problems = read_within_limits(bytes(damaged)).problems
    assert len(problems) == 1 and GENERIC in problems[0]


def test_a_zip_asking_for_a_newer_zip_version_is_refused():
    # zipfile raised NotImplementedError for it, which nothing caught: a server error
    damaged = bytearray(BASE)
    directory = BASE.index(b"PK\x01\x02")  # the first entry of the central directory
    damaged[directory + 6] = 64  # "version needed to extract": 6.4
    assert read_within_limits(bytes(damaged)).problems == [NOT_A_WORKBOOK]
