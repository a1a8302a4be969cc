"""Every demo package as the OCDS Data Review Tool (libcoveocds, offline) sees it: no validation
errors, no undeclared additional fields, every declared extension found; the packages compiled
into records (ocdsmerge) state the app's facts; notices follow each tender's regime."""

import json
import warnings

import pytest
from sqlmodel import select

from tenderapp.domain.uk_time import uk_instant
from tenderapp.exports import ocds, ocds_records
from tenderapp.models import Contract, Tender
from tests import ocds_review

DEMO_REFERENCES = ("SC14027", "SC26041")


def _packages(db, client) -> dict[str, dict]:
    published = db.exec(select(Tender).where(Tender.published_at.is_not(None))).all()
    assert {t.reference for t in published} >= set(DEMO_REFERENCES)
    return {t.reference: client.get(f"/open-data/tenders/{t.reference}.json").get_json() for t in published}


def _assert_clean(review: ocds_review.Review) -> None:
    assert review.validation_errors == []
    assert review.additional_fields == []
    assert review.invalid_extensions == {}
    assert review.extensions_found == list(ocds.EXTENSIONS)
    assert review.closed_codelist_values == {} and review.open_codelist_values == {}
    assert review.additional_checks == {} and review.deprecated_fields == []


def test_every_demo_package_and_record_passes_the_review_tool(db, load_demo, client, tmp_path, capsys):
    ocds_review.require_shared()
    load_demo()
    packages = _packages(db, client)
    summaries = []
    for reference, package in packages.items():
        assert package["extensions"] == list(ocds.EXTENSIONS)
        review = ocds_review.review(package, tmp_path)
        _assert_clean(review)
        summaries.append(f"{reference}.json: {review.summary()}")
    for url in ("/open-data/records.json", "/open-data/releases.json",
                *(f"/open-data/records/{reference}.json" for reference in packages)):
        served = client.get(url).get_json()
        review = ocds_review.review(served, tmp_path)
        _assert_clean(review)
        count = len(served.get("records", served.get("releases", [])))
        summaries.append(f"{url} ({count} {'records' if 'records' in served else 'releases'}): {review.summary()}")
    with capsys.disabled():
        print("\nlibcoveocds:", *summaries, sep="\n  ")


def test_an_undeclared_extension_field_is_what_the_review_reports(db, load_demo, client, tmp_path):
    # the check can fail: the same package without its extensions has undeclared fields
    load_demo()
    package = dict(client.get("/open-data/tenders/SC26041.json").get_json(), extensions=[])
    review = ocds_review.review(package, tmp_path)
    assert {f["field"] for f in review.additional_fields} == {"noticeType"}


def test_the_kept_merge_rules_are_those_of_the_declared_schema():
    ocds_review.require_shared()
    from ocdsextensionregistry.profile_builder import ProfileBuilder
    from ocdsmerge.rules import get_merge_rules

    from tenderapp.exports.ocds_merge_rules import MERGE_RULES

    with ocds_review.offline(), warnings.catch_warnings():
        warnings.simplefilter("error")  # an extension that cannot be read would only warn
        builder = ProfileBuilder("1__1__5", list(ocds.EXTENSIONS),
                                 standard_base_url=ocds_review.STANDARD_ZIP.as_uri())
        schema = builder.patched_release_schema()
    assert get_merge_rules(schema) == MERGE_RULES


def _utc(day) -> str:
    return uk_instant(day, __import__("datetime").time(0, 0)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_compiled_records_state_the_apps_facts(db, load_demo, client, sign_in_as):
    load_demo()
    packages = _packages(db, client)
    compiled = {r: ocds_records.record(p)["compiledRelease"] for r, p in packages.items()}
    contract = db.exec(select(Contract)).one()
    page = sign_in_as("admin@kent.example", "demo-password").get(f"/contracts/{contract.id}").get_data(as_text=True)
    assert "Expired" in page  # what the app shows: the term ended on 31 March 2020
    sc14027 = compiled["SC14027"]
    assert sc14027["tag"] == ["compiled"] and sc14027["tender"]["status"] == "complete"
    [awarded] = sc14027["contracts"]
    assert awarded["status"] == "terminated"
    assert awarded["value"]["amount"] == contract.value_pence / 100 == sc14027["awards"][0]["value"]["amount"]
    assert awarded["period"]["startDate"] == _utc(contract.start_date)
    assert awarded["period"]["endDate"] == "2020-03-31T22:59:59Z" and contract.end_date.isoformat() == "2020-03-31"
    assert awarded["dateSigned"] == _utc(contract.entered_into_on)
    assert len(awarded["amendments"]) == 1
    sc26041 = compiled["SC26041"]
    tender = db.exec(select(Tender).where(Tender.reference == "SC26041")).one()
    assert sc26041["tender"]["status"] == "active" and "contracts" not in sc26041
    assert sc26041["tender"]["tenderPeriod"]["endDate"] == ocds._when(tender.submission_deadline)
    assert sc26041["tender"]["value"]["amount"] == tender.estimated_value_pence / 100


def _notices(package: dict) -> list[dict]:
    return [d for r in package["releases"] for part in ("tender", "awards", "contracts") if part in r
            for block in ([r[part]] if part == "tender" else r[part]) for d in block.get("documents", [])]


def test_notices_follow_the_tenders_regime(db, load_demo, client):
    load_demo()
    packages = _packages(db, client)
    old = _notices(packages["SC14027"])  # the Public Contracts Regulations 2015
    assert {d["title"] for d in old} == {"Contract notice", "Contract award notice"}
    assert not any("noticeType" in d for d in old) and "UK" not in json.dumps(old)
    new = _notices(packages["SC26041"])  # the Procurement Act 2023
    assert {(d["noticeType"], d["documentType"]) for d in new} == {("UK4", "tenderNotice")}


@pytest.mark.parametrize("regime, expected", [("PA2023", ("UK10", "UK10: Contract change notice")),
                                              ("PCR2015", (None, "Modification notice"))])
def test_a_published_change_is_the_regimes_change_notice(db, load_demo, client, regime, expected):
    from tenderapp.models import ContractExtension

    load_demo()
    tender = db.exec(select(Tender).where(Tender.reference == "SC14027")).one()
    tender.regime = regime
    extension = db.exec(select(ContractExtension)).one()
    extension.change_notice_required, extension.change_notice_published_on = True, extension.decided_on
    db.add_all([tender, extension])
    db.commit()
    package = client.get("/open-data/tenders/SC14027.json").get_json()
    changes = [d for d in _notices(package) if d["id"].startswith("SC14027-UK10") or "modification" in d["id"]]
    assert changes and {(d.get("noticeType"), d["title"]) for d in changes} == {expected}
