"""Time limits and telephone links as the public site words them (pure functions)."""
from types import SimpleNamespace as Limit

from yibao.portal.display import field_label, phone_parts, time_limit_summary


def test_time_limit_summary_words_each_rule():
    assert time_limit_summary([Limit(when="", working_days=0)]) == "即时办结"
    assert time_limit_summary([Limit(when="", working_days=20)]) == "20个工作日"
    split = [Limit(when="在职职工", working_days=3), Limit(when="灵活就业人员", working_days=0)]
    assert time_limit_summary(split) == "在职职工3个工作日、灵活就业人员即时办结"
    assert time_limit_summary([]) == ""


def test_time_limit_summary_shows_a_repeated_rule_once():
    assert time_limit_summary([Limit(when="", working_days=15), Limit(when="", working_days=15)]) == "15个工作日"


def links(text, area_code=""):
    return [(part, href) for part, href in phone_parts(text, area_code) if href]


def test_landlines_mobiles_and_hotlines_become_tel_links():
    assert links("咨询电话：0818-2380236；监督电话12393") == [
        ("0818-2380236", "tel:08182380236"),
        ("12393", "tel:12393"),
    ]
    assert links("18111781975") == [("18111781975", "tel:18111781975")]
    assert links("医保服务热线：0812-12345转3号键") == [("0812-12345", "tel:081212345")]


def test_free_text_numbers_that_are_not_phones_stay_text():
    assert links("个人账户余额超过5000元，2024年10月8日起") == []
    assert links("20240101") == []  # no area code given: not a phone field


def test_phone_field_gives_bare_local_numbers_the_area_code_seen_before():
    assert links("0818-5336530、5336529（居民）", "0818") == [
        ("0818-5336530", "tel:08185336530"),
        ("5336529", "tel:08185336529"),
    ]
    assert links("5556578", "0812") == [("5556578", "tel:08125556578")]


def test_phone_parts_keep_all_the_text():
    text = "0818-5336530、5336529（居民）、5336838（职工）"
    assert "".join(part for part, _ in phone_parts(text, "0818")) == text


def test_empty_field_keys_read_in_chinese():
    assert field_label("stages") == "办理流程"
    assert field_label("time_limits") == "办理时限"
    assert field_label("something-new") == "something-new"
