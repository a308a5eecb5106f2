"""Whole case lives over HTTP: a 3-day item through correction to rating, an instant item, a
payment item, replayed submissions, the public progress query, uploads."""
import json
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from tests.api.conftest import assert_error
from tests.cases import factories as f
from yibao.api import calllog
from yibao.api.models import ApiCall
from yibao.cases.models import Attachment, Case, Evaluation
from yibao.payments.models import PaymentOrder

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def key():
    return str(uuid.uuid4())


def submit(api, body, idempotency_key=None):
    return api.post("/cases", body, **{"Idempotency-Key": idempotency_key or key()})


def test_three_day_item_from_submission_to_rating(api, person, staff, three_day):
    me = api(person.user)
    response = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"], "office": "市本级"})
    assert response.status_code == 201, response.content
    case = response.json()
    receipt, version = case["receipt_no"], case["version"]
    assert (case["state"], case["state_label"], case["region"]) == ("submitted", "已提交", "dazhou")
    assert case["applicant"] == "张*" and case["item_code"] == "insurance-certificate"

    clerk, reviewer = api(staff["dazhou_clerk"]), api(staff["dazhou_reviewer"])
    accepted = clerk.post(f"/cases/{receipt}/accept", {"version": version}).json()
    assert accepted["state"] == "accepted" and accepted["version"] == version + 1
    assert accepted["due_date"] and accepted["accepted_on"]

    corrected = clerk.post(f"/cases/{receipt}/request-correction", {
        "version": accepted["version"],
        "defects": [{"key": "2", "problem": "登记表未加盖单位公章"}],
    }).json()
    assert corrected["state"] == "correction_requested"

    supplied = me.post(f"/cases/{receipt}/supply", {"materials": ["2"], "version": corrected["version"]})
    assert supplied.status_code == 200, supplied.content
    assert supplied.json()["state"] == "accepted"  # 补正 returns the case to where it was

    reviewing = reviewer.post(f"/cases/{receipt}/review", {"version": supplied.json()["version"]}).json()
    approved = reviewer.post(f"/cases/{receipt}/approve", {"version": reviewing["version"]}).json()
    done = clerk.post(f"/cases/{receipt}/complete", {"version": approved["version"]}).json()
    assert (reviewing["state"], approved["state"], done["state"]) == ("under_review", "approved", "completed")
    assert done["closed_at"] and done["next_steps"] == []

    rated = me.post(f"/cases/{receipt}/rate", {"level": "非常满意", "text": "很快"})
    assert rated.status_code == 201
    assert rated.json() == {"receipt_no": receipt, "level": "very_satisfied", "level_label": "非常满意",
                            "follow_up": False}
    assert Evaluation.objects.get(case__receipt_no=receipt).level == "very_satisfied"

    detail = me.get(f"/cases/{receipt}").json()
    assert detail["state"] == "completed" and detail["holder"] == "已结束"
    assert [s["stage"] for s in detail["stages"]] == ["申请", "受理", "审核", "办结"]
    assert all(s["date"] for s in detail["stages"])
    assert [n["kind"] for n in detail["notices"]] == ["receipt", "correction", "completion"]
    correction = detail["notices"][1]["content"]
    assert [i["name"] for i in correction["items"]] == ["《参保凭证申请表》"]
    assert correction["applicant"] == "张*" and "511702199003071238" not in str(detail)
    assert detail["applicant_id"] == "511***********1238"
    assert detail["evaluation"] == "very_satisfied" and detail["time_limit_days"] == 3
    # every authenticated call was logged
    calllog.flush()  # reads are logged in batches
    assert ApiCall.objects.filter(path__startswith=f"/api/cases/{receipt}").count() == 8


def test_instant_item_completes_in_one_call(api, person, staff, instant):
    case = submit(api(person.user), {"region": "songpan", "item_code": "e-credential", "materials": ["1"]}).json()
    done = api(staff["songpan_clerk"]).post(f"/cases/{case['receipt_no']}/accept",
                                            {"version": case["version"], "complete": True})
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["state"] == "completed" and body["due_date"] == body["accepted_on"]
    events = list(Case.objects.get(receipt_no=case["receipt_no"]).events.values_list("action", flat=True))
    assert events == ["submit", "accept", "complete"]  # the published flow has no 审核


