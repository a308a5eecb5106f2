"""Approved amounts that cannot break anything: a positive Decimal with 2 places, inside the
column, under the item's ceiling (a policy parameter); the database refuses what the code forgot."""
import datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import PaymentAmountRequired
from yibao.cases.models import Case, PaymentCeiling
from yibao.core.models import Channel

W = Channel.WINDOW


@pytest.fixture
def reviewing(city, submit, clerk, reviewer):
    def _case():
        case = actions.accept_case(submit(f.item(city, "inpatient-reimbursement", stages=f.PAYMENT)), clerk, channel=W)
        return actions.start_review(case, reviewer, channel=W)
    return _case


@pytest.mark.parametrize("amount, message", [
    ("-5", "须大于0"), ("0", "须大于0"), ("1e30", "格式不正确"), ("999999999999999999", "超出允许范围"),
    ("1.005", "两位小数"), ("abc", "格式不正确"), ("NaN", "格式不正确"), ("Infinity", "格式不正确"),
    ("  ", "请填写金额"), ("1" * 40, "格式不正确"),
])
def test_bad_amounts_are_field_errors_in_chinese(reviewing, reviewer, amount, message):
    case = reviewing()
    with pytest.raises(PaymentAmountRequired, match=message) as caught:
        actions.approve_case(case, reviewer, channel=W, amount=amount)
    assert caught.value.details.get("field") == "amount"
    case.refresh_from_db()
    assert case.state == "under_review" and case.amount is None


def test_the_ceiling_is_a_policy_parameter_by_region_and_date(city, reviewing, reviewer):
    # the shipped sample (示例参数) for every region: 500000.00
    sample = PaymentCeiling.objects.get(item_code="inpatient-reimbursement", region=None)
    assert sample.sample and sample.ceiling == Decimal("500000.00")
    with pytest.raises(PaymentAmountRequired, match="支付上限500000.00元"):
        actions.approve_case(reviewing(), reviewer, channel=W, amount="500000.01")
    # the region's own figure, in force from a date, wins over the sample
    PaymentCeiling.objects.create(item_code="inpatient-reimbursement", region=city, ceiling=Decimal("8000.00"),
                                  effective_from=datetime.date(2020, 1, 1), sample=False)
    PaymentCeiling.objects.create(item_code="inpatient-reimbursement", region=city, ceiling=Decimal("1.00"),
                                  effective_from=datetime.date(2099, 1, 1), sample=False)  # not yet in force
    with pytest.raises(PaymentAmountRequired, match="支付上限8000.00元"):
        actions.approve_case(reviewing(), reviewer, channel=W, amount="8000.01")
    assert actions.approve_case(reviewing(), reviewer, channel=W, amount="8000").amount == Decimal("8000.00")


@pytest.mark.parametrize("amount", [Decimal("-5"), Decimal("0"), Decimal("1000000000000.00")])
def test_the_database_refuses_an_amount_out_of_range(reviewing, amount):
    case = reviewing()
    # SQLite: the check constraint; PostgreSQL: the check or, past 10^12, the column type itself
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(amount=amount)
    assert Case.objects.get(pk=case.pk).amount is None
