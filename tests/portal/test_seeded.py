"""The portal over the five shipped guides (the `seeded_catalog` fixture)."""
import re

import pytest

pytestmark = pytest.mark.django_db


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def section(html, heading):
    """The HTML of the item page's section whose <h2> is `heading`."""
    start = html.index(f">{heading}</h2>")
    return html[start : html.index("</section>", start)]


def row(html, label):
    """The compare table's row whose <th> is `label`."""
    start = html.index(f'<th scope="row">{label}</th>')
    return html[start : html.index("</tr>", start)]


@pytest.fixture
def old_dazhou(seeded_catalog):
    return seeded_catalog.get(source__startswith="000")


def test_home_shows_each_region_and_labels_the_template(client, seeded_catalog):
    html = get(client, "/")
    for name in ("达州市", "松潘县", "攀枝花市"):
        assert name in html
    assert "模板（未注明地区）" in html
    dazhou_card = html[html.index('href="/r/dazhou/"') :]
    dazhou_card = dazhou_card[: dazhou_card.index("</li>")]
    assert "40项" in dazhou_card and "0818" in dazhou_card  # 001 is in force, not 000's 38 items
    assert "2024年版" in html


def test_dazhou_region_page_groups_items_with_limits_and_channels(client, seeded_catalog):
    html = get(client, "/r/dazhou/")
    headings = re.findall(r'<h2 id="group-\d+">(.*?)</h2>', html)
    assert headings[:3] == ["参保登记", "缴费", "查询与凭证"]
    assert len(re.findall(r'<ul class="item-list">\s*<li>', html)) == len(headings)
    assert html.count('href="/r/dazhou/items/') == 40
    assert "在职职工3个工作日、灵活就业人员即时办结" in html
    assert "线上可办" in html
    assert 'href="/r/dazhou/editions/"' in html and "全部版本（2）" in html


def test_employee_enrollment_in_001_shows_both_split_limits(client, seeded_catalog):
    html = get(client, "/r/dazhou/items/employee-enrollment/")
    limits = section(html, "办理时限")
    assert "在职职工：3个工作日" in limits
    assert "灵活就业人员：即时办结" in limits
    materials = section(html, "申请材料")
    assert materials.count('type="checkbox"') >= 2
    assert "适用：在职职工" in materials and "适用：灵活就业人员" in materials
    assert "需加盖单位公章" in materials
    steps = re.findall(r"<li><strong>(.*?)</strong>", section(html, "办理流程"))
    assert steps == ["申请", "受理", "审核", "办结"]


def test_item_page_gives_item_specific_office_phones_as_tel_links(client, seeded_catalog):
    html = get(client, "/r/dazhou/items/employee-enrollment/")
    offices = section(html, "经办机构")
    assert offices.count('<article class="office">') == 8
    tel = re.findall(r'href="tel:(\d+)"', offices)
    assert len(tel) >= 16 and all(t.startswith("0818") for t in tel)


def test_dazhou_office_directory_lists_8_offices_with_tel_links(client, seeded_catalog):
    html = get(client, "/r/dazhou/offices/")
    offices = re.findall(r'<article class="office" id="office-\d+">(.*?)</article>', html, re.S)
    assert len(offices) == 8
    names = [re.search(r"<h2>(.*?)</h2>", o).group(1) for o in offices]
    assert names[0] == "市本级" and "万源市" in names
    for office in offices:
        assert re.search(r'href="tel:0818\d{7}"', office), office[:80]
    assert 'href="/r/dazhou/items/chronic-disease/"' in html  # the items each office handles


def test_old_dazhou_edition_shows_unstated_fields_and_is_marked_old(client, old_dazhou):
    item = old_dazhou.items.get(ordinal=30)  # a skeleton: only the name survives in 000
    html = get(client, f"/g/{old_dazhou.pk}/items/{item.ordinal}/")
    assert item.display_title in html
    assert "旧版本" in html
    for heading in ("服务对象", "申请材料", "办理时限", "办理流程", "备注"):
        assert "本指南未载明" in section(html, heading), heading
    assert "本指南留空的栏目" in html  # the import note, in the collapsed section
    editions = get(client, "/r/dazhou/editions/")
    assert f'href="/g/{old_dazhou.pk}/"' in editions


def test_chronic_disease_compare_row_shows_15_against_20(client, seeded_catalog):
    html = get(client, "/compare/chronic-disease/")
    limits = row(html, "办理时限")
    assert "15个工作日" in limits and "20个工作日" in limits
    departing = re.findall(r'<td class="differs">(.*?)</td>', limits, re.S)
    assert len(departing) == 1 and "15个工作日" in departing[0]  # 攀枝花 2024
    # The regions word the same documents differently (病历资料 / 二级及以上协议定点医疗机构的病历资料 /
    # 病历资料或检查资料; the ID in another order): matched by meaning, none is 仅此地区.
    assert "仅此地区" not in row(html, "申请材料")


def test_compare_marks_regions_without_the_item(client, seeded_catalog):
    html = get(client, "/compare/e-credential/")  # 医保电子凭证申领: only 攀枝花 lists it
    assert row(html, "事项名称").count("未列入") == 3
    with_old = get(client, "/compare/e-credential/?editions=all")
    assert row(with_old, "事项名称").count("未列入") == 4  # 000 joins as a column


def test_compare_index_lists_items_by_group_with_regions(client, seeded_catalog):
    html = get(client, "/compare/")
    entry = html[html.index('href="/compare/e-credential/"') :]
    entry = entry[: entry.index("</li>")]
    assert "攀枝花市" in entry and "达州市" not in entry
    assert len(re.findall(r'href="/compare/[a-z-]+/"', html)) == 43  # every item code, once


def test_search_ranks_items_and_links_to_them(client, seeded_catalog):
    html = get(client, "/search/?q=退休后去海南养老看病怎么办")
    titles = re.findall(r'<a class="result-title" href="([^"]+)">(.*?)</a>', html)
    assert titles and "异地安置退休人员备案" in [t for _, t in titles[:3]]
    for url, _ in titles:
        assert get(client, url)  # every result opens


def test_search_within_a_region_keeps_to_it(client, seeded_catalog):
    html = get(client, "/search/?q=生孩子&region=panzhihua")
    regions = re.findall(r'<span class="badge">(.*?)</span>\s*<span class="badge badge-muted">', html)
    assert regions and set(regions) == {"攀枝花市"}


def test_search_answers_a_fragment_for_htmx(client, seeded_catalog):
    response = client.get("/search/", {"q": "生育津贴"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "生育津贴支付" in html


@pytest.mark.parametrize(
    "url", ["/r/beijing/", "/r/beijing/items/chronic-disease/", "/r/dazhou/items/e-credential/", "/g/0/items/1/"]
)
def test_unknown_region_or_item_is_a_chinese_404(client, seeded_catalog, url):
    html = get(client, url, status=404)
    assert "页面不存在" in html and 'lang="zh-Hans"' in html


# Hot pages: their query counts do not grow with the number of items, offices or regions.
@pytest.mark.parametrize(
    "url, most",
    [
        ("/r/dazhou/", 9),
        ("/r/dazhou/items/employee-enrollment/", 10),
        ("/compare/chronic-disease/", 9),
        ("/compare/chronic-disease/?editions=all", 10),
        ("/r/dazhou/offices/", 7),
        ("/", 4),
    ],
)
def test_hot_page_query_counts(client, seeded_catalog, django_assert_max_num_queries, url, most):
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200
