"""Every upload route decides a file's type from its content, refuses names that carry a path
or hidden characters with a message beside the file field, and serves what it kept under a
name any browser and server can handle."""

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Callable

import pytest
from markupsafe import escape
from sqlmodel import select

from tenderapp.domain.documents import (
    HAS_PROGRAMS,
    NAME_HAS_CONTROLS,
    NAME_HAS_FOLDER,
    NAME_STARTS_BADLY,
    NAME_TOO_LONG,
    PDF_DAMAGED,
    TOO_LARGE_UNPACKED,
)
from tenderapp.models import BidAttachment, QualityCriterion, TenderDocument
from tests.conftest import csrf_from
from tests.hostile import DOCX, EXE, HTML, PDF_BYTES, SCRIPT, XLSX, as_sent, package, zip_bomb


@dataclass(frozen=True)
class Upload:
    actor: str
    url: Callable  # (world, db) -> the form's address
    field: str
    fields: dict  # the other fields, filled in correctly
    pdf_only: bool = False


def _criterion(world, db) -> int:
    return db.exec(select(QualityCriterion.id).where(QualityCriterion.tender_id == world.open_tender.id)).first()


UPLOADS = {
    "tender document": Upload("admin@lead.example", lambda w, db: f"/tenders/{w.tender.id}/documents/new",
                              "document", {"title": "Specification"}),
    "decision document": Upload("admin@lead.example", lambda w, db: f"/decisions/{w.decision.id}/documents/new",
                                "document", {"kind": "report", "title": "Report to the Cabinet Committee"}),
    "bid attachment": Upload("bidder@supplier.example",
                             lambda w, db: f"/tenders/{w.open_tender.id}/bid/answers/{_criterion(w, db)}/files",
                             "attachment", {}),
    "agreement PDF": Upload("admin@lead.example", lambda w, db: f"/collaborations/{w.collab.id}/agreements/new",
                            "document", {"title": "Mediation agreement", "summary": "Members share the cost."},
                            pdf_only=True),
    "authority for a representation": Upload(
        "admin@lead.example", lambda w, db: f"/collaborations/{w.collab.id}/representations/new", "document",
        {"representative_id": lambda w: w.lead.id, "represented_ids": lambda w: [w.partner.id],
         "reference": "Letter of authority, 3 March 2026"}, pdf_only=True),
}


def post_file(browser, world, db, upload: Upload, content: bytes, name: str):
    url = upload.url(world, db)
    token = csrf_from(browser.get(url).get_data(as_text=True))
    fields = {k: (v(world) if callable(v) else v) for k, v in upload.fields.items()}
    return browser.client.post(url, data={"csrf_token": token, upload.field: (io.BytesIO(content), as_sent(name)),
                                          **fields}, content_type="multipart/form-data")


def error_beside(page: str, field: str) -> str:
    """The text of the error message shown beside ``field``."""
    found = re.search(rf'<p id="{field}-error" class="govuk-error-message">(.*?)</p>', page, re.S)
    assert found, f"no error message beside {field}"
    return re.sub(r"<[^>]+>", "", found.group(1)).replace("Error:", "").strip()


NAMES = [
    ("../../etc/passwd", NAME_HAS_FOLDER),
    ("/etc/passwd", NAME_HAS_FOLDER),
    ("C:\\x\\y.pdf", NAME_HAS_FOLDER),
    ("..\\..\\windows\\win.ini", NAME_HAS_FOLDER),
    ("reports/../q1.pdf", NAME_HAS_FOLDER),
    (".hidden.pdf", NAME_STARTS_BADLY),
    ("-rf.pdf", NAME_STARTS_BADLY),
    ("spec\x00.pdf", NAME_HAS_CONTROLS),
    ("spec\x1b[31m.pdf", NAME_HAS_CONTROLS),
    ("invoice\u202efdp.exe", NAME_HAS_CONTROLS),
    ("n" * 300 + ".pdf", NAME_TOO_LONG),
]


@pytest.mark.parametrize("kind", UPLOADS)
def test_path_tricks_in_file_names_are_refused_beside_the_field_and_the_form_is_kept(kind, world, db, sign_in_as):
    upload = UPLOADS[kind]
    person = sign_in_as(upload.actor)
    for name, message in NAMES:
        response = post_file(person, world, db, upload, PDF_BYTES, name)
        page = response.get_data(as_text=True)
        assert response.status_code == 400, (kind, name, response.status_code)
        assert error_beside(page, upload.field) == str(escape(message)), (kind, name)
        for value in upload.fields.values():
            if isinstance(value, str):
                assert f'>{escape(value)}<' in page or f'value="{escape(value)}"' in page, (kind, value)


