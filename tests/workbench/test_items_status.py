"""/workbench/items/: every item of the region's guide in force and every one of the 43 codes, with
the handler that runs it and whether 办结 changes a register, as yibao.cases.handlers.status() says."""
import re

from yibao.cases.handlers import Handler, register, status, unregister
from yibao.catalog.codes import ITEM_CODES

from tests.workbench.guide import INSTANT, PAYMENT_ITEM, THREE_DAY


def rows_of(html, anchor):
    """[[cell text]] of the table after the heading with id=anchor."""
    table = html.split(f'id="{anchor}"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", " ", cell).split() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_every_code_with_its_handler_and_effect_as_status_says(as_user, clerk, guide_items):
    html = as_user(clerk).get("/workbench/items/").content.decode()
    rows = rows_of(html, "codes")
    expected = status()
    assert len(rows) == len(expected) == len(ITEM_CODES) == 43
    for row, want in zip(rows, expected):
        assert row[2] == [want["code"]]
        assert want["handler"] in row[3]
        assert row[4] == ["有业务效果" if want["effect"] else "仅记录办件"]
        assert row[5][0] == {True: "拨付", False: "不拨付", None: "按事项流程"}[want["pays"]]
    with_effect = sum(r["effect"] for r in expected)
    assert f"共 43 个事项代码，其中 {with_effect} 个有业务效果，{43 - with_effect} 个仅记录办件" in html
    listed = {r[2][0] for r in rows if r[6] == ["已列"]}
    assert listed == {THREE_DAY, PAYMENT_ITEM, INSTANT}


def test_the_region_guide_items_in_their_order_with_their_titles(as_user, clerk, guide_items):
    html = as_user(clerk).get("/workbench/items/").content.decode()
    rows = rows_of(html, "guide")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (["1"], ["参保单位缴费基数申报"], [THREE_DAY]),
        (["2"], ["生育津贴支付"], [PAYMENT_ITEM]),
        (["3"], ["出具《参保凭证》"], [INSTANT]),
    ]
    # The workbench tests run these codes on the generic handler: 办结 only records the case.
    assert all(r[4] == ["仅记录办件"] and "GenericHandler" in r[3] for r in rows)
    assert "共 3 项，其中 0 项有业务效果" in html


class Recording(Handler):
    label = "测试登记模块"
    has_effect = True


def test_a_registered_handler_with_an_effect_shows_as_such(as_user, clerk, guide_items):
    register(THREE_DAY, Recording())
    try:
        html = as_user(clerk).get("/workbench/items/").content.decode()
    finally:
        unregister(THREE_DAY)
    first = rows_of(html, "guide")[0]
    assert first[3] == ["测试登记模块", "Recording"] and first[4] == ["有业务效果"]
    assert "共 3 项，其中 1 项有业务效果" in html


def test_a_region_without_a_guide_still_lists_every_code(as_user, songpan):
    from tests.cases import factories as f

    html = as_user(f.staff(songpan, "clerk")).get("/workbench/items/").content.decode()
    assert "本地区尚无现行办事指南" in html and len(rows_of(html, "codes")) == 43


def test_linked_from_the_navigation_and_staff_only(as_user, clerk, person, guide_items):
    html = as_user(clerk).get("/workbench/").content.decode()
    assert 'href="/workbench/items/"' in html and "事项办理模块" in html
    assert as_user(person.user).get("/workbench/items/").status_code == 403


def test_query_count_does_not_grow_with_the_codes(as_user, clerk, guide_items, django_assert_max_num_queries):
    client = as_user(clerk)
    client.get("/workbench/items/")  # the edition's titles cached (cases.snapshot), as on any page after the first
    with django_assert_max_num_queries(12):  # +1: the items in force (flow_ok); +1: the 演示数据 banner
        assert client.get("/workbench/items/").status_code == 200
