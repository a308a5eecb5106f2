"""Batches on the workbench: 组批 from the approved orders, the second payer approves, the files
download, a return file refused whole (the row named) or imported once, and the 对账 shown.
The three-person rule holds on the pages as in the actions."""
import csv
import io

from tests.cases import factories as f
from yibao.cases import actions
from yibao.core.models import Channel
from yibao.payments import actions as payments
from yibao.payments.models import PaymentBatch, PaymentOrder

W = Channel.WINDOW


def approved_order(payment, submit, clerk, staff, maker, checker):
    case = actions.accept_case(submit(payment), clerk, channel=W)
    reviewer = staff("reviewer")
    actions.start_review(case, reviewer, channel=W)
    case = actions.approve_case(case, reviewer, channel=W, amount="321.00")
    case = actions.pay_case(case, maker, channel=W, payee={**f.PAYEE, "payee_name": case.applicant.name})  # the guide's payee
    return payments.approve_order(case.payment_orders.get(), checker, channel=W)


def test_a_batch_on_the_pages(as_user, staff, clerk, payment, submit):
    maker, checker, confirmer = staff("payer"), staff("payer"), staff("payer")
    order = approved_order(payment, submit, clerk, staff, maker, checker)
    page = as_user(confirmer).get("/workbench/payments/batches/").content.decode()
    assert "待组批" in page and "321.00" in page and f.PAYEE["bank_name"] in page
    response = as_user(confirmer).post("/workbench/payments/batches/create/",
                                       {"account_kind": "bank", "bank_name": f.PAYEE["bank_name"]})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/batches/{batch.batch_no}/")
    page = as_user(confirmer).get(f"/workbench/payments/batches/{batch.batch_no}/").content.decode()
    assert "您是组批人，须由其他拨付人员审核该批次" in page and "审核通过批次" not in page
    as_user(confirmer).post(f"/workbench/payments/batches/{batch.batch_no}/approve/")  # refused: his own batch
    batch.refresh_from_db()
    assert batch.state == "created"
    assert as_user(confirmer).get(f"/workbench/payments/batches/{batch.batch_no}/export.csv").status_code == 302
    as_user(checker).post(f"/workbench/payments/batches/{batch.batch_no}/approve/")
    batch.refresh_from_db()
    assert batch.state == "approved" and batch.approved_by == checker
    response = as_user(confirmer).get(f"/workbench/payments/batches/{batch.batch_no}/export.csv")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6] == order.order_no and rows[1][1] == f.PAYEE["account_no"]
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        assert as_user(confirmer).get(f"/workbench/payments/batches/{batch.batch_no}/export.{fmt}").content[:4] \
            .startswith(magic)

    def upload(user, text, name="hp.csv"):
        return as_user(user).post(f"/workbench/payments/batches/{batch.batch_no}/import/",
                                  {"file": io.BytesIO(text.encode("utf-8"))}, follow=True).content.decode()

    wrong = f"指令号,金额,结果,银行流水号,失败原因\n{order.order_no},321.01,成功,R1,\n"
    assert "回盘文件未导入：第2行：金额321.01元" in upload(confirmer, wrong)
    right = f"指令号,金额,结果,银行流水号,失败原因\n{order.order_no},321.00,成功,R1,\n"
    assert "不得确认支付结果" in upload(checker, right)  # the approver is not the confirmer
    page = upload(confirmer, right)
    assert "已导入回盘文件：成功1笔" in page and "平衡" in page
    assert "本次未作任何变更" in upload(confirmer, right)
    assert PaymentOrder.objects.get().state == "paid" and order.case.__class__.objects.get().state == "paid"


def test_only_payers_of_the_region_see_batches(as_user, staff, clerk, songpan):
    assert as_user(clerk).get("/workbench/payments/batches/").status_code == 403
    other = f.staff(songpan, "payer")
    assert as_user(other).get("/workbench/payments/batches/PC20260101000001/").status_code == 404
