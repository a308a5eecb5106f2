"""Office tables and blocks read from the shipped guides (seed-analysis §1.2-1.5, §4)."""
import re
from functools import lru_cache
from pathlib import Path

import pytest

import yibao.catalog
from yibao.catalog.guides.offices import HOTLINE, extract_offices, split_phones

SEEDS = Path(yibao.catalog.__file__).parent / "seeds"
DAZHOU, SONGPAN, PANZHIHUA = "001_8ae73a45f86e6fe7.txt", "002_72ce12711aa467e1.txt", "004_26bbb7449a2eeb69.txt"
LABEL_LINE = re.compile(r"^\s*(办理地点|办理时间|办理（咨询）电话|咨询电话|投诉电话|网办渠道)\s*[：:]")


def seed_lines(name):
    text = (SEEDS / name).read_text(encoding="utf-8").replace("\xa0", " ")
    return list(enumerate(text.split("\n"), start=1))


@lru_cache(maxsize=None)
def extracted(name):
    return extract_offices(seed_lines(name))


def by_name(group):
    return {office.name: office for office in group}


def next_text(lines, lineno):
    """The first non-blank remaining line after `lineno`."""
    after = [text for n, text in lines if n > lineno and text.strip()]
    return after[0] if after else None


def line_of(lines, text):
    return next(n for n, t in lines if t.strip() == text)


# ------------------------------------------------------------------ phones


def test_phones_split_on_every_separator_and_expand_short_numbers():
    warnings = []
    phones = split_phones([(1, "0812-5566536，5556578"), (2, "0818-5211627/0818-5232567\\5211621、18111781975")], warnings)
    assert phones == ["0812-5566536", "0812-5556578", "0818-5211627", "0818-5232567", "0818-5211621", "18111781975"]
    assert warnings == []


def test_glued_numbers_are_split_and_reported():
    warnings = []
    assert split_phones([(7, "0818-53360070818-5336359")], warnings) == ["0818-5336007", "0818-5336359"]
    assert [w["line"] for w in warnings] == [7]
    assert "连在一起" in warnings[0]["message"]


def test_malformed_number_is_kept_and_reported():
    warnings = []
    assert split_phones([(3, "0818-63327689")], warnings) == ["0818-63327689"]
    assert warnings[0]["line"] == 3 and "0818-63327689" in warnings[0]["message"]


def test_labels_stay_with_the_numbers_they_close():
    warnings = []
    phones = split_phones([(1, "0818-5336530、5336529（居民）"), (3, "0818-5336838（职工）"), (4, "0818-6239100(职工）")], warnings)
    assert phones == ["0818-5336530（居民）", "0818-5336529（居民）", "0818-5336838（职工）", "0818-6239100（职工）"]
    assert warnings == []


def test_hotline_with_key_is_one_number():
    warnings = []
    assert split_phones([(1, "0812-12345转3号键；")], warnings) == ["0812-12345转3号键"]
    assert warnings == []


# ------------------------------------------------------------------ no offices


@pytest.mark.parametrize("name", ["000_af48c0e9f46db540.txt", "003_0a79226fc910f612.txt"])
def test_guides_without_offices_pass_through_unchanged(name):
    result = extract_offices(seed_lines(name))
    assert result.groups == []
    assert result.warnings == []
    assert result.lines == seed_lines(name)


# ------------------------------------------------------------------ 达州 (001): TAB tables

DAZHOU_OFFICES = ["市本级", "通川区", "达川区", "宣汉县", "开江县", "大竹县", "渠县", "万源市"]


def test_dazhou_has_one_table_per_item_with_eight_offices_except_aid_items():
    groups = extracted(DAZHOU).groups
    assert len(groups) == 40
    for k, group in enumerate(groups, start=1):
        names = [office.name for office in group]
        if k in (31, 32):  # 救助参保补贴 and 医疗救助报销 have no 市本级 row
            assert names == DAZHOU_OFFICES[1:]
        else:
            assert names == DAZHOU_OFFICES


def test_dazhou_tables_leave_no_table_line_behind():
    result = extracted(DAZHOU)
    original = seed_lines(DAZHOU)
    assert not [line for line in result.lines if "\t" in line[1]]
    assert set(result.lines) <= set(original)  # numbers and text kept as published
    assert [n for n, _ in result.lines] == sorted(n for n, _ in result.lines)
    assert line_of(result.lines, "（一）事项名称") == 3


