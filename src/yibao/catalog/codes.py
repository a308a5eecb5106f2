"""The stable codes of the service items (DESIGN.md), their groups, and the titles that name them.

A guide's own title is what the public sees; the code is how the system knows the item.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Group:
    code: str
    name: str


@dataclass(frozen=True)
class ItemCode:
    code: str
    group: str
    name: str  # canonical name (DESIGN.md)
    synonyms: tuple = field(default=())  # other published titles of the same item


GROUPS = [
    Group("enrolment", "参保登记"),
    Group("contributions", "缴费"),
    Group("queries", "查询与凭证"),
    Group("accounts", "个人账户与转移接续"),
    Group("remote_care", "异地就医"),
    Group("entitlements", "待遇认定"),
    Group("reimbursement", "费用报销"),
    Group("maternity", "生育保险"),
    Group("medical_aid", "医疗救助"),
    Group("providers", "定点医药机构"),
    Group("settlement", "费用结算"),
    Group("other", "其他事项"),
]
GROUP_NAMES = {g.code: g.name for g in GROUPS}

ITEM_CODES = [
    ItemCode("unit-enrollment", "enrolment", "单位参保登记"),
    ItemCode("employee-enrollment", "enrolment", "职工参保登记"),
    ItemCode("resident-enrollment", "enrolment", "城乡居民参保登记"),
    ItemCode("unit-info-change", "enrolment", "单位参保信息变更登记"),
    ItemCode("employee-info-change", "enrolment", "职工参保信息变更登记"),
    ItemCode("resident-info-change", "enrolment", "城乡居民参保信息变更登记"),
    ItemCode("phone-change", "enrolment", "参保人员电话号码新增和更改"),
    ItemCode("flexible-contribution", "contributions", "灵活就业人员缴纳职工医疗保险费"),
    ItemCode("contribution-base", "contributions", "参保单位缴费基数申报"),
    ItemCode(
        "lump-sum-contribution", "contributions", "职工基本医疗保险费趸缴(清算)",
        ("职工基本医疗保险费趸缴清算", "职工基本医疗保险费趸缴"),
    ),
    ItemCode("unit-info-query", "queries", "参保单位参保信息查询"),
    ItemCode("person-info-query", "queries", "参保人员参保信息查询"),
    ItemCode("insurance-certificate", "queries", "出具《参保凭证》", ("出具参保凭证",)),
    ItemCode("e-credential", "queries", "医保电子凭证申领"),
    ItemCode(
        "account-withdrawal", "accounts", "参保人员个人账户(资金)一次性支取",
        ("参保人员个人账户资金一次性支取", "参保人员个人账户一次性支取"),
    ),
    ItemCode("account-transfer", "accounts", "跨省异地长期备案人员个人账户资金划转"),
    ItemCode("relation-transfer", "accounts", "基本医疗保险关系转移接续", ("转移接续手续办理",)),
    ItemCode("remote-retiree", "remote_care", "异地安置退休人员备案"),
    ItemCode("remote-resident", "remote_care", "异地长期居住人员备案"),
    ItemCode("remote-worker", "remote_care", "常驻异地工作人员备案"),
    ItemCode("remote-referral", "remote_care", "异地转诊人员备案"),
    ItemCode("remote-emergency", "remote_care", "异地急诊、抢救住院登记备案"),
    ItemCode("remote-temporary", "remote_care", "其他临时外出就医人员备案"),
    ItemCode("remote-settlement-help", "remote_care", "异地就医直接结算问题协调服务"),
    ItemCode(
        "chronic-disease", "entitlements", "门诊慢特病病种待遇认定",
        ("基本医疗保险参保人员享受门诊慢特病病种待遇认定",),
    ),
    ItemCode(
        "two-diseases", "entitlements", "城乡居民高血压、糖尿病病种待遇认定",
        ("城乡居民医保参保人员高血压、糖尿病病种待遇认定",),
    ),
    ItemCode("special-drugs", "entitlements", "单行支付药品、高值药品支付管理病种待遇认定"),
    ItemCode("outpatient-reimbursement", "reimbursement", "门诊费用报销"),
    ItemCode("inpatient-reimbursement", "reimbursement", "住院费用报销"),
    ItemCode("prenatal-payment", "maternity", "产前检查费支付"),
    ItemCode("maternity-medical-payment", "maternity", "生育医疗费支付"),
    ItemCode("family-planning-payment", "maternity", "计划生育医疗费支付"),
    ItemCode("maternity-allowance", "maternity", "生育津贴支付"),
    ItemCode(
        "aid-contribution-subsidy", "medical_aid", "救助对象参加城乡居民医保个人缴费补贴",
        (
            "符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费补贴",
            "符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费补贴（免申即享）",
        ),
    ),
    ItemCode("aid-reimbursement", "medical_aid", "医疗救助对象手工(零星)报销", ("医疗救助对象手工（零星）报销",)),
    ItemCode("hospital-designation", "providers", "医疗机构申请定点协议管理", ("医药机构申请定点协议管理",)),
    ItemCode("pharmacy-designation", "providers", "零售药店申请定点协议管理"),
    ItemCode("provider-info-change", "providers", "定点医药机构信息变更"),
    ItemCode(
        "provider-suspension", "providers", "定点医药机构申请中止/暂停/终止协议管理",
        ("定点医药机构申请暂停（终止）协议管理", "定点医药机构申请中止/终止协议管理", "定点医药机构申请暂停(终止)协议管理"),
    ),
    ItemCode("provider-resumption", "providers", "定点医药机构申请恢复协议管理"),
    ItemCode("provider-remote-settlement", "providers", "定点医药机构开通异地就医直接结算业务"),
    ItemCode("hospital-settlement", "settlement", "基本医疗保险定点医疗机构费用结算"),
    ItemCode("pharmacy-settlement", "settlement", "基本医疗保险定点零售药店费用结算"),
]
BY_CODE = {c.code: c for c in ITEM_CODES}
assert len(BY_CODE) == 43


def title_key(title):
    """Comparison key for titles: no brackets, punctuation, spaces or a final 。"""
    drop = "（）()《》“”\"'、，,。.．：: \t\u3000\xa0"
    return "".join(ch for ch in (title or "") if ch not in drop)


_TITLE_INDEX = {}
for _c in ITEM_CODES:
    for _t in (_c.name, *_c.synonyms):
        _TITLE_INDEX[title_key(_t)] = _c.code


def code_for_title(title):
    """The item code a published title names, or None when the title is unknown."""
    return _TITLE_INDEX.get(title_key(title))


def group_of(code):
    item = BY_CODE.get(code)
    return item.group if item else "other"
