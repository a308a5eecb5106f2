"""Entitlements and reimbursement over HTTP, as a new user would try them: a resident is recognised
for a 慢特病 (expert drawn, opinion recorded), then reimbursed an outpatient claim whose explanation
adds up (初审, 复核 by another reviewer, 财务复核, the order paid); a second claim on the same invoice is
refused naming the first case; the table is the applicant's and staff's, nobody else's."""
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api.domain_support import (  # noqa: F401 (fixtures)
    CARD,
    application,
    as_user,
    dazhou,
    generic_handlers,
    insured,
    panzhihua,
    regions,
    settle,
    submit,
    teams,
)
from tests.cases import factories as cf
from tests.domain_support import offered_online, shipped_regions  # noqa: F401 (a fixture regions needs)
from tests.claims.conftest import sample_data
from yibao.enrollment.models import Scheme
from yibao.entitlements.models import Expert

OUT = "outpatient-reimbursement"


@pytest.fixture(autouse=True)
def experts_and_samples(regions):
    sample_data()
    for region in regions.values():
        Expert.objects.create(region=region, name=f"{region.name}专家", specialty="心血管内科")


def step(client, receipt, path, body=None):
    version = client.get(f"/cases/{receipt}").json()["version"]
    response = client.post(f"/cases/{receipt}/{path}", {"version": version, **(body or {})})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def claim_body(number, *, disease_code="", lines=None):
    return {"invoices": [{
        "invoice_no": number, "electronic": True, "provider_name": "达州市中心医院", "provider_level": "二级",
        "care_date": timezone.localdate().isoformat(), "diagnosis": "高血压病", "disease_code": disease_code,
        "lines": lines or ["硝苯地平控释片,甲,4,100.00,400.00", "动态血压监测,乙,1,200.00,200.00",
                           "保健品,丙,1,50.00,50.00"]}],
        "bank_name": "中国工商银行达州分行", "account_no": CARD}


def test_recognised_resident_is_reimbursed_and_the_invoice_only_once(dazhou, panzhihua, as_user, submit, teams):
    team = teams["dazhou"]
    second = cf.staff(dazhou, "reviewer")
    me, person = insured(dazhou, scheme=Scheme.RESIDENT)
    mine = as_user(me.user)

    # 门诊慢特病 recognition
    diseases = as_user().get("/entitlements/diseases?region=dazhou&scheme=resident&kind=chronic-disease").json()
    assert {"MT003"} <= {d["code"] for d in diseases} and all(d["sample"] for d in diseases)
    receipt = submit(me, application(dazhou, "chronic-disease", data={
        "disease_code": "MT003", "provider_name": "达州市中心医院", "provider_level": "二级",
        "provider_public": True, "diagnosed_on": "2025-10-01", "diagnosis": "高血压病3级"}))
    step(as_user(team.clerk), receipt, "accept")
    step(as_user(team.reviewer), receipt, "review")
    refused = as_user(team.reviewer).post(f"/cases/{receipt}/approve", {
        "version": as_user(team.reviewer).get(f"/cases/{receipt}").json()["version"]})
    assert refused.status_code == 409 and "专家" in refused.json()["message"]
    drawn = as_user(team.reviewer).post(f"/cases/{receipt}/expert", {"mode": "online"})
    assert drawn.status_code == 200 and drawn.json()["mode"] == "线上审核"
    assert as_user(team.reviewer).post(f"/cases/{receipt}/expert-opinion",
                                       {"opinion": "agree"}).json()["opinion"] == "同意认定"
    step(as_user(team.reviewer), receipt, "approve")
    step(as_user(team.clerk), receipt, "complete")
    entitlements = mine.get("/entitlements/mine").json()
    assert [(e["disease_code"], e["status"]) for e in entitlements] == [("MT003", "有效")]

    # the outpatient claim of the disease
    claim = submit(me, application(dazhou, OUT, data=claim_body("E-INV-2026-001", disease_code="MT003")))
    preview = mine.get(f"/cases/{claim}/explanation").json()
    assert preview["fixed"] is False and preview["lines"][0]["benefit"] == "chronic:MT003"
    step(as_user(team.clerk), claim, "accept")
    step(as_user(team.reviewer), claim, "review")
    typed = as_user(team.reviewer).post(f"/cases/{claim}/first-review", {
        "adjustments": [{"ref": "E-INV-2026-001#2", "admitted": "150.00", "reason": ""}]})
    assert typed.status_code == 409 and typed.json()["message"].endswith("核减须注明理由")
    reviewed = as_user(team.reviewer).post(f"/cases/{claim}/first-review", {
        "adjustments": [{"ref": "E-INV-2026-001#2", "admitted": "150.00", "reason": "监测次数超出限定"}]})
    assert reviewed.status_code == 200
    version = as_user(second).get(f"/cases/{claim}").json()["version"]
    by_hand = as_user(second).post(f"/cases/{claim}/approve", {"version": version, "amount": "9999.00"})
    assert by_hand.status_code == 409 and by_hand.json()["code"] == "amount_is_computed"
    step(as_user(second), claim, "approve")
    assert as_user(team.maker).post(f"/cases/{claim}/finance-check", {}).status_code == 200
    step(as_user(team.maker), claim, "pay")
    settle(as_user, team, claim)
    done = step(as_user(team.clerk), claim, "complete")
    assert done["state"] == "completed"

    table = mine.get(f"/cases/{claim}/explanation").json()
    assert table["fixed"] is True
    paid = sum(Decimal(r["payable"]) for r in table["lines"])
    assert paid == Decimal(table["totals"]["payable"]) == Decimal(table["payable"]) > 0
    for r in table["lines"]:  # every yuan of a line accounted for
        assert Decimal(r["excluded"]) + Decimal(r["self_paid"]) + Decimal(r["eligible"]) == Decimal(r["amount"])
    assert "监测次数超出限定" in table["lines"][1]["excluded_reason"]
    assert [r["level"] for r in table["reviews"]] == ["初审", "复核", "财务复核"]
    completion = next(n for n in mine.get(f"/cases/{claim}").json()["notices"] if n["kind"] == "completion")
    assert completion  # the result notice (its PDF prints the table: tests/claims/test_notice.py)

    # the same invoice again, in another region, by someone else: refused, the first case named
    other, _ = insured(panzhihua, name="李四")
    again = as_user(other.user).post("/cases", application(panzhihua, OUT, data=claim_body("E-INV-2026-001")),
                                     **{"Idempotency-Key": uuid.uuid4().hex})
    assert again.status_code == 409, again.content.decode()
    assert again.json()["code"] == "invoice_already_claimed" and claim in again.json()["message"]
    assert again.json()["details"]["case"] == claim

    # nobody else reads the table
    assert as_user(other.user).get(f"/cases/{claim}/explanation").status_code == 404
    assert as_user(teams["panzhihua"].reviewer).get(f"/cases/{claim}/explanation").status_code == 404


def test_malformed_claims_get_structured_errors(dazhou, as_user, submit):
    me, _ = insured(dazhou, scheme=Scheme.RESIDENT)
    offered_online(dazhou, OUT)
    for lines in (["只有三列,甲,1"], ["药,甲,1,10.00,99.00"], ["药,甲,-1,10.00,-10.00"], ["药,甲,1,1e9999,1"]):
        response = as_user(me.user).post("/cases", application(dazhou, OUT, data=claim_body("BAD-1", lines=lines)),
                                         **{"Idempotency-Key": uuid.uuid4().hex})
        assert response.status_code == 422, response.content.decode()
        body = response.json()
        assert body["code"] and body["message"] and "报销" not in body["code"]