def test_dazhou_xuanhan_hours_differ_from_the_others():
    for k, group in enumerate(extracted(DAZHOU).groups, start=1):
        for office in group:
            if office.name == "宣汉县":
                assert office.hours.startswith("上午：8:30-12：00下午：14:30-18:00")
            else:
                assert office.hours == "上午：9:00-12:00 下午：13:00-17:00"
    assert by_name(extracted(DAZHOU).groups[39])["宣汉县"].hours == "上午：8:30-12：00下午：14:30-18:00 (季度结算）"


def test_dazhou_dachuan_glued_complaint_is_split_in_two():
    result = extracted(DAZHOU)
    for k, group in enumerate(result.groups, start=1):
        complaint = by_name(group)["达川区"].complaint_phones
        assert complaint == (["0818-2100366"] if k == 32 else ["0818-5336007", "0818-5336359"])
    glued = [w for w in result.warnings if "0818-53360070818-5336359" in w["message"]]
    assert len(glued) == 39
    assert glued[0]["line"] == 85


def test_dazhou_dachuan_resident_and_employee_numbers_keep_their_labels():
    groups = extracted(DAZHOU).groups
    expected = ["0818-5336530（居民）", "0818-5336529（居民）", "0818-5336838（职工）"]
    for k in (24, 25, 26, 39, 40):  # item 24 uses a backslash, item 40 one line
        assert by_name(groups[k - 1])["达川区"].consult_phones == expected


def test_dazhou_qu_county_consultation_cell_is_empty_in_the_settlement_tables():
    result = extracted(DAZHOU)
    for k, group in enumerate(result.groups, start=1):
        qu = by_name(group)["渠县"]
        assert (qu.consult_phones == []) == (k in (39, 40))
        assert qu.complaint_phones == ["0818-7781123"]
    empty = [w for w in result.warnings if w["message"] == "渠县：咨询电话为空"]
    assert [w["line"] for w in empty] == [4940, 5068]


SHIBENJI = {  # §4.1: 市本级 consultation / complaint phones by item group
    range(1, 15): (["0818-2144557", "0818-3326933"], ["0818-3326933"]),
    range(15, 17): (["0818-3326933"], ["0818-3326933"]),
    range(17, 25): (["0818-2144557", "0818-2182953"], ["0818-2182953"]),
    range(25, 31): (["0818-2144557", "0818-2185273"], ["0818-2185273"]),
    range(33, 38): (["0818-2144557"], ["0818-2538966"]),
    range(38, 39): (["0818-2144557", "0818-2182953"], ["0818-2182953"]),
    range(39, 41): (["0818-2144557", "0818-2185273"], ["0818-2185273"]),
}


def test_dazhou_city_office_phones_follow_the_item_groups():
    groups = extracted(DAZHOU).groups
    checked = 0
    for items, (consult, complaint) in SHIBENJI.items():
        for k in items:
            office = by_name(groups[k - 1])["市本级"]
            assert (k, office.consult_phones, office.complaint_phones) == (k, consult, complaint)
            checked += 1
    assert checked == 38
    assert "C区54号至59号" in by_name(groups[10])["市本级"].address
    assert "参保服务科（1C-08）" in by_name(groups[14])["市本级"].address


def test_dazhou_odd_numbers_are_kept():
    result = extracted(DAZHOU)
    groups = result.groups
    assert by_name(groups[34])["大竹县"].complaint_phones == ["0818-63327689"]
    assert any("0818-63327689" in w["message"] for w in result.warnings)
    assert by_name(groups[34])["通川区"].consult_phones == ["18111781975"]
    assert by_name(groups[25])["大竹县"].consult_phones == ["0818-6239100（职工）", "0818-6221398（居民）"]
    assert by_name(groups[32])["宣汉县"].consult_phones == ["0818-5211627", "0818-5232567", "0818-5211621"]
    assert by_name(groups[0])["万源市"].address == "万源市河西万兴路202号政务服务大厅2楼医保窗口"


def test_dazhou_swallowed_service_objects_are_handed_back_in_place():
    lines = extracted(DAZHOU).lines
    texts = [(n, t.strip()) for n, t in lines if t.strip()]
    for lineno, name in ((3255, "住院费用报销。"), (3663, "计划生育医疗费支付。"), (3798, "生育津贴支付。")):
        at = next(k for k, (n, _) in enumerate(texts) if n == lineno)
        assert [t for _, t in texts[at - 2:at + 2]] == [name, "（二）服务对象", texts[at][1], "（三）办理渠道"]
        assert texts[at][1].endswith("人员。")


