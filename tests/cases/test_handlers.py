"""The handler registry: the generic handler for every code until a domain registers one."""
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pydantic import BaseModel

from tests.cases import factories as f
from yibao.cases import actions, handlers
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.catalog.codes import ITEM_CODES
from yibao.core.models import Channel

W = Channel.WINDOW


def test_items_status_json_lists_all_43_codes_generic_ones_without_effect(db, capsys):
    call_command("items", "status", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in rows] == [c.code for c in ITEM_CODES] and len(rows) == 43
    generic = [r for r in rows if r["handler"] == "GenericHandler"]
    assert generic and all(r["effect"] is False for r in generic)  # domain apps register the others
    assert all(r["pays"] is None for r in generic)  # the generic handler pays as the item's flow says
    assert all(r["flow_ok"] is True and r["flow_problems"] == [] for r in rows)  # no guide loaded: nothing disagrees


def test_items_status_table(db, capsys):
    call_command("items", "status")
    out = capsys.readouterr().out
    domain = sum(h["effect"] for h in handlers.status())
    assert "unit-enrollment" in out and f"共 43 个事项，{domain} 个已有业务处理模块" in out


class Reimbursement(BaseModel):
    invoice_total: Decimal
    hospital: str


class ReimbursementHandler(handlers.Handler):
    label = "测试报销"
    schema = Reimbursement
    has_effect = True
    pays = True

    def check(self, case, action, actor):
        if action == "approve" and case.data["hospital"] == "黑名单医院":
            raise DomainCheckFailed("该医疗机构不在定点名单中")

    def amount(self, case):
        return Decimal(case.data["invoice_total"]) * Decimal("0.5")

    def on_complete(self, case, actor):
        return {"effect": True, "paid": str(case.amount)}


@pytest.fixture
def registered():
    handler = ReimbursementHandler()
    handlers.register("outpatient-reimbursement", handler)
    yield handler
    handlers.unregister("outpatient-reimbursement")


def test_a_registered_handler_validates_data_checks_computes_and_takes_effect(registered, city, submit, clerk,
                                                                              reviewer, payer, capsys):
    item = f.item(city, "outpatient-reimbursement", stages=f.PAYMENT)
    with pytest.raises(InvalidCaseData, match="invoice_total"):
        submit(item, data={"hospital": "市人民医院"})
    case = submit(item, data={"hospital": "市人民医院", "invoice_total": "300.10"})
    assert case.data == {"invoice_total": "300.10", "hospital": "市人民医院"}
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    case = actions.approve_case(case, reviewer, channel=W, amount="999")  # the handler's figure wins
    assert case.amount == Decimal("150.05")
    case, order = f.pay_in_full(case, payer)
    assert order.amount == Decimal("150.05") and case.state == "paid"
    case = actions.complete_case(case, clerk, channel=W)
    assert case.events.last().payload == {"handler": "ReimbursementHandler", "effect": {"effect": True, "paid": "150.05"}}
    call_command("items", "status", "--format", "json")
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["outpatient-reimbursement"] == {"code": "outpatient-reimbursement", "handler": "ReimbursementHandler",
                                                "effect": True, "pays": True, "flow_ok": True, "flow_problems": []}


def test_domain_check_refuses_the_action(registered, city, submit, clerk, reviewer):
    case = submit(f.item(city, "outpatient-reimbursement", stages=f.PAYMENT),
                  data={"hospital": "黑名单医院", "invoice_total": "10"})
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    with pytest.raises(DomainCheckFailed, match="不在定点名单"):
        actions.approve_case(case, reviewer, channel=W)
    case.refresh_from_db()
    assert case.state == "under_review"


def test_registration_rules():
    with pytest.raises(ImproperlyConfigured, match="未知的事项代码"):
        handlers.register("no-such-item", handlers.GenericHandler())
    handler = ReimbursementHandler()
    handlers.register("inpatient-reimbursement", handler)
    try:
        with pytest.raises(ImproperlyConfigured, match="已登记"):
            handlers.register("inpatient-reimbursement", ReimbursementHandler())
    finally:
        handlers.unregister("inpatient-reimbursement")
    assert isinstance(handlers.handler_for("inpatient-reimbursement"), handlers.GenericHandler)
