"""Maternity over HTTP, as a new user would try it: the insured employee submits one bundle in
Panzhihua (whose guide offers the three items online and pays them together), the three cases go
through review and 拨付, the allowance reaches the employer's account and the costs hers, each
with its explanation; a retry returns the same bundle; a stranger sees nothing; a bad bundle is a
structured error."""
import uuid

import pytest

from tests.api.domain_support import as_user, settle, teams  # noqa: F401 (fixtures)
from tests.domain_support import shipped_regions  # noqa: F401 (a fixture regions needs)
from tests.maternity.conftest import (  # noqa: F401 (fixtures)
    PANZHIHUA_MATERIALS,
    UNIT_ACCOUNT,
    cost,
    facts,
    family,
    invoice,
    line,
    regions,
)
from yibao.core.models import Channel
from yibao.payments.models import PaymentOrder
from yibao.people.actions import grant_authorisation

THREE = ["prenatal-payment", "maternity-medical-payment", "maternity-allowance"]


def step(client, receipt, path, body=None):
    version = client.get(f"/cases/{receipt}").json()["version"]
    response = client.post(f"/cases/{receipt}/{path}", {"version": version, **(body or {})})
    assert response.status_code == 200, response.content.decode()
    return response.json()


def body(fam, **kw):
    return {"region": "panzhihua", "items": THREE, "employer_uscc": fam.unit.id_number, "facts": facts(),
            "costs": {"prenatal-payment": cost(invoice("PZ-CJ-01", line(price="800.00"))),
                      "maternity-medical-payment": cost(invoice("PZ-SY-01", line("剖宫产", price="5000.00")))},
            "materials": PANZHIHUA_MATERIALS, **kw}


def test_a_bundle_over_the_api_pays_the_employer_and_the_employee(regions, family, as_user, teams):
    pzh = regions["panzhihua"]
    fam = family(pzh)
    team = teams["panzhihua"]
    me = as_user(fam.me.user)
    assert as_user().get("/maternity/paid-together?region=panzhihua").json()["paid_together"] == sorted(THREE)
    # the allowance is the employer's application (R58): online in its name only with its authorisation
    refused = me.post("/maternity/bundles", body(fam), **{"Idempotency-Key": uuid.uuid4().hex})
    assert refused.status_code == 403 and refused.json()["code"] == "agent_not_authorised", refused.content.decode()
    assert me.get("/cases").json()["count"] == 0  # all or nothing
    grant_authorisation(fam.unit, fam.me.id_number, channel=Channel.API)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    sent = me.post("/maternity/bundles", body(fam), **key)
    assert sent.status_code == 201, sent.content.decode()
    again = me.post("/maternity/bundles", body(fam), **key)
    assert again.status_code == 200 and again.json()["bundle_no"] == sent.json()["bundle_no"]
    other = me.post("/maternity/bundles", body(fam, comment="另一份申请"), **key)  # the key, another request
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict", other.content.decode()
    assert me.get("/cases").json()["count"] == 3  # nothing opened by the replay or the conflict
    cases = {c["item_code"]: c["receipt_no"] for c in sent.json()["cases"]}
    assert len(cases) == 3
    assert me.get(f"/maternity/bundles/{sent.json()['bundle_no']}").status_code == 200
    preview = me.get(f"/cases/{cases['maternity-allowance']}/maternity-explanation").json()
    assert preview["fixed"] is False and preview["table"]["title"] == "生育津贴核算明细"
    for code, receipt in cases.items():
        step(as_user(team.clerk), receipt, "accept")
        step(as_user(team.reviewer), receipt, "review")
        step(as_user(team.reviewer), receipt, "approve")
        step(as_user(team.maker), receipt, "pay")
        settle(as_user, team, receipt)
        assert step(as_user(team.clerk), receipt, "complete")["state"] == "completed"
    orders = {o.case.item_code: o for o in PaymentOrder.objects.select_related("case")}
    assert orders["maternity-allowance"].account_kind == "employer"
    assert orders["maternity-allowance"].account_no == UNIT_ACCOUNT
    assert str(orders["prenatal-payment"].amount) == "800.00"
    assert str(orders["maternity-medical-payment"].amount) == "4750.00"  # 二级 95% (示例参数)
    table = me.get(f"/cases/{cases['maternity-allowance']}/maternity-explanation").json()
    assert table["fixed"] and table["payable"] == str(orders["maternity-allowance"].amount)
    assert any("示例参数" in n for n in table["table"]["notes"])
    # the employer reads its allowance's table too; a stranger reads nothing
    assert as_user(fam.unit.user).get(f"/cases/{cases['maternity-allowance']}/maternity-explanation").status_code == 200
    stranger = family(pzh, name="路人")
    assert as_user(stranger.me.user).get(f"/maternity/bundles/{sent.json()['bundle_no']}").status_code == 404
    assert as_user(stranger.me.user).get(
        f"/cases/{cases['maternity-medical-payment']}/maternity-explanation").status_code == 404