def test_dazhou_split_headings_get_their_tails_back():
    lines = extracted(DAZHOU).lines
    assert next_text(lines, 2639) == "病种待遇认定"  # item 22: the table sat between the two lines
    assert next_text(lines, line_of(lines, "二十三、城乡居民医保参保人员高血压、糖尿病")) == "病种待遇认定"
    assert next_text(lines, 2722) == "（一）事项名称"


# ------------------------------------------------------------------ 松潘 (002): marked blocks

HALL = "松潘县政务中心政务服务大厅医保窗口"
BUREAU = "松潘县政务中心医保局3-2"
HALL_ITEMS = {1, 2, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 23, 24}


def test_songpan_has_one_office_per_item_at_two_locations():
    groups = extracted(SONGPAN).groups
    assert len(groups) == 36
    assert all(len(group) == 1 for group in groups)
    for k, (office,) in enumerate(groups, start=1):
        assert office.name == (HALL if k in HALL_ITEMS else BUREAU), k
        assert office.complaint_phones == ["0837-7232959"]
        assert office.online == ""
    assert groups[0][0].address == "松潘县政务中心二楼楼政务服务大厅医保窗口"  # the typo stays in the address
    assert groups[34][0].address == "松潘县政务中心二号楼三楼医保局 3-2"  # wrapped `…三楼医` / `保局 3-2`


def test_songpan_consultation_phones_by_location():
    groups = extracted(SONGPAN).groups
    for k, (office,) in enumerate(groups, start=1):
        if k == 4:
            expected = ["0837-7323652"]  # published so (probably 7232652 transposed)
        elif k in HALL_ITEMS - {7, 23, 24}:
            expected = ["0837-7232652"]
        else:
            expected = ["0837-7232575"]
        assert office.consult_phones == expected, k


def test_songpan_seasonal_hours_are_one_string():
    groups = extracted(SONGPAN).groups
    for k, (office,) in enumerate(groups, start=1):
        compact = re.sub(r"\s", "", office.hours)
        if k in HALL_ITEMS:
            assert compact in ("工作日(9:00-12:00,14:00-17:00)", "工作日（9:00-12:00,14:00-17:00）"), k
        else:
            assert "10月8日-次年4月30日" in compact and "5月6日-9月30日" in compact, k
            assert compact.endswith(("8:30-12:00,15:00-18:00)", "8:30-12:00,15:00-18:00）")), k
    assert groups[31][0].hours == "工作日（10月8日-次年4月30日：9:00-12:00,14:30-17:30；5月6日-9月30日：8:30-12:00,15:00-18:00）"


def test_songpan_item_8_interleaved_block_is_rebuilt_and_removed():
    result = extracted(SONGPAN)
    office = result.groups[7][0]
    assert office.address == "松潘县政务中心二号楼政务服务大厅医保窗口"
    assert office.hours == "工作日（9:00-12:00,14:00-17:00）"
    assert office.consult_phones == ["0837-7232652"]
    assert office.complaint_phones == ["0837-7232959"]
    item8 = [t.strip() for n, t in result.lines if 387 <= n < 437 and t.strip()]
    assert item8[:4] == ["八、灵活就业人员缴纳职工医疗保险费", "（一）事项名称", "灵活就业人员缴纳职工医疗保险费。", "（二）服务对象"]
    assert "服务大厅医保窗口" not in item8
    assert {w["line"] for w in result.warnings} >= {389, 393, 397, 401}


def test_songpan_items_32_and_33_keep_the_heading_tail_and_lose_the_fragments():
    result = extracted(SONGPAN)
    assert next_text(result.lines, 1679) == "协议管理"
    assert next_text(result.lines, 1683) == "（一）事项名称"
    assert next_text(result.lines, 1730) == "(一) 事项名称"
    assert result.groups[32][0].consult_phones == ["0837-7232575"]
    assert result.groups[32][0].complaint_phones == ["0837-7232959"]


def test_songpan_leaves_no_office_line_in_the_text():
    lines = extracted(SONGPAN).lines
    assert not [t for _, t in lines if LABEL_LINE.match(t)]
    assert not [t for _, t in lines if "以下内容以各经办机构公布的为准" in t]
    assert not [t for _, t in lines if t.startswith("日-9月30日")]
    assert line_of(lines, "灵活就业人员缴纳职工医疗保险费。") == 395


# ------------------------------------------------------------------ 攀枝花 (004): bare blocks

