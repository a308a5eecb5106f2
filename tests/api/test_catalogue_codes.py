"""The API takes a 12-digit 事项编码 wherever it takes an item code: the compare endpoint and the
submission of a case (region + item_code); items carry catalogue_code (null until known)."""
import uuid

import pytest

from tests.api.conftest import assert_error
from yibao.catalog.actions import set_catalogue_code
from yibao.catalog.models import ServiceItem

pytestmark = pytest.mark.django_db

CODE = "512036003099"  # a test code of the right shape for Sichuan; no source gives it, nothing ships it


def test_a_case_is_submitted_by_catalogue_code(api, person, three_day):
    set_catalogue_code(three_day, CODE)
    me = api(person.user)
    response = me.post("/cases", {"region": "dazhou", "item_code": CODE, "materials": ["1", "2"]},
                       **{"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code == 201, response.content
    assert response.json()["item_code"] == "insurance-certificate"
    # An unknown code of the right shape is "not available", as an unknown item code is.
    response = me.post("/cases", {"region": "dazhou", "item_code": "512036003098", "materials": ["1"]},
                       **{"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code in (404, 422) and response.json()["message"]
    # The code of another region's item does not open a case here.
    response = me.post("/cases", {"region": "songpan", "item_code": CODE, "materials": ["1"]},
                       **{"Idempotency-Key": str(uuid.uuid4())})
    assert response.status_code in (404, 422), response.content


def test_catalogue_api_by_code(client, seeded_catalog):
    item = ServiceItem.objects.get(guide__source__startswith="004_", code="relation-transfer")
    detail = client.get(f"/api/catalog/items/{item.pk}").json()
    assert detail["catalogue_code"] is None
    set_catalogue_code(item, "512036003002")
    detail = client.get(f"/api/catalog/items/{item.pk}").json()
    assert detail["catalogue_code"] == "512036003002"
    by_code = client.get("/api/catalog/compare/512036003002").json()
    assert by_code["code"] == "relation-transfer"
    assert by_code == client.get("/api/catalog/compare/relation-transfer").json()
    listed = client.get("/api/catalog/regions/panzhihua/items").json()["items"]
    assert next(i for i in listed if i["code"] == "relation-transfer")["catalogue_code"] == "512036003002"
    assert_error(client.get("/api/catalog/compare/512036009999"), 404, "not_found")
