"""OCDS record packages: each tender's releases compiled into one record, as ``ocdskit compile``
would (ocdsmerge with the merge rules of the schema the packages declare), and the bulk
download of every package. Pure: release packages (dicts) in, dicts out."""

import ocdsmerge

from tenderapp.exports.ocds import EXTENSIONS, OCDS_VERSION
from tenderapp.exports.ocds_merge_rules import MERGE_RULES

_MERGER = ocdsmerge.Merger(merge_rules=dict(MERGE_RULES))


def compiled_release(releases: list[dict]) -> dict:
    """The releases merged in date order: the latest value of each field."""
    return _MERGER.create_compiled_release(releases)


def record(package: dict) -> dict:
    """One tender's record: its every release, and the compiled release."""
    releases = package["releases"]
    return {"ocid": releases[0]["ocid"], "releases": releases, "compiledRelease": compiled_release(releases)}


def _published(packages: list[dict], empty: str) -> str:
    return max((p["publishedDate"] for p in packages), default=empty)


def record_package(packages: list[dict], url: str, publisher: str, empty: str) -> dict:
    """A record package holding one record per ocid of the given release packages; ``empty``
    is its publishedDate when there are none."""
    return {"uri": url, "version": OCDS_VERSION, "extensions": list(EXTENSIONS),
            "publishedDate": _published(packages, empty),
            "publisher": {"name": publisher}, "packages": [p["uri"] for p in packages],
            "records": [record(p) for p in packages]}


def bulk_package(packages: list[dict], url: str, publisher: str, empty: str) -> dict:
    """Every release of every package in one release package (the bulk download)."""
    return {"uri": url, "version": OCDS_VERSION, "extensions": list(EXTENSIONS),
            "publishedDate": _published(packages, empty),
            "publisher": {"name": publisher}, "releases": [r for p in packages for r in p["releases"]]}
