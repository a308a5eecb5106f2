"""A batch of N approved payment orders (default 100,000): 组批, the 批量代发 file exported (xlsx and
CSV), and the bank's return file imported (every order settled, its case moved, events and audit
written). Prints each phase in seconds beside a plain executemany of the same N rows into a
scratch table, and the ratio.

Run: .venv/bin/python bench/payments_batch_bench.py [N]   (throwaway test database; DATABASE_URL picks it)
Setup (cases and orders) is bulk-inserted and not timed. Prints figures only; nothing here asserts speed.
"""
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

CARD = "6222021234567890128"


def setup(n):
    """N cases 拨付中, each with an approved order (bulk inserts), and three payers."""
    from decimal import Decimal

    from django.utils import timezone

    from tests.cases import factories as f
    from yibao.cases.models import Case
    from yibao.cases.snapshot import freeze
    from yibao.payments.models import PaymentOrder

    city = f.region()
    item = f.item(city, "prenatal-payment", stages=f.PAYMENT)
    person = f.applicant()
    maker, checker, confirmer = (f.staff(city, "payer") for _ in range(3))
    snapshot = freeze(item)
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        (Case(receipt_no=f"BENCH-{i:07d}", item=item, item_code=item.code, snapshot=snapshot, region=city,
              office="市本级", channel="window", applicant=person, state="paying", amount=Decimal(100 + i % 900),
              accepted_on=today, conditions={}, data={}) for i in range(n)), batch_size=2000)
    PaymentOrder.objects.bulk_create(
        (PaymentOrder(order_no=f"ZF-{c.receipt_no}", case=c, region=city, payee_name="张三", account_kind="bank",
                      account_no=CARD, bank_name="工商银行", amount=c.amount, purpose="产前检查费", state="approved",
                      created_by=maker, approved_by=checker) for c in cases), batch_size=2000)
    return city, maker, checker, confirmer


def plain_executemany(rows):
    """The same rows, inserted with one executemany into a scratch table: the floor."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_rows (n integer, account varchar(40), payee varchar(200), "
                       "bank varchar(100), amount varchar(20), purpose varchar(200), order_no varchar(52))")
        t0 = time.perf_counter()
        marks = ", ".join(["%s"] * 7)
        cursor.executemany(f"INSERT INTO bench_rows VALUES ({marks})", rows)
        seconds = time.perf_counter() - t0
        cursor.execute("DROP TABLE bench_rows")
    return seconds


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from yibao.payments import actions, bankfiles
        from yibao.payments.models import PaymentOrder
        from yibao.payments.queries import reconciliation

        t0 = time.perf_counter()
        city, maker, checker, confirmer = setup(n)
        print(f"setup: {n:,} cases and approved orders in {time.perf_counter() - t0:.1f} s (not timed below)")

        t0 = time.perf_counter()
        batch = actions.create_batch(city.pk, account_kind="bank", bank_name="工商银行", actor=confirmer, channel="command")
        create_s = time.perf_counter() - t0
        actions.approve_batch(batch, checker, channel="command")

        t0 = time.perf_counter()
        _, xlsx, _ = actions.export_batch(batch, confirmer, channel="command", fmt="xlsx")
        xlsx_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        _, csv_bytes, _ = actions.export_batch(batch, confirmer, channel="command", fmt="csv")
        csv_s = time.perf_counter() - t0

        orders = list(PaymentOrder.objects.filter(batch=batch).order_by("pk"))
        rows = [tuple(r) for r in bankfiles.rows(orders)]
        floor = plain_executemany(rows)

        # the bank answers: every 50th order failed, the rest paid
        lines = ["指令号,金额,结果,银行流水号,失败原因"] + [
            f"{o.order_no},{o.amount},失败,,账户冻结" if i % 50 == 0 else f"{o.order_no},{o.amount},成功,R{i},"
            for i, o in enumerate(orders)]
        content = "\n".join(lines).encode()
        t0 = time.perf_counter()
        imported, _ = actions.import_return(batch, content, confirmer, channel="command", filename="return.csv")
        import_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again, created = actions.import_return(batch, content, confirmer, channel="command", filename="return.csv")
        again_s = time.perf_counter() - t0
        recon = reconciliation(batch)

        print(f"database: {connection.vendor}; orders in the batch: {n:,}; xlsx {len(xlsx) / 1e6:.1f} MB, "
              f"CSV {len(csv_bytes) / 1e6:.1f} MB")
        print(f"plain executemany of the same {n:,} rows: {floor:.2f} s")
        for label, seconds in (("组批 create_batch", create_s), ("export xlsx", xlsx_s), ("export CSV", csv_s),
                               ("import return file (settle orders and cases)", import_s),
                               ("import the same file again (no change)", again_s)):
            print(f"{label:<48} {seconds:8.2f} s   {seconds / floor:8.1f}x executemany   "
                  f"{n / seconds:10,.0f} orders/s")
        print(f"return file: paid {imported.paid:,}, failed {imported.failed:,}; second import created={created}; "
              f"reconciled={recon['balanced']} (paid {recon['paid']} + failed {recon['failed']} "
              f"+ pending {recon['pending']} = {recon['total']})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
