"""The OCDS Data Review Tool's library (libcoveocds) run offline over a package: the standard
comes from ``tests/data/ocds/standard-1__1__5-schema.zip`` (copies of the shared OCDS material
kept in the repository, so that every clone runs the review; OCDS_SHARED_DIR points elsewhere)
and each declared extension's URL is answered from the copies in ``tests/data/ocds/extensions``
and ``tests/data/ocds/uk_extension`` (the standard's own schema
URLs, which the record package schema refers to, from the zip). Any other request made
during a review fails, so the review never reaches the network."""

import contextlib
import io
import json
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tenderapp.exports import ocds

SHARED = Path(os.environ.get("OCDS_SHARED_DIR", Path(__file__).resolve().parent / "data" / "ocds"))
STANDARD_ZIP = SHARED / "standard-1__1__5-schema.zip"
STANDARD_SCHEMA_URL = "https://standard.open-contracting.org/schema/1__1__5/"  # served from the zip
# each declared extension's base URL -> its shared copy
EXTENSION_COPIES = {
    ocds.BID_EXTENSION: SHARED / "extensions" / "ocds_bid_extension-v1.1.5",
    ocds.LOCATION_EXTENSION: SHARED / "extensions" / "ocds_location_extension-v1.1.5",
    ocds.UK_EXTENSION: SHARED / "uk_extension",
}


@dataclass(frozen=True)
class Review:
    """What the review tool says of one package."""

    validation_errors: list
    additional_fields: list  # fields no schema (core or declared extension) defines
    extensions_found: list[str]
    invalid_extensions: dict
    closed_codelist_values: dict
    open_codelist_values: dict
    additional_checks: dict  # the tool's further checks (empty fields and the like)
    deprecated_fields: list

    def summary(self) -> str:
        return (f"{len(self.validation_errors)} validation errors, {len(self.additional_fields)} undeclared "
                f"additional fields, {len(self.extensions_found)} of {len(ocds.EXTENSIONS)} extensions found, "
                f"{len(self.closed_codelist_values)} closed and {len(self.open_codelist_values)} open codelist "
                f"values outside the codelists, {len(self.additional_checks)} additional-check findings, "
                f"{len(self.deprecated_fields)} deprecated fields")


def _archive(folder: Path, top: str) -> bytes:
    """A zip of the folder as GitHub serves a repository's archive (one top-level folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{top}/", b"")  # the reader takes the first name as the folder to strip
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(folder)}")
    return buffer.getvalue()


def _served(url: str) -> bytes | None:
    """The shared copy's bytes for an extension's raw file or repository archive URL."""
    url = url.split("?")[0]
    if url.startswith(STANDARD_SCHEMA_URL):
        with zipfile.ZipFile(STANDARD_ZIP) as standard:
            name = f"standard-1__1__5/schema/{url.removeprefix(STANDARD_SCHEMA_URL)}"
            return standard.read(name) if name in standard.namelist() else None
    for declared, folder in EXTENSION_COPIES.items():
        base = declared.removesuffix("extension.json")
        owner, repo, ref = base.removeprefix("https://raw.githubusercontent.com/").strip("/").split("/")
        if url == f"https://github.com/{owner}/{repo}/archive/{ref}.zip":
            return _archive(folder, f"{repo}-{ref.removeprefix('v')}")
        if url.startswith(base):
            path = folder / url.removeprefix(base)
            return path.read_bytes() if path.is_file() else None
    raise LookupError(url)


def _offline_send(adapter, request, **kwargs):
    import requests
    from urllib3 import HTTPResponse

    try:
        body = _served(request.url)
    except LookupError:
        raise requests.ConnectionError(f"the OCDS review is offline: {request.url} is not served") from None
    found = body is not None
    body = body if found else b"Not Found"
    raw = HTTPResponse(body=io.BytesIO(body), status=200 if found else 404, reason="OK" if found else "Not Found",
                       headers={"Content-Length": str(len(body))}, preload_content=False, request_url=request.url)
    return adapter.build_response(request, raw)


@contextlib.contextmanager
def offline():
    """Requests made inside are answered from the shared copies, or fail."""
    from requests.adapters import HTTPAdapter

    original = HTTPAdapter.send
    HTTPAdapter.send = _offline_send
    try:
        yield
    finally:
        HTTPAdapter.send = original


def require_shared() -> None:
    """Skip (fail on CI) when the OCDS material is not where SHARED says (tests/data/ocds by default)."""
    if not STANDARD_ZIP.is_file():
        message = f"the OCDS 1.1.5 standard zip is not at {STANDARD_ZIP} (set OCDS_SHARED_DIR to its folder)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def review(package: dict, output_dir: Path) -> Review:
    """Run libcoveocds over ``package`` (a release or record package) as the Data Review Tool would."""
    require_shared()
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(), "context": "api"})
    with offline():
        output_dir.mkdir(parents=True, exist_ok=True)
        result = ocds_json_output(str(output_dir), json_data=json.loads(json.dumps(package)),
                                  lib_cove_ocds_config=config)
    extensions = result.get("extensions") or {}
    return Review(
        validation_errors=result["validation_errors"], additional_fields=result["additional_fields"],
        extensions_found=[e["url"] for e in extensions.get("extensions", []) if e],
        invalid_extensions=dict(extensions.get("invalid_extension", {})),
        closed_codelist_values=result["additional_closed_codelist_values"],
        open_codelist_values=result["additional_open_codelist_values"],
        additional_checks=result.get("additional_checks") or {}, deprecated_fields=result["deprecated_fields"])