def test_payment_item_is_paid_by_someone_else_than_the_approver(api, person, staff, payment):
    case = submit(api(person.user), {"item_id": payment.pk, "materials": ["1"]}).json()
    receipt = case["receipt_no"]
    clerk, reviewer, payer = (api(staff[f"panzhihua_{r}"]) for r in ("clerk", "reviewer", "payer"))
    v = clerk.post(f"/cases/{receipt}/accept", {"version": case["version"]}).json()["version"]
    v = reviewer.post(f"/cases/{receipt}/review", {"version": v}).json()["version"]
    assert_error(reviewer.post(f"/cases/{receipt}/approve", {"version": v}), 422, "amount_required")
    approved = reviewer.post(f"/cases/{receipt}/approve", {"version": v, "amount": "1234.5"}).json()
    assert approved["amount"] == "1234.50" and approved["next_steps"] == ["pay", "withdraw", "reassign"]
    assert_error(clerk.post(f"/cases/{receipt}/complete", {"version": approved["version"]}), 409,
                 "invalid_transition")  # 拨付 first
    no_payee = payer.post(f"/cases/{receipt}/pay", {"version": approved["version"]})
    assert assert_error(no_payee, 422, "invalid_data")["field"] == "payee_name"  # the generic handler: payer names it
    payee = {"payee_name": "李四", "account_kind": "bank", "account_no": "6222020200000000006", "bank_name": "工商银行"}
    # money goes only to an account in the applicant's name (the guide's payee), never another's
    wrong = assert_error(payer.post(f"/cases/{receipt}/pay", {"version": approved["version"], "payee": payee}), 422,
                         "payee_not_named")
    assert wrong["field"] == "payee_name" and person.name in wrong["message"] and not PaymentOrder.objects.exists()
    payee["payee_name"] = person.name
    paying = payer.post(f"/cases/{receipt}/pay", {"version": approved["version"], "reference": "PZH-2026-001",
                                                  "payee": payee}).json()
    assert paying["state"] == "paying" and paying["next_steps"] == ["reassign"]  # 办结 waits for the bank
    assert_error(clerk.post(f"/cases/{receipt}/complete", {"version": paying["version"]}), 409, "invalid_transition")
    order = PaymentOrder.objects.get(case__receipt_no=receipt)
    assert_error(payer.post(f"/payments/{order.pk}/approve", {}), 403, "maker_checker")  # not his own order
    panzhihua = order.region
    checker, cashier = (api(f.staff(panzhihua, "payer")) for _ in range(2))
    assert checker.post(f"/payments/{order.pk}/approve", {}).json()["state"] == "approved"
    assert_error(checker.post(f"/payments/{order.pk}/paid", {"bank_reference": "B-1"}), 403, "maker_checker")
    assert reviewer.post(f"/payments/{order.pk}/paid", {"bank_reference": "B-1"}).status_code == 403  # no payer
    assert cashier.post(f"/payments/{order.pk}/paid", {"bank_reference": "B-1"}).json()["state"] == "paid"
    paid = Case.objects.get(receipt_no=receipt)
    done = clerk.post(f"/cases/{receipt}/complete", {"version": paid.version}).json()
    assert (paid.state, done["state"]) == ("paid", "completed")
    assert paid.amount == Decimal("1234.50")


def test_replayed_submission_returns_the_same_case(api, person, other_person, three_day):
    me = api(person.user)
    body = {"item_id": three_day.pk, "materials": ["1", "2"], "data": {"note": "首次"}}
    first = submit(me, body, "order-7")
    again = submit(me, body, "order-7")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["receipt_no"] == first.json()["receipt_no"]
    assert Case.objects.count() == 1

    changed = submit(me, {**body, "data": {"note": "改了"}}, "order-7")
    body_409 = assert_error(changed, 409, "idempotency_conflict")
    assert body_409["field"] == "Idempotency-Key"
    assert Case.objects.count() == 1

    # keys belong to their caller: someone else's "order-7" is a case of their own
    theirs = submit(api(other_person.user), body, "order-7")
    assert theirs.status_code == 201 and theirs.json()["receipt_no"] != first.json()["receipt_no"]
    assert Case.objects.count() == 2 and Case.objects.filter(request_key="order-7").count() == 2


def test_a_refused_submission_does_not_use_up_its_key(api, person, three_day):
    me = api(person.user)
    bad = submit(me, {"item_id": three_day.pk, "materials": ["9"]}, "k1")
    assert_error(bad, 422, "unknown_material")
    assert not Case.objects.exists()
    assert submit(me, {"item_id": three_day.pk, "materials": ["1"]}, "k1").status_code == 201


