"""Shared setup of the domain API tests (tests/api/test_domain_*.py): the domain data of
tests/domain_support.py (guides, teams, accounts, register rows), tokens, and
`drive`, which takes a case from submission to 办结 over HTTP with the staff's tokens, settling
its payment order through /api/payments on the way.

Import the fixtures by name into a test module (with `# noqa: F401`); importing
`generic_handlers` there switches off tests/api/conftest.py's fixture that puts the engine's
GenericHandler in place of the domains' handlers.
"""
import uuid

import pytest

from tests.api.conftest import JsonClient
from tests.domain_support import (  # noqa: F401 (re-exported for the test modules)
    CARD,
    SSC_CARD,
    catalogue_materials,
    dazhou,
    insured,
    offered_online,
    panzhihua,
    person_account,
    regions,
    registered_unit,
    shipped_regions,
    teams,
    unit_account,
)
from yibao.api import actions as api_actions
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import Region

# Who takes each step the case offers, in the order a case meets them.
STEPS = [("accept", "clerk"), ("start_review", "reviewer"), ("approve", "reviewer"), ("pay", "maker"),
         ("complete", "clerk")]
PATHS = {"start_review": "review"}


@pytest.fixture
def generic_handlers():
    """Overrides tests/api/conftest.py's autouse fixture: these tests need the domains' handlers."""
    yield


@pytest.fixture
def as_user(client):
    """as_user(user): a JsonClient with a personal token of `user` (one token per user)."""
    tokens = {}

    def make(user=None):
        if user is None:
            return JsonClient(client)
        if user.pk not in tokens:
            tokens[user.pk] = api_actions.personal_token(user)[0]
        return JsonClient(client, tokens[user.pk])

    return make


def materials_for(region, code, conditions=None, words=()):
    """The keys of every material the catalogue lists for the case's conditions, and of those
    whose condition names one of `words` (the handler adds these from the case data: evidence of
    a key change, a death, 主动放弃)."""
    item = item_in_force(region, code)
    keys = catalogue_materials(item, conditions) + [str(m.ordinal) for m in item.materials.all()
                                                    if any(w in m.when for w in words)]
    return sorted(set(keys), key=int)


def application(region, code, *, conditions=None, data=None, materials=None, words=()):
    """The body of POST /api/cases."""
    if materials is None:
        materials = materials_for(region, code, conditions, words)
    return {"region": region.code, "item_code": code, "conditions": conditions or {}, "data": data or {},
            "materials": materials}


@pytest.fixture
def submit(as_user):
    """submit(applicant, body): POST /api/cases as the applicant with a fresh Idempotency-Key;
    returns the receipt number."""

    def _submit(applicant, body):
        offered_online(Region.objects.get(code=body["region"]), body["item_code"])
        response = as_user(applicant.user).post("/cases", body, **{"Idempotency-Key": uuid.uuid4().hex})
        assert response.status_code == 201, response.content.decode()
        return response.json()["receipt_no"]

    return _submit


@pytest.fixture
def drive(as_user, teams):
    """drive(receipt, region_code): take the case through every step it offers, each by the
    member of staff whose role it is; at 拨付 the order is approved by one payer and confirmed
    paid by another through /api/payments. Returns (case detail, [steps taken])."""

    def _drive(receipt, region_code):
        team = teams[region_code]
        taken = []
        for _ in range(len(STEPS) + 1):
            case = as_user(team.clerk).get(f"/cases/{receipt}").json()
            if case["state"] == "completed":
                return case, taken
            step, role = next((s, r) for s, r in STEPS if s in case["next_steps"])
            response = as_user(getattr(team, role)).post(f"/cases/{receipt}/{PATHS.get(step, step)}",
                                                         {"version": case["version"]})
            assert response.status_code == 200, response.content.decode()
            taken.append(step)
            if step == "pay":
                settle(as_user, team, receipt)
        raise AssertionError(f"办件{receipt}未能办结：{case['state']} {case['next_steps']}")

    return _drive


def settle(as_user, team, receipt):
    """复核 by the checker, 确认支付 by the cashier: the maker-checker rule over the API."""
    queue = as_user(team.checker).get("/payments").json()["results"]
    order = next(o for o in queue if o["receipt_no"] == receipt)
    assert order["state"] == "created" and order["next_steps"] == ["approve", "cancel"]
    approved = as_user(team.checker).post(f"/payments/{order['id']}/approve", {})
    assert approved.status_code == 200, approved.content.decode()
    paid = as_user(team.cashier).post(f"/payments/{order['id']}/paid", {"bank_reference": f"BANK-{receipt}"})
    assert paid.status_code == 200 and paid.json()["state"] == "paid", paid.content.decode()
    return paid.json()
