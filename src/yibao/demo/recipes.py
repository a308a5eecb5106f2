"""What the demo files, one entry per item that has a handler: who applies, with what data, and the
domain's own steps around the engine's (an expert's opinion, 初审, 财务复核, a designation's
evaluation and signing, a settlement's 复核). The generator (yibao.demo.cases) is the same for every
item; an item that gets a handler joins the demo with one entry here (tests/demo checks that every
item with a handler has demo cases).

A data builder takes the Context (the region, the applicant's person or employer or provider, a
seeded random source, the day) and returns the case data as the handler's schema wants it; an item
filed through its domain's own intake (a claim file, a 合并申请) has a `file` function instead."""
import datetime
from dataclasses import dataclass, field
from typing import Callable

PERSON, EMPLOYER, NEWCOMER = "person", "employer", "newcomer"
# Applicants from the demo's other pools (yibao.demo.cases.Maker.applicant_for)
RESIDENT = "resident"  # enrolled in the resident scheme
FLEXIBLE = "flexible"  # 灵活就业: enrolled in the employee scheme without an employer
FILED = "filed"  # an employee with a long-term cross-province remote-care filing on the register
NEW_EMPLOYER = "new-employer"  # an employer account the register does not know yet
AIDED = "aided"  # a resident recognised as a medical-aid object this year
PROVIDER = "provider"  # the region's designated demo hospital
NEW_PROVIDER = "new-provider"  # a provider account applying for designation
DESIGNATED = "designated"  # a hospital the demo designated (through hospital-designation) for the case
SUSPENDED = "suspended"  # such a hospital, its agreement suspended (through provider-suspension)
PHARMACY = "pharmacy"  # a pharmacy the demo designated (through pharmacy-designation)
WOMAN = "woman"  # a woman employee (her employer's account in ctx.extra["employer_account"])
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
    provider: object = None  # providers.Provider of a PROVIDER applicant
    team: object = None  # the region's demo staff (yibao.demo.staff.Team)
    extra: dict = field(default_factory=dict)


@dataclass
class Recipe:
    code: str
    applicant: str  # PERSON, EMPLOYER or NEWCOMER (a person the registers do not know yet)
    data: Callable = lambda ctx: {}
    conditions: dict = field(default_factory=dict)
    weight: int = 1  # how common the item is among the demo's cases
    # Steps the reviewers take before deciding (an expert's opinion, 初审): fn(case, team, channel)
    before_decision: Callable | None = None
    # Steps before 拨付 (财务复核): fn(case, team, channel)
    before_pay: Callable | None = None
    # Every material the item lists is brought (the handler asks for some only by the case's data)
    all_materials: bool = False
    # Filed in the last days only: the policy parameters it reads are those recorded before the
    # case (they were loaded with the demo, today)
    recent: bool = False
    # Decided no sooner than this many working days after acceptance (a designation's publicity)
    min_days: int = 0
    prefix: str = "H"  # a NEW_PROVIDER's code: H hospital, P pharmacy
    once: str = ""  # items a person has one case of among them (a birth's benefits); default: the item
    window: bool = False  # filed at the window (a bundle with someone else's part needs their consent online)
    leaves: bool = False  # the applicant leaves the region's registers: no later case of the demo is theirs
    # The case is opened by the domain's own intake, not the engine's form: fn(ctx, open_case) -> case,
    # open_case(code, data) being the engine's submission with the maker's actor, channel and office
    file: Callable | None = None
    # The day the case is filed on, when the item fixes it: fn(maker, ctx) -> date or None (none free)
    on_day: Callable | None = None


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


def _expert_opinion(case, team, channel):
    from yibao.entitlements import actions as entitlements

    entitlements.assign_expert(case, team.reviewer2, mode="online", channel=channel)
    entitlements.record_opinion(case, team.reviewer2, opinion="agree", text="演示数据：符合认定标准", channel=channel)


def _first_review(case, team, channel):
    from yibao.claims import actions as claims

    claims.first_review(case, team.reviewer, channel=channel, comment="演示数据")


def _finance_check(case, team, channel):
    from yibao.claims import actions as claims

    claims.finance_check(case, team.maker, channel=channel, comment="演示数据")


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


def _name_change(ctx):
    from yibao.demo.registers import GIVEN

    holder = ctx.person  # 更名: the surname kept, a new given name
    return {"changes": {"name": holder.name[0] + ctx.rng.choice(GIVEN) + ctx.rng.choice(GIVEN)},
            "evidence": "户口簿（演示数据）"}


