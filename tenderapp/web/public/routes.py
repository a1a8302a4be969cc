"""For anyone, without signing in: open opportunities, each published tender's public notice
and its public documents, and the open-data index with record packages and bulk downloads."""

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from werkzeug.wrappers import Response

from tenderapp import access, clock
from tenderapp.access import tenders as tender_access
from tenderapp.db import get_session
from tenderapp.domain.documents import document_type
from tenderapp.domain.uk_time import uk_today
from tenderapp.exports import ocds_records
from tenderapp.services import ocds, public
from tenderapp.storage import document_store
from tenderapp.web.downloads import download
from tenderapp.web.guards import public as public_page

bp = Blueprint("public", __name__)


def _open_data(payload: dict) -> Response:
    response = jsonify(payload)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/opportunities")
@public_page
def opportunities():
    filters = public.Filters.parse(request.args.get("q"), request.args.get("status"), request.args.get("buyer"))
    listing = public.opportunities(get_session(), filters, clock.now())
    return render_template("public/opportunities.html", listing=listing, groups=public.STATUS_GROUPS)


@bp.route("/opportunities/<path:reference>")
@public_page
def notice(reference: str):
    db_session = get_session()
    tender = access.public_tender(db_session, reference, clock.now())
    url = url_for("tenders.ocds_package", reference=tender.reference, _external=True)
    return render_template("public/notice.html", notice=public.notice(db_session, tender, url, clock.now()),
                           tender=tender, today=uk_today(clock.now()))


@bp.route("/opportunities/<path:reference>/documents/<int:document_id>")
@public_page
def document(reference: str, document_id: int):
    """A published tender's current document: procurement documents are public with the notice."""
    db_session = get_session()
    tender = access.public_tender(db_session, reference, clock.now())
    found = tender_access.tender_document(db_session, tender, document_id)
    mimetype = document_type(content := document_store().read(found.sha256)) or "application/octet-stream"
    return download(content, mimetype, found.filename)


@bp.route("/open-data/")
@public_page
def open_data():
    return render_template("public/open_data.html", tenders=access.public_tenders(get_session(), clock.now()))


def _package_url(tender) -> str:
    return url_for("tenders.ocds_package", reference=tender.reference, _external=True)


def _package(tender) -> dict:
    return ocds.release_package(get_session(), tender, _package_url(tender), current_app.config["OCDS_OCID_PREFIX"],
                                clock.now())


def _every_package() -> list[dict]:
    """Every published tender's release package, in a fixed number of queries."""
    tenders = [tender for tender, _ in access.public_tenders(get_session(), clock.now())]
    return ocds.release_packages(get_session(), tenders, _package_url, current_app.config["OCDS_OCID_PREFIX"],
                                 clock.now())


def _publisher() -> str:
    return current_app.config["OCDS_PUBLISHER_NAME"]


def _empty_date() -> str:
    return clock.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


@bp.route("/open-data/records/<path:reference>.json")
@public_page
def record_package(reference: str):
    """The tender's record package: its releases compiled into one record."""
    tender = access.public_tender(get_session(), reference, clock.now())
    package = _package(tender)
    return _open_data(ocds_records.record_package(
        [package], url_for("public.record_package", reference=reference, _external=True),
        package["publisher"]["name"], _empty_date()))


@bp.route("/open-data/releases.json")
@public_page
def bulk_releases():
    """Every published tender's releases in one release package."""
    packages = _every_package()
    return _open_data(ocds_records.bulk_package(packages, url_for("public.bulk_releases", _external=True),
                                                _publisher(), _empty_date()))


@bp.route("/open-data/records.json")
@public_page
def bulk_records():
    """Every published tender's record in one record package."""
    packages = _every_package()
    return _open_data(ocds_records.record_package(packages, url_for("public.bulk_records", _external=True),
                                                  _publisher(), _empty_date()))
