"""The catalogue API over HTTP (Django's test client) against the five shipped guides."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from yibao.catalog.models import Guide, ServiceItem

pytestmark = pytest.mark.django_db


def get(client, path, **params):
    return client.get(f"/api/catalog{path}", params)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body  # a Chinese message


def test_regions_with_their_edition_in_force(client, seeded_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = get(client, "/regions")
    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()}
    assert set(rows) == {"dazhou", "songpan", "panzhihua", "template"}
    # 达州 has two editions; the full one (imported after the skeleton) is in force.
    assert rows["dazhou"]["edition"]["source"].startswith("001_")
    assert {code: r["item_count"] for code, r in rows.items()} == {
        "dazhou": 40, "songpan": 36, "template": 30, "panzhihua": 34,
    }
    assert rows["panzhihua"]["edition"]["edition"] == "2024年版"
    assert rows["template"]["is_template"] is True


def test_items_of_a_region(client, seeded_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = get(client, "/regions/panzhihua/items")
    assert response.status_code == 200
    body = response.json()
    assert body["region"] == {"code": "panzhihua", "name": "攀枝花市"}
    items = {i["code"]: i for i in body["items"]}
    assert len(body["items"]) == 34
    assert "e-credential" in items and "phone-change" not in items
    withdrawal = items["account-withdrawal"]
    assert [t["working_days"] for t in withdrawal["time_limits"]] == [15]
    assert withdrawal["online_channels"] and all(c["online"] for c in withdrawal["online_channels"])
    assert withdrawal["group"] == "accounts" and withdrawal["group_name"] == "个人账户与转移接续"


def test_items_of_an_unknown_region(client, seeded_catalog):
    assert_error(get(client, "/regions/atlantis/items"), 404, "not_found")


def test_item_detail(client, seeded_catalog, django_assert_max_num_queries):
    item = ServiceItem.objects.get(code="account-withdrawal", guide__region__code="panzhihua")
    with django_assert_max_num_queries(8):
        response = get(client, f"/items/{item.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "account-withdrawal" and body["region"]["code"] == "panzhihua"
    assert body["in_force"] is True
    assert body["materials"][0]["name"] == item.materials.first().name
    assert [s["name"] for s in body["stages"]] == list(item.stages.values_list("name", flat=True))
    assert body["offices"] and body["offices"][0]["name"] == "市医保事务中心"
    assert any("死亡" in note for note in body["notes"])


def test_item_of_the_skeleton_edition_is_not_in_force_and_names_missing_fields(client, seeded_catalog):
    skeleton = Guide.objects.get(source__startswith="000_")
    item = skeleton.items.exclude(missing_fields=[]).first()
    body = get(client, f"/items/{item.pk}").json()
    assert body["in_force"] is False
    assert body["missing_fields"] == item.missing_fields and body["missing_fields"]


def test_item_errors(client, seeded_catalog):
    assert_error(get(client, "/items/999999999"), 404, "not_found")
    assert_error(get(client, "/items/abc"), 422, "invalid")
    assert_error(get(client, "/items/0"), 422, "invalid")


def test_compare_an_item_across_regions(client, seeded_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = get(client, "/compare/relation-transfer")
    assert response.status_code == 200
    body = response.json()
    by_region = {e["region"]["code"]: e for e in body["regions"]}
    assert set(by_region) == {"dazhou", "songpan", "panzhihua", "template"}
    days = {code: [t["working_days"] for t in e["item"]["time_limits"]] for code, e in by_region.items()}
    assert days["dazhou"] == [20] and 15 in days["panzhihua"]
    assert "办理时限" in body["differences"]


def test_compare_an_item_only_one_region_publishes(client, seeded_catalog):
    body = get(client, "/compare/e-credential").json()
    published = [e["region"]["code"] for e in body["regions"] if e["item"]]
    assert published == ["panzhihua"]
    assert body["differences"] == []


def test_compare_an_unknown_code(client, seeded_catalog):
    assert_error(get(client, "/compare/no-such-item"), 404, "not_found")


def test_search(client, seeded_catalog, django_assert_max_num_queries):
    get(client, "/search", q="预热")  # builds the index
    with django_assert_max_num_queries(2):
        response = get(client, "/search", q="生孩子的费用怎么报", limit="3")
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "生孩子的费用怎么报" and body["region"] is None
    assert len(body["results"]) == 3
    assert body["results"][0]["code"] == "maternity-medical-payment"

    hits = get(client, "/search", q="异地就医备案", region="songpan").json()["results"]
    assert hits and {h["region"] for h in hits} == {"songpan"}
    assert get(client, "/search", q="").json()["results"] == []
    assert get(client, "/search", q="？？？").json()["results"] == []


@pytest.mark.parametrize("limit", ["abc", "0", "51", "-1", "2.5"])
def test_search_bad_limit(client, seeded_catalog, limit):
    assert_error(get(client, "/search", q="报销", limit=limit), 422, "invalid")


def test_search_errors(client, seeded_catalog):
    assert_error(get(client, "/search", q="报销", region="atlantis"), 404, "not_found")
    assert_error(get(client, "/search", q="报" * 201), 422, "invalid")


def test_export_matches_the_command(client, seeded_catalog):
    out = StringIO()
    call_command("catalog", "export", "--format", "json", stdout=out)
    response = get(client, "/export")
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())

    out = StringIO()
    call_command("catalog", "export", "--format", "json", "--region", "songpan", stdout=out)
    assert get(client, "/export", region="songpan").json() == json.loads(out.getvalue())
    assert_error(get(client, "/export", region="atlantis"), 404, "not_found")


def test_openapi_lists_the_catalogue(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/catalog/regions",
        "/api/catalog/regions/{code}/items",
        "/api/catalog/items/{item_id}",
        "/api/catalog/compare/{code}",
        "/api/catalog/search",
        "/api/catalog/export",
    ):
        assert path in paths, path
    assert "422" in paths["/api/catalog/search"]["get"]["responses"]
