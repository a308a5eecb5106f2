"""Fixtures of the cases API: three regions with one item each (a guide edition per item, through
the real guide store): a 3-day item in 达州, an instant one in 松潘, a payment one in 攀枝花; their
staff; two people; personal tokens; and a small JSON client over Django's test client."""
import json

import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from yibao.api import actions as api_actions

# prenatal-payment: the payment item of tests/payments/conftest.approved_case, which the batch tests borrow
CODES = ("insurance-certificate", "e-credential", "maternity-allowance", "prenatal-payment")

# These tests are about HTTP, not about a domain's rules: the items used here run on the engine's
# GenericHandler even after a domain app registers its own (restored afterwards).
generic_handlers = generic_handlers_for(*CODES)


@pytest.fixture(autouse=True)
def cheap_argon2(settings):
    # Production costs make each login take a second or more on a shared machine.
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]


@pytest.fixture
def dazhou(db):
    return f.region("dazhou", "达州市", "511700")


@pytest.fixture
def songpan(db):
    return f.region("songpan", "松潘县", "513224")


@pytest.fixture
def panzhihua(db):
    return f.region("panzhihua", "攀枝花市", "510400")


@pytest.fixture
def three_day(dazhou):
    return f.item(dazhou, "insurance-certificate", limits=[("", 3)],
                  materials=[("有效身份证件", "", False), ("《参保凭证申请表》", "", False)])


@pytest.fixture
def instant(songpan):
    return f.item(songpan, "e-credential", limits=[("", 0)], stages=f.NO_REVIEW)


@pytest.fixture
def payment(panzhihua):
    return f.item(panzhihua, "maternity-allowance", limits=[("", 15)], stages=f.PAYMENT,
                  materials=[("医院收费票据", "", False)])


@pytest.fixture
def person(db):
    return f.applicant("张三", "511702199003071238")


@pytest.fixture
def other_person(db):
    return f.applicant("李四", "513224198506120044")


@pytest.fixture
def staff(dazhou, songpan, panzhihua):
    """{name: user}: clerks, reviewers and payers of the three regions."""
    return {
        "dazhou_clerk": f.staff(dazhou, "clerk", username="dz-clerk"),
        "dazhou_reviewer": f.staff(dazhou, "reviewer", username="dz-reviewer"),
        "dazhou_payer": f.staff(dazhou, "payer", username="dz-payer"),
        "songpan_clerk": f.staff(songpan, "clerk", "reviewer", username="sp-clerk"),
        "panzhihua_clerk": f.staff(panzhihua, "clerk", username="pzh-clerk"),
        "panzhihua_reviewer": f.staff(panzhihua, "reviewer", username="pzh-reviewer"),
        "panzhihua_payer": f.staff(panzhihua, "payer", username="pzh-payer"),
    }


class JsonClient:
    """Django's test client speaking JSON to /api with a bearer token."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def _headers(self, headers):
        auth = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**auth, **headers}

    def get(self, path, params=None, **headers):
        return self.client.get(f"/api{path}", params or {}, headers=self._headers(headers))

    def post(self, path, body=None, **headers):
        return self.client.post(f"/api{path}", json.dumps(body if body is not None else {}),
                                content_type="application/json", headers=self._headers(headers))

    def upload(self, path, data, **headers):
        return self.client.post(f"/api{path}", data, headers=self._headers(headers))


@pytest.fixture
def api(client):
    """api(user=None, token=None): a JSON client acting with a personal token of `user`."""

    def make(user=None, token=None):
        if user is not None:
            token = api_actions.personal_token(user)[0]
        return JsonClient(client, token)

    return make


def assert_error(response, status, code):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["code"] == code, body
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body  # a Chinese message
    return body
