"""A remote-care filing end to end in a real browser, on the shipped 达州 guide: the insured applies
online for 异地长期居住人员备案 (a 个人承诺书 ticked in place of the proof) → the window clerk accepts
and completes it on the workbench, whose case page then offers the 备案凭证 → the insured finds the
filing on the case page, is told of it under 我的消息 (R38), downloads the 备案凭证 PDF and anyone
verifies it by its code, logged out."""
import datetime
import re

import pytest

from tests.cases.samples import PDF

pytestmark = pytest.mark.browser

PASSWORD = "yibao-e2e-2026"
PERSON_ID = "511702199003071238"
ITEM = "remote-resident"


@pytest.fixture
def accounts(site, settings, tmp_path):
    from yibao.catalog.models import Office, Region
    from yibao.core.models import Channel
    from yibao.enrollment import actions as registers
    from yibao.enrollment.models import Person, Scheme, Sex
    from yibao.people.actions import create_staff, register_applicant
    from yibao.people.models import ApplicantKind, IdType, Role
    from yibao.remote_care.actions import ensure_sample_parameters

    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    ensure_sample_parameters()
    region = Region.objects.get(code="dazhou")
    register_applicant(ApplicantKind.PERSON, IdType.RESIDENT_ID, PERSON_ID, "张演示", "13800001111", PASSWORD,
                       region=region)
    person = Person.objects.create(region=region, id_number=PERSON_ID, name="张演示", sex=Sex.MALE,
                                   birth_date=datetime.date(1990, 3, 7))
    registers.enrol(person, Scheme.RESIDENT, region=region, on=datetime.date(2020, 1, 1), actor=None,
                    channel=Channel.SYSTEM)
    office = Office.objects.filter(guide__region=region).order_by("guide", "ordinal").values_list("name", flat=True)[0]
    create_staff("dz-clerk", PASSWORD, region, office, [Role.CLERK])  # at an office the guide lists
    create_staff("dz-reviewer", PASSWORD, region, office, [Role.REVIEWER])  # who accepted may not approve
    return site


def login(browser, site, username, next_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True)
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


def test_a_filing_from_the_portal_through_the_workbench_to_its_confirmation(accounts, browser, shot, tmp_path):
    from yibao.cases.models import Case
    from yibao.cases.snapshot import has_review, item_in_force
    from yibao.catalog.models import Region
    from yibao.remote_care.models import Filing

    site = accounts
    item = item_in_force(Region.objects.get(code="dazhou"), ITEM)
    proof = next(m for m in item.materials.all() if m.commitment_fallback)
    uploads = [m for m in item.materials.all() if m.ordinal != proof.ordinal and not m.when]
    pdf = tmp_path / "身份证.pdf"
    pdf.write_bytes(PDF)

    # 1. The insured applies online: the place, 新办, the commitment in place of the proof.
    person = login(browser, site, PERSON_ID, f"/r/dazhou/items/{ITEM}/")
    person.get_by_role("link", name="在线申请").click()
    person.wait_for_url(re.compile(r"/apply/\d+/$"))
    offices = person.locator("select[name=office] option")
    if offices.count():
        person.select_option("select[name=office]", index=offices.count() - 1)
    person.select_option("select[name=data_province]", "海南省")
    person.fill("input[name=data_city]", "海口市")
    person.locator(f"input[name=commit_{proof.ordinal}]").check()
    for m in uploads:
        person.set_input_files(f"input[name=material_{m.ordinal}]", str(pdf))
    shot(person, "filing-01-apply")
    person.get_by_role("button", name="提交申请").click()
    person.wait_for_url(re.compile(r"/my/cases/[^/]+/receipt/$"))
    receipt_no = person.locator(".receipt-no").inner_text().strip()

    # 2. The clerk accepts, a reviewer reviews where the guide has a 审核 step, the clerk completes.
    clerk = login(browser, site, "dz-clerk", f"/workbench/case/{receipt_no}/")
    staff_step(clerk, "accept", "受理")
    if has_review(Case.objects.get(receipt_no=receipt_no).snapshot):
        reviewer = login(browser, site, "dz-reviewer", f"/workbench/case/{receipt_no}/")
        staff_step(reviewer, "start_review", "开始审核")
        staff_step(reviewer, "approve", "审核通过")
        clerk.reload()
    staff_step(clerk, "complete", "办结")
    main = clerk.locator("main").inner_text()
    filing = Filing.objects.get(case__receipt_no=receipt_no)
    assert "已办结" in main and filing.number in main
    assert clerk.get_by_role("link", name=re.compile("异地就医备案凭证")).count() >= 1  # the workbench offers it
    shot(clerk, "filing-02-workbench-completed")

    # 3. The insured: the filing on the case page, the message (R38), the PDF, the verification.
    person.goto(f"{site}/my/cases/{receipt_no}/")
    panel = person.locator("section", has_text="异地就医备案凭证")
    assert filing.verify_code in panel.inner_text()
    with person.expect_download() as download:
        person.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = 'x.pdf';"
                        " document.body.appendChild(a); a.click(); }", f"/filings/{filing.number}.pdf")
    saved = tmp_path / "凭证.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    person.goto(f"{site}/my/cases/")
    assert filing.verify_code in person.locator("#messages + ul").inner_text()
    shot(person, "filing-03-messages")

    anyone = browser.new_context(locale="zh-CN").new_page()
    anyone.goto(f"{site}/my/cases/{receipt_no}/")  # not logged in: not the case
    assert filing.verify_code not in anyone.content()
    anyone.goto(f"{site}/filings/verify/{filing.verify_code}/")
    text = anyone.locator("main").inner_text()
    assert "核验通过" in text and filing.number in text and "海南省海口市" in text and PERSON_ID not in text
    shot(anyone, "filing-04-verified")
    assert filing.basis == "commitment" and filing.person.id_number == PERSON_ID
