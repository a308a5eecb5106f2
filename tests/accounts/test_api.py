"""An account withdrawal over the JSON API: a refusal arrives as a structured Chinese error, and
the whole flow (submit, staff steps, the payment order settled, 办结) changes the ledger."""
import json
from decimal import Decimal

import pytest

from tests.accounts.conftest import CARD
from tests.domain_support import offered_online
from yibao.accounts.models import PersonalAccount
from yibao.api import actions as api_actions
from yibao.cases.models import Case
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case


@pytest.fixture(autouse=True)
def cheap_argon2(settings):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture
def call(client):
    def _call(user, path, body=None, **headers):
        token = api_actions.personal_token(user)[0]
        return client.post(f"/api{path}", json.dumps(body or {}), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}", **headers})

    return _call


def withdrawal(key):
    return {"region": "dazhou", "item_code": "account-withdrawal", "materials": ["1", "2"],
            "data": {"reason": "出国（境）定居", "bank_name": "中国银行", "bank_account": CARD}}, key


def test_withdrawal_over_the_api(dazhou, insured, staff, call):
    offered_online(dazhou, "account-withdrawal")  # 达州's guide offers it at the window only
    poor = insured(dazhou, balance="")
    body, key = withdrawal("k-poor")
    refused = call(poor.applicant.user, "/cases", body, **{"Idempotency-Key": key})
    assert refused.status_code == 409
    error = refused.json()
    assert error["code"] == "no_balance" and "无余额" in error["message"]

    ins = insured(dazhou, balance="777.70")
    body, key = withdrawal("k-rich")
    created = call(ins.applicant.user, "/cases", body, **{"Idempotency-Key": key})
    assert created.status_code == 201, created.content.decode()
    receipt = created.json()["receipt_no"]
    team = staff["dazhou"]

    def step(user, action, **extra):
        version = Case.objects.get(receipt_no=receipt).version
        response = call(user, f"/cases/{receipt}/{action}", {"version": version, **extra})
        assert response.status_code == 200, response.content.decode()
        return response.json()

    step(team.clerk, "accept")
    step(team.reviewer, "review")
    step(team.reviewer, "approve")
    step(team.maker, "pay")
    case = Case.objects.get(receipt_no=receipt)
    order = order_for_case(case)
    assert order.amount == Decimal("777.70")
    early = call(team.clerk, f"/cases/{receipt}/complete", {"version": case.version})
    assert early.status_code == 409 and early.json()["code"] == "invalid_transition"  # 拨付中: the bank has not paid
    payments.approve_order(order, team.checker, channel="api")
    payments.mark_paid(order, team.cashier, channel="api", bank_reference="BOC-1")
    assert step(team.clerk, "complete")["state"] == "completed"
    assert PersonalAccount.objects.get(person=ins.person).balance() == Decimal("0.00")
