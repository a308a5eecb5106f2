"""Batches and bank files: approved orders grouped, approved by a second payer, exported for 批量代发
(xlsx, CSV, PDF cover), the bank's return file imported (paid and failed), a failed order re-issued,
the same return file twice, and return files refused whole with the row named."""
import csv
import io
import subprocess
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from tests.cases import factories as f
from tests.payments.conftest import CARD, W, approved_case
from yibao.cases import actions as case_actions
from yibao.cases.exceptions import InvalidTransition
from yibao.cases.models import CaseEvent
from yibao.payments import actions
from yibao.payments.exceptions import BatchConflict, MakerChecker, ReturnFileRejected
from yibao.payments.models import PaymentOrder, ReturnImport
from yibao.payments.queries import reconciliation

BANK = "中国工商银行达州分行"
OTHER_CARD = "6222020200000000006"


def approved_order(city, maker, checker, amount="100.00", card=CARD):
    case = approved_case(city, amount=amount)
    order = actions.create_order(case, payee_name="张三", account_kind="bank", account_no=card, bank_name=BANK,
                                 amount=case.amount, purpose="产前检查费", actor=maker, channel=W)
    return actions.approve_order(order, checker, channel=W)


@pytest.fixture
def team(payers):
    maker, checker, cashier = payers
    return maker, checker, cashier


@pytest.fixture
def exported(city, team):
    """A batch of three approved orders (100.00, 250.50, 1.01), approved and exported."""
    maker, checker, cashier = team
    orders = [approved_order(city, maker, checker, a) for a in ("100.00", "250.50", "1.01")]
    batch = actions.create_batch(city.pk, account_kind="bank", bank_name=BANK, actor=cashier, channel=W)
    actions.approve_batch(batch, checker, channel=W)
    actions.export_batch(batch, cashier, channel=W, fmt="csv")
    batch.refresh_from_db()
    return batch, orders


def return_csv(lines, header=("指令号", "账号", "金额", "结果", "银行流水号", "失败原因")):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue().encode("utf-8-sig")


def test_a_batch_from_creation_to_settlement(city, team, exported):
    maker, checker, cashier = team
    batch, (a, b, c) = exported
    assert (batch.order_count, batch.total, batch.state) == (3, Decimal("351.51"), "exported")
    # the return file: two paid, one failed (by account number instead of the order number)
    content = return_csv([[a.order_no, "", "100.00", "成功", "ICBC-1", ""],
                          ["", "", "", "", "", ""],  # a blank line is skipped
                          [b.order_no, CARD, "250.50", "失败", "", "账户已销户"],
                          [c.order_no, "", "1.01", "成功", "ICBC-3", ""]])
    imported, created = actions.import_return(batch, content, cashier, channel=W, filename="hp.csv")
    assert created and (imported.paid, imported.failed, imported.unchanged) == (2, 1, 0)
    for o in (a, b, c):
        o.refresh_from_db()
        o.case.refresh_from_db()
    assert (a.state, a.bank_reference, a.settled_by) == ("paid", "ICBC-1", cashier)
    assert (b.state, b.failure_reason) == ("failed", "账户已销户")
    assert (a.case.state, b.case.state, c.case.state) == ("paid", "approved", "paid")
    assert CaseEvent.objects.filter(case=b.case, action="payment_failed").get().payload["order"] == b.order_no
    recon = reconciliation(batch)
    assert (recon["paid_count"], recon["paid"], recon["failed_count"], recon["failed"], recon["pending_count"]) == (
        2, Decimal("101.01"), 1, Decimal("250.50"), 0)
    assert recon["balanced"]
    batch.refresh_from_db()
    assert batch.state == "settled"

    # the same file again: nothing changes
    again, created = actions.import_return(batch, content, cashier, channel=W, filename="hp.csv")
    assert not created and again.pk == imported.pk and ReturnImport.objects.count() == 1
    assert CaseEvent.objects.filter(case=b.case, action="payment_failed").count() == 1

    # the failed order is re-issued: a new order linked to it, the case 拨付中 again
    case = case_actions.pay_case(b.case, maker, channel=W, payee={
        "payee_name": "张三", "account_kind": "bank", "account_no": OTHER_CARD, "bank_name": BANK})
    reissued = PaymentOrder.objects.get(case=case, state="created")
    assert reissued.reissue_of == b and reissued.order_no == f"{b.order_no}-2" and case.state == "paying"
    assert reissued.amount == b.amount


