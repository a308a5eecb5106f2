"""A small hand-made 达州 guide for the workbench tests, written through the real guide store.

Three items in one edition (so all are in force together): a 3-day item with review (its guide
lists the window and the hotline), a payment item and an instant one (the window), each also online, at two
offices. The workbench knows no domain: its tests run these codes on the engine's GenericHandler
(tests/workbench/conftest.py, with tests/handlers.py), whatever domain claims them, so the pages
are tested on the engine's rules; each domain tests its own rules in its app.
"""
import hashlib
from datetime import date

from yibao.catalog.guides.parsed import (
    ParsedChannel,
    ParsedGuide,
    ParsedItem,
    ParsedMaterial,
    ParsedOffice,
    ParsedStage,
    ParsedTimeLimit,
)
from yibao.catalog.guides.store import save_guide

OFFICES = [ParsedOffice("市本级", address="达州市政务服务中心"), ParsedOffice("通川区", address="通川区政务服务中心")]
STANDARD = ["申请", "受理", "审核", "办结"]
PAYMENT = ["申请", "受理", "审核", "拨付", "办结"]

THREE_DAY = "contribution-base"
PAYMENT_ITEM = "maternity-allowance"
INSTANT = "insurance-certificate"


# Every item is also offered online: the workbench tests file cases as an applicant would online
# (an item whose guide offers no online channel cannot be applied for online; tests/api tests that).
ONLINE = ParsedChannel("online", "网上办事大厅", "四川政务服务网", online=True)
WINDOW = ParsedChannel("window", "经办机构窗口", "经办机构窗口")
WINDOW_ONLY = [WINDOW, ONLINE]
WINDOW_AND_HOTLINE = [WINDOW, ParsedChannel("hotline", "医保服务热线", "12393服务热线"), ONLINE]


def _item(ordinal, code, title, days, stages, materials, channels=WINDOW_ONLY):
    return ParsedItem(
        ordinal=ordinal, code=code, title=title, name=title, acceptance_unit="达州市医疗保障事务中心",
        time_limit_text=f"不超过{days}个工作日" if days else "即时办结",
        time_limits=[ParsedTimeLimit(days)],
        stages=[ParsedStage(s) for s in stages],
        materials=[ParsedMaterial(name, when=when, commitment_fallback=fallback) for name, when, fallback in materials],
        offices=list(OFFICES), channels=list(channels),
    )


def save_test_guide(region):
    """Returns {code: ServiceItem}."""
    items = [
        _item(1, THREE_DAY, "参保单位缴费基数申报", 3, STANDARD, [
            ("《职工基本医疗保险缴费基数申报表》（加盖单位公章）", "", False),
            ("职工工资发放明细", "", True),
            ("委托人及代理人身份证件原件", "委托办理", False),
        ], channels=WINDOW_AND_HOTLINE),
        _item(2, PAYMENT_ITEM, "生育津贴支付", 20, PAYMENT, [("医保电子凭证或有效身份证件或社保卡", "", False)]),
        _item(3, INSTANT, "出具《参保凭证》", 0, STANDARD, [("医保电子凭证或有效身份证件或社保卡", "", False)]),
    ]
    text = f"workbench test guide {region.code}"
    parsed = ParsedGuide(source="workbench-test.txt", content_hash=hashlib.sha256(text.encode()).hexdigest(),
                         text=text, family="test", items=items)
    guide, _ = save_guide(parsed, region, edition="测试版", effective_from=date(2020, 1, 1))
    return {item.code: item for item in guide.items.all()}
