"""Every error in one shape with the right status, and a failed call changes nothing."""
import uuid

import pytest

from tests.api.conftest import assert_error
from tests.cases import factories as f
from yibao.cases.models import Case, CaseEvent
from yibao.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def submit(api, body, **headers):
    return api.post("/cases", body, **{"Idempotency-Key": str(uuid.uuid4()), **headers})


def footprint():
    """What a call could have changed."""
    return (Case.objects.count(), CaseEvent.objects.count(), AuditEntry.objects.count(),
            list(Case.objects.values_list("state", "version", "request_key")))


@pytest.fixture
def submitted(api, person, three_day):
    return submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()


def test_a_stale_version_is_a_conflict_and_changes_nothing(api, staff, submitted):
    clerk = api(staff["dazhou_clerk"])
    receipt = submitted["receipt_no"]
    before = footprint()
    body = assert_error(clerk.post(f"/cases/{receipt}/accept", {"version": submitted["version"] + 5}), 409, "conflict")
    assert body["details"] == {"expected": submitted["version"] + 5, "current": submitted["version"]}
    assert footprint() == before
    assert clerk.post(f"/cases/{receipt}/accept", {"version": submitted["version"]}).status_code == 200


def test_an_action_the_state_does_not_allow(api, staff, submitted):
    reviewer = api(staff["dazhou_reviewer"])
    before = footprint()
    body = assert_error(reviewer.post(f"/cases/{submitted['receipt_no']}/approve",
                                                           {"version": submitted["version"]}), 409, "invalid_transition")
    assert body["details"] == {"state": "submitted", "action": "approve"}
    assert footprint() == before


def test_materials_missing_at_acceptance(api, person, staff, three_day):
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1"]}).json()
    clerk = api(staff["dazhou_clerk"])
    before = footprint()
    body = assert_error(clerk.post(f"/cases/{case['receipt_no']}/accept",
                                                        {"version": case["version"]}), 409, "materials_incomplete")
    assert body["details"] == {"materials": ["《参保凭证申请表》"]}
    assert footprint() == before


def test_validation_errors_name_the_field(api, person, staff, three_day, submitted):
    me = api(person.user)
    missing_key = assert_error(me.post("/cases", {"item_id": three_day.pk}), 422, "validation")
    assert missing_key["field"] == "Idempotency-Key"
    wrong_type = assert_error(api(staff["dazhou_clerk"]).post(f"/cases/{submitted['receipt_no']}/accept",
                                                              {"version": "v2"}), 422, "validation")
    assert wrong_type["field"] == "version" and wrong_type["details"]["errors"][0]["loc"] == ["body", "payload", "version"]
    nul = assert_error(submit(me, {"item_id": three_day.pk, "data": {"name": "a\x00b"}}), 422, "validation")
    assert "空字符" in nul["details"]["errors"][0]["message"]
    no_item = assert_error(submit(me, {"materials": ["1"]}), 422, "invalid")
    assert no_item["field"] == "item_id"
    blank_reason = assert_error(api(staff["dazhou_clerk"]).post(f"/cases/{submitted['receipt_no']}/refuse",
                                                                {"version": submitted["version"], "reason": "  "}),
                                422, "reason_required")
    assert blank_reason["field"] is None
    unknown_condition = assert_error(submit(me, {"item_id": three_day.pk, "conditions": {"colour": "蓝"}}), 422,
                                     "invalid_data")
    assert unknown_condition["details"] == {"fields": ["colour"]}
    assert_error(submit(me, {"item_id": three_day.pk, "applicant_id_number": "513224198506120044"}), 422, "invalid")
    assert Case.objects.count() == 1


def test_unreadable_bodies_and_unknown_things(api, client, person, dazhou, three_day):
    me = api(person.user)
    garbled = client.post("/api/cases", "{not json", content_type="application/json",
                          headers={"Authorization": f"Bearer {me.token}", "Idempotency-Key": "x"})
    assert_error(garbled, 400, "bad_request")
    assert_error(submit(me, {"item_id": 10**9}), 404, "not_found")
    assert_error(submit(me, {"region": "atlantis", "item_code": "e-credential"}), 404, "not_found")
    assert_error(submit(me, {"region": "dazhou", "item_code": "maternity-allowance"}), 422, "item_not_available")
    assert_error(me.get("/cases/NO-SUCH-CASE"), 404, "not_found")
    assert_error(me.get("/cases", {"state": "lost"}), 422, "invalid")
    assert_error(me.get("/cases", {"limit": "0"}), 422, "validation")


def test_an_item_of_an_earlier_edition_is_not_available(api, person, dazhou, three_day):
    f.item(dazhou, "insurance-certificate")  # a newer edition of 达州's guide comes into force
    body = assert_error(submit(api(person.user), {"item_id": three_day.pk}), 422, "item_not_available")
    assert "现行" in body["message"]


def test_the_catalogue_router_answers_in_the_same_shape(client, dazhou):
    body = assert_error(client.get("/api/catalog/regions/atlantis/items"), 404, "not_found")
    assert set(body) == {"code", "message", "field", "details"}