def test_export_files_carry_every_column_count_and_total(city, team, exported):
    maker, checker, cashier = team
    batch, orders = exported
    name, content, _ = actions.export_batch(batch, cashier, channel=W, fmt="csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert name == f"{batch.batch_no}.csv"
    assert rows[0] == ["序号", "收款账号", "收款人", "开户银行", "金额", "用途", "支付指令号"]
    assert rows[1] == ["1", CARD, "张三", BANK, "100.00", "产前检查费", orders[0].order_no]
    assert rows[-1][:2] == ["合计", "3笔"] and rows[-1][4] == "351.51"
    _, content, _ = actions.export_batch(batch, cashier, channel=W, fmt="xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    assert values[0][0] == "序号" and values[2][1] == CARD and values[2][4] == "250.50" and values[-1][4] == "351.51"
    _, pdf, _ = actions.export_batch(batch, cashier, channel=W, fmt="pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    compact = "".join(text.split())
    assert batch.batch_no in compact and "351.51元" in compact and "3笔" in compact and "支付确认" in compact
    assert CARD not in compact  # the cover sheet masks the accounts


def test_the_batch_is_approved_by_a_second_person_and_exported_only_then(city, team):
    maker, checker, cashier = team
    approved_order(city, maker, checker)
    batch = actions.create_batch(city.pk, account_kind="bank", bank_name=BANK, actor=cashier, channel=W)
    with pytest.raises(InvalidTransition, match="审核后方可导出"):
        actions.export_batch(batch, cashier, channel=W, fmt="xlsx")
    with pytest.raises(MakerChecker, match="组批人不得审核"):
        actions.approve_batch(batch, cashier, channel=W)
    assert actions.approve_batch(batch, checker, channel=W).state == "approved"
    with pytest.raises(BatchConflict, match="没有可组批"):  # its order is taken
        actions.create_batch(city.pk, account_kind="bank", bank_name=BANK, actor=cashier, channel=W)


def test_a_batched_order_is_settled_by_the_return_file_only(city, team, exported):
    maker, checker, cashier = team
    batch, (a, *_) = exported
    with pytest.raises(BatchConflict, match="回盘文件"):
        actions.mark_paid(a, cashier, channel=W, bank_reference="X")
    with pytest.raises(BatchConflict, match="不能作废"):
        actions.cancel_order(a, cashier, channel=W, reason="x")


@pytest.mark.parametrize("lines, row, message", [
    ([["ZF-NOPE", "", "100.00", "成功", "R1", ""]], 2, "不属于本批次"),
    ([["{a}", "", "100.01", "成功", "R1", ""]], 2, "金额100.01元与支付指令"),
    ([["{a}", "", "100.00", "成功", "R1", ""], ["{a}", "", "100.00", "成功", "R2", ""]], 3, "已在第2行出现"),
    ([["{a}", "", "100.00", "成功", "", ""]], 2, "银行流水号"),
    ([["{a}", "", "100.00", "失败", "", ""]], 2, "失败原因"),
    ([["{a}", "", "100.00", "也许", "R1", ""]], 2, "成功”或“失败"),
    ([["{a}", "", "-5", "成功", "R1", ""]], 2, "金额须大于0"),
    ([["{a}", "", "1e30", "成功", "R1", ""]], 2, "金额格式不正确"),
    ([["{a}", "", "100.00", "成功", "R1", ""], ["", "6222021234567890000", "1.01", "成功", "R3", ""]], 3,
     "不属于本批次"),
])
def test_a_bad_return_file_is_refused_whole_with_its_row(city, team, exported, lines, row, message):
    maker, checker, cashier = team
    batch, (a, b, c) = exported
    lines = [[cell.replace("{a}", a.order_no) for cell in line] for line in lines]
    with pytest.raises(ReturnFileRejected, match=message) as caught:
        actions.import_return(batch, return_csv(lines), cashier, channel=W)
    assert caught.value.details["row"] == row and f"第{row}行" in caught.value.message
    assert set(PaymentOrder.objects.filter(batch=batch).values_list("state", flat=True)) == {"approved"}
    assert not ReturnImport.objects.exists()


@pytest.mark.parametrize("content, message", [
    (b"", "为空"), (b"\x00\x01\x02binary", "xlsx"), ("收款人,备注\n张三,x\n".encode(), "第1行"),
    (b"PK\x03\x04broken zip", "Excel"), ("指令号,金额,结果\n".encode(), "没有数据行"),
])
def test_malformed_return_files(city, team, exported, content, message):
    batch, _ = exported
    with pytest.raises(ReturnFileRejected, match=message):
        actions.import_return(batch, content, team[2], channel=W)


def test_a_return_file_as_xlsx_and_a_later_partial_file(city, team, exported):
    maker, checker, cashier = team
    batch, (a, b, c) = exported
    book = Workbook()
    sheet = book.active
    sheet.append(["支付指令号", "金额", "处理结果", "银行流水号", "失败原因"])
    sheet.append([a.order_no, "100.00", "成功", "R-A", ""])
    out = io.BytesIO()
    book.save(out)
    imported, _ = actions.import_return(batch, out.getvalue(), cashier, channel=W, filename="a.xlsx")
    assert (imported.paid, imported.failed) == (1, 0)
    batch.refresh_from_db()
    assert batch.state == "exported" and reconciliation(batch)["pending_count"] == 2
    # a second file repeating the first line (unchanged) and settling the rest
    content = return_csv([[a.order_no, "", "100.00", "成功", "R-A", ""], [b.order_no, "", "250.50", "成功", "R-B", ""],
                          [c.order_no, "", "1.01", "成功", "R-C", ""]])
    imported, _ = actions.import_return(batch, content, cashier, channel=W)
    assert (imported.paid, imported.unchanged) == (2, 1)
    # a third file contradicting a recorded result is refused whole
    with pytest.raises(ReturnFileRejected, match="第2行.*已登记为“已支付”"):
        actions.import_return(batch, return_csv([[a.order_no, "", "100.00", "失败", "", "退票"]]), cashier, channel=W)


def test_the_importer_is_the_payment_confirmer(city, team, exported):
    maker, checker, cashier = team
    batch, (a, *_) = exported
    content = return_csv([[a.order_no, "", "100.00", "成功", "R1", ""]])
    for who in (maker, checker):
        with pytest.raises(MakerChecker, match="不得确认支付结果"):
            actions.import_return(batch, content, who, channel=W)
    reviewer = a.case.events.get(action="approve").actor
    from yibao.people.models import StaffProfile

    StaffProfile.objects.filter(user=reviewer).update(roles=["reviewer", "payer"])
    reviewer.refresh_from_db()
    with pytest.raises(MakerChecker, match="审核该办件的人员"):
        actions.import_return(batch, content, reviewer, channel=W)
    assert PaymentOrder.objects.get(pk=a.pk).state == "approved"


def test_admin_and_superuser_are_bound_by_the_three_person_rule(city, team):
    from django.contrib.auth import get_user_model

    from yibao.people.models import StaffProfile

    maker, checker, cashier = team
    admin = f.staff(city, "admin")
    order = approved_order(city, maker, checker)
    boss = get_user_model().objects.create_superuser("boss", password="x")
    StaffProfile.objects.create(user=boss, region=city, office="市本级", roles=["admin"])
    case = approved_case(city)
    mine = actions.create_order(case, payee_name="张三", account_kind="bank", account_no=CARD, bank_name=BANK,
                                amount=case.amount, purpose="x", actor=boss, channel=W)
    with pytest.raises(MakerChecker, match="制单人不得复核"):
        actions.approve_order(mine, boss, channel=W)
    actions.approve_order(mine, admin, channel=W)
    with pytest.raises(MakerChecker, match="不得确认支付结果"):
        actions.mark_paid(mine, admin, channel=W, bank_reference="R")
    assert actions.mark_paid(order, admin, channel=W, bank_reference="R").state == "paid"
