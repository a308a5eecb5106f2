"""One case end to end in a real browser, on the shipped 攀枝花 guide: a person applies online with
one of three materials → a window clerk issues the 一次性告知书 (workbench) → the person uploads the
missing materials on the same case → accepted, reviewed, approved and completed (workbench) → the
person rates 不满意 → the supervisor closes the follow-up (workbench dashboard)."""
import re

import pytest
from django.utils import timezone

from tests.handlers import generic_handlers_for
from tests.cases.samples import PDF, image

pytestmark = pytest.mark.browser

PASSWORD = "yibao-e2e-2026"
ITEM = "chronic-disease"  # 攀枝花: 15 working days, three materials, 申请 受理 审核 办结
PERSON_ID = "511702199003071238"


# The flow is the portal's and the workbench's, not the entitlements domain's.
generic_item = generic_handlers_for(ITEM)


@pytest.fixture
def accounts(site, settings, tmp_path):
    from yibao.catalog.models import Region
    from yibao.people.actions import create_staff, register_applicant
    from yibao.people.models import ApplicantKind, IdType, Role

    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    region = Region.objects.get(code="panzhihua")
    register_applicant(ApplicantKind.PERSON, IdType.RESIDENT_ID, PERSON_ID, "张演示", "13800001111", PASSWORD,
                       region=region)
    for username, role in (("pzh-clerk", Role.CLERK), ("pzh-reviewer", Role.REVIEWER),
                           ("pzh-supervisor", Role.SUPERVISOR)):
        create_staff(username, PASSWORD, region, "市医保事务中心", [role])
    return site


def login(browser, site, username, next_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{site}/accounts/login/?next={next_url}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))
    return page


def staff_step(page, step, button):
    page.locator(f"section.step-{step}").get_by_role("button", name=button).click()
    page.wait_for_load_state()


def test_apply_correct_supply_complete_rate_and_follow_up(accounts, browser, generic_item, shot, tmp_path):
    from yibao.cases.models import Attachment, Case, Evaluation, FollowUp

    site = accounts
    pdf, png = tmp_path / "身份证.pdf", tmp_path / "病历资料.png"
    pdf.write_bytes(PDF)
    png.write_bytes(image("PNG", (300, 200)))
    form_pdf = tmp_path / "认定表.pdf"
    form_pdf.write_bytes(PDF)

    # 1. The person finds the item and applies online with one of the three materials.
    person = login(browser, site, PERSON_ID, f"/r/panzhihua/items/{ITEM}/")
    person.get_by_role("link", name="在线申请").click()
    person.wait_for_url(re.compile(r"/apply/\d+/$"))
    person.select_option("select[name=office]", "市医保事务中心")
    person.set_input_files("input[name=material_1]", str(pdf))
    shot(person, "case-01-apply-form")
    person.get_by_role("button", name="提交申请").click()
    person.wait_for_url(re.compile(r"/my/cases/[^/]+/receipt/$"))
    receipt_no = person.locator(".receipt-no").inner_text().strip()
    receipt = person.locator("main").inner_text()
    assert "受理后15个工作日内办结" in receipt and "未提交" in receipt
    shot(person, "case-02-receipt")

    # 2. The window clerk issues the 一次性告知书 naming both missing materials.
    clerk = login(browser, site, "pzh-clerk", f"/workbench/case/{receipt_no}/")
    staff_step(clerk, "request_correction", "出具一次性告知书")
    assert "待补正" in clerk.locator("main").inner_text()
    shot(clerk, "case-03-workbench-correction")

    # 3. The person sees the notice on the same case and uploads what it names.
    person.goto(f"{site}/my/cases/{receipt_no}/")
    notice = person.locator(".notice-doc").first.inner_text()
    assert "一次性告知书" in notice and "病历资料" in notice
    shot(person, "case-04-correction-notice")
    supply = person.locator("#supply")
    supply.locator("input[name=material_2]").set_input_files(str(form_pdf))
    supply.locator("input[name=material_3]").set_input_files(str(png))
    supply.get_by_role("button", name="提交补正材料").click()
    person.wait_for_url(re.compile(rf"/my/cases/{re.escape(receipt_no)}/$"))
    assert "市医保事务中心（待受理）" in person.locator("main").inner_text()

    # 4. Accepted at the window, reviewed, approved and completed.
    clerk.goto(f"{site}/workbench/case/{receipt_no}/")
    staff_step(clerk, "accept", "受理")
    reviewer = login(browser, site, "pzh-reviewer", f"/workbench/case/{receipt_no}/")
    staff_step(reviewer, "start_review", "开始审核")
    staff_step(reviewer, "approve", "审核通过")
    staff_step(reviewer, "complete", "办结")
    assert "已办结" in reviewer.locator("main").inner_text()
    shot(reviewer, "case-05-workbench-completed")

    # 5. The person rates 不满意; the form becomes a read-only record.
    person.goto(f"{site}/my/cases/{receipt_no}/")
    assert [s.strip() for s in person.locator(".stages li.done").all_inner_texts()][-1].startswith("办结")
    person.get_by_label("不满意", exact=True).check()
    person.fill("textarea[name=text]", "窗口告知补正后等待时间较长")
    person.get_by_role("button", name="提交评价").click()
    person.wait_for_url(re.compile(rf"/my/cases/{re.escape(receipt_no)}/$"))
    assert "不满意" in person.locator("#rate").inner_text() and person.locator("input[name=level]").count() == 0
    shot(person, "case-06-rated")

    # 6. The supervisor verifies, rectifies, calls back and closes the follow-up.
    supervisor = login(browser, site, "pzh-supervisor", "/workbench/dashboard/")
    follow_up = supervisor.locator("#follow-ups article.follow-up", has_text=receipt_no)
    follow_up.locator("select[name$=outcome]").select_option("rectified")
    follow_up.locator("input[name$=called_back_on]").fill(timezone.localdate().isoformat())
    follow_up.locator("textarea[name$=note]").fill("已核实，窗口补正提示已改进，已电话回访申请人")
    shot(supervisor, "case-07-follow-up")
    follow_up.get_by_role("button", name="办结差评处理").click()
    supervisor.wait_for_load_state()
    assert supervisor.locator("#follow-ups article.follow-up", has_text=receipt_no).count() == 0
    shot(supervisor, "case-08-follow-up-closed")

    case = Case.objects.get(receipt_no=receipt_no)
    assert case.state == "completed" and case.round == 2 and case.channel == "portal"
    assert [e.action for e in case.events.order_by("at", "id")] == [
        "submit", "request_correction", "resubmit", "accept", "start_review", "approve", "complete", "rate"]
    assert sorted(Attachment.objects.filter(case=case).values_list("material", "round")) == [(1, 1), (2, 2), (3, 2)]
    assert Evaluation.objects.get(case=case).level == "dissatisfied"
    follow = FollowUp.objects.get(case=case)
    assert not follow.is_open and follow.outcome == "rectified" and follow.called_back_on == timezone.localdate()
