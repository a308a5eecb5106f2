"""The public 清单对标 page, and the compare pages' meaning-matched materials and verdicts."""
import re

import pytest

pytestmark = pytest.mark.django_db


def test_public_audit_page(client, seeded_catalog):
    page = client.get("/audit/").content.decode()
    assert "全国医疗保障经办政务服务事项清单" in page and "川医保规〔2024〕1号" in page
    total = int(re.search(r"共 (\d+) 条发现", page).group(1))
    assert total == page.count('class="finding ')
    assert 'data-item="outpatient-reimbursement" data-kind="materials_over_limit"' in page
    songpan = client.get("/audit/", {"region": "songpan"}).content.decode()
    assert 'data-item="remote-retiree" data-kind="missing_from_guide"' in songpan
    assert "001_8ae73a45f86e6fe7.txt" not in songpan
    assert client.get("/audit/", {"region": "nowhere"}).status_code == 404


def test_compare_matches_the_same_document_worded_differently(client, seeded_catalog):
    page = client.get("/compare/remote-retiree/").content.decode()
    # 达州 "医保电子凭证或有效身份证件或社保卡", 攀枝花 "有效身份证件或医保电子凭证或社会保障卡":
    # the same material, so neither is 仅此地区.
    rows = re.findall(r"<li>([^<]*?)(?:<span class=\"detail\">[^<]*</span>)?( <span class=\"badge badge-only\">仅此地区</span>)?</li>", page)
    marked = {text.strip(): bool(only) for text, only in rows}
    assert marked["医保电子凭证或有效身份证件或社保卡"] is False
    assert marked["有效身份证件或医保电子凭证或社会保障卡"] is False
    assert marked["备案表"] is False  # 攀枝花's 《异地就医登记备案表》


def test_compare_verdicts_and_region_summary(client, seeded_catalog):
    page = client.get("/compare/unit-enrollment/").content.decode()
    verdicts = page.split('id="verdict-list"')[1].split("</ul>")[0]
    assert "达州市</strong>：比攀枝花市慢：3个工作日，攀枝花市1个工作日" in verdicts
    assert "攀枝花市</strong>" not in verdicts
    index = client.get("/compare/").content.decode()
    summary = index.split('id="region-summary"')[1].split("</table>")[0]
    assert "达州市" in summary and "松潘县" in summary and "攀枝花市" in summary
    assert "模板" not in summary
