"""Uploaded documents: the type comes from the content, never the name; the content must really
be that type (a PDF that parses, a Word or Excel package within limits and free of programs and
macros); and the name must be a plain file name. Every upload (tender and decision documents,
bid attachments, agreement PDFs) passes these rules."""

import io
import random
import time
import warnings
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from tenderapp.demo.documents import text_pdf
from tenderapp.domain.archives import ZipLimits
from tenderapp.domain.documents import (
    EXCEL,
    HAS_PROGRAMS,
    NAME_HAS_CONTROLS,
    NAME_HAS_FOLDER,
    NAME_STARTS_BADLY,
    NAME_TOO_LONG,
    NOT_DOCUMENT,
    NOT_PDF,
    OFFICE_DAMAGED,
    OFFICE_LIMITS,
    PDF,
    PDF_DAMAGED,
    PDF_LOCKED,
    PDF_NO_PAGES,
    TOO_LARGE_UNPACKED,
    WORD,
    check_document,
    check_filename,
    check_pdf,
    document_type,
    safe_filename,
)
from tenderapp.domain.errors import RuleViolation
from tests.hostile import DOCX, EXE, HTML, PDF_BYTES, SCRIPT, XLSX, office, package, pdf, zip_bomb

WORD_MAIN = "word/document.xml"

def refusal(call) -> str:
    with pytest.raises(RuleViolation) as raised:
        call()
    return raised.value.message


# --- the type is read from the content ------------------------------------------------------


@pytest.mark.parametrize(("content", "kind"), [(PDF_BYTES, PDF), (DOCX, WORD), (XLSX, EXCEL)])
def test_pdf_word_and_excel_are_recognised_by_their_content(content, kind):
    assert document_type(content) == kind
    assert check_document(content, "named anything.bin", "document") == kind


@pytest.mark.parametrize("content", [
    HTML, EXE, SCRIPT, b"just text", b"PK\x03\x04 truncated zip", office("hello.txt"),
    office("[Content_Types].xml"),  # a package, but neither Word nor Excel
    office("[Content_Types].xml", "ppt/presentation.xml"),
    b" %PDF-1.4 (the marker must come first)",
])
@pytest.mark.parametrize("name", ["specification.pdf", "prices.xlsx", "method.docx"])
def test_anything_else_is_refused_whatever_it_is_called(content, name):
    assert refusal(lambda: check_document(content, name, "document")) == NOT_DOCUMENT


def test_a_pdf_named_as_a_spreadsheet_is_a_pdf_and_named_for_what_it_is():
    assert check_document(PDF_BYTES, "prices.xlsx", "document") == PDF
    assert safe_filename("prices.xlsx", "document", PDF) == "prices.pdf"
    assert safe_filename("minutes", "document", WORD) == "minutes.docx"
    assert safe_filename("budget.v2", "document", EXCEL) == "budget.v2.xlsx"
    assert safe_filename("Report.PDF", "document", PDF) == "Report.PDF"


def test_only_a_pdf_is_an_agreement():
    check_pdf(PDF_BYTES, "agreement.pdf", "document")
    for content in (DOCX, HTML, EXE):
        assert refusal(lambda content=content: check_pdf(content, "agreement.pdf", "document")) == NOT_PDF


def test_missing_empty_and_oversized_files_have_their_own_messages():
    assert refusal(lambda: check_document(None, None, "document")) == "Select a file"
    assert refusal(lambda: check_document(b"", "empty.pdf", "document")) == "The selected file is empty"
    big = PDF_BYTES + b"x" * (10 * 1024 * 1024)
    assert refusal(lambda: check_document(big, "big.pdf", "attachment", max_bytes=10 * 1024 * 1024)
                   ) == "The selected file must be smaller than 10MB"


def test_the_message_belongs_beside_the_field_it_names():
    with pytest.raises(RuleViolation) as raised:
        check_document(HTML, "page.pdf", "attachment")
    assert raised.value.field == "attachment"


