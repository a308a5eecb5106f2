from decimal import Decimal

import pytest

from yibao.core.audit import diff, record
from yibao.core.masking import mask_bank_account, mask_id_number, mask_name, mask_phone
from yibao.core.models import AuditEntry, Channel
from yibao.core.money import MoneyError, yuan


def test_masking_keeps_only_what_identifies_nothing():
    assert mask_id_number("510102199001011234") == "510***********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0818-2144557") == "0818-*****57"
    assert mask_bank_account("6222 0212 3456 7890") == "************7890"
    assert mask_name("张三丰") == "张**"


def test_money_is_decimal_fen_and_refuses_float():
    assert yuan("12.345") == Decimal("12.35")
    assert yuan(3) == Decimal("3.00")
    with pytest.raises(MoneyError):
        yuan(1.5)
    with pytest.raises(MoneyError, match="金额格式不正确"):
        yuan("abc")


def test_diff_lists_only_changed_fields():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


@pytest.mark.django_db
def test_record_appends_an_entry_with_actor_and_channel(django_user_model):
    user = django_user_model.objects.create_user("clerk", password="x" * 12)
    entry = record(actor=user, channel=Channel.WINDOW, action="受理", object_type="case", object_id=7)
    assert AuditEntry.objects.get() == entry
    assert (entry.actor_label, entry.channel, entry.object_id) == ("clerk", "window", "7")
    system = record(actor=None, channel=Channel.SYSTEM, action="逾期标记", object_type="case", object_id=7)
    assert system.actor is None and system.actor_label == "系统"
