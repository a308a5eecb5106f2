"""What a region's guide says about registration, read from the item's own notes (备注), so a
new edition or a new region brings its own rules without code:

- which identity documents count as 有效身份证件 (R09: 攀枝花 omits 居住证);
- which sub-types an item offers (R13, R15, R16: 攀枝花 lists no 拆分/合并/分立, no 减少/中断);
- which fields are key and need evidence when changed (R06: 统一社会信用代码 + 法定代表人 in
  达州/松潘, 单位性质 + 法定代表人 + 银行账户 in 攀枝花; persons 姓名/性别/身份证号/出生日期).

Where a guide is silent, the national default applies (every document, every sub-type, the
commonest key fields).
"""
import re

from yibao.people.models import ID_TYPES_BY_KIND, ApplicantKind, IdType

UNIT_SUB_TYPES = ("新参保", "暂停参保", "注销登记", "拆分", "合并", "分立")
EMPLOYEE_SUB_TYPES = ("增加", "减少", "暂停", "中断", "终止", "恢复", "在职转退休")
RESIDENT_SUB_TYPES = ("新参保", "暂停", "终止", "恢复")
SUB_TYPES = {
    "unit-enrollment": UNIT_SUB_TYPES,
    "employee-enrollment": EMPLOYEE_SUB_TYPES,
    "resident-enrollment": RESIDENT_SUB_TYPES,
}
# Other words the guides use for the same sub-type.
SUB_TYPE_SYNONYMS = {"新增": "增加", "单位拆分": "拆分", "暂停": "暂停参保", "注销": "注销登记"}

# Field -> the words a guide uses for it.
EMPLOYER_FIELD_WORDS = {
    "uscc": ("统一社会信用代码",),
    "name": ("单位名称",),
    "kind": ("单位性质", "单位类型"),
    "legal_representative": ("法定代表人",),
    "bank_account": ("银行账户", "银行账号"),
    "collection_agency": ("征收机构",),
}
PERSON_FIELD_WORDS = {
    "name": ("姓名",),
    "sex": ("性别",),
    "id_number": ("身份证号", "证件号码"),
    "birth_date": ("出生日期",),
}
DEFAULT_EMPLOYER_KEY_FIELDS = ("uscc", "legal_representative")
DEFAULT_PERSON_KEY_FIELDS = ("name", "sex", "id_number", "birth_date")

_ID_WORDS = {
    IdType.RESIDENT_ID: "身份证",
    IdType.HOUSEHOLD: "户口簿",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.HMT_RESIDENCE: "港澳台居民居住证",
    IdType.FOREIGNER_PR: "外国人永久居留证",
}


def _notes(item):
    return [str(n) for n in (item.notes or [])] if item is not None else []


def _id_listing(item):
    """The item's own 有效身份证件 note, else an earlier item's that says it holds for the rest (下同)."""
    own = next((n for n in _notes(item) if "有效身份证件包括" in n), None)
    if own is not None or item is None:
        return own
    earlier = item.guide.items.filter(ordinal__lt=item.ordinal).order_by("-ordinal")
    return next((n for i in earlier for n in _notes(i) if "有效身份证件包括" in n and "下同" in n), None)


def accepted_id_types(item):
    """The person ID types the item's guide accepts (a 居住证 counts only where it is listed)."""
    every = list(ID_TYPES_BY_KIND[ApplicantKind.PERSON])
    listing = _id_listing(item)
    if listing is None:
        return every
    # "港澳台居民居住证" contains "居住证": take the longer names out before looking for 居住证.
    rest = listing
    found = []
    for id_type, word in sorted(_ID_WORDS.items(), key=lambda kv: -len(kv[1])):
        if word in rest:
            found.append(id_type)
            rest = rest.replace(word, "")
    if "居住证" in rest:
        found.append(IdType.RESIDENCE_PERMIT)
    return [t for t in every if t in found]


def canonical_sub_type(code, word):
    """The canonical sub-type `word` names for item `code` ('' when it names none)."""
    word = (word or "").strip()
    offered = SUB_TYPES.get(code, ())
    if word in offered:
        return word
    alias = SUB_TYPE_SYNONYMS.get(word, "")
    return alias if alias in offered else ""


def offered_sub_types(item, code):
    """The sub-types the guide lists for the item (…含新参保、暂停参保、注销登记等相关内容)."""
    every = SUB_TYPES.get(code, ())
    listing = next((n for n in _notes(item) if re.search(r"含.+、", n) and "登记含" in n), None)
    if listing is None:
        return list(every)
    words = re.split(r"[、，,]", re.sub(r"^.*?含|等?相关.*$|[；;。]$", "", listing))
    named = {canonical_sub_type(code, w.strip()) for w in words} - {""}
    return [s for s in every if s in named] or list(every)


def _key_fields(item, words, default):
    note = next((n for n in _notes(item) if "关键信息" in n and "变更" in n), None)
    if note is None:
        return list(default)
    return [f for f, ws in words.items() if any(w in note for w in ws)] or list(default)


def employer_key_fields(item):
    return _key_fields(item, EMPLOYER_FIELD_WORDS, DEFAULT_EMPLOYER_KEY_FIELDS)


def person_key_fields(item):
    return _key_fields(item, PERSON_FIELD_WORDS, DEFAULT_PERSON_KEY_FIELDS)