@pytest.mark.parametrize("kind", UPLOADS)
def test_the_type_is_read_from_the_content_not_the_name(kind, world, db, sign_in_as):
    upload = UPLOADS[kind]
    person = sign_in_as(upload.actor)
    expected = "The selected file must be a PDF" if upload.pdf_only else \
        "The selected file must be a PDF, Word or Excel document"
    for content, name in ((HTML, "page.pdf"), (EXE, "setup.pdf"), (SCRIPT, "notes.docx"), (b"", "empty.pdf")):
        response = post_file(person, world, db, upload, content, name)
        assert response.status_code == 400, (kind, name)
        shown = error_beside(response.get_data(as_text=True), upload.field)
        assert shown == (expected if content else "The selected file is empty"), (kind, name)
    assert post_file(person, world, db, upload, PDF_BYTES, "agreement.xlsx").status_code == 302, kind


def test_a_pdf_named_as_a_spreadsheet_is_kept_and_served_as_the_pdf_it_is(world, db, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    assert post_file(admin, world, db, UPLOADS["tender document"], PDF_BYTES, "prices.xlsx").status_code == 302
    document = db.exec(select(TenderDocument).where(TenderDocument.tender_id == world.tender.id)).one()
    response = admin.get(f"/tenders/{world.tender.id}/documents/{document.id}")
    assert response.data == PDF_BYTES and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="prices.pdf"'


def test_a_bid_attachment_with_a_welsh_name_downloads_under_a_name_a_server_can_send(world, db, sign_in_as):
    bidder = sign_in_as("bidder@supplier.example")
    assert post_file(bidder, world, db, UPLOADS["bid attachment"], PDF_BYTES, "Cynllun ŵyl.pdf").status_code == 302
    attachment = db.exec(select(BidAttachment)).one()
    response = bidder.get(f"/tenders/{world.open_tender.id}/bid/files/{attachment.id}")
    disposition = response.headers["Content-Disposition"]
    disposition.encode("latin-1")  # what a WSGI server does with every header
    assert disposition == "attachment; filename=\"Cynllun wyl.pdf\"; filename*=UTF-8''Cynllun%20%C5%B5yl.pdf"
    assert response.data == PDF_BYTES


def _review_docx() -> bytes:
    """The "Word file" of the insider review: its text, and a program beside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("payload.exe", EXE)
    return buffer.getvalue()


HOSTILE_FILES = {
    "a PDF carrying a web page and a program": (b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n"
                                                + EXE, "specification.pdf", PDF_DAMAGED),
    "a zip bomb with Office parts": (zip_bomb, "method.docx", TOO_LARGE_UNPACKED),
    "a Word file holding a program": (_review_docx, "method.docx", HAS_PROGRAMS),
    "a spreadsheet with macros": (lambda: package("xl/workbook.xml", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
                                  "prices.xlsx", HAS_PROGRAMS),
}


def _stored(db, kind: str) -> int:
    db.expire_all()
    return len(db.exec(select(TenderDocument if kind == "tender document" else BidAttachment)).all())


@pytest.mark.parametrize("hostile", HOSTILE_FILES)
@pytest.mark.parametrize("kind", ["tender document", "bid attachment"])
def test_a_file_that_only_looks_like_a_document_is_refused_beside_the_field_and_nothing_is_kept(
        kind, hostile, world, db, sign_in_as):
    upload = UPLOADS[kind]
    content, name, message = HOSTILE_FILES[hostile]
    person = sign_in_as(upload.actor)
    response = post_file(person, world, db, upload, content() if callable(content) else content, name)
    page = response.get_data(as_text=True)
    assert response.status_code == 400, (kind, hostile)
    assert error_beside(page, upload.field) == message, (kind, hostile)
    assert page.count(message) == 2  # in the summary at the top and beside the field
    for value in upload.fields.values():
        assert f'value="{escape(value)}"' in page, (kind, value)  # what was typed is kept
    assert _stored(db, kind) == 0


@pytest.mark.parametrize("kind", ["tender document", "bid attachment"])
def test_real_word_and_excel_files_are_still_taken(kind, world, db, sign_in_as):
    person = sign_in_as(UPLOADS[kind].actor)
    assert post_file(person, world, db, UPLOADS[kind], DOCX, "method.docx").status_code == 302
    assert post_file(person, world, db, UPLOADS[kind], XLSX, "prices.xlsx").status_code == 302
    assert _stored(db, kind) == 2


@pytest.mark.parametrize("kind", UPLOADS)
def test_every_upload_refuses_a_pdf_that_does_not_parse(kind, world, db, sign_in_as):
    upload = UPLOADS[kind]
    content, _, message = HOSTILE_FILES["a PDF carrying a web page and a program"]
    response = post_file(sign_in_as(upload.actor), world, db, upload, content, "agreement.pdf")
    assert response.status_code == 400, kind
    assert error_beside(response.get_data(as_text=True), upload.field) == message, kind
