"""The one vocabulary of 办理渠道 (seed-analysis §5.1), and reading a published channel text into it.

Guides name the same channel many ways (经办机构窗口 / 现场（窗口）办理 / 医保服务大厅现场办理 …);
the catalogue keeps the published words and adds the normalised code, so that channels can be
compared across regions.
"""
import re
from dataclasses import dataclass

from yibao.catalog.guides.parsed import ParsedChannel


@dataclass(frozen=True)
class ChannelKind:
    code: str
    name: str
    online: bool
    keywords: tuple  # published spellings that name it (matched longest first)


CHANNELS = [
    # offline
    ChannelKind("window", "经办机构窗口", False, (
        "经办机构窗口", "现场（窗口）办理", "现场(窗口)办理", "现场办理", "医保服务大厅", "经办服务大厅",
        "医疗保障部门服务大厅", "经办窗口", "医保窗口", "服务窗口",
    )),
    ChannelKind("gov-window", "政务服务中心综合窗口", False, ("“一件事一次办”综合窗口", "一件事一次办综合窗口")),
    ChannelKind("town", "乡镇（街道）便民服务中心", False, (
        "乡镇（社区）医保服务窗口", "乡镇(社区)医保服务窗口", "乡镇（街道）便民服务中心", "乡镇(街道)便民服务中心",
        "乡镇社区代办点", "便民服务中心", "乡镇服务大厅",
    )),
    ChannelKind("village", "村（社区）委员会或党群服务中心", False, ("村（社区）委员会", "村(社区)委员会", "党群服务中心")),
    ChannelKind("station", "医保服务站", False, ("医保服务站",)),
    ChannelKind("tax", "税务部门窗口", False, ("税务部门窗口", "税务部门")),
    ChannelKind("bank", "合作银行网点", False, ("授权协议银行网点", "合作银行", "银行网点")),
    ChannelKind("hospital", "定点医疗机构", False, (
        "定点申办医疗机构", "认定定点医疗机构", "定点医疗机构", "定点医药机构", "认定医疗机构",
    )),
    ChannelKind("kiosk", "自助服务终端", False, (
        "医疗保障自助查询终端", "自助查询终端", "自助查询机", "医保自助终端机", "自助终端", "综合服务终端", "自助机",
        "自助办理",
    )),
    # online
    ChannelKind("sc-hall", "四川医保公共服务网上服务大厅", True, ("四川医保公共服务网上服务大厅", "网上服务大厅")),
    ChannelKind("sc-gov", "四川政务服务网", True, ("四川政务服务网", "四川省政务服务网")),
    ChannelKind("sc-app", "四川医保APP", True, ("四川医保APP", "四川医保app")),
    ChannelKind("sc-mini", "四川医保公共服务平台小程序", True, (
        "四川医保公共服务平台微信/支付宝小程序", "四川医保公共服务平台微信小程序", "四川医保公共服务平台支付宝小程序",
        "微信（支付宝）小程序", "微信(支付宝)小程序",
    )),
    ChannelKind("ev-mini", "四川医保电子凭证小程序", True, ("四川医保电子凭证小程序",)),
    ChannelKind("nhsa-mini", "国家医保微信小程序", True, ("国家医保微信小程序",)),
    ChannelKind("nhsa-app", "国家医保服务平台APP", True, (
        "国家医保服务平台APP", "国家医保信息平台APP", "国家医保APP", "国家医保服务平台",
    )),
    ChannelKind("gwy-mini", "国务院客户端小程序", True, ("国务院客户端小程序", "国务院客户端")),
    ChannelKind("nhsa-web", "国家医疗保障局官网", True, ("国家医疗保障局官网",)),
    ChannelKind("sc-platform", "四川省医疗保障信息平台", True, ("四川省医疗保障信息平台",)),
    ChannelKind("social", "微信、QQ、微博等网络渠道", True, (
        "微信公众号", "手机APP", "微信、QQ", "QQ", "微博", "信访", "邮箱",
    )),
    ChannelKind("web", "网上办理", True, ("网上办理", "网上申请", "网上", "网络", "线上办理", "不见面")),
    # phone
    ChannelKind("hotline", "医保服务热线", False, ("医保服务热线", "12393服务热线", "服务热线")),
    ChannelKind("phone", "电话办理", False, ("电话办理", "电话")),
]
BY_CODE = {c.code: c for c in CHANNELS}