def _flexible(ctx):
    month = ctx.day.replace(day=1)
    return {"from_month": f"{month:%Y-%m}", "to_month": f"{month:%Y-%m}", "base": "4000"}


def _bases(ctx):
    from yibao.enrollment.models import Enrollment, Scheme

    rows = [{"id_number": e.person.id_number, "name": e.person.name, "base": str(ctx.rng.choice((4500, 5000, 6000)))}
            for e in Enrollment.objects.filter(employer=ctx.employer, scheme=Scheme.EMPLOYEE).select_related("person")[:20]]
    return {"year": ctx.day.year + 1, "from_month": 1, "rows": rows}


def _lump_sum(ctx):
    return {"early_retirement": True, "retirement_approval": f"{ctx.region.name}人力资源和社会保障局 退休审批（演示数据）"}


def _new_employer(ctx):
    number, name = ctx.newcomer
    return {"employer": {"uscc": number, "name": name, "kind": "企业", "legal_representative": "演示法人",
                         "bank_name": "中国银行演示支行", "bank_account": "6222020200112233446",
                         "phone": f"0818-22{ctx.rng.randrange(10**5):05d}", "address": f"{ctx.region.name}演示新区1号"}}


def _transfer(ctx):
    return {"card_bank_name": "四川省农村信用社", "card_account": CARD}


def _emergency(ctx):
    province, city = ctx.rng.choice(PLACES)
    return {"action": "新办", "province": province, "city": city, "start_on": ctx.day.isoformat(),
            "admitted_on": ctx.day.isoformat(), "evidence": "入院记录"}


LINES = {
    "outpatient": [("阿莫西林胶囊", "甲", 2, "36.50"), ("血常规检查", "甲", 1, "25.00"), ("中药饮片", "乙", 3, "48.00")],
    "inpatient": [("床位费", "甲", 8, "45.00"), ("头孢曲松钠注射液", "甲", 16, "38.60"), ("CT检查", "乙", 1, "320.00"),
                  ("一次性耗材", "乙", 10, "26.80"), ("护理费", "甲", 8, "30.00")],
}


def _claim(kind):
    def data(ctx):
        from decimal import Decimal

        care = ctx.day - datetime.timedelta(days=ctx.rng.randrange(10, 40))  # discharged (8 days) before filing
        lines = []
        for item, category, quantity, price in LINES[kind]:
            q = quantity * ctx.rng.choice((1, 1, 2))
            lines.append({"item": item, "category": category, "quantity": str(q), "price": price,
                          "amount": str((Decimal(price) * q).quantize(Decimal("0.01")))})
        invoice = {"invoice_no": f"FP{ctx.day:%Y%m%d}{ctx.rng.randrange(10**6):06d}",
                   "provider_name": f"{ctx.region.name}演示医院（演示数据）", "provider_level": ctx.rng.choice(("一级", "二级", "三级")),
                   "care_date": care.isoformat(), "diagnosis": "肺部感染" if kind == "inpatient" else "上呼吸道感染",
                   "lines": lines}
        if kind == "inpatient":
            invoice["discharge_date"] = (care + datetime.timedelta(days=8)).isoformat()
        return {"invoices": [invoice], "bank_name": "中国银行演示支行", "account_no": CARD}
    return data


def _provider(kind):
    def data(ctx):
        number, name = ctx.newcomer
        common = {"name": name, "legal_representative": "演示法人", "address": f"{ctx.region.name}演示路{ctx.rng.randrange(10, 99)}号",
                  "bank_name": "中国银行演示支行", "bank_account": f"5117020000{ctx.rng.randrange(10**8):08d}", "sealed": True}
        if kind == "hospital":
            return {**common, "kind": "hospital", "level": "1", "ownership": "private", "licence_kind": "practice",
                    "licence_no": f"PDY{number[1:7]}-{number[-5:]}", "principal": "演示主任"}
        return {**common, "kind": "pharmacy", "licence_kind": "pharmacy", "licence_no": f"川AA{number[-7:]}",
                "business_licence_no": "91511702MA62XKL1YD"}
    return data