def accepted_or_refused(content: bytes) -> str | None:
    """The type check_document accepts ``content`` as, or None when it refuses it."""
    try:
        return check_document(content, "file.pdf", "document")
    except RuleViolation as error:
        assert error.field == "document" and error.message.startswith("The selected file")
        return None


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_or_recognised_never_an_error(content):
    for data in (content, b"PK\x03\x04" + content, DOCX[: len(content)] + content, b"%PDF-1.7\n" + content,
                 PDF_BYTES[: len(content)] + content):
        assert document_type(data) in {None, PDF, WORD, EXCEL}
        assert accepted_or_refused(data) in {None, PDF, WORD, EXCEL}


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([XLSX, DOCX, PDF_BYTES]), st.floats(0, 1), st.binary(min_size=1, max_size=8))
def test_a_damaged_document_is_refused_not_an_error(original, where, junk):
    at = int(where * len(original))
    damaged = original[:at] + junk + original[at + len(junk):]
    assert document_type(damaged) in {None, EXCEL, WORD, PDF}  # junk of "%PDF-" at the start makes a PDF
    assert accepted_or_refused(damaged) in {None, EXCEL, WORD, PDF}


# --- a PDF must be one ----------------------------------------------------------------------


def test_the_pdfs_the_project_makes_and_real_ones_are_accepted():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("", owner_password="council")  # only printing or editing is restricted: opens for anyone
    restricted = io.BytesIO()
    writer.write(restricted)
    for content in (text_pdf(["Specification", "1. The provider runs a helpline."]), pdf("Method statement"),
                    restricted.getvalue(), PDF_BYTES + b"\r\n\x00"):
        assert check_document(content, "specification.pdf", "document") == PDF
        check_pdf(content, "agreement.pdf", "document")