def test_my_cases_lists_own_and_agent_cases_only(api, person, other_person, three_day, instant):
    me, them = api(person.user), api(other_person.user)
    mine = submit(me, {"item_id": three_day.pk}).json()
    submit(them, {"item_id": three_day.pk})
    # acting for someone else (帮办代办): I am the agent, the case is theirs and mine to follow;
    # they authorised me in their own account first
    assert them.post("/auth/authorisations", {"agent_id_number": person.id_number}).status_code == 201
    for_them = submit(me, {"item_id": instant.pk, "applicant_id_number": other_person.id_number}).json()
    assert for_them["applicant"] == "李*" and for_them["agent"] == "张*"
    listed = me.get("/cases").json()
    assert listed["count"] == 2
    assert {c["receipt_no"] for c in listed["results"]} == {mine["receipt_no"], for_them["receipt_no"]}
    assert me.get("/cases", {"state": "completed"}).json()["count"] == 0
    assert them.get("/cases").json()["count"] == 2  # their own and the one filed for them


def test_withdraw_and_rate_with_the_code_of_a_level(api, person, staff, three_day):
    me = api(person.user)
    case = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    withdrawn = me.post(f"/cases/{case['receipt_no']}/withdraw", {"reason": "不办了", "version": case["version"]})
    assert withdrawn.json()["state"] == "withdrawn"
    # a withdrawn case is not rated (only finished ones are)
    assert_error(me.post(f"/cases/{case['receipt_no']}/rate", {"level": "satisfied"}), 409, "invalid_transition")

    refused = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    api(staff["dazhou_clerk"]).post(f"/cases/{refused['receipt_no']}/refuse",
                                    {"version": refused["version"], "reason": "不属于本机构受理范围"})
    rated = me.post(f"/cases/{refused['receipt_no']}/rate", {"level": "very_dissatisfied"})
    assert rated.status_code == 201 and rated.json()["follow_up"] is True  # 差评: verified and called back
    assert_error(me.post(f"/cases/{refused['receipt_no']}/rate", {"level": "满意"}), 409, "already_rated")
    assert_error(me.post(f"/cases/{refused['receipt_no']}/rate", {"level": "还行"}), 422, "invalid_data")


def test_track_by_receipt_and_id_number_without_an_oracle(api, client, person, three_day, settings):
    settings.YIBAO_TRACK_LIMIT = 3
    case = submit(api(person.user), {"item_id": three_day.pk}).json()
    anyone = api()
    found = anyone.post("/track", {"receipt_no": case["receipt_no"].lower(), "id_number": person.id_number})
    assert found.status_code == 200
    assert found.json()["state"] == "submitted" and found.json()["applicant"] == "张*"
    wrong_id = assert_error(anyone.post("/track", {"receipt_no": case["receipt_no"], "id_number": "513224198506120044"}),
                            404, "not_found")
    no_case = assert_error(anyone.post("/track", {"receipt_no": "511700-20260101-000001-ABC", "id_number": person.id_number}),
                           404, "not_found")
    assert wrong_id["message"] == no_case["message"]
    # the fourth query this minute from this address
    throttled = anyone.post("/track", {"receipt_no": case["receipt_no"], "id_number": person.id_number})
    assert_error(throttled, 429, "throttled")
    assert int(throttled["Retry-After"]) >= 1


def test_upload_a_material(api, person, other_person, three_day):
    from django.core.files.uploadedfile import SimpleUploadedFile

    me = api(person.user)
    case = submit(me, {"item_id": three_day.pk}).json()
    path = f"/cases/{case['receipt_no']}/attachments"
    response = me.upload(path, {"material": "2", "file": SimpleUploadedFile("表.pdf", PDF, "application/pdf")})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["material"], body["material_name"], body["content_type"]) == (2, "《参保凭证申请表》", "application/pdf")
    assert body["size"] == len(PDF) and "stored_name" not in body
    assert me.get(f"/cases/{case['receipt_no']}").json()["attachments"][0]["original_name"] == "表.pdf"

    fake = SimpleUploadedFile("假.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert_error(me.upload(path, {"material": "2", "file": fake}), 422, "unsupported_file")
    # someone else cannot upload to my case, nor learn that it exists
    other = api(other_person.user).upload(path, {"material": "1", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert_error(other, 404, "not_found")
    assert Attachment.objects.count() == 1


def test_items_status_is_the_command_output(api):
    out = StringIO()
    call_command("items", "status", "--format", "json", stdout=out)
    response = api().get("/items/status")
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue()) and len(response.json()) == 43


def test_query_counts_are_pinned(api, person, staff, three_day, django_assert_max_num_queries):
    me = api(person.user)
    with django_assert_max_num_queries(40):
        case = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    receipt = case["receipt_no"]
    api(staff["dazhou_clerk"]).post(f"/cases/{receipt}/accept", {"version": case["version"]})
    with django_assert_max_num_queries(12):
        assert me.get(f"/cases/{receipt}").status_code == 200
    for _ in range(5):
        submit(me, {"item_id": three_day.pk})
    with django_assert_max_num_queries(6):
        assert me.get("/cases").json()["count"] == 6