def _designation_review(case, team, channel):
    """评估 (panel, on-site visit), 公示 for the policy's working days, 签订协议: then 审核通过."""
    from django.utils import timezone

    from yibao.providers import actions as providers
    from yibao.workdays.calendar import due_date

    agreement = providers.agreement_for_case(case)
    onsite = due_date(case.accepted_on, 1).date
    providers.record_evaluation(agreement, team.reviewer, channel=channel, panel=["王评审", "李评审", "陈评审"],
                                onsite_on=onsite, score=88, passed=True, opinion="符合定点条件（演示数据）",
                                publicised_on=onsite)
    agreement = providers.end_publicity(agreement, team.reviewer, channel=channel)
    providers.sign_agreement(agreement, team.reviewer, channel=channel, starts_on=timezone.localdate())


def _settlement_review(case, team, channel):
    """复核 of the flagged lines (the preliminary result upheld), the head's approval of the settlement."""
    from yibao.providers import actions as providers
    from yibao.providers.models import ClaimSubmission

    submission = ClaimSubmission.objects.get(case=case)
    submission = providers.re_review(submission, {}, team.reviewer, channel=channel)
    providers.approve_settlement(submission, team.supervisor, channel=channel, comment="演示数据")


def _claims_file(ctx, open_case):
    """申报结算 with the portal's sample file of the month before the case's day."""
    import io

    from yibao.providers import actions as providers
    from yibao.providers.sample import sample_claims

    period = f"{ctx.day.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"
    return providers.submit_claims(ctx.provider, period, io.BytesIO(sample_claims(ctx.provider, period)),
                                   f"结算申报{period}（演示数据）.csv", ctx.provider.account.user, channel=ctx.extra["channel"],
                                   open_case=open_case).case


def _claim_day(maker, ctx):
    """The 5th of a month whose previous month the provider has not settled yet, leaving the last
    month (the README's tour files it) and months before the demo's first alone."""
    return maker.settlement_day(ctx.provider)


MATERNITY_COSTS = {"prenatal-payment": ("CJ", "产检B超", "300.00", 3), "maternity-medical-payment": ("SY", "顺产", "3000.00", 1),
                   "family-planning-payment": ("JH", "上环术", "400.00", 1)}


def _maternity(ctx, open_case):
    """生育保险待遇合并申请 (R52): the item with the others the region's guides pay together, the
    allowance applied for by the employer; last year's base and the birth-service certificate are
    the registers' (data sharing, 演示数据)."""
    from decimal import Decimal

    from yibao.contributions.models import ContributionBase
    from yibao.maternity import bundles, queries
    from yibao.maternity.models import SharedBirthCertificate

    code, person, employer = ctx.extra["code"], ctx.person, ctx.employer
    birth = ctx.day - datetime.timedelta(days=ctx.rng.randrange(10, 60))
    group = queries.paid_together(ctx.region)
    items = sorted(group) if code in group else [code]
    ContributionBase.objects.get_or_create(employer=employer, person=person, year=birth.year - 1,
                                           defaults={"base": Decimal(ctx.rng.choice(("4500", "5000", "6000")))})
    SharedBirthCertificate.objects.get_or_create(id_number=person.id_number, number=f"SYFW-{person.id_number[-6:]}", defaults={
        "issued_on": birth - datetime.timedelta(days=200), "source": f"{ctx.region.name}卫生健康委员会（演示数据）"})
    costs = {}
    for item_code, (prefix, name, price, n) in MATERNITY_COSTS.items():
        line = {"item": name, "category": "甲", "quantity": str(n), "price": price,
                "amount": str((Decimal(price) * n).quantize(Decimal("0.01")))}
        costs[item_code] = {"invoices": [{"invoice_no": f"{prefix}{ctx.day:%Y%m%d}{ctx.rng.randrange(10**5):05d}",
                                          "provider_name": f"{ctx.region.name}妇幼保健院（演示数据）", "provider_level": "二级",
                                          "care_date": (birth if prefix != "CJ" else birth - datetime.timedelta(days=90)).isoformat(),
                                          "diagnosis": "妊娠", "lines": [line]}],
                            "bank_name": "中国银行演示支行", "account_no": CARD}
    from yibao.cases.snapshot import item_in_force

    names = {m.name: "document" for c in items for m in item_in_force(ctx.region, c).materials.all()}
    if ctx.extra.get("correction"):
        names = {}
    _, cases = bundles.submit(region=ctx.region, items=items, person=ctx.extra["person_account"],
                              employer=ctx.extra["employer_account"], facts={"event": "分娩", "event_date": birth.isoformat()},
                              costs=costs, materials=names, actor=ctx.extra["actor"], channel=ctx.extra["submit_channel"],
                              office=ctx.extra["office"], comment="演示数据：生育保险待遇合并申请")
    return list(cases)


