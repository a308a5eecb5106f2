"""A window clerk's way through the workbench in a real browser: log in, take a window
application for a 3-day item, request a correction naming two materials at once."""
import re

import pytest
from playwright.sync_api import expect

from tests.cases import factories as f
from tests.handlers import on_generic_handler
from tests.workbench.guide import THREE_DAY, save_test_guide
from yibao.cases.models import Case, Notice
from yibao.people.actions import create_staff

pytestmark = pytest.mark.browser
PASSWORD = "clerk-pass-2026"


@pytest.fixture
def desk(transactional_db, live_server, settings):
    with on_generic_handler(THREE_DAY):
        yield _desk(settings, live_server)


def _desk(settings, live_server):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    dazhou = f.region("dazhou", "达州市", "511700")
    save_test_guide(dazhou)
    create_staff("dazhou-window", PASSWORD, dazhou, "市本级", ["clerk"])
    return live_server.url


def test_clerk_takes_a_window_application_and_requests_one_correction(desk, page, shot):
    page.goto(desk + "/workbench/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/workbench/$"))
    page.get_by_label(re.compile("工作人员用户名")).fill("dazhou-window")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/workbench/$"))
    assert page.get_by_role("heading", name=re.compile("待办队列")).is_visible()

    page.get_by_role("link", name="窗口受理").click()
    page.select_option("#pick-item", label="1. 参保单位缴费基数申报")
    page.get_by_role("button", name="下一步").click()
    page.wait_for_url(re.compile(r"/workbench/new/\?item=\d+$"))
    page.get_by_label("申请人证件号码").fill("513224198506120044")
    page.get_by_label("申请人姓名/单位名称").click()  # leaving the field asks (htmx) whether it is registered
    expect(page.locator("#applicant-found")).to_contain_text("未找到该证件号码的账户")
    page.get_by_label("申请人姓名/单位名称").fill("赵六")
    page.get_by_label("申请人联系电话").fill("13900002222")
    # Only the 申报表 was handed in.
    page.locator("li", has_text="缴费基数申报表").get_by_label("已收材料").check()
    page.get_by_role("button", name="提交申请（窗口）").click()
    page.wait_for_url(re.compile(r"/workbench/case/[^/]+/$"))
    assert page.get_by_text("已提交申请，受理编号").is_visible()

    # The 申报表 lacks its seal; the wage list is missing: one notice names both.
    correction = page.locator("section.step-request_correction")
    row = correction.locator("tr", has_text="缴费基数申报表")
    row.get_by_role("checkbox").check()
    row.locator("input[name$='problem_1']").fill("未加盖单位公章")
    row.locator("input[name$='how_1']").fill("加盖单位公章后重新提交原件")
    correction.get_by_role("button", name="出具一次性告知书").click()
    page.wait_for_url(re.compile(r"/workbench/case/[^/]+/$"))
    assert page.get_by_text("已出具一次性告知书").is_visible()
    notice = page.locator("article.notice-doc", has_text="一次性告知书")
    assert notice.locator("li").count() == 2
    assert "未加盖单位公章" in notice.inner_text() and "职工工资发放明细" in notice.inner_text()
    assert page.locator("h1 .state").inner_text() == "待补正"

    case = Case.objects.get()
    assert case.channel == "window" and case.state == "correction_requested"
    items = Notice.objects.get(case=case, kind="correction").content["items"]
    assert [i["problem"] for i in items] == ["未加盖单位公章", "未提交"]
    shot(page, "workbench-case-correction")