# Generic words that, inside a "现场办理：…" explanation, describe the place rather than add a channel.
_GENERIC = {"window", "web", "phone"}

_KEYWORDS = sorted(
    ((kw, c.code) for c in CHANNELS for kw in c.keywords), key=lambda pair: -len(pair[0])
)
_CONDITIONAL = re.compile(r"有条件的统筹(?:地)?区(?:可)?(?:通过)?(.*?)(?:办理)?$")
_SUBGROUP = re.compile(r"^(?P<who>[^，,。；;、]{2,20}?)(?:还|也)可(?:以)?(?:通过)?(?P<rest>.+)$")
_LABELLED = re.compile(r"^(?P<label>现场办理|网上办理|自助办理|电话办理|线上办理|线下办理)\s*[：:]?\s*(?P<rest>.*)$")
_NUMBER = re.compile(r"^\s*(?:[-•]\s*)?\d{1,2}(?!\d)\s*[.．、]?\s*")


def find(text, exclude=()):
    """[(position, code)] of the channels `text` names, left to right, longest spelling first."""
    taken = [False] * len(text)
    found = []
    for keyword, code in _KEYWORDS:
        start = text.find(keyword)
        while start >= 0:
            end = start + len(keyword)
            if not any(taken[start:end]):
                for i in range(start, end):
                    taken[i] = True
                if code not in exclude:
                    found.append((start, code))
            start = text.find(keyword, end)
    return sorted(found)


def _make(code, text, conditional=False, applies_to=""):
    kind = BY_CODE[code]
    return ParsedChannel(
        code=code, name=kind.name, text=text, online=kind.online, conditional=conditional, applies_to=applies_to,
    )


def _segments(text):
    """Split a channel text into (segment, conditional, applies_to) parts."""
    parts = []
    for entry in re.split(r"[；;\n]|(?<=。)", text):
        entry = _NUMBER.sub("", entry.strip()).strip("。 ")
        if not entry:
            continue
        # 经办机构窗口（有条件的统筹地区可通过网上办理）: the bracket holds optional channels
        bracket = re.search(r"[（(]([^（()）]*有条件的统筹(?:地)?区[^（()）]*)[）)]", entry)
        if bracket:
            parts.append((entry[: bracket.start()] + entry[bracket.end():], False, ""))
            parts.append((bracket.group(1), True, ""))
            continue
        if _CONDITIONAL.search(entry) and entry.startswith("有条件"):
            parts.append((entry, True, ""))
            continue
        for sentence in re.split(r"(?<=。)", entry):
            sub = _SUBGROUP.match(sentence.strip())
            if sub and not find(sub.group("who")):
                parts.append((sub.group("rest"), False, sub.group("who")))
            elif sentence.strip():
                parts.append((sentence.strip(), False, ""))
    return parts


def parse_channels(text, extra_lines=()):
    """ParsedChannel list for a 办理渠道 text plus extra `网办渠道：…` lines, in published order,
    one per (code, applies_to)."""
    channels, seen = [], set()

    def add(code, published, conditional=False, applies_to=""):
        key = (code, applies_to)
        if key not in seen:
            seen.add(key)
            channels.append(_make(code, published, conditional, applies_to))

    for segment, conditional, applies_to in _segments(text or ""):
        labelled = _LABELLED.match(segment)
        if labelled and labelled.group("rest"):
            label_code = find(labelled.group("label"))[0][1]
            add(label_code, segment, conditional, applies_to)
            for _, code in find(labelled.group("rest"), exclude=_GENERIC):
                add(code, segment, conditional, applies_to)
            continue
        for _, code in find(segment):
            add(code, segment, conditional, applies_to)
    for line in extra_lines:
        value = re.sub(r"^\s*(?:\d+\s*[.．、]\s*)?网办渠道\s*[：:]\s*", "", line).strip("。 ")
        for _, code in find(value):
            add(code, line.strip())
    return channels
