"""Rules a real agency keeps (issue 10), over HTTP: 经办与审核分离 on items with a review step
(the superuser included; 即时办结 stays one sitting); channels the guide names."""
import uuid

import pytest

from tests.api.conftest import assert_error
from tests.cases import factories as f
from yibao.cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db


def submit(client, body):
    return client.post("/cases", body, **{"Idempotency-Key": str(uuid.uuid4())})


def case_state(receipt):
    case = Case.objects.get(receipt_no=receipt)
    return case.state, case.version


def test_whoever_accepted_a_case_may_not_approve_or_deny_it(api, person, staff, dazhou, three_day):
    both = f.staff(dazhou, "clerk", "reviewer", username="dz-both")
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    receipt = case["receipt_no"]
    me = api(both)
    accepted = me.post(f"/cases/{receipt}/accept", {"version": case["version"]}).json()
    reviewing = me.post(f"/cases/{receipt}/review", {"version": accepted["version"]}).json()
    before = (case_state(receipt), CaseEvent.objects.count())
    body = assert_error(me.post(f"/cases/{receipt}/approve", {"version": reviewing["version"]}), 403,
                        "handler_is_reviewer")
    assert "经办与审核分离" in body["message"]
    assert_error(me.post(f"/cases/{receipt}/deny", {"version": reviewing["version"], "reason": "x"}), 403,
                 "handler_is_reviewer")
    assert (case_state(receipt), CaseEvent.objects.count()) == before
    approved = api(staff["dazhou_reviewer"]).post(f"/cases/{receipt}/approve", {"version": reviewing["version"]})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"


def test_the_superuser_is_no_exception(api, person, dazhou, three_day):
    admin = f.staff(dazhou, "admin", username="dz-admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    receipt = case["receipt_no"]
    me = api(admin)
    version = me.post(f"/cases/{receipt}/accept", {"version": case["version"]}).json()["version"]
    version = me.post(f"/cases/{receipt}/review", {"version": version}).json()["version"]
    assert_error(me.post(f"/cases/{receipt}/approve", {"version": version}), 403, "handler_is_reviewer")
    assert case_state(receipt)[0] == "under_review"


def test_staff_who_filed_for_someone_may_not_approve_it_either(api, person, staff, dazhou, three_day):
    both = f.staff(dazhou, "clerk", "reviewer", username="dz-both")
    me = api(both)
    case = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"],
                       "applicant_id_number": person.id_number}).json()
    receipt = case["receipt_no"]
    version = api(staff["dazhou_clerk"]).post(f"/cases/{receipt}/accept", {"version": case["version"]}).json()["version"]
    version = me.post(f"/cases/{receipt}/review", {"version": version}).json()["version"]
    assert_error(me.post(f"/cases/{receipt}/approve", {"version": version}), 403, "handler_is_reviewer")


def test_an_instant_item_is_still_done_in_one_sitting_each_step_recorded(api, person, staff, instant):
    case = submit(api(person.user), {"item_id": instant.pk, "materials": ["1"]}).json()
    done = api(staff["songpan_clerk"]).post(f"/cases/{case['receipt_no']}/accept",
                                            {"version": case["version"], "complete": True})
    assert done.status_code == 200 and done.json()["state"] == "completed", done.content.decode()
    actions = list(CaseEvent.objects.filter(case__receipt_no=case["receipt_no"]).order_by("id")
                   .values_list("action", "actor_id"))
    assert [a for a, _ in actions] == ["submit", "accept", "complete"]
    assert {who for a, who in actions if a != "submit"} == {staff["songpan_clerk"].pk}


def test_an_instant_item_with_a_review_step_is_decided_at_the_window_in_one_sitting(api, person, panzhihua):
    item = f.item(panzhihua, "e-credential", limits=[("", 0)])  # the default flow has 审核
    clerk = f.staff(panzhihua, "clerk", username="pzh-window")
    case = submit(api(person.user), {"item_id": item.pk, "materials": ["1"]}).json()
    done = api(clerk).post(f"/cases/{case['receipt_no']}/accept", {"version": case["version"], "complete": True})
    assert done.status_code == 200 and done.json()["state"] == "completed", done.content.decode()
    steps = list(CaseEvent.objects.filter(case__receipt_no=case["receipt_no"]).order_by("id")
                 .values_list("action", flat=True))
    assert steps == ["submit", "accept", "start_review", "approve", "complete"]


