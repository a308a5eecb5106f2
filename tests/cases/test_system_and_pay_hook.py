"""Engine support the account items need: a case opened and accepted by the system (no actor, on
the system channel: 转移接续's 信息表 arriving at the in side), and the handler's 拨付 hook."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions, handlers
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.core.models import AuditEntry, Channel
from yibao.people.policy import NotAllowed
from yibao.workdays.calendar import due_date

W = Channel.WINDOW


@pytest.fixture(autouse=True)
def plain_handler():
    """These tests are about the engine: the item runs on a plain handler whatever domain owns it."""
    code = "relation-transfer"
    saved = handlers.handler_for(code)
    handlers.unregister(code)
    handlers.register(code, handlers.Handler())
    yield
    handlers.unregister(code)
    if not isinstance(saved, handlers.GenericHandler):
        handlers.register(code, saved)


def test_the_system_opens_and_accepts_a_case_without_a_logged_in_actor(city, person):
    item = f.item(city, "relation-transfer", limits=[("", 15), ("关系转入", 5), ("关系转出", 10)])
    case = actions.submit_case(item=item, applicant=person, actor=None, channel=Channel.SYSTEM,
                               conditions={"sub_type": "关系转入"}, materials=["1"])
    case = actions.accept_case(case, None, channel=Channel.SYSTEM)
    today = timezone.localdate()
    assert case.state == "accepted" and case.accepted_on == today
    assert (case.limit_days, case.due_date) == (5, due_date(today, 5).date)
    events = list(case.events.values_list("action", "actor", "actor_role", "channel"))
    assert events == [("submit", None, "系统", "system"), ("accept", None, "系统", "system")]
    assert AuditEntry.objects.filter(object_id=str(case.pk), actor_label="系统").count() == 2


def test_nobody_else_gets_the_system_path(city, person):
    item = f.item(city, "relation-transfer")
    with pytest.raises(InvalidCaseData, match="申请渠道"):  # a person may not claim the system channel
        actions.submit_case(item=item, applicant=person, actor=person.user, channel=Channel.SYSTEM, materials=["1"])
    with pytest.raises(NotAllowed):  # an anonymous web request is not the system
        actions.submit_case(item=item, applicant=person, actor=AnonymousUser(), channel=W, materials=["1"])
    case = actions.submit_case(item=item, applicant=person, actor=person.user, channel=W, materials=["1"])
    with pytest.raises(NotAllowed):
        actions.accept_case(case, None, channel=W)  # no actor on a human channel: refused as before


class PayHook(handlers.Handler):
    pays = True

    def on_pay(self, case, actor, channel, payee=None):
        return {"order": f"PO-{case.pk}", "by": actor.username, "channel": channel}


class NoOrder(handlers.Handler):
    pays = True

    def on_pay(self, case, actor, channel, payee=None):
        return {}


def test_the_handler_starts_the_disbursement_at_pay(city, submit, clerk, reviewer, payer):
    handlers.register("prenatal-payment", PayHook())
    try:
        case = submit(f.item(city, "prenatal-payment", stages=f.PAYMENT))
        actions.accept_case(case, clerk, channel=W)
        actions.start_review(case, reviewer, channel=W)
        actions.approve_case(case, reviewer, channel=W, amount="12.30")
        case = actions.pay_case(case, payer, channel=W, reference="B1")
    finally:
        handlers.unregister("prenatal-payment")
    assert case.state == "paying"  # 已拨付 only comes from the order's paid event
    assert case.events.last().payload == {"amount": "12.30", "reference": "B1",
                                          "disbursement": {"order": f"PO-{case.pk}", "by": payer.username,
                                                                          "channel": "window"}}


def test_a_handler_that_makes_no_order_cannot_pay(city, submit, clerk, reviewer, payer):
    handlers.register("prenatal-payment", NoOrder())
    try:
        case = submit(f.item(city, "prenatal-payment", stages=f.PAYMENT))
        actions.accept_case(case, clerk, channel=W)
        actions.start_review(case, reviewer, channel=W)
        actions.approve_case(case, reviewer, channel=W, amount="12.30")
        with pytest.raises(DomainCheckFailed, match="未生成支付指令"):
            actions.pay_case(case, payer, channel=W)
    finally:
        handlers.unregister("prenatal-payment")
    case.refresh_from_db()
    assert case.state == "approved" and not case.events.filter(action="pay").exists()


def test_no_case_is_paid_without_a_paid_order(city, submit, clerk, reviewer, payer):
    """Even code that calls the engine directly cannot mark a case 已拨付 on an order that is not paid."""
    case = submit(f.item(city, "prenatal-payment", stages=f.PAYMENT))
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    actions.approve_case(case, reviewer, channel=W, amount="12.30")
    case = actions.pay_case(case, payer, channel=W, payee=f.PAYEE)
    order_no = case.payment_orders.get().order_no
    for call in (lambda: actions.record_payment(case, payer, channel=W, paid=True, order_no=order_no),
                 lambda: actions.record_payments([(case.pk, True, order_no, "")], payer, channel=W),
                 lambda: actions.record_payment(case, payer, channel=W, paid=True, order_no="ZF-INVENTED")):
        with pytest.raises(DomainCheckFailed, match="未支付成功"):
            call()
    case.refresh_from_db()
    assert case.state == "paying"