@pytest.mark.parametrize("change, status, code", [
    ({"items": [*THREE, "family-planning-payment"]}, 409, "not_paid_together"),
    ({"items": ["outpatient-reimbursement"]}, 422, "invalid"),
    ({"facts": facts(babies=99)}, 422, None),
    ({"employer_uscc": "91510000MA0000000X"}, 409, None),
])
def test_bad_bundles_are_structured_errors_and_open_nothing(regions, family, as_user, change, status, code):
    fam = family(regions["panzhihua"])
    response = as_user(fam.me.user).post("/maternity/bundles", body(fam, **change),
                                         **{"Idempotency-Key": uuid.uuid4().hex})
    assert response.status_code == status, response.content.decode()
    assert set(response.json()) >= {"code", "message", "field", "details"}
    if code:
        assert response.json()["code"] == code
    assert as_user(fam.me.user).get("/cases").json()["count"] == 0


@pytest.fixture
def upload_dir(settings, tmp_path):
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_a_file_given_once_is_kept_by_each_case_that_lists_it(regions, family, as_user, upload_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yibao.cases.models import Attachment

    fam = family(regions["panzhihua"])
    grant_authorisation(fam.unit, fam.me.id_number, channel=Channel.API)
    me = as_user(fam.me.user)
    sent = me.post("/maternity/bundles", body(fam), **{"Idempotency-Key": uuid.uuid4().hex}).json()
    number = sent["bundle_no"]
    pdf = b"%PDF-1.4\n" + b"0" * 200
    shared = me.upload(f"/maternity/bundles/{number}/attachments", {
        "material": "有效身份证件或医保电子凭证或社会保障卡", "file": SimpleUploadedFile("身份证.pdf", pdf)})
    assert shared.status_code == 201, shared.content.decode()
    assert len(shared.json()["cases"]) == 3  # all three items list the ID
    assert Attachment.objects.count() == 3 and len({a.stored_name for a in Attachment.objects.all()}) == 3
    only_costs = me.upload(f"/maternity/bundles/{number}/attachments", {
        "material": "医院收费票据", "file": SimpleUploadedFile("票据.pdf", pdf)})
    assert len(only_costs.json()["cases"]) == 2  # the allowance lists no invoice
    # a file that is not a document, a material nobody lists, someone else: nothing kept
    exe = me.upload(f"/maternity/bundles/{number}/attachments", {
        "material": "医院收费票据", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00" + b"\x00" * 100)})
    assert exe.status_code in (400, 409, 422) and set(exe.json()) >= {"code", "message"}
    unknown = me.upload(f"/maternity/bundles/{number}/attachments", {
        "material": "户口本", "file": SimpleUploadedFile("x.pdf", pdf)})
    assert unknown.status_code in (404, 409, 422) and "户口本" in unknown.json()["message"]
    stranger = family(regions["panzhihua"], name="路人")
    other = as_user(stranger.me.user).upload(f"/maternity/bundles/{number}/attachments", {
        "material": "医院收费票据", "file": SimpleUploadedFile("x.pdf", pdf)})
    assert other.status_code == 404
    assert Attachment.objects.count() == 5
