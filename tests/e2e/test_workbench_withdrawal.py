"""An account withdrawal (account-withdrawal) in a real browser, from the window to 办结: the
clerk takes it at the window with the case-data form built from the handler's schema, a reviewer
approves the balance, a payer's 拨付 makes the payment order (the case is 拨付中) and he is not
offered 复核 of his own order, a second payer approves it, a third groups it into a batch which the
second approves, the third exports the 批量代发 file (xlsx, CSV, PDF cover) and imports the bank's
return file (twice: the second changes nothing), the case is 已拨付 and the clerk completes it.
Screenshots of each stage go to test-artifacts/screenshots/."""
import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.domain_support import CARD, insured
from yibao.accounts.queries import balance_of
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.contributions.actions import load_sample_parameters
from yibao.payments.models import PaymentOrder
from yibao.people.actions import create_staff

pytestmark = pytest.mark.browser
PASSWORD = "staff-pass-2026"
STAFF = {"wd-clerk": ["clerk"], "wd-reviewer": ["reviewer"], "wd-maker": ["payer"], "wd-checker": ["payer"],
         "wd-cashier": ["payer"]}


@pytest.fixture
def desk(site, settings):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    load_sample_parameters(actor=None, channel=Channel.SYSTEM)
    dazhou = Region.objects.get(code="dazhou")
    for username, roles in STAFF.items():
        create_staff(username, PASSWORD, dazhou, "市本级", roles)
    me, person = insured(dazhou, name="张三", balance="777.70")
    return site, dazhou, me, person


def login(page, site, username):
    page.context.clear_cookies()
    page.goto(site + "/accounts/login/?next=/workbench/")
    page.get_by_label(re.compile("工作人员用户名")).fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/workbench/$"))


def step(page, name):
    """Press the case page's button for one step and wait for the page to come back."""
    page.locator("aside.case-actions").get_by_role("button", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/workbench/case/[^/]+/$"))
    expect(page.locator("ul.flash")).to_contain_text("：已")


def test_withdrawal_from_the_window_to_completion(desk, page, shot, tmp_path):
    site, dazhou, me, person = desk
    item = item_in_force(dazhou, "account-withdrawal")

    login(page, site, "wd-clerk")
    page.goto(f"{site}/workbench/new/?item={item.pk}")
    page.get_by_label("申请人证件号码").fill(me.id_number)
    for material in page.locator("ol.materials li").all():
        material.get_by_label("已收材料").check()
    page.get_by_label("支取原因").select_option("主动放弃")
    page.get_by_label("开户银行").fill("中国银行达州分行")
    page.get_by_label("收款银行卡号").fill(CARD)
    shot(page, "workbench-withdrawal-1-intake")
    page.get_by_role("button", name="提交申请（窗口）").click()
    page.wait_for_url(re.compile(r"/workbench/case/[^/]+/$"))
    receipt = Case.objects.get().receipt_no
    data = page.locator("section#people").inner_text()
    assert "主动放弃" in data and CARD not in data and CARD[-4:] in data  # readable, the card masked
    step(page, "受理")

    login(page, site, "wd-reviewer")
    page.goto(f"{site}/workbench/case/{receipt}/")
    step(page, "开始审核")
    step(page, "审核通过")
    assert "777.70" in page.locator("section#people").inner_text()

    login(page, site, "wd-maker")
    page.goto(f"{site}/workbench/case/{receipt}/")
    step(page, "拨付（生成支付指令）")
    assert page.locator("h1 .state").inner_text() == "拨付中"
    panel = page.locator("section#payment-order")
    expect(panel).to_contain_text("已生成")
    assert panel.get_by_role("button", name="复核通过").count() == 0  # not his own order
    assert page.locator("aside.case-actions").get_by_role("button", name="办结", exact=True).count() == 0
    shot(page, "workbench-withdrawal-2-order-created")

    login(page, site, "wd-checker")
    page.get_by_role("link", name="支付指令").click()
    row = page.locator("tr", has_text=receipt)
    row.get_by_role("button", name="复核通过").click()
    expect(page.locator("ul.flash")).to_contain_text("已复核")
    row = page.locator("tr", has_text=receipt)
    expect(row).to_contain_text("已复核")
    expect(row).to_contain_text("您已制单或复核，须由其他拨付人员确认支付结果")  # the checker may not settle it
    assert row.get_by_role("button", name="确认支付").count() == 0
    shot(page, "workbench-withdrawal-3-order-approved")

    login(page, site, "wd-cashier")
    page.get_by_role("link", name="支付批次").click()
    page.locator("section#batchable tr", has_text="中国银行达州分行").get_by_role("button", name="组批").click()
    expect(page.locator("ul.flash")).to_contain_text("已组批")
    batch_url = page.url
    expect(page.locator("section#batch-facts")).to_contain_text("您是组批人，须由其他拨付人员审核该批次")

    login(page, site, "wd-checker")
    page.goto(batch_url)
    page.get_by_role("button", name="审核通过批次").click()
    expect(page.locator("ul.flash")).to_contain_text("批次已审核")

    login(page, site, "wd-cashier")
    page.goto(batch_url)
    files = {}
    for link in ("Excel（xlsx）", "CSV", "封面（PDF，签字用）"):
        with page.expect_download() as download:
            page.get_by_role("link", name=link).click()
        files[link] = Path(download.value.path()).read_bytes()
    assert files["封面（PDF，签字用）"].startswith(b"%PDF-") and files["Excel（xlsx）"][:2] == b"PK"
    lines = list(csv.reader(io.StringIO(files["CSV"].decode("utf-8-sig"))))
    assert lines[0] == ["序号", "收款账号", "收款人", "开户银行", "金额", "用途", "支付指令号"]
    assert lines[1][1] == CARD and lines[1][4] == "777.70" and lines[-1][:2] == ["合计", "1笔"]
    order_no = lines[1][6]
    page.reload()  # exported: the page now offers the return file
    returned = tmp_path / "回盘.csv"
    returned.write_text(f"指令号,金额,结果,银行流水号,失败原因\n{order_no},777.70,成功,BOC20260101001,\n",
                        encoding="utf-8")
    for expected in ("已导入回盘文件：成功1笔", "本次未作任何变更"):  # the same file twice
        page.get_by_label(re.compile("银行回盘文件")).set_input_files(str(returned))
        page.get_by_role("button", name="导入回盘文件").click()
        expect(page.locator("ul.flash")).to_contain_text(expected)
    expect(page.locator("section#reconciliation")).to_contain_text("平衡")
    shot(page, "workbench-withdrawal-4-batch-reconciled")
    assert PaymentOrder.objects.get().state == "paid" and Case.objects.get().state == "paid"

    login(page, site, "wd-clerk")
    page.goto(f"{site}/workbench/case/{receipt}/")
    expect(page.locator("section#payment-order")).to_contain_text("已支付")
    step(page, "办结")
    assert page.locator("h1 .state").inner_text() == "已办结"
    expect(page.locator("section#effect")).to_contain_text("支取金额")
    shot(page, "workbench-withdrawal-5-completed")
    assert Case.objects.get().state == "completed"
    assert balance_of(person, dazhou) == Decimal("0.00")