# ---------------------------------------------------------------- dates that make sense


@pytest.mark.parametrize("supply_by", ["1900-01-01", "TODAY", "2099-12-31"])
def test_a_correction_deadline_outside_today_and_the_limit_is_refused(api, person, staff, three_day, supply_by):
    from django.utils import timezone

    if supply_by == "TODAY":
        supply_by = timezone.localdate().isoformat()
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1"]}).json()
    before = (case_state(case["receipt_no"]), CaseEvent.objects.count())
    body = assert_error(api(staff["dazhou_clerk"]).post(f"/cases/{case['receipt_no']}/request-correction",
                                                        {"version": case["version"], "supply_by": supply_by}),
                        422, "invalid_data")
    assert body["field"] == "supply_by" and "补正期限" in body["message"]
    assert (case_state(case["receipt_no"]), CaseEvent.objects.count()) == before


def test_a_correction_deadline_within_the_bounds_is_kept(api, person, staff, three_day):
    from yibao.workdays.calendar import due_date
    from django.utils import timezone

    day = due_date(timezone.localdate(), 2).date
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1"]}).json()
    response = api(staff["dazhou_clerk"]).post(f"/cases/{case['receipt_no']}/request-correction",
                                               {"version": case["version"], "supply_by": day.isoformat()})
    assert response.status_code == 200, response.content.decode()
    notice = Case.objects.get(receipt_no=case["receipt_no"]).notices.get(kind="correction")
    assert notice.content["supply_by"] == day.isoformat()


def test_mark_overdue_refuses_a_date_to_come(api, person, staff, three_day):
    from datetime import timedelta

    from django.core.management import CommandError, call_command
    from django.utils import timezone

    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    api(staff["dazhou_clerk"]).post(f"/cases/{case['receipt_no']}/accept", {"version": case["version"]})
    future = (timezone.localdate() + timedelta(days=60)).isoformat()
    with pytest.raises(CommandError, match="未来日期"):
        call_command("cases", "mark-overdue", "--date", future)
    assert not Case.objects.get(receipt_no=case["receipt_no"]).overdue
    progress = api().post("/track", {"receipt_no": case["receipt_no"], "id_number": person.id_number}).json()
    assert progress["due_status"] != "overdue"


# ---------------------------------------------------------------- 帮办代办 needs the principal's consent


def test_filing_in_someone_elses_name_needs_their_authorisation(api, person, other_person, three_day):
    body = {"item_id": three_day.pk, "materials": ["1", "2"], "applicant_id_number": person.id_number}
    stranger = api(other_person.user)
    refused = assert_error(submit(stranger, body), 403, "agent_not_authorised")
    assert "授权" in refused["message"] and "窗口" in refused["message"]
    assert not Case.objects.exists()

    # Only the principal, in their own account, can authorise; the agent cannot authorise himself.
    assert_error(stranger.post("/auth/authorisations", {"agent_id_number": other_person.id_number}), 422, "invalid")
    granted = api(person.user).post("/auth/authorisations", {"agent_id_number": other_person.id_number})
    assert granted.status_code == 201 and granted.json()["agent_id_number"] != other_person.id_number  # masked
    assert api(person.user).post("/auth/authorisations", {"agent_id_number": other_person.id_number}).status_code == 201
    assert len(api(person.user).get("/auth/authorisations").json()) == 1  # granting twice changes nothing

    filed = submit(stranger, body)
    assert filed.status_code == 201, filed.content.decode()
    case = Case.objects.get(receipt_no=filed.json()["receipt_no"])
    assert (case.applicant_id, case.agent_id) == (person.pk, other_person.pk)

    assert api(person.user).post("/auth/authorisations/revoke", {"agent_id_number": other_person.id_number}).json() == {
        "ok": True}
    assert_error(submit(stranger, body), 403, "agent_not_authorised")
    assert Case.objects.count() == 1


def test_staff_still_file_for_a_person_at_the_window_without_an_online_authorisation(api, person, staff, three_day):
    body = {"item_id": three_day.pk, "materials": ["1", "2"], "applicant_id_number": person.id_number}
    filed = submit(api(staff["dazhou_clerk"]), body)
    assert filed.status_code == 201, filed.content.decode()
