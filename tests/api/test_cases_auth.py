"""Credentials and who may do what: login to a personal token (throttled), client tokens from
`yibao api-token`, region scopes, sessions with CSRF, and samples of the permission matrix."""
import re
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.api.conftest import JsonClient, assert_error
from yibao.api import calllog
from yibao.api.models import ApiCall, ApiClient, ApiToken
from yibao.cases.models import Case
from yibao.people import actions as people
from yibao.people.models import ApplicantKind, IdType

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-42"
TOKEN = re.compile(r"^yb_[A-Za-z0-9_-]{40,}$", re.M)


def new_client(*args):
    out = StringIO()
    call_command("api-token", "create", *args, stdout=out)
    return TOKEN.search(out.getvalue()).group(0), out.getvalue()


def submit(api, body):
    return api.post("/cases", body, **{"Idempotency-Key": str(uuid.uuid4())})


@pytest.fixture
def registered(dazhou):
    return people.register_applicant(ApplicantKind.PERSON, IdType.RESIDENT_ID, "511702199003071238", "张三",
                                     "13800001111", PASSWORD, dazhou)


def test_login_gives_a_personal_token_that_acts_for_the_applicant(client, registered, three_day):
    anyone = JsonClient(client)
    response = anyone.post("/auth/login", {"id_number": "511702 19900307 1238", "password": PASSWORD})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["client"] is None
    assert body["account"] == {"kind": "applicant", "name": "张*", "id_number": "511***********1238",
                               "region": "dazhou", "office": None, "roles": []}
    me = JsonClient(client, body["token"])
    assert me.get("/auth/me").json()["kind"] == "applicant"
    case = submit(me, {"item_id": three_day.pk}).json()
    assert Case.objects.get(receipt_no=case["receipt_no"]).applicant == registered
    # only the hash is kept
    row = ApiToken.objects.get(user=registered.user)
    assert body["token"] not in (row.key_hash, row.prefix) and len(row.key_hash) == 64
    assert me.post("/auth/logout").json() == {"ok": True}
    assert_error(me.get("/cases"), 401, "unauthenticated")


def test_login_is_throttled(client, registered, settings):
    anyone = JsonClient(client)
    for _ in range(settings.YIBAO_LOGIN_MAX_FAILURES):
        assert_error(anyone.post("/auth/login", {"id_number": registered.id_number, "password": "wrong-one"}),
                     401, "bad_credentials")
    # locked now, even with the right password
    assert_error(anyone.post("/auth/login", {"id_number": registered.id_number, "password": PASSWORD}),
                 429, "login_locked")
    assert not ApiToken.objects.exists()


def test_staff_log_in_with_their_username(client, dazhou, three_day, person, api):
    people.create_staff("dz-window", PASSWORD, dazhou, "市本级", ["clerk"])
    body = JsonClient(client).post("/auth/login", {"id_number": "dz-window", "password": PASSWORD}).json()
    assert body["account"]["kind"] == "staff" and body["account"]["roles"] == ["clerk"]
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    accepted = JsonClient(client, body["token"]).post(f"/cases/{case['receipt_no']}/accept",
                                                      {"version": case["version"]})
    assert accepted.json()["state"] == "accepted"


def test_partner_token_is_printed_once_and_acts_within_its_region(client, dazhou, songpan, three_day, person):
    token, printed = new_client("达州市政务服务平台", "--region", "dazhou")
    assert "只显示这一次" in printed
    partner = ApiClient.objects.get(name="达州市政务服务平台")
    assert partner.user.staff_profile.roles == ["clerk"] and not partner.user.has_usable_password()
    assert not ApiToken.objects.filter(key_hash=token).exists() and token not in str(
        list(ApiToken.objects.values()))
    system = JsonClient(client, token)
    # it files for a registered applicant, and may accept as a window clerk of 达州
    case = submit(system, {"item_id": three_day.pk, "applicant_id_number": person.id_number,
                           "materials": ["1", "2"]}).json()
    assert case["applicant"] == "张*" and case["agent"] is None
    assert system.post(f"/cases/{case['receipt_no']}/accept", {"version": case["version"]}).json()["state"] == "accepted"
    assert system.get("/cases").json()["count"] == 1  # the cases it filed
    calllog.flush()  # reads are logged in batches
    assert ApiCall.objects.filter(client=partner).count() == 3

    other_token, _ = new_client("松潘县合作系统", "--region", "songpan")
    other = JsonClient(client, other_token)
    assert_error(other.get(f"/cases/{case['receipt_no']}"), 404, "not_found")
    assert_error(submit(other, {"item_id": three_day.pk, "applicant_id_number": person.id_number}), 403, "forbidden")

    listing = StringIO()
    call_command("api-token", "list", stdout=listing)
    rows = dict(line.split("\t", 1) for line in listing.getvalue().splitlines())
    assert all("最近调用" in rows[name] for name in ("达州市政务服务平台", "松潘县合作系统"))
    call_command("api-token", "revoke", "达州市政务服务平台", stdout=StringIO())
    assert_error(system.get("/cases"), 401, "unauthenticated")
    assert_error(other.get("/cases/x"), 404, "not_found")  # the other client still works