@pytest.mark.parametrize("content", [
    b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n" + EXE,  # seen in review
    b"%PDF-1.4\n" + EXE,
    b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n",  # the header and nothing a reader can open
    PDF_BYTES[: len(PDF_BYTES) // 2],  # cut short
    PDF_BYTES.replace(b"%\xe2\xe3\xcf\xd3", b"<script>alert(1)</script>", 1),  # parses, but carries a script
    PDF_BYTES + b"<html><script>alert(1)</script></html>",  # a web page after the end of the PDF
    PDF_BYTES + EXE,  # a program after the end of the PDF
    b"%PDF-1.4\n" + b"[" * 100_000,  # nesting deep enough to exhaust a recursive parser
])
def test_a_file_that_only_starts_like_a_pdf_is_refused_as_damaged(content):
    assert refusal(lambda: check_document(content, "specification.pdf", "document")) == PDF_DAMAGED
    assert refusal(lambda: check_pdf(content, "agreement.pdf", "document")) == PDF_DAMAGED


def test_a_pdf_that_needs_a_password_or_has_no_page_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("secret")
    locked = io.BytesIO()
    writer.write(locked)
    empty = io.BytesIO()
    PdfWriter().write(empty)
    assert refusal(lambda: check_document(locked.getvalue(), "tender.pdf", "document")) == PDF_LOCKED
    assert refusal(lambda: check_pdf(empty.getvalue(), "agreement.pdf", "document")) == PDF_NO_PAGES


# --- a Word or Excel file must be a sound package, free of programs and macros ---------------


def test_real_word_and_excel_files_are_accepted():
    from openpyxl import Workbook

    saved = io.BytesIO()
    Workbook().save(saved)
    assert check_document(saved.getvalue(), "prices.xlsx", "document") == EXCEL
    with_image = package(WORD_MAIN, {"word/media/image1.png": b"\x89PNG\r\n\x1a\n" + random.Random(2).randbytes(5000)})
    assert check_document(with_image, "method.docx", "document") == WORD


def test_a_zip_bomb_is_refused_quickly_without_being_unpacked():
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    assert refusal(lambda: check_document(bomb, "method.docx", "attachment")) == TOO_LARGE_UNPACKED
    assert time.perf_counter() - started < 0.5


def test_each_unpacking_limit_holds_on_its_own():
    zeros = package(WORD_MAIN, {"word/media/image1.png": bytes(2 * 1024 * 1024)})  # packs about 1000 to one
    many = package(WORD_MAIN, {f"word/media/image{n}.png": b"x" for n in range(OFFICE_LIMITS.entries)})
    noise = package(WORD_MAIN, {"word/media/image1.png": random.Random(1).randbytes(2 * 1024 * 1024)})  # unpackable
    assert refusal(lambda: check_document(zeros, "method.docx", "document")) == TOO_LARGE_UNPACKED
    assert refusal(lambda: check_document(many, "method.docx", "document")) == TOO_LARGE_UNPACKED
    small = ZipLimits(entries=OFFICE_LIMITS.entries, unpacked_bytes=1024 * 1024)
    assert check_document(noise, "method.docx", "document") == WORD
    assert refusal(lambda: check_document(noise, "method.docx", "document", limits=small)) == TOO_LARGE_UNPACKED


def test_huge_content_types_are_not_read_past_their_cap():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types>" + " " * 2 * 1024 * 1024 + "</Types>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(WORD_MAIN, "<document/>")
    no_ratio = ZipLimits(entries=100, unpacked_bytes=100 * 1024 * 1024)
    assert refusal(lambda: check_document(buffer.getvalue(), "a.docx", "document", limits=no_ratio)) \
        == TOO_LARGE_UNPACKED


@pytest.mark.parametrize("extra", [
    {"payload.exe": b"anything"},
    {"word/media/setup.EXE": b"anything"},
    {"word/tools/run.bat": b"@echo off"},
    {"word/tools/run.ps1": b"Remove-Item"},
    {"word/tools/run.js": b"WScript"},
    {"word/tools/run.jar": b"PK"},
    {"word/tools/run.sh": b"#!/bin/sh"},
    {"word/media/image1.png": EXE},  # a program under an innocent name
    {"word/media/image1.png": b"\x7fELF\x02\x01\x01"},
    {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},  # macros
])
def test_a_package_holding_a_program_or_macros_is_refused(extra):
    for main in ("word/document.xml", "xl/workbook.xml"):
        content = package(main, extra)
        assert refusal(lambda content=content: check_document(content, "method.docx", "attachment")) == HAS_PROGRAMS


def test_the_word_file_of_the_review_holding_only_its_text_and_a_program_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(WORD_MAIN, "<document/>")
        archive.writestr("payload.exe", EXE)
    assert refusal(lambda: check_document(buffer.getvalue(), "method.docx", "document")) == HAS_PROGRAMS


def test_a_macro_enabled_document_is_refused():
    macro_word = "application/vnd.ms-word.document.macroEnabled.main+xml"
    macro_excel = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert refusal(lambda: check_document(package(WORD_MAIN, main_type=macro_word), "a.docx", "d")) == HAS_PROGRAMS
    assert refusal(lambda: check_document(package("xl/workbook.xml", main_type=macro_excel), "a.xlsx", "d")
                   ) == HAS_PROGRAMS


def rewritten(content: bytes, part: str, change) -> bytes:
    """``content`` with ``part`` changed by ``change`` (a function of its bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            target.writestr(entry.filename, change(data) if entry.filename == part else data)
    return out.getvalue()


def twice_named() -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        return package(WORD_MAIN, {WORD_MAIN: b"<second/>"})


@pytest.mark.parametrize("content", [
    office("[Content_Types].xml", "word/document.xml"),  # no package relationships, and <x/> as content types
    office("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
    package(WORD_MAIN, main_type="application/xml"),  # not declared as a Word document
    package("xl/workbook.xml", main_type=\
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    package(WORD_MAIN, {"../../etc/cron.d/x": b"* * * * * root sh"}),
    package(WORD_MAIN, {"/etc/passwd": b"root"}),
    package(WORD_MAIN, {"word\\..\\..\\boot.ini": b"x"}),
    package(WORD_MAIN, {"C:/Windows/win.ini": b"x"}),
    twice_named(),  # two parts of one name: which one a program reads is anyone's guess
    rewritten(DOCX, "[Content_Types].xml", lambda xml: xml.replace(b"<Types", b'<!DOCTYPE t [<!ENTITY e "x">]><Types')),
    rewritten(DOCX, "[Content_Types].xml", lambda xml: xml[:40]),  # not well-formed
])
def test_a_package_that_is_not_a_sound_word_or_excel_file_is_refused_as_damaged(content):
    assert refusal(lambda: check_document(content, "method.docx", "document")) == OFFICE_DAMAGED


# --- the name must be a plain file name -----------------------------------------------------


@pytest.mark.parametrize("name", [
    "specification.pdf", "Method statement (v2).docx", "Adroddiad ŵyn.pdf", "报告.pdf", "a..b.pdf",
    "2026-27 prices.xlsx", "O'Brien & Sons.pdf",
])
def test_plain_file_names_are_accepted_as_they_are(name):
    assert check_filename(name, "document") == name


@pytest.mark.parametrize(("name", "message"), [
    ("../../etc/passwd", NAME_HAS_FOLDER),
    ("/etc/passwd", NAME_HAS_FOLDER),
    ("C:\\x\\y.pdf", NAME_HAS_FOLDER),
    ("C:y.pdf", NAME_HAS_FOLDER),
    ("..\\..\\boot.ini", NAME_HAS_FOLDER),
    ("reports/q1.pdf", NAME_HAS_FOLDER),
    ("\\\\server\\share\\x.pdf", NAME_HAS_FOLDER),
    ("..", NAME_HAS_FOLDER),
    (".htaccess", NAME_STARTS_BADLY),
    ("...pdf", NAME_STARTS_BADLY),
    ("-rf.pdf", NAME_STARTS_BADLY),
    ("--help.pdf", NAME_STARTS_BADLY),
    ("a\x00b.pdf", NAME_HAS_CONTROLS),
    ("spec\x00.pdf\x00.exe", NAME_HAS_CONTROLS),
    ("line\nbreak.pdf", NAME_HAS_CONTROLS),
    ("tab\t.pdf", NAME_HAS_CONTROLS),
    ("bell\x07.pdf", NAME_HAS_CONTROLS),
    ("del\x7f.pdf", NAME_HAS_CONTROLS),
    ("invoice\u202efdp.exe", NAME_HAS_CONTROLS),  # shows as invoiceexe.pdf
    ("\u200fright-to-left.pdf", NAME_HAS_CONTROLS),
    ("zero\u200bwidth.pdf", NAME_HAS_CONTROLS),
    ("x" * 197 + ".pdf", NAME_TOO_LONG),
    (" ", "The selected file must have a name"),
])
def test_path_tricks_and_hidden_characters_in_names_are_refused_with_a_clear_message(name, message):
    with pytest.raises(RuleViolation) as raised:
        check_filename(name, "attachment")
    assert raised.value.message == message
    assert raised.value.field == "attachment"


def test_every_upload_rule_checks_the_name():
    assert refusal(lambda: check_document(PDF_BYTES, "/etc/passwd", "document")) == NAME_HAS_FOLDER
    assert refusal(lambda: check_pdf(PDF_BYTES, "..\\agreement.pdf", "document")) == NAME_HAS_FOLDER


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250))
def test_an_accepted_name_has_no_folder_or_hidden_part_and_its_display_name_is_tidy(name):
    try:
        accepted = check_filename(name, "document")
    except RuleViolation as error:
        assert error.field == "document" and error.message.startswith("The selected file")
        return
    assert "/" not in accepted and "\\" not in accepted and not accepted.lstrip().startswith((".", "-"))
    shown = safe_filename(accepted, "document", PDF)
    assert shown.endswith(".pdf") and len(shown) <= 200 and "/" not in shown