SSC_CARD = "6217996500001234565"  # a 社会保障卡 financial account (valid, 演示数据)


def _aid_claim(ctx):
    settled = ctx.day - datetime.timedelta(days=ctx.rng.randrange(5, 40))
    total = ctx.rng.randrange(3000, 30000)
    in_scope = int(total * 0.9)
    basic = int(in_scope * 0.55)
    return {"statements": [{"number": f"JS{ctx.day:%Y%m%d}{ctx.rng.randrange(10**4):04d}", "settled_on": settled.isoformat(),
                            "provider_name": f"{ctx.region.name}演示医院（演示数据）", "total": f"{total}.00",
                            "in_scope": f"{in_scope}.00", "basic": f"{basic}.00", "critical": f"{int(in_scope * 0.1)}.00",
                            "supplementary": "0"}],
            "card_account": SSC_CARD, "card_bank": "四川省农村信用社"}


def _transfer_out(ctx):
    """转出 to another demo region (its in side opens there when this one is completed), else out of
    the deployment."""
    from yibao.catalog.models import Region
    from yibao.people.demo import DEMO_REGIONS

    others = [c for c in DEMO_REGIONS if c != ctx.region.code and Region.objects.filter(code=c).exists()]
    to = {"to_region": ctx.rng.choice(others)} if others else {"to_outside": "重庆市"}
    return {**to, "scheme": "resident"}


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
    Recipe("remote-emergency", PERSON, _emergency),
    Recipe("employee-info-change", PERSON, _name_change, all_materials=True),
    Recipe("resident-info-change", RESIDENT, _name_change, all_materials=True),
    Recipe("two-diseases", RESIDENT, _recognition("LB001"), weight=2, before_decision=_expert_opinion),
    Recipe("flexible-contribution", FLEXIBLE, _flexible, recent=True),
    Recipe("contribution-base", EMPLOYER, _bases, recent=True),
    Recipe("lump-sum-contribution", FLEXIBLE, _lump_sum, recent=True),
    Recipe("unit-enrollment", NEW_EMPLOYER, _new_employer),
    Recipe("account-transfer", FILED, _transfer),
    Recipe("relation-transfer", RESIDENT, _transfer_out, conditions={"sub_type": "关系转出"}, leaves=True),
    Recipe("outpatient-reimbursement", RESIDENT, _claim("outpatient"), weight=3, before_decision=_first_review,
           before_pay=_finance_check),
    Recipe("inpatient-reimbursement", PERSON, _claim("inpatient"), weight=3, before_decision=_first_review,
           before_pay=_finance_check),
    Recipe("prenatal-payment", WOMAN, file=_maternity, once="maternity", window=True),
    Recipe("maternity-medical-payment", WOMAN, file=_maternity, once="maternity", window=True),
    Recipe("family-planning-payment", WOMAN, file=_maternity, once="maternity", window=True),
    Recipe("maternity-allowance", WOMAN, file=_maternity, once="maternity", window=True),
    Recipe("aid-reimbursement", AIDED, _aid_claim, weight=2),
    # 免申即享: opened by the system from the civil-affairs list (yibao.demo.cases.Maker.aid_batch), not planned
    Recipe("aid-contribution-subsidy", RESIDENT, weight=0),
    Recipe("hospital-designation", NEW_PROVIDER, _provider("hospital"), before_decision=_designation_review,
           min_days=12),
    Recipe("pharmacy-designation", NEW_PROVIDER, _provider("pharmacy"), prefix="P",
           before_decision=_designation_review, min_days=12),
    Recipe("provider-info-change", DESIGNATED, lambda ctx: {
        "changes": {"address": f"{ctx.region.name}演示新路{ctx.rng.randrange(1, 99)}号"},
        "approved_on": ctx.day.isoformat(), "evidence": "变更批复（演示数据）"}),
    Recipe("provider-suspension", DESIGNATED, lambda ctx: {"request": "suspend", "reason": "院区改造（演示数据）"}),
    Recipe("provider-resumption", SUSPENDED, lambda ctx: {}),
    Recipe("provider-remote-settlement", DESIGNATED, lambda ctx: {"scopes": ["跨省"]}),
    Recipe("hospital-settlement", PROVIDER, file=_claims_file, on_day=_claim_day, before_decision=_settlement_review),
    Recipe("pharmacy-settlement", PHARMACY, file=_claims_file, on_day=_claim_day, before_decision=_settlement_review),
]
