"""Ids in URLs: a number no database key can hold (2^31 or more: keys are INTEGER columns) names nothing, so every route
answers it with a 404, never the database driver's overflow (a 500)."""

import tempfile

import pytest
from werkzeug.routing import IntegerConverter

from tenderapp import create_app
from tenderapp.web.converters import MAX_ID
from tests.web.test_tenant_isolation import OWN, SAMPLE_VALUES, access_rule, build

HUGE = [2**31, 2**63, 10**39]  # one past the largest key, past 64 bits, and a 40-digit number


def _int_arguments(rule) -> list[str]:
    return sorted(name for name, converter in rule._converters.items() if isinstance(converter, IntegerConverter))


def _routes_with_ids():
    app = create_app({"ENV": "testing", "INSTANCE_PATH": tempfile.mkdtemp(), "DATABASE_URL": "sqlite://"})
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and _int_arguments(rule))


ROUTES_WITH_IDS = _routes_with_ids()


def test_routes_with_ids_are_found():
    assert len(ROUTES_WITH_IDS) > 60


@pytest.mark.parametrize("endpoint", ROUTES_WITH_IDS)
def test_an_id_too_large_for_a_database_key_is_not_found(app, world, sign_in_as, endpoint):
    admin = sign_in_as("admin@lead.example")
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and "GET" in r.methods)
    marker = access_rule(app, rule)
    own = {a: (OWN[marker.objects[a]](world) if a in marker.objects else SAMPLE_VALUES[a]) for a in rule.arguments}
    for argument in _int_arguments(rule):
        for number in HUGE:
            url = build(app, rule, {**own, argument: number})
            assert admin.get(url).status_code == 404, url


def test_the_largest_key_and_ascii_digits_only_reach_the_route(app, world, sign_in_as):
    admin = sign_in_as("admin@lead.example")
    assert admin.get(f"/tenders/{world.tender.id}").status_code == 200
    assert admin.get(f"/tenders/{MAX_ID}").status_code == 404  # no such tender, looked up without error
    assert admin.get("/tenders/" + str(world.tender.id).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))) \
        .status_code == 404
