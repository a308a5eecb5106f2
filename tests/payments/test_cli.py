"""`yibao payments batch create|approve|export|import-return|show` as a payer's script would run it."""
import json

import pytest
from django.core.management import CommandError, call_command

from tests.cases import factories as f
from tests.payments.conftest import CARD, W, approved_case
from yibao.payments import actions
from yibao.payments.models import PaymentBatch, PaymentOrder


def test_the_batch_commands(city, payers, tmp_path, capsys):
    maker, checker, confirmer = payers
    case = approved_case(city, amount="66.60")
    order = actions.create_order(case, payee_name="张三", account_kind="bank", account_no=CARD, bank_name="工行",
                                 amount=case.amount, purpose="x", actor=maker, channel=W)
    actions.approve_order(order, checker, channel=W)
    call_command("payments", "batch", "create", "--region", city.code, "--bank", "工行", "--user", confirmer.username)
    batch = PaymentBatch.objects.get()
    assert batch.batch_no in capsys.readouterr().out
    with pytest.raises(CommandError, match="组批人不得审核"):
        call_command("payments", "batch", "approve", batch.batch_no, "--user", confirmer.username)
    call_command("payments", "batch", "approve", batch.batch_no, "--user", checker.username)
    out = tmp_path / "batch.csv"
    call_command("payments", "batch", "export", batch.batch_no, "--format", "csv", "-o", str(out),
                 "--user", confirmer.username)
    assert order.order_no in out.read_text(encoding="utf-8-sig")
    back = tmp_path / "return.csv"
    back.write_text(f"指令号,金额,结果,银行流水号,失败原因\n{order.order_no},66.60,成功,R1,\n", encoding="utf-8")
    capsys.readouterr()
    call_command("payments", "batch", "import-return", batch.batch_no, str(back), "--user", confirmer.username)
    lines = capsys.readouterr().out.splitlines()
    assert "成功1笔" in lines[0] and json.loads(lines[-1])["balanced"] is True
    call_command("payments", "batch", "import-return", batch.batch_no, str(back), "--user", confirmer.username)
    assert "未作任何变更" in capsys.readouterr().out
    assert PaymentOrder.objects.get().state == "paid"
    with pytest.raises(CommandError, match="没有账号"):
        call_command("payments", "batch", "show", batch.batch_no, "--user", "nobody")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("payments", "batch", "import-return", batch.batch_no, str(tmp_path / "x.csv"),
                     "--user", confirmer.username)
