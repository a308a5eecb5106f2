"""The remote-care items and the filing lookup over real HTTP (Django's test client, JSON, tokens):
a person files through POST /api/cases, staff drive the case with their own tokens, and the
filing is read back through the lookup (a designated provider, a partner system, the person),
the person's record, the public verification and the PDF; the referral filed by the hospital."""
import datetime

import pytest
from django.utils import timezone

from tests.api.conftest import JsonClient
from tests.api.domain_support import (  # noqa: F401
    application,
    as_user,
    dazhou,
    drive,
    generic_handlers,
    insured,
    panzhihua,
    regions,
    submit,
    teams,
)
from tests.domain_support import long_term_filing, shipped_regions  # noqa: F401 (a fixture regions needs)
from yibao.api import actions as api_actions
from yibao.api.models import ClientKind
from yibao.remote_care.actions import ensure_sample_parameters
from yibao.remote_care.models import Filing

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def sample_parameters(db):
    ensure_sample_parameters()


def lookup(api, id_number, province, city="", on=None):
    params = {"id_number": id_number, "province": province, "city": city}
    if on:
        params["on"] = on.isoformat()
    return api.get("/remote-care/lookup", params)


def test_a_filing_through_the_api_and_everything_that_reads_it(dazhou, submit, drive, as_user, client, provider):
    me, person = insured(dazhou)
    receipt = submit(me, application(dazhou, "remote-resident", data={
        "province": "海南省", "city": "三亚市", "basis": "个人承诺书"}))
    case, _ = drive(receipt, "dazhou")
    assert case["state"] == "completed"
    filing = Filing.objects.get(case__receipt_no=receipt)

    hospital = as_user(provider.user)
    answer = lookup(hospital, person.id_number, "海南省", "三亚市").json()
    assert answer["filed"] is True and answer["filing"]["number"] == filing.number
    assert answer["filing"]["scope"] == "跨省" and answer["filing"]["end_on"] is None
    assert person.id_number not in str(answer)  # masked
    assert lookup(hospital, person.id_number, "广东省").json()["filed"] is False
    yesterday = TODAY() - datetime.timedelta(days=1)
    assert lookup(hospital, person.id_number, "海南省", on=yesterday).json()["filed"] is False

    record = as_user(me.user).get("/persons/me").json()
    assert len(record["remote_care"]) == 1 and filing.number in record["remote_care"][0]
    assert [f["number"] for f in as_user(me.user).get("/persons/me/filings").json()] == [filing.number]

    public = JsonClient(client)
    verified = public.get(f"/remote-care/confirmations/{filing.verify_code}").json()
    assert (verified["valid"], verified["number"], verified["status"]) == (True, filing.number, "有效")
    assert person.id_number not in str(verified) and verified["covers_today"] is True
    assert public.get("/remote-care/confirmations/not-a-real-code-0000000").status_code == 404
    assert public.get("/remote-care/confirmations/%27%20or%201=1").status_code == 404

    pdf = as_user(me.user).get(f"/remote-care/filings/{filing.number}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"


def test_who_may_look_up(dazhou, panzhihua, as_user, client, teams):
    me, person = insured(dazhou)
    stranger, _ = insured(dazhou, name="王五")
    filing = long_term_filing(person, dazhou)
    assert lookup(JsonClient(client), person.id_number, "海南省").status_code == 401
    assert lookup(as_user(stranger.user), person.id_number, "海南省").status_code == 404  # another person
    assert lookup(as_user(me.user), person.id_number, "海南省").json()["filing"]["number"] == filing.number
    assert lookup(as_user(teams["dazhou"].clerk), person.id_number, "海南省").json()["filed"] is True
    assert lookup(as_user(teams["panzhihua"].clerk), person.id_number, "海南省").status_code == 404
    _, own_token = api_actions.create_client("达州合作系统", ClientKind.PARTNER, dazhou)
    _, other_token = api_actions.create_client("攀枝花合作系统", ClientKind.PARTNER, panzhihua)
    assert lookup(JsonClient(client, own_token), person.id_number, "海南省").json()["filed"] is True
    assert lookup(JsonClient(client, other_token), person.id_number, "海南省").status_code == 404
    bad = lookup(as_user(me.user), person.id_number, "火星")
    assert bad.status_code == 422 and bad.json()["field"] == "province" and "省份" in bad.json()["message"]
    assert as_user(stranger.user).get(f"/remote-care/filings/{filing.number}/pdf").status_code == 404


def test_the_referral_submitted_by_the_hospital_and_a_refusal(dazhou, submit, drive, as_user, provider):
    me, person = insured(dazhou)
    receipt = submit(provider, application(dazhou, "remote-referral", data={
        "id_number": person.id_number, "province": "重庆市", "city": "渝中区"}))
    drive(receipt, "dazhou")
    filing = Filing.objects.get(case__receipt_no=receipt)
    assert filing.person == person and filing.submitted_by_provider.startswith(provider.id_number)
    # the same request again: an overlapping temporary filing, refused with its reason
    response = as_user(provider.user).post("/cases", application(dazhou, "remote-referral", data={
        "id_number": person.id_number, "province": "重庆市", "city": "渝中区"}), **{"Idempotency-Key": "again-1"})
    body = response.json()
    assert response.status_code == 409 and body["code"] == "filing_overlap" and filing.number in body["message"]
