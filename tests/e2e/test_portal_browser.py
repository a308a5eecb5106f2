"""A citizen's way through the public site in a real browser, on the five shipped guides."""
import re

import pytest

pytestmark = pytest.mark.browser


def test_home_to_region_to_item_with_office_phones(site, page, shot):
    page.goto(site + "/")
    assert page.title().startswith("首页")
    assert page.get_by_text("模板（未注明地区）").first.is_visible()
    shot(page, "01-home")

    # The header's region chooser works as a plain form.
    page.select_option("#region-select", "dazhou")
    page.get_by_role("button", name="切换").click()
    page.wait_for_url(re.compile(r"/r/dazhou/$"))
    assert page.get_by_role("heading", name="达州市办事指南").is_visible()
    assert page.get_by_role("heading", name="参保登记").is_visible()
    shot(page, "02-region-dazhou")

    page.get_by_role("link", name="职工参保登记", exact=True).click()
    page.wait_for_url(re.compile(r"/r/dazhou/items/employee-enrollment/$"))
    summary = page.locator(".summary").inner_text()
    assert "在职职工3个工作日、灵活就业人员即时办结" in summary

    # The checklist can be ticked.
    first = page.locator(".checklist input[type=checkbox]").first
    first.check()
    assert first.is_checked()

    offices = page.locator("#offices .office")
    assert offices.count() == 8
    tel_links = page.locator("#offices a[href^='tel:']")
    assert tel_links.count() >= 16  # a consult and a complaint number for each of the 8 offices
    assert re.fullmatch(r"tel:0818\d{7}", tel_links.first.get_attribute("href"))
    page.locator("#offices").scroll_into_view_if_needed()
    shot(page, "03-item-employee-enrollment")

    # Printing drops the navigation and keeps the checklist.
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.locator(".checklist").is_visible()
    shot(page, "04-item-print")


def test_compare_page_shows_where_regions_depart(site, page, shot):
    page.goto(site + "/compare/")
    page.get_by_role("link", name="门诊慢特病病种待遇认定").click()
    page.wait_for_url(re.compile(r"/compare/chronic-disease/$"))
    limit_row = page.locator("tr", has=page.locator("th", has_text="办理时限"))
    text = limit_row.inner_text()
    assert "15个工作日" in text and "20个工作日" in text
    # 攀枝花's 15 departs from the others' 20.
    assert limit_row.locator("td.differs").count() == 1
    assert "15个工作日" in limit_row.locator("td.differs").inner_text()
    # The same documents worded differently (病历资料 …) are matched by meaning: none is 仅此地区.
    assert page.locator(".badge-only").count() == 0
    shot(page, "05-compare-chronic-disease")

    # With htmx, ticking "other editions" swaps in the wider table (达州's older edition joins).
    columns_before = page.locator("#compare-table thead th").count()
    page.get_by_label("包括各地区的旧版本").check()
    page.wait_for_url(re.compile(r"editions=all"))
    page.wait_for_function(f"document.querySelectorAll('#compare-table thead th').length > {columns_before}")
    assert "旧版" in page.locator("#compare-table thead").inner_text()


def test_search_from_the_header_box(site, page, shot):
    page.goto(site + "/r/panzhihua/")
    box = page.get_by_placeholder("请输入您要办理的事情，如：退休后去海南养老看病怎么办").first
    box.fill("退休后去海南养老看病怎么办")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    results = page.locator("ol.results > li")
    assert results.count() >= 1
    assert "异地安置退休人员备案" in results.first.inner_text()
    shot(page, "06-search")

    # On the search page, htmx refreshes the results as the citizen types (no page load).
    page.evaluate("window.__samePage = true")
    page.locator("#search-page-q").fill("生孩子报销")
    page.wait_for_function("document.querySelector('#search-results').innerText.includes('生育医疗费支付')")
    assert page.evaluate("window.__samePage === true")
    page.go_back()
    page.wait_for_url(re.compile(r"q=%E9%80%80"))  # the first question again
    results = page.locator("ol.results > li")

    results.first.locator("a.result-title").click()
    assert page.get_by_role("heading", name="异地安置退休人员备案", level=1).is_visible()
    assert page.locator("#offices a[href^='tel:']").count() > 0
    shot(page, "07-search-result-item")


def test_item_page_reads_on_a_phone(site, browser, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    try:
        page.goto(site + "/r/dazhou/items/chronic-disease/")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing forces sideways scrolling
        shot(page, "08-item-mobile")
    finally:
        context.close()
