"""Two payers generating the order of one case at the same moment: one order, one clear refusal.
Real transactions in two threads, on PostgreSQL."""
import pytest
from django.db import connection

from tests.cases import factories as f
from tests.concurrency import race
from tests.payments.conftest import CARD, W, approved_case
from yibao.cases.exceptions import InvalidTransition
from yibao.payments import actions
from yibao.payments.exceptions import OrderExists
from yibao.payments.models import AccountKind, PaymentOrder

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