def test_an_app_token_alone_acts_for_nobody_and_binds_its_logins(client, registered, three_day, songpan):
    token, _ = new_client("医保小程序", "--app", "--region", "songpan")
    app = JsonClient(client, token)
    assert app.get("/auth/me").json() == {"kind": "app", "name": "医保小程序", "id_number": None, "region": None,
                                          "office": None, "roles": []}
    assert_error(submit(app, {"item_id": three_day.pk}), 401, "unauthenticated")
    login = app.post("/auth/login", {"id_number": registered.id_number, "password": PASSWORD}).json()
    assert login["client"] == "医保小程序"
    # the app's region scope (松潘) holds for its users: a 达州 item is out of reach
    assert_error(submit(JsonClient(client, login["token"]), {"item_id": three_day.pk}), 403, "forbidden")


def test_bad_missing_and_expired_tokens(client, api, person):
    assert_error(JsonClient(client).get("/cases"), 401, "unauthenticated")
    assert_error(JsonClient(client, "yb_not-a-token").get("/cases"), 401, "unauthenticated")
    me = api(person.user)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    body = assert_error(me.get("/cases"), 401, "unauthenticated")
    assert "失效" in body["message"]


def test_permission_matrix_samples(api, person, other_person, staff, three_day):
    me = api(person.user)
    case = submit(me, {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    receipt, v = case["receipt_no"], case["version"]
    # an applicant token cannot act for the office
    assert_error(me.post(f"/cases/{receipt}/accept", {"version": v}), 403, "not_allowed")
    # a 达州 reviewer cannot accept (a clerk's role); a payer cannot refuse
    assert_error(api(staff["dazhou_reviewer"]).post(f"/cases/{receipt}/accept", {"version": v}), 403, "not_allowed")
    assert_error(api(staff["dazhou_payer"]).post(f"/cases/{receipt}/refuse", {"version": v, "reason": "不符"}),
                 403, "not_allowed")
    # staff of 松潘 cannot see or touch a 达州 case
    songpan = api(staff["songpan_clerk"])
    assert_error(songpan.get(f"/cases/{receipt}"), 404, "not_found")
    assert_error(songpan.post(f"/cases/{receipt}/accept", {"version": v}), 404, "not_found")
    # another person never sees my case, in any way
    them = api(other_person.user)
    assert_error(them.get(f"/cases/{receipt}"), 404, "not_found")
    assert_error(them.post(f"/cases/{receipt}/withdraw", {}), 404, "not_found")
    assert them.get("/cases").json() == {"count": 0, "results": []}
    # the same 404 as a receipt number that does not exist
    assert them.get(f"/cases/{receipt}").json()["message"] == them.get("/cases/511700-20260101-000009-XYZ").json()["message"]
    assert Case.objects.get(receipt_no=receipt).state == "submitted"


def test_session_login_works_and_needs_csrf_for_changes(person, staff, three_day, api):
    case = submit(api(person.user), {"item_id": three_day.pk, "materials": ["1", "2"]}).json()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff["dazhou_clerk"])
    assert browser.get(f"/api/cases/{case['receipt_no']}").json()["state"] == "submitted"
    refused = browser.post(f"/api/cases/{case['receipt_no']}/accept", {"version": case["version"]},
                           content_type="application/json")
    assert_error(refused, 403, "forbidden")
    csrf = "k" * 32  # a CSRF secret as the cookie carries it; the header repeats it
    browser.cookies["csrftoken"] = csrf
    accepted = browser.post(f"/api/cases/{case['receipt_no']}/accept", {"version": case["version"]},
                            content_type="application/json", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200, accepted.content
    calllog.flush()  # reads are logged in batches
    assert ApiCall.objects.filter(via="session", user=staff["dazhou_clerk"]).count() == 2


def test_admin_disables_a_client(admin_client, dazhou):
    token, _ = new_client("达州市政务服务平台", "--region", "dazhou")
    partner = ApiClient.objects.get()
    assert admin_client.get("/admin/api/apiclient/").status_code == 200
    response = admin_client.post("/admin/api/apiclient/", {"action": "disable", "_selected_action": [partner.pk]})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert not partner.active and not partner.tokens.filter(revoked_at=None).exists()
    assert_error(JsonClient(admin_client, token).get("/auth/me"), 401, "unauthenticated")
