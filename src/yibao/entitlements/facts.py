"""What the provider register (providers app) says of the hospital a case names, on a date: its
level, ownership and whether it was designated that day. Recognitions (R43, R44) and claims (the
ratio by hospital level) read it here, so both say the same thing the same way.

The register answers for the providers it knows (by the code given, else by the exact name);
for one it does not know — a hospital of another region, a remote visit — the level and ownership
the applicant declared stand, and the explanation says so."""
from dataclasses import dataclass

from yibao.providers.models import Provider
from yibao.providers.queries import designation

LEVEL_LABEL = {"3": "三级", "2": "二级", "1": "一级"}


class UnknownLevel(ValueError):
    """The register does not know the provider and no level was declared."""


@dataclass(frozen=True)
class ProviderFacts:
    name: str
    code: str  # "" when the register does not know the provider
    level: str  # 一级 / 二级 / 三级 ("" when the register has none: 未定级, a pharmacy)
    public: bool
    designated: bool | None  # on the date asked; None when the register does not know the provider
    from_register: bool

    @property
    def source(self):
        """How the facts were found, for explanations and errors."""
        if not self.from_register:
            return f"{self.name}不在本地定点医药机构登记簿中，按申报的{self.level or '级别'}"
        state = "定点" if self.designated else "非定点（协议未生效）"
        level = self.level or "未定级"
        return f"按定点医药机构登记簿：{self.name}（{self.code}）{level}、{'公立' if self.public else '民营'}，当日{state}"


def _registered(code, name):
    code = (code or "").strip().upper()
    if code:
        return Provider.objects.filter(code=code).values_list("code", flat=True).first()
    found = list(Provider.objects.filter(name=(name or "").strip()).values_list("code", flat=True)[:2])
    return found[0] if len(found) == 1 else None  # a name two providers share names neither


def provider_facts(data, on, *, require_level=True):
    """ProviderFacts of the provider `data` names (provider_code, else provider_name) on date `on`;
    the declared provider_level / provider_public where the register does not know it. Raises
    UnknownLevel when neither the register nor the data give a level (and one is required)."""
    name = (data.get("provider_name") or "").strip()
    code = _registered(data.get("provider_code"), name)
    found = designation(code, on) if code else None
    if found is not None:
        return ProviderFacts(name=found.name, code=found.code, level=LEVEL_LABEL.get(found.level, ""),
                             public=found.ownership == "public", designated=found.designated, from_register=True)
    if (data.get("provider_code") or "").strip():
        name = f"{name}（编码{data['provider_code'].strip().upper()}）"
    level = data.get("provider_level") or ""
    if not level and require_level:
        raise UnknownLevel(f"{name}不在本地定点医药机构登记簿中，请填写医疗机构级别")
    return ProviderFacts(name=name, code="", level=level, public=bool(data.get("provider_public")), designated=None,
                         from_register=False)
