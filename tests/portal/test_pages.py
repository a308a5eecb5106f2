"""The portal's pages over small hand-made guides: routing, empty fields, editions, differences."""
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_home_lists_regions_with_edition_count_and_template_label(client, small_catalog):
    html = page(client, "/")
    assert "甲市" in html and "乙县" in html
    assert "2023年版" in html  # the in-force edition, not 旧版
    assert "模板（未注明地区）" in html
    assert "0837" in html
    assert "请输入您要办理的事情，如：退休后去海南养老看病怎么办" in html


def test_region_chooser_redirects_without_javascript(client, small_catalog):
    response = client.get("/r/", {"region": "yi"})
    assert response.status_code == 302 and response["Location"] == "/r/yi/"


def test_region_page_groups_items_and_summarises_limits(client, small_catalog):
    html = page(client, "/r/jia/")
    assert html.index("参保登记") < html.index("待遇认定")  # catalogue group order
    assert "在职职工3个工作日、灵活就业人员即时办结" in html
    assert "线上可办" in html
    assert 'href="/r/jia/items/chronic-disease/"' in html
    assert "全部版本（2）" in html


def test_item_page_shows_every_part_of_the_guide(client, small_catalog):
    html = page(client, "/r/jia/items/employee-enrollment/")
    assert "在职职工：3个工作日" in html and "灵活就业人员：即时办结" in html
    assert 'type="checkbox"' in html
    assert "适用：在职职工" in html
    assert "需加盖单位公章" in html and "个人承诺书" in html
    assert "①死亡证" in html
    assert "本指南未载明" in html  # 服务对象 is empty in this guide
    assert 'onclick="window.print()"' in html
    assert 'href="/compare/employee-enrollment/"' in html


def test_item_page_links_every_office_phone(client, small_catalog):
    html = page(client, "/r/jia/items/chronic-disease/")
    assert '<a class="tel" href="tel:08182380236">0818-2380236</a>' in html
    assert 'href="tel:08182126117"' in html
    assert "市政务服务中心3楼" in html
    assert "病历资料包括出院记录或诊断证明。" in html
    steps = re.findall(r"<li><strong>(.*?)</strong>", html)
    assert steps == ["申请", "受理", "审核", "办结"]


def test_older_edition_stays_readable_under_its_guide_address(client, small_catalog):
    old = small_catalog["old"]
    html = page(client, f"/g/{old.pk}/items/1/")
    assert "旧版本" in html
    assert "办理流程" in html and "本指南未载明" in html
    assert "本指南留空的栏目：办理流程" in html  # the import note names the empty field
    editions = page(client, "/r/jia/editions/")
    assert f'href="/g/{old.pk}/"' in editions and "现行" in editions


def test_compare_marks_the_departing_limit_and_region_only_material(client, small_catalog):
    html = page(client, "/compare/chronic-disease/")
    row = html[html.index(">办理时限<") :]
    row = row[: row.index("</tr>")]
    assert "20个工作日" in row and "15个工作日" in row
    assert row.count('class="differs"') == 2  # two guides, two values: both cells stand out
    only = re.findall(r"<li>([^<]*?)<span class=\"detail\">[^<]*</span> <span class=\"badge badge-only\">仅此地区", html)
    assert only == ["检查报告"]  # only 乙县 asks for it
    assert "未列入" in html  # the template does not list this item


def test_compare_with_other_editions_adds_their_columns(client, small_catalog):
    html = page(client, "/compare/chronic-disease/?editions=all")
    assert "旧版" in html
    assert html.count('scope="col"') == 1 + 4  # 栏目 + four guides


def test_compare_index_names_the_regions_listing_each_item(client, small_catalog):
    html = page(client, "/compare/")
    line = html[html.index('href="/compare/chronic-disease/"') :]
    line = line[: line.index("</li>")]
    assert "甲市" in line and "乙县" in line and "模板" not in line


@pytest.mark.parametrize(
    "url",
    ["/r/nowhere/", "/r/nowhere/offices/", "/r/jia/items/no-such-item/", "/g/999999/", "/compare/no-such-code/"],
)
def test_unknown_addresses_answer_404_in_chinese(client, small_catalog, url):
    html = page(client, url, status=404)
    assert "页面不存在" in html


def test_office_directory_lists_offices_with_phones_and_items(client, small_catalog):
    html = page(client, "/r/jia/offices/")
    assert "市本级" in html and 'href="tel:08182380236"' in html
    assert 'href="/r/jia/items/chronic-disease/"' in html


def test_region_page_query_count_does_not_grow_with_items(client, small_catalog, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        client.get(reverse("portal:region", args=["jia"]))
