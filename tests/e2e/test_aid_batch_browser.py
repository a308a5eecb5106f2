"""免申即享 in a real browser: a clerk of 攀枝花 uploads the shipped sample list on 医疗救助, runs the
batch over it and reads the report (four granted, the others with their reasons); a payer makes the
batch's payment orders. Screenshots go to test-artifacts/screenshots/."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_workbench_withdrawal import PASSWORD, login
from tests.medical_aid.conftest import sample_data
from yibao.catalog.models import Region
from yibao.medical_aid import lists
from yibao.medical_aid.demo import ensure_demo_aid
from yibao.medical_aid.models import Grant
from yibao.payments.models import PaymentOrder
from yibao.people.actions import create_staff

pytestmark = pytest.mark.browser


def test_a_clerk_runs_a_batch_over_the_sample_list_and_a_payer_makes_the_orders(site, page, shot, settings):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    sample_data()
    region = Region.objects.get(code="panzhihua")
    create_staff("aid-clerk", PASSWORD, region, "市医保事务中心", ["clerk"])
    create_staff("aid-payer", PASSWORD, region, "市医保事务中心", ["payer"])
    ensure_demo_aid()
    login(page, site, "aid-clerk")
    page.get_by_role("link", name="医疗救助").click()
    page.get_by_label("提供部门").select_option("civil")
    page.get_by_label("资助年度").first.fill(str(timezone.localdate().year))
    page.get_by_label("名单文件（xlsx 或 CSV）").set_input_files(str(lists.SAMPLE))
    page.get_by_role("button", name="上传名单").click()
    expect(page.get_by_text("已导入")).to_be_visible()
    page.get_by_label(re.compile("选择名单")).first.check()
    page.get_by_role("button", name="对所选名单运行免申即享批次").click()
    expect(page.locator("#progress")).to_contain_text("已完成")
    expect(page.locator("#progress")).to_contain_text("已资助：4")
    expect(page.locator("#report")).to_contain_text("名单内重复")
    expect(page.locator("#report")).to_contain_text("未全额缴纳本年度个人缴费")
    shot(page, "aid-batch-report")
    batch_url = page.url
    login(page, site, "aid-payer")
    page.goto(batch_url)
    page.get_by_role("button", name=re.compile("生成支付指令")).click()
    expect(page.get_by_text("已生成支付指令4笔")).to_be_visible()
    assert PaymentOrder.objects.filter(account_kind="ssc").count() == Grant.objects.count() == 4
