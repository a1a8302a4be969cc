"""Uploaded documents: the type comes from the content, never the name, and the name must be a
plain file name. Every upload (tender and decision documents, bid attachments, agreement PDFs)
passes these rules."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenderapp.domain.documents import (
    EXCEL,
    NAME_HAS_CONTROLS,
    NAME_HAS_FOLDER,
    NAME_STARTS_BADLY,
    NAME_TOO_LONG,
    NOT_DOCUMENT,
    NOT_PDF,
    PDF,
    WORD,
    check_document,
    check_filename,
    check_pdf,
    document_type,
    safe_filename,
)
from tenderapp.domain.errors import RuleViolation
from tests.hostile import DOCX, EXE, HTML, PDF_BYTES, SCRIPT, XLSX, office

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
        assert refusal(lambda: check_pdf(content, "agreement.pdf", "document")) == NOT_PDF


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


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_or_recognised_never_an_error(content):
    for data in (content, b"PK\x03\x04" + content, DOCX[: len(content)] + content):
        assert document_type(data) in {None, PDF, WORD, EXCEL}


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(XLSX)), st.binary(min_size=1, max_size=8))
def test_a_damaged_office_file_is_refused_not_an_error(at, junk):
    damaged = XLSX[:at] + junk + XLSX[at + len(junk):]
    assert document_type(damaged) in {None, EXCEL, PDF}  # junk of "%PDF-" at the start makes a PDF


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
