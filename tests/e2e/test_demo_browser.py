"""After `yibao demo load`, the supervisor's dashboard and the public figures page show charts
with bars, on a desktop and on a phone's width (screenshots checked for content, not just taken)."""
import re

import pytest
from PIL import Image

from yibao.people.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_site(site, settings):
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]
    from yibao.demo.load import load

    load(seed=5, persons=30, cases=16, months=2)
    return site


def colours(path):
    """How many distinct colours the screenshot has (a blank or text-only page has few)."""
    image = Image.open(path).convert("RGB")
    image.thumbnail((400, 4000))
    return len(image.getcolors(maxcolors=1 << 20) or [])


def bars(page):
    return page.locator("figure.chart svg rect[fill]").count()


def test_dashboard_and_public_figures_show_charts_after_the_demo(demo_site, page, browser, shot):
    from django.utils import timezone

    from yibao.demo.load import first_of_month

    since = first_of_month(timezone.localdate(), 2)
    page.goto(demo_site + "/workbench/")
    page.get_by_label(re.compile("工作人员用户名")).fill("dazhou-supervisor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/workbench/$"))
    assert page.locator("#demo-mark").is_visible()
    assert not re.search(r"共\s*0\s*件", page.content())  # a populated queue
    page.goto(demo_site + f"/workbench/dashboard/?start={since:%Y-%m-%d}&end={timezone.localdate():%Y-%m-%d}")
    assert bars(page) > 10 and "本期无数据" not in page.locator("#by-1").inner_text()
    assert colours(shot(page, "demo-dashboard")) > 20

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2)
    small = phone.new_page()
    small.goto(demo_site + "/r/dazhou/")
    small.get_by_role("link", name="好差评公开").click()
    small.wait_for_url(re.compile(r"/r/dazhou/figures/"))
    from yibao.cases.figures import month_figures, months_of
    from yibao.catalog.models import Region

    dazhou = Region.objects.get(code="dazhou")
    month = max(months_of(dazhou), key=lambda m: month_figures(dazhou, m).total.submitted).strftime("%Y-%m")
    small.select_option("#month", month)
    small.get_by_role("button", name="查看").click()
    small.wait_for_url(re.compile(rf"month={month}"))
    assert int(small.locator("#f-applications").inner_text()) > 0
    assert bars(small) > 5
    # readable on a phone: no chart wider than the screen, labels not shrunk below ~9px
    widths = small.eval_on_selector_all("figure.chart svg", "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) <= 390
    size = small.eval_on_selector("figure.chart svg text", "e => e.getBoundingClientRect().height")
    assert size >= 9
    assert colours(shot(small, "demo-figures-phone")) > 20
    phone.close()


def test_portal_pages_that_show_demo_data_say_so(demo_site, browser):
    """The person's own pages (我的办件, a case of his), the public progress query and the provider
    list show the 演示数据 banner; a public guide page, which shows the shipped guides, does not."""
    from yibao.cases.models import Case
    from yibao.people.demo import DEMO_APPLICANTS

    me = DEMO_APPLICANTS[0][2]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{demo_site}/r/dazhou/")
    assert page.locator("#demo-mark").count() == 0  # the guides are real, not the demo's
    for path in ("/track/", "/r/dazhou/providers/"):
        page.goto(demo_site + path)
        assert page.locator("#demo-mark").is_visible(), path
    page.goto(f"{demo_site}/accounts/login/?next=/my/cases/")
    page.fill("input[name=username]", me)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/my/cases/$"))
    assert page.locator("#demo-mark").is_visible()
    own = Case.objects.filter(applicant__id_number=me).order_by("pk").first()
    assert own.receipt_no in page.content()  # his demo cases are listed, under the banner
    context.close()
