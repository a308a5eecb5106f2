"""Batches over the API: 组批, 批次审核 by a second payer (the creator gets 403 maker_checker), the
批量代发 file, the bank's return file (refused whole with the row named; the same file twice
changes nothing) and the reconciliation; another region's batch is a 404."""
import csv
import io

from tests.api.conftest import assert_error
from tests.cases import factories as f
from tests.payments.conftest import CARD, W, approved_case
from yibao.payments import actions


def test_a_batch_over_the_api(api, db):
    city = f.region()
    maker, checker, confirmer = (f.staff(city, "payer") for _ in range(3))
    orders = []
    for amount in ("10.00", "20.50"):
        case = approved_case(city, amount=amount)
        order = actions.create_order(case, payee_name="张三", account_kind="bank", account_no=CARD, bank_name="工行",
                                     amount=case.amount, purpose="x", actor=maker, channel=W)
        orders.append(actions.approve_order(order, checker, channel=W))
    me = api(confirmer)
    assert_error(me.post("/payment-batches", {"account_kind": "nope"}), 422, "invalid_payee")
    batch = me.post("/payment-batches", {"account_kind": "bank", "bank_name": "工行"}).json()
    assert (batch["order_count"], batch["total"], batch["state"], batch["next_steps"]) == (2, "30.50", "created", [])
    no = batch["batch_no"]
    assert_error(me.post(f"/payment-batches/{no}/approve"), 403, "maker_checker")
    assert_error(me.get(f"/payment-batches/{no}/export", {"format": "csv"}), 409, "invalid_order_transition")
    assert api(checker).post(f"/payment-batches/{no}/approve").json()["state"] == "approved"
    exported = me.get(f"/payment-batches/{no}/export", {"format": "csv"})
    assert exported.status_code == 200 and exported["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r[6] for r in rows[1:3]] == [o.order_no for o in orders] and rows[3][4] == "30.50"
    assert_error(api(f.staff(f.region("other", "别处市", "519800"), "payer")).get(f"/payment-batches/{no}"), 404,
                 "not_found")

    def send(text):
        return me.upload(f"/payment-batches/{no}/return", {"file": io.BytesIO(text.encode())})

    bad = send(f"指令号,金额,结果,银行流水号,失败原因\n{orders[0].order_no},10.00,成功,R1,\nZF-X,1.00,成功,R2,\n")
    body = assert_error(bad, 422, "return_file_rejected")
    assert body["details"]["row"] == 3 and "第3行" in body["message"] and body["field"] == "file"
    good = (f"指令号,金额,结果,银行流水号,失败原因\n{orders[0].order_no},10.00,成功,R1,\n"
            f"{orders[1].order_no},20.50,失败,,户名不符\n")
    first = send(good).json()
    assert (first["imported"], first["paid"], first["failed"]) == (True, 1, 1)
    recon = first["batch"]["reconciliation"]
    assert (recon["paid"], recon["failed"], recon["pending"], recon["total"], recon["balanced"]) == (
        "10.00", "20.50", "0.00", "30.50", True)
    again = send(good).json()
    assert again["imported"] is False and again["batch"]["reconciliation"] == recon
    assert me.get(f"/payment-batches/{no}").json()["state"] == "settled"
