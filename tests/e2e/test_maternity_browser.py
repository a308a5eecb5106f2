"""A maternity bundle in a real browser: the 达州 clerk opens 窗口受理 → 生育保险待遇合并申请, fills
the birth, one invoice and the account, ticks the materials handed in once, and lands on the
first case's page, which shows its trial 核算明细 and the bundle's other cases."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.domain_support import CARD
from tests.e2e.test_workbench_withdrawal import PASSWORD, login
from tests.maternity.conftest import sample_data
from yibao.cases.models import Bundle
from yibao.catalog.models import Region
from yibao.maternity.demo import ensure_demo_maternity
from yibao.people.actions import create_staff
from yibao.people.demo import ensure_demo_accounts

pytestmark = pytest.mark.browser


def test_the_clerk_files_a_maternity_bundle(site, settings, page, shot):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    sample_data()
    ensure_demo_accounts()
    ensure_demo_maternity()  # 王演示, employed by the demo employer
    dazhou = Region.objects.get(code="dazhou")
    create_staff("wd-clerk", PASSWORD, dazhou, "市本级", ["clerk"])
    login(page, site, "wd-clerk")
    page.goto(site + "/workbench/new/")
    page.get_by_role("link", name="一次提交、一次性提供材料").click()
    expect(page.get_by_role("heading", name=re.compile("生育保险待遇合并申请"))).to_be_visible()
    born = (datetime.date.today() - datetime.timedelta(days=20)).isoformat()
    page.get_by_label("生育职工身份证号码").fill("511702199208150247")
    page.get_by_label(re.compile("参保单位统一社会信用代码")).fill("91511702MA62XKL1YD")
    page.get_by_label("分娩（流产）日期").fill(born)
    for code in ("maternity-medical-payment", "family-planning-payment"):
        page.locator(f"input[name=items][value={code}]").uncheck()
    page.locator("input[name=prenatal-payment-invoice_no]").fill("E2E-CJ-0001")
    page.locator("input[name=prenatal-payment-provider_name]").fill("达州市妇幼保健院")
    page.locator("input[name=prenatal-payment-care_date]").fill(born)
    page.locator("input[name=prenatal-payment-diagnosis]").fill("妊娠")
    page.locator("textarea[name=prenatal-payment-lines]").fill("产检B超,甲,1,300.00,300.00")
    page.get_by_label("职工开户银行").fill("中国工商银行达州分行")
    page.get_by_label("职工银行账号").fill(CARD)
    for name in ("医保电子凭证或有效身份证件或社保卡", "医院收费票据", "费用清单", "诊断证明", "病历资料", "参保人银行账户信息"):
        page.locator(f"input[name=materials][value='{name}']").check()
    page.get_by_role("button", name="提交合并申请").click()
    page.wait_for_url(re.compile(r"/workbench/case/"))
    expect(page.locator("#explanation")).to_contain_text("生育医疗费用核算明细")
    expect(page.locator("#explanation")).to_contain_text("300.00")
    expect(page.locator("#explanation")).to_contain_text("生育津贴支付")
    shot(page, "maternity-bundle-case")
    bundle = Bundle.objects.get()
    assert sorted(c.item_code for c in bundle.cases.all()) == ["maternity-allowance", "prenatal-payment"]
