"""Documents are kept where DOCUMENT_STORAGE says, come back in chunks checked against their
SHA-256, and a missing one is an error in code and the 404 page on the web."""

import hashlib
import os

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import update
from sqlmodel import Session, select

from tenderapp.models import DocumentChunk, StoredDocument, TenderDocument
from tenderapp.storage import (
    CHUNK_SIZE,
    DatabaseDocumentStore,
    DocumentCorrupted,
    DocumentMissing,
    DocumentStore,
    S3DocumentStore,
    document_store,
)
from tests.hostile import PDF_BYTES
from tests.web.test_uploads import UPLOADS, post_file

BIG = os.urandom(CHUNK_SIZE * 2 + 17)


@pytest.fixture(params=["database", "local", "s3"])
def store(request, db, tmp_path):
    if request.param == "s3":
        with mock_aws():
            boto3.client("s3", region_name="eu-west-2").create_bucket(
                Bucket="documents", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
            yield S3DocumentStore("documents", "tenderapp/", client=boto3.client("s3", region_name="eu-west-2"))
        return
    yield DatabaseDocumentStore(db) if request.param == "database" else DocumentStore(tmp_path)


def test_a_document_comes_back_as_it_was_stored_in_1_mib_chunks(store, db):
    sha256 = store.save(BIG)
    db.commit()
    assert sha256 == hashlib.sha256(BIG).hexdigest()
    chunks = list(store.stream(sha256))
    assert [len(c) for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 17]
    assert store.read(sha256) == BIG
    assert store.save(BIG) == sha256  # stored once


def test_a_missing_document_raises_document_missing(store):
    with pytest.raises(DocumentMissing):
        store.read("0" * 64)


def test_bytes_that_no_longer_match_their_hash_are_detected(store, db, tmp_path):
    sha256 = store.save(BIG)
    db.commit()
    if isinstance(store, DatabaseDocumentStore):
        db.exec(update(DocumentChunk).where(DocumentChunk.document_key == sha256, DocumentChunk.sequence == 1)
                .values(data=b"x" * CHUNK_SIZE))
        db.commit()
        db.expire_all()
    elif isinstance(store, S3DocumentStore):
        store.client.put_object(Bucket="documents", Key=f"tenderapp/{sha256}", Body=b"tampered")
    else:
        (tmp_path / sha256[:2] / sha256).write_bytes(b"tampered")
    with pytest.raises(DocumentCorrupted):
        store.read(sha256)


def test_the_database_store_writes_in_the_callers_transaction_so_a_rollback_leaves_nothing(app, db):
    with Session(app.extensions["tenderapp.engine"]) as session:
        sha256 = DatabaseDocumentStore(session).save(content := os.urandom(CHUNK_SIZE + 1))
        session.rollback()
    store = DatabaseDocumentStore(db)
    assert db.get(StoredDocument, sha256) is None
    assert db.exec(select(DocumentChunk).where(DocumentChunk.document_key == sha256)).all() == []
    with pytest.raises(DocumentMissing):
        store.read(hashlib.sha256(content).hexdigest())


def test_the_default_store_is_the_database_and_local_is_a_choice(app, db):
    with app.app_context():
        assert isinstance(document_store(db), DatabaseDocumentStore)
        app.config["DOCUMENT_STORAGE"] = "local"
        try:
            assert isinstance(document_store(db), DocumentStore)
        finally:
            app.config["DOCUMENT_STORAGE"] = "database"


def test_a_document_uploaded_is_downloaded_from_the_database_and_a_missing_one_is_the_404_page(
        app, world, db, sign_in_as):
    assert app.config["DOCUMENT_STORAGE"] == "database"
    admin = sign_in_as("admin@lead.example")
    assert post_file(admin, world, db, UPLOADS["tender document"], PDF_BYTES, "spec.pdf").status_code == 302
    document = db.exec(select(TenderDocument).where(TenderDocument.tender_id == world.tender.id)).one()
    assert db.get(StoredDocument, document.sha256).size == len(PDF_BYTES)
    url = f"/tenders/{world.tender.id}/documents/{document.id}"
    assert admin.get(url).data == PDF_BYTES

    db.exec(DocumentChunk.__table__.delete())  # type: ignore[attr-defined]
    db.exec(StoredDocument.__table__.delete())  # type: ignore[attr-defined]
    db.commit()
    response = admin.get(url)
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_import_documents_copies_the_files_on_disk_into_the_database_once(app, db, tmp_path):
    local = DocumentStore(tmp_path)
    sha256 = local.save(content := os.urandom(CHUNK_SIZE + 5))
    (tmp_path / sha256[:2] / "leftover.123.tmp").write_bytes(b"half written")
    app.config["DOCUMENTS_PATH"], saved = str(tmp_path), app.config["DOCUMENTS_PATH"]
    try:
        first = app.test_cli_runner().invoke(args=["import-documents"])
        again = app.test_cli_runner().invoke(args=["import-documents"])
    finally:
        app.config["DOCUMENTS_PATH"] = saved
    assert first.exit_code == 0 and "Imported 1 documents" in first.output, first.output
    assert again.exit_code == 0 and "Imported 0 documents" in again.output and "1 were already there" in again.output
    assert DatabaseDocumentStore(db).read(sha256) == content


def test_with_s3_storage_a_document_uploaded_is_an_object_in_the_bucket_and_downloads_and_a_missing_one_is_404(
        app, world, db, sign_in_as, monkeypatch):
    for name, value in {"AWS_DEFAULT_REGION": "eu-west-2", "AWS_ACCESS_KEY_ID": "testing",
                        "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    for name, value in {"DOCUMENT_STORAGE": "s3", "DOCUMENTS_S3_BUCKET": "council-documents",
                        "DOCUMENTS_S3_PREFIX": "tenderapp/"}.items():
        monkeypatch.setitem(app.config, name, value)
    with mock_aws():
        bucket = boto3.client("s3")
        bucket.create_bucket(Bucket="council-documents", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        admin = sign_in_as("admin@lead.example")
        assert post_file(admin, world, db, UPLOADS["tender document"], PDF_BYTES, "spec.pdf").status_code == 302
        document = db.exec(select(TenderDocument).where(TenderDocument.tender_id == world.tender.id)).one()
        stored = bucket.get_object(Bucket="council-documents", Key=f"tenderapp/{document.sha256}")
        assert stored["Body"].read() == PDF_BYTES and db.get(StoredDocument, document.sha256) is None
        url = f"/tenders/{world.tender.id}/documents/{document.id}"
        assert admin.get(url).data == PDF_BYTES

        bucket.delete_object(Bucket="council-documents", Key=f"tenderapp/{document.sha256}")
        response = admin.get(url)
        assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