PANZHIHUA_ADDRESSES = {
    "市医保事务中心": "仁和区三线大道69号（攀西科技城）3楼医保综合窗口",
    "东区医保事务中心": "东区机场路10号政务服务中心一楼医保综合窗口",
    "西区医保事务中心": "西区大水井苏铁中路291号三楼医保综合窗口",
    "仁和区医保事务中心": "仁和区联通街140号（政务服务大厅）负一楼医保综合窗口",
    "米易县医保事务中心": "米易县同和路12号一楼医保综合窗口",
    "盐边县医保事务中心": "盐边县桐子林镇清河东路38号一楼医保综合窗口",
}


def test_panzhihua_six_offices_in_every_block_with_their_addresses():
    result = extracted(PANZHIHUA)
    assert len(result.groups) == 34
    assert result.warnings == []
    for k, group in enumerate(result.groups, start=1):
        agencies = {o.name: o for o in group if o.address}
        assert {n: o.address for n, o in agencies.items()} == PANZHIHUA_ADDRESSES, k
        for office in agencies.values():
            assert office.complaint_phones == ["0812-3343757"], k
            assert office.consult_phones, k
            assert office.hours, k


@pytest.mark.parametrize(
    "item, office, phones",
    [
        (1, "市医保事务中心", ["0812-2911501"]),
        (3, "东区医保事务中心", ["0812-2225662"]),
        (13, "西区医保事务中心", ["0812-5566536", "0812-5556578"]),
        (14, "西区医保事务中心", ["0812-5556578", "0812-5566536"]),
        (18, "市医保事务中心", ["0812-3323000"]),
        (18, "东区医保事务中心", ["0812-2228659", "0812-3352199"]),
        (26, "东区医保事务中心", ["0812-2228659", "0812-2231688"]),
        (28, "仁和区医保事务中心", ["0812-5559667"]),
        (33, "盐边县医保事务中心", ["0812-8656816"]),
        (34, "盐边县医保事务中心", ["0812-8650660"]),
    ],
)
def test_panzhihua_consultation_phones_per_office_and_item(item, office, phones):
    assert by_name(extracted(PANZHIHUA).groups[item - 1])[office].consult_phones == phones


def test_panzhihua_hotline_is_its_own_office_whatever_its_label():
    groups = extracted(PANZHIHUA).groups
    for k, group in enumerate(groups, start=1):
        hotlines = [o for o in group if o.name == HOTLINE]
        if k in (18, 33, 34):
            assert hotlines == [], k
        else:
            assert [o.consult_phones for o in hotlines] == [["0812-12345转3号键"]], k  # item 10: inline


def test_panzhihua_other_offline_places_are_named_offices_without_address():
    groups = extracted(PANZHIHUA).groups
    extras = [{o.name for o in group if not o.address and o.name != HOTLINE} for group in groups]
    assert extras[0] == {"全市乡镇（街道）便民服务中心", "攀枝花农商银行瓜子坪分理处", "中国邮政储蓄银行金海支行", "中国银行攀枝花分行五十一分理处"}
    assert "村（社区）委员会或党群服务中心" in extras[1]
    assert [k for k, names in enumerate(extras, start=1) if "中心医院医保服务站" in names] == [3, 6, 8, 10]
    assert extras[17] == {"全市二级及以上定点医疗机构医保科"}
    assert extras[32] == set()


def test_panzhihua_hours_and_online_channel_per_item():
    groups = extracted(PANZHIHUA).groups
    city = [by_name(group)["市医保事务中心"] for group in groups]
    assert city[0].hours == "经办窗口为法定工作日：9:00-12:00，13:30-17:00。"
    assert city[1].hours == "经办窗口为法定工作日 9:00-12:00；13:30-17:00。"
    assert city[32].hours == city[33].hours == "每月15日前"
    assert city[17].hours.endswith("以定点医疗机构工作时间为准。")
    assert city[0].online == "四川政务服务网“一件事一次办”专区。"
    assert city[13].online.startswith("国务院客户端小程序")  # published as `4.线上办理：…`
    assert city[18].online == ""  # item 19 has no 线上办理 line


def test_panzhihua_blocks_are_cut_out_and_titles_stay():
    lines = extracted(PANZHIHUA).lines
    texts = [t.strip() for _, t in lines]
    assert not [t for t in texts if t.startswith(("办理地点", "咨询电话", "投诉电话", "线上办理", "线下办理"))]
    assert not [t for t in texts if "医保事务中心：" in t]
    assert next_text(lines, 52) == "职工参保登记"
    assert texts.count("一、事项名称") == 34
