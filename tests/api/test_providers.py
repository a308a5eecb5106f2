"""The providers over HTTP: the public list and designation query, a designation taken through the
agreement's review steps, the office's suspension, a month of claims uploaded, answered,
re-reviewed, approved and paid, and the refusals (structured errors, other parties get 404)."""
import datetime
import io
import uuid

import pytest
from openpyxl import load_workbook

from tests.api.domain_support import (  # noqa: F401 (fixtures)
    as_user,
    dazhou,
    drive,
    generic_handlers,
    panzhihua,
    regions,
    teams,
)
from tests.cases import factories as cf
from tests.domain_support import insured, offered_online, shipped_regions  # noqa: F401
from tests.providers.conftest import claim_file, clock, hospital_data, line, month_after, provider_account  # noqa: F401

pytestmark = pytest.mark.django_db
HOSPITAL = "H51170200055"


@pytest.fixture
def heads(teams, regions):
    return {code: cf.staff(regions[code], "supervisor") for code in teams}


def apply(as_user, account, region, data, code="hospital-designation"):
    from tests.api.domain_support import application

    offered_online(region, code)  # the rules over HTTP, whatever channels the guide in force names
    response = as_user(account.user).post("/cases", application(region, code, data=data),
                                          **{"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == 201, response.content.decode()
    return response.json()["receipt_no"]


def step(as_user, user, receipt, path):
    case = as_user(user).get(f"/cases/{receipt}").json()
    response = as_user(user).post(f"/cases/{receipt}/{path}", {"version": case["version"]})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def designated(as_user, teams, region, account, data=None):
    team = teams[region.code]
    receipt = apply(as_user, account, region, data or hospital_data(name=account.name))
    step(as_user, team.clerk, receipt, "accept")
    step(as_user, team.reviewer, receipt, "review")
    today = datetime.date.today()
    body = {"panel": ["专家甲", "专家乙", "专家丙"], "onsite_on": (today - datetime.timedelta(days=40)).isoformat(),
            "score": 88, "passed": True, "opinion": "符合条件",
            "publicised_on": (today - datetime.timedelta(days=30)).isoformat()}
    reviewer = as_user(team.reviewer)
    assert reviewer.post(f"/providers/{account.id_number}/agreement/evaluation", body).json()["state"] == "publicised"
    assert reviewer.post(f"/providers/{account.id_number}/agreement/negotiation").json()["state"] == "negotiating"
    signed = reviewer.post(f"/providers/{account.id_number}/agreement/signature", {"starts_on": today.isoformat()})
    assert signed.status_code == 200 and signed.json()["signed_on"] == today.isoformat()
    return receipt


def test_a_designation_over_http(as_user, teams, regions, drive):
    dazhou = regions["dazhou"]
    me = provider_account(code=HOSPITAL, name="达州市接口测试医院")
    assert as_user().get("/providers/" + HOSPITAL + "/designation").status_code == 404
    receipt = designated(as_user, teams, dazhou, me, hospital_data(name="达州市接口测试医院", level="3"))
    case, taken = drive(receipt, "dazhou")
    assert taken == ["approve", "complete"] and case["state"] == "completed"
    listed = as_user().get("/providers", {"region": "dazhou"}).json()
    assert [p["code"] for p in listed["results"]] == [HOSPITAL] and listed["results"][0]["level_label"] == "三级"
    fact = as_user().get(f"/providers/{HOSPITAL}/designation").json()
    assert fact["designated"] and fact["level"] == "3" and fact["ownership"] == "private"
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    assert as_user().get(f"/providers/{HOSPITAL}/designation", {"on": yesterday}).json()["designated"] is False
    mine = as_user(me.user).get("/providers/me").json()
    assert mine["agreement"]["state"] == "in_force" and "*" in mine["bank_account"]
    assert [e["action"] for e in mine["agreement"]["events"]][-1] == "协议生效"
    assert as_user().get("/providers", {"region": "nowhere"}).json()["code"] == "not_found"
    assert as_user().get("/providers", {"region": "dazhou", "kind": "spaceship"}).status_code == 422


def test_agreement_steps_refused_with_structured_errors(as_user, teams, regions):
    dazhou, team = regions["dazhou"], teams["dazhou"]
    me = provider_account(code=HOSPITAL)
    receipt = apply(as_user, me, dazhou, hospital_data())
    step(as_user, team.clerk, receipt, "accept")
    step(as_user, team.reviewer, receipt, "review")
    path = f"/providers/{HOSPITAL}/agreement/evaluation"
    body = {"panel": ["甲", "乙"], "onsite_on": datetime.date.today().isoformat(), "score": 80, "passed": True,
            "opinion": "好"}
    short = as_user(team.reviewer).post(path, body)
    assert short.status_code == 422 and short.json()["field"] == "panel" and "至少3人" in short.json()["message"]
    body["panel"].append("丙")
    assert as_user(team.clerk).post(path, body).status_code == 403
    assert as_user(teams["panzhihua"].reviewer).post(path, body).status_code == 404
    assert as_user(me.user).post(path, body).status_code == 404  # the provider itself is not staff
    done = as_user(team.reviewer).post(path, body)
    assert done.status_code == 200 and done.json()["publicity_until"]
    early = as_user(team.reviewer).post(f"/providers/{HOSPITAL}/agreement/negotiation")
    assert early.status_code == 409 and early.json()["code"] == "agreement_step_refused"
    again = as_user(team.reviewer).post(path, body)
    assert again.status_code == 409 and again.json()["code"] == "invalid_agreement_transition"


def test_the_office_suspends_and_the_list_drops_the_provider(as_user, teams, regions, drive):
    dazhou, team = regions["dazhou"], teams["dazhou"]
    me = provider_account(code=HOSPITAL)
    drive(designated(as_user, teams, dazhou, me), "dazhou")
    response = as_user(team.reviewer).post(f"/providers/{HOSPITAL}/agreement/suspension", {"reason": "违规结算"})
    assert response.status_code == 200 and response.json()["state"] == "suspended"
    assert as_user().get("/providers", {"region": "dazhou"}).json()["count"] == 0
    assert as_user().get(f"/providers/{HOSPITAL}/designation").json()["state"] == "suspended"


def test_a_month_of_claims_over_http(as_user, teams, heads, regions, drive, clock, settings):
    settings.YIBAO_API_TOKEN_DAYS = 365  # the clock moves two months on; the tokens must still be valid
    dazhou, team = regions["dazhou"], teams["dazhou"]
    me = provider_account(code=HOSPITAL, name="达州市接口结算医院")
    drive(designated(as_user, teams, dazhou, me, hospital_data(name="达州市接口结算医院")), "dazhou")
    start = month_after(datetime.date.today())
    clock(month_after(start).replace(day=3))
    patient = insured(dazhou, since=datetime.date(2020, 1, 1))[1]
    rows = [line(patient.id_number, start.replace(day=2), visit_no="A1"),
            line(patient.id_number, start.replace(day=2), visit_no="A1"),
            line(patient.id_number, start.replace(day=4), visit_no="A2", catalogue_class="丙")]
    period = start.strftime("%Y-%m")
    upload = as_user(me.user).upload("/settlements", {"period": period,
                                                      "file": _file(claim_file(rows), "claims.csv")})
    assert upload.status_code == 201, upload.content.decode()
    s = upload.json()
    assert s["lines"] == 3 and [f["line_no"] for f in s["flagged"]] == [3, 4]
    assert s["flagged"][0]["rule_labels"] == ["重复申报"] and "*" in s["flagged"][0]["patient"]
    twice = as_user(me.user).upload("/settlements", {"period": period, "file": _file(claim_file(rows), "c.csv")})
    assert twice.status_code == 409 and twice.json()["code"] == "claim_period_invalid"
    bad = as_user(me.user).upload("/settlements", {"period": period, "file": _file(b"\xff\xfe\x00", "c.csv")})
    assert bad.status_code == 422

    other = provider_account(name="他院")
    assert as_user(other.user).get(f"/settlements/{s['id']}").status_code == 404
    assert as_user(teams["panzhihua"].clerk).get(f"/settlements/{s['id']}").status_code == 404
    answered = as_user(me.user).post(f"/settlements/{s['id']}/answers",
                                     {"answers": [{"line_no": 3, "kind": "accept"},
                                                  {"line_no": 4, "kind": "dispute", "reason": "该项目属乙类"}]})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    no_reason = as_user(me.user).post(f"/settlements/{s['id']}/answers",
                                      {"answers": [{"line_no": 4, "kind": "dispute"}]})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"

    receipt = s["case"]
    step(as_user, team.clerk, receipt, "accept")
    step(as_user, team.reviewer, receipt, "review")
    reviewed = as_user(team.reviewer).post(f"/settlements/{s['id']}/review",
                                           {"decisions": [{"line_no": 4, "kind": "restore", "note": "核实为乙类"}]})
    assert reviewed.status_code == 200, reviewed.content.decode()
    r = reviewed.json()
    assert r["approved"] == "160.00" and r["deposit"] == "8.00" and r["payable"] == "152.00"
    assert as_user(team.reviewer).post(f"/settlements/{s['id']}/approval").status_code == 403
    assert as_user(heads["dazhou"]).post(f"/settlements/{s['id']}/approval").json()["state"] == "approved"
    case, taken = drive(receipt, "dazhou")
    assert taken == ["approve", "pay", "complete"] and case["state"] == "completed"
    assert as_user(me.user).get(f"/settlements/{s['id']}").json()["state"] == "settled"
    pdf = as_user(me.user).get(f"/settlements/{s['id']}/statement.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = as_user(team.clerk).get(f"/settlements/{s['id']}/statement.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert [r[11] for r in list(book["拒付明细"].iter_rows(values_only=True))[1:]] == ["认可", "予以支付"]


def _file(content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_lifecycle_items_over_http(as_user, teams, regions, drive):
    dazhou = regions["dazhou"]
    me = provider_account(code=HOSPITAL, name="达州市接口生命周期医院")
    drive(designated(as_user, teams, dazhou, me, hospital_data(name="达州市接口生命周期医院")), "dazhou")
    for code, data, state in [
        ("provider-remote-settlement", {"scopes": ["省内", "跨省"]}, "in_force"),
        ("provider-info-change", {"changes": {"licence_no": "PDY-API-NEW"}}, "in_force"),
        ("provider-suspension", {"request": "suspend", "reason": "院区改造"}, "suspended"),
        ("provider-resumption", {}, "in_force"),
    ]:
        case, _ = drive(apply(as_user, me, dazhou, data, code=code), "dazhou")
        assert case["state"] == "completed", code
        assert as_user(me.user).get("/providers/me").json()["agreement"]["state"] == state, code
    fact = as_user().get(f"/providers/{HOSPITAL}/designation").json()
    assert fact["scopes"] == ["省内", "跨省"] and fact["designated"]
    assert as_user(me.user).get("/providers/me").json()["licence_no"] == "PDY-API-NEW"
    refused = as_user(me.user).post("/cases", {"region": "dazhou", "item_code": "provider-resumption", "data": {},
                                               "materials": []}, **{"Idempotency-Key": uuid.uuid4().hex})
    assert refused.status_code == 409 and "暂停" in refused.json()["message"]
