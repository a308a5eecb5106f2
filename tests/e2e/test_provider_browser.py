"""A designated provider's month in a real browser, on the demo data a new user gets: the demo
hospital logs in with its printed account, downloads the sample claim file, uploads it, reads the
preliminary result (one line per audit rule rejected, the remote line passing on its filing),
answers a line, and downloads its statement; then the office's reviewer re-reviews the disputed
line on the workbench and the head approves. Screenshots go to test-artifacts/screenshots/."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from yibao.cases import actions as cases
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.people.actions import create_staff
from yibao.providers.demo import DEMO_PASSWORD, DESIGNATED, ensure_demo_providers
from yibao.providers.models import ClaimSubmission, SettlementParameters

pytestmark = pytest.mark.browser
PASSWORD = "staff-pass-2026"


@pytest.fixture
def demo(site, settings, monkeypatch):
    """The demo providers on the 5th of next month, when this month's claims are due (the guides,
    loaded today, are in force then)."""
    from django.utils import timezone

    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    this_month = timezone.localdate().replace(day=1)
    today = (this_month + datetime.timedelta(days=32)).replace(day=5)
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: today)
    # the migration's sample parameters do not outlive the flush of an earlier live-server test
    SettlementParameters.objects.get_or_create(
        region=None, effective_from=datetime.date(2020, 1, 1),
        defaults={"deposit_rate": "0.0500", "line_ceiling": "50000.00", "sample": True})
    ensure_demo_providers()
    dazhou = Region.objects.get(code="dazhou")
    for username, roles in (("pv-clerk", ["clerk"]), ("pv-reviewer", ["reviewer"]), ("pv-head", ["supervisor"])):
        create_staff(username, PASSWORD, dazhou, "市本级", roles)
    return site, this_month.strftime("%Y-%m")


def login(page, site, username, password, next_url):
    page.context.clear_cookies()
    page.goto(f"{site}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def test_the_demo_hospital_submits_a_month_and_the_office_reviews_it(demo, page, shot, tmp_path):
    site, period = demo
    code = DESIGNATED["dazhou"][0]
    login(page, site, code, DEMO_PASSWORD, "/my/provider/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("达州市演示定点医院")
    expect(page.locator("body")).to_contain_text("协议履行中")
    shot(page, "provider-01-mine")

    # the sample claim file of the month, downloaded and uploaded again as the provider would
    page.fill("#sample-period", period)
    with page.expect_download() as sample:
        page.get_by_role("button", name="下载示例").click()
    path = tmp_path / "claims.csv"
    sample.value.save_as(path)
    page.fill("#period", period)
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="上传并初审").click()
    page.wait_for_url(re.compile(r"/my/provider/settlements/\d+/$"))
    expect(page.locator("ul.flash")).to_contain_text("初审拒付5条")
    expect(page.get_by_test_id("settlement-state")).to_have_text("初审完成")
    body = page.locator("table.data").inner_text()
    for rule in ("费用发生日未参保", "重复申报", "异地就医未备案", "目录外项目", "超政策标准"):
        assert rule in body
    assert "异地就医已备案（示例）" not in body  # its filing covers it
    assert "未查到覆盖就医地四川省达州市的异地就医备案" in body
    shot(page, "provider-02-preliminary")

    submission = ClaimSubmission.objects.get(period=period, provider__code=code)
    disputed = submission.flagged.get(item_name="目录外项目（示例）").line_no
    row = page.locator("tr", has=page.get_by_label(f"第{disputed}行异议理由"))
    row.get_by_label("有异议").check()
    page.get_by_label(f"第{disputed}行异议理由").fill("该项目已纳入乙类目录")
    page.get_by_role("button", name="提交反馈意见").click()
    expect(page.locator("ul.flash")).to_contain_text("已提交1条反馈意见")
    expect(page.get_by_test_id("settlement-state")).to_have_text("已反馈")
    with page.expect_download() as statement:
        page.get_by_role("link", name="下载结算单（PDF）").click()
    assert statement.value.suggested_filename.endswith(".pdf")
    shot(page, "provider-03-answered")

    # the office: accepted and in review (the case's own steps), then the re-review on the page
    case = submission.case
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    case = cases.accept_case(case, users.get(username="pv-clerk"), channel=Channel.WINDOW)
    cases.start_review(case, users.get(username="pv-reviewer"), channel=Channel.WINDOW)
    login(page, site, "pv-reviewer", PASSWORD, "/workbench/")
    page.goto(f"{site}/workbench/providers/settlements/{submission.pk}/")
    page.get_by_label(f"第{disputed}行复审结论").select_option("restore")
    page.get_by_label(f"第{disputed}行复审意见").fill("核实已纳入乙类目录")
    page.get_by_role("button", name="提交复审结果").click()
    expect(page.get_by_test_id("settlement-state")).to_have_text("复审完成")
    shot(page, "provider-04-reviewed")

    login(page, site, "pv-head", PASSWORD, "/workbench/")
    page.goto(f"{site}/workbench/providers/settlements/{submission.pk}/")
    page.get_by_role("button", name=re.compile("负责人核准")).click()
    expect(page.get_by_test_id("settlement-state")).to_have_text("负责人已核准")
    submission.refresh_from_db()
    # 120 + 210 + 72 claimed and paid, the restored 160 too: 562.00, less 5% (sample) deposit
    assert submission.approved == submission.claimed - submission.rejected_final
    assert str(submission.payable) == "533.90" and submission.approved_by.username == "pv-head"
    shot(page, "provider-05-approved")
