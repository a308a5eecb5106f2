"""What the demo files, one entry per item: who applies and with what data. The generator
(yibao.demo.cases) is the same for every item; an item that gets a handler joins the demo with one
entry here (maternity, medical aid: add a Recipe with the data its schema asks for).

A data builder takes the Context (the region, the applicant's person or employer, a seeded
random source, the day) and returns the case data as the handler's schema wants it."""
import datetime
from dataclasses import dataclass, field
from typing import Callable

PERSON, EMPLOYER, NEWCOMER = "person", "employer", "newcomer"
CARD = "6222021234567890128"  # a valid (Luhn) demo card number, 演示数据

# Places people file to for care elsewhere (演示数据)
PLACES = [("海南省", "三亚市"), ("广东省", "深圳市"), ("重庆市", "重庆市"), ("云南省", "昆明市")]


@dataclass
class Context:
    region: object
    rng: object
    day: datetime.date
    person: object = None  # enrollment.Person of a PERSON applicant
    employer: object = None  # enrollment.Employer of an EMPLOYER applicant
    newcomer: tuple = ()  # (id_number, name) of a NEWCOMER, not yet in any register


@dataclass
class Recipe:
    code: str
    applicant: str  # PERSON, EMPLOYER or NEWCOMER (a person the registers do not know yet)
    data: Callable = lambda ctx: {}
    conditions: dict = field(default_factory=dict)
    weight: int = 1  # how common the item is among the demo's cases
    # Steps a reviewer takes before deciding (an expert's opinion): fn(case, reviewer, channel)
    before_decision: Callable | None = None


def _filing(kind):
    def data(ctx):
        province, city = ctx.rng.choice(PLACES)
        out = {"action": "新办", "province": province, "city": city, "start_on": ctx.day.isoformat(), "basis": "证明材料"}
        return out
    return data


def _phone(ctx):
    return {"phone": f"139{ctx.rng.randrange(10**8):08d}"}


def _withdrawal(ctx):
    return {"reason": "出国（境）定居", "bank_name": "中国银行演示支行", "bank_account": CARD}


def _unit_change(ctx):
    return {"changes": {"address": f"{ctx.region.name}演示路{ctx.rng.randrange(1, 300)}号（演示数据）"}}


def _recognition(code):
    def data(ctx):
        return {"disease_code": code, "provider_name": f"{ctx.region.name}演示医院（演示数据）", "provider_level": "三级",
                "provider_public": True, "diagnosed_on": (ctx.day - datetime.timedelta(days=30)).isoformat(),
                "diagnosis": "演示数据：门诊确诊"}
    return data


def _expert_opinion(case, reviewer, channel):
    from yibao.entitlements import actions as entitlements

    entitlements.assign_expert(case, reviewer, mode="online", channel=channel)
    entitlements.record_opinion(case, reviewer, opinion="agree", text="演示数据：符合认定标准", channel=channel)


def _newcomer(ctx):
    number, name = ctx.newcomer
    return {"person": {"id_number": number, "name": name}}


def _employee(ctx):
    from yibao.demo.registers import DIVISION, id_numbers, name

    number = id_numbers(ctx.rng, DIVISION.get(ctx.region.code, "511702"), 1)[0]
    return {"person": {"id_number": number, "name": name(ctx.rng)}}


def _temporary(kind):
    def data(ctx):
        province, city = ctx.rng.choice(PLACES)
        out = {"action": "新办", "province": province, "city": city, "start_on": ctx.day.isoformat()}
        if kind == "referral":
            out["referring_provider"] = f"{ctx.region.name}演示定点医院"
        return out
    return data


RECIPES = [
    Recipe("person-info-query", PERSON, weight=3),
    Recipe("insurance-certificate", PERSON, weight=3),
    Recipe("e-credential", PERSON, weight=2),
    Recipe("phone-change", PERSON, _phone, weight=2),
    Recipe("account-withdrawal", PERSON, _withdrawal, weight=2),
    Recipe("remote-retiree", PERSON, _filing("long")),
    Recipe("remote-worker", PERSON, _filing("long")),
    Recipe("remote-temporary", PERSON, _filing("temporary"), weight=2),
    Recipe("chronic-disease", PERSON, _recognition("MT001"), weight=2, before_decision=_expert_opinion),
    Recipe("unit-info-query", EMPLOYER, weight=2),
    Recipe("unit-info-change", EMPLOYER, _unit_change),
    Recipe("resident-enrollment", NEWCOMER, _newcomer, conditions={"sub_type": "新参保"}),
    Recipe("employee-enrollment", EMPLOYER, _employee, conditions={"applicant_kind": "在职职工", "sub_type": "增加"}),
    Recipe("special-drugs", PERSON, _recognition("DX001"), before_decision=_expert_opinion),
    Recipe("remote-referral", PERSON, _temporary("referral")),
    Recipe("remote-resident", PERSON, _filing("long")),
]
