"""清单对标 and 事项编码 in a real browser: the public audit page, filtered by region, and an item
page showing the code the agency gave it."""
import re

import pytest

pytestmark = pytest.mark.browser


def test_audit_page_lists_findings_with_the_guide_text(site, page, shot):
    page.goto(site + "/")
    page.get_by_role("link", name="清单对标").first.click()
    page.wait_for_url(re.compile(r"/audit/$"))
    assert page.get_by_role("heading", name="清单对标：办事指南对照事项清单").is_visible()
    assert page.locator("#audit-lists li").count() == 2
    page.select_option("#audit-region", "dazhou")
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(re.compile(r"/audit/\?region=dazhou$"))
    row = page.locator('tr.finding[data-item="unit-enrollment"][data-kind="limit_over_list"]')
    assert row.count() == 1
    text = row.inner_text()
    assert "办理时限长于清单" in text and "不超过3个工作日" in text and "明文载明" in text
    assert page.locator('tr.finding[data-item="outpatient-reimbursement"]').first.is_visible()
    assert page.locator("section.audit-guide").count() == 1  # only 达州's guide in force
    shot(page, "audit-dazhou")


def test_item_page_shows_its_catalogue_code(site, page, shot):
    from yibao.catalog.actions import set_catalogue_code
    from yibao.catalog.models import ServiceItem

    item = ServiceItem.objects.get(guide__source__startswith="004_", code="resident-enrollment")
    set_catalogue_code(item, "512036001003")  # a test code: no source gives one, nothing ships it
    page.goto(site + "/r/panzhihua/items/resident-enrollment/")
    assert page.locator("#catalogue-code").inner_text() == "512036001003"
    page.goto(site + "/r/dazhou/items/resident-enrollment/")
    assert page.locator("#catalogue-code").inner_text() == "未登记"
    shot(page, "item-catalogue-code")
