"""The material checklist of a case: which of the frozen item's materials apply to this applicant,
which are in, which may be replaced by a 个人承诺书, which may be owed (容缺受理).
"""
from dataclasses import asdict, dataclass, field

from django.db.models import Q

from yibao.cases.exceptions import CommitmentNotAllowed, InvalidCaseData, UnknownMaterial
from yibao.cases.handlers import handler_for
from yibao.cases.models import DeferralRule
from yibao.cases.snapshot import cached, material
from yibao.core.numbers import is_digits

DOCUMENT = "document"
COMMITMENT = "commitment"
AGENT_WORDS = ("委托", "代理", "代办")


@dataclass(frozen=True)
class Conditions:
    """The facts of a case that decide which materials and which time limit apply."""

    applicant_kind: str = ""  # 在职职工 / 灵活就业人员 / 城乡居民 / 参保单位 ...
    sub_type: str = ""  # the guide's sub-type: 新参保, 注销登记, 关系转出, 意外伤害 ...
    agent: bool = False  # 委托代理 / 帮办代办
    special_groups: tuple = ()  # 港澳台人员, 外国人, 出国定居 ...
    commitments: tuple = ()  # keys of the materials replaced by a 个人承诺书

    @classmethod
    def parse(cls, raw, *, agent=False):
        raw = dict(raw or {})
        unknown = set(raw) - {f for f in cls.__dataclass_fields__}
        if unknown:
            raise InvalidCaseData(f"未知的申请情形：{'、'.join(sorted(unknown))}", fields=sorted(unknown))
        groups = raw.get("special_groups") or ()
        if isinstance(groups, str) or not all(isinstance(g, str) for g in groups):
            raise InvalidCaseData("特殊人群应为名称列表", fields=["special_groups"])
        return cls(
            applicant_kind=str(raw.get("applicant_kind") or "").strip(),
            sub_type=str(raw.get("sub_type") or "").strip(),
            agent=bool(agent or raw.get("agent")),
            special_groups=tuple(g.strip() for g in groups if g.strip()),
            commitments=tuple(sorted(str(k) for k in raw.get("commitments") or ())),
        )

    def as_json(self):
        data = asdict(self)
        data["special_groups"] = list(self.special_groups)
        data["commitments"] = list(self.commitments)
        return data

    @property
    def tags(self):
        return [t for t in (self.applicant_kind, self.sub_type, *self.special_groups) if t]


def applies(when, conditions):
    """Does a material (or rule) published with condition `when` apply to a case with `conditions`?"""
    when = (when or "").strip()
    if not when:
        return True
    if any(w in when for w in AGENT_WORDS):
        return conditions.agent
    return any(tag in when or when in tag for tag in conditions.tags)


@dataclass
class Entry:
    key: str
    name: str
    when: str = ""
    commitment_allowed: bool = False
    deferrable_days: int | None = None  # 容缺: may be owed for this many working days
    supplied: str = ""  # DOCUMENT, COMMITMENT or ""
    owed_due: str = ""  # ISO date when owed under 容缺受理
    sub_items: list = field(default_factory=list)

    @property
    def missing(self):
        return not self.supplied and not self.owed_due

    def as_json(self):
        return asdict(self)


def _deferral_rules(case):
    """(material words, working days) of the item's 容缺 rules for the case's region (read once
    per catalogue version: snapshot's cache)."""
    def build():
        rules = DeferralRule.objects.filter(item_code=case.item_code).filter(Q(region=None) | Q(region=case.region_id))
        return tuple((r.material, r.working_days) for r in rules)

    return cached(("deferral-rules", case.item_code, case.region_id), build)


def _deferral_days(rules, name):
    days = [working_days for words, working_days in rules if words and words in name]
    return min(days) if days else None


def _entry(case, m, owed):
    """The checklist entry of the frozen material `m`: how it was supplied, or when it is owed."""
    supplied = (case.materials.get(m["key"]) or {}).get("by", "")
    return Entry(
        key=m["key"],
        name=m["name"],
        when=m.get("when", ""),
        commitment_allowed=bool(m.get("commitment_fallback")),
        supplied=supplied,
        owed_due=owed.get(m["key"], "") if not supplied else "",
        sub_items=m.get("sub_items", []),
    )


def _owed(case):
    return {o["key"]: o["due"] for o in case.owed}


def checklist(case):
    """The materials that apply to `case` now, each with how (and whether) it was supplied."""
    conditions = Conditions.parse(case.conditions)
    owed = _owed(case)
    entries = [
        _entry(case, m, owed) for m in case.snapshot.get("materials", []) if applies(m.get("when", ""), conditions)
    ]
    entries = handler_for(case.item_code).materials(entries, case)
    if any(entry.missing for entry in entries):
        rules = _deferral_rules(case)
        for entry in entries:
            if entry.missing:
                entry.deferrable_days = _deferral_days(rules, entry.name)
    return entries


def materials_when(case, words):
    """The frozen item's materials whose condition names one of `words`."""
    return [m for m in case.snapshot.get("materials", []) if any(w in (m.get("when") or "") for w in words)]


def with_materials(entries, case, words, needed):
    """For a handler's materials(): make the materials whose condition names one of `words` part of
    the checklist when `needed`, and drop them otherwise: the handler knows from the case data, not
    the applicant's ticks, whether they apply."""
    kept = [e for e in entries if not any(w in e.when for w in words)]
    if not needed:
        return kept
    owed = _owed(case)
    kept += [_entry(case, m, owed) for m in materials_when(case, words)]
    return sorted(kept, key=lambda e: int(e.key) if is_digits(e.key) else 0)


def missing(entries):
    return [e for e in entries if e.missing]


def normalise_supply(snapshot, supplied):
    """{key: DOCUMENT|COMMITMENT} from what the caller hands in (a dict, or a list of keys meaning
    documents); refuses unknown materials and 承诺书 where the guide does not allow one."""
    if supplied is None:
        return {}
    if not isinstance(supplied, dict):
        supplied = {str(k): DOCUMENT for k in supplied}
    result = {}
    for key, how in supplied.items():
        key = str(key)
        found = material(snapshot, key)
        if found is None:
            raise UnknownMaterial(f"事项没有序号为 {key} 的申请材料", key=key)
        if how not in (DOCUMENT, COMMITMENT):
            raise InvalidCaseData(f"材料“{found['name']}”的提交方式不正确", key=key)
        if how == COMMITMENT and not found.get("commitment_fallback"):
            raise CommitmentNotAllowed(f"材料“{found['name']}”不能以个人承诺书代替", key=key)
        result[key] = how
    return result
