"""Races on PostgreSQL, real transactions in two threads: two payers generating the order of one
case (one order, one clear refusal); two payers batching the same order (one batch gets it, the
other is refused naming it); two imports of one return file (settled once)."""
import pytest
from django.db import connection

from tests.cases import factories as f
from tests.concurrency import race
from tests.payments.conftest import CARD, W, approved_case
from yibao.cases.exceptions import InvalidTransition
from yibao.payments import actions
from yibao.cases.models import CaseEvent
from yibao.payments.exceptions import BatchConflict, OrderExists
from yibao.payments.models import AccountKind, PaymentBatch, PaymentEvent, PaymentOrder, ReturnImport

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


@pytest.mark.parametrize("round_no", range(3))
def test_concurrent_orders_for_one_case_one_wins(round_no):
    city = f.region()
    case = approved_case(city)
    first, second = f.staff(city, "payer"), f.staff(city, "payer")

    def create(actor):
        return lambda: actions.create_order(case, payee_name="张三", account_kind=AccountKind.BANK, account_no=CARD,
                                            bank_name="工商银行", amount=case.amount, purpose="产前检查费", actor=actor, channel=W)

    results = race(create(first), create(second))
    orders = [r for r in results if isinstance(r, PaymentOrder)]
    # the loser waits for the case lock, then finds it 拨付中 (or, failing that, the constraint says so)
    refused = [r for r in results if isinstance(r, (OrderExists, InvalidTransition))]
    assert len(orders) == 1 and len(refused) == 1, results
    assert PaymentOrder.objects.filter(case=case).count() == 1


BANK = "工商银行"


def _approved_order(city, maker, checker):
    case = approved_case(city)
    order = actions.create_order(case, payee_name="张三", account_kind=AccountKind.BANK, account_no=CARD,
                                 bank_name=BANK, amount=case.amount, purpose="产前检查费", actor=maker, channel=W)
    return actions.approve_order(order, checker, channel=W)


@pytest.mark.parametrize("round_no", range(3))
def test_two_payers_batching_the_same_order_one_batch_gets_it(round_no):
    city = f.region()
    maker, checker, first, second = (f.staff(city, "payer") for _ in range(4))
    order = _approved_order(city, maker, checker)

    def batch(actor):
        return lambda: actions.create_batch(city.pk, account_kind="bank", bank_name=BANK, actor=actor, channel=W,
                                            order_nos=[order.order_no])

    results = race(batch(first), batch(second))
    made = [r for r in results if isinstance(r, PaymentBatch)]
    refused = [r for r in results if isinstance(r, BatchConflict)]
    assert len(made) == 1 and len(refused) == 1, results
    assert order.order_no in refused[0].message
    order.refresh_from_db()
    assert order.batch_id == made[0].pk and PaymentBatch.objects.count() == 1


@pytest.mark.parametrize("round_no", range(3))
def test_two_imports_of_one_return_file_settle_once(round_no):
    city = f.region()
    maker, checker, cashier, other = (f.staff(city, "payer") for _ in range(4))
    orders = [_approved_order(city, maker, checker) for _ in range(3)]
    batch = actions.create_batch(city.pk, account_kind="bank", bank_name=BANK, actor=cashier, channel=W)
    actions.approve_batch(batch, checker, channel=W)
    actions.export_batch(batch, cashier, channel=W, fmt="csv")
    lines = ["指令号,金额,结果,银行流水号,失败原因"] + [
        f"{o.order_no},{o.amount},成功,R-{n}," if n else f"{o.order_no},{o.amount},失败,,账户冻结"
        for n, o in enumerate(orders)]
    content = "\n".join(lines).encode()

    def load(actor):
        return lambda: actions.import_return(batch, content, actor, channel=W, filename="hp.csv")

    results = race(load(cashier), load(other))
    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(created for _, created in results) == [False, True]
    assert ReturnImport.objects.filter(batch=batch).count() == 1
    assert PaymentEvent.objects.filter(order__batch=batch, action__in=["pay", "fail"]).count() == 3
    assert CaseEvent.objects.filter(case__payment_orders__batch=batch,
                                    action__in=["payment_paid", "payment_failed"]).count() == 3
    states = sorted(PaymentOrder.objects.filter(batch=batch).values_list("state", flat=True))
    assert states == ["failed", "paid", "paid"]
