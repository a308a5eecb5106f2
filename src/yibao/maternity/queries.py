"""Reading for the maternity items: the parameters in force, the facts other registers hold (the
employer's average wage from the contribution register, the birth-service certificate from data
sharing), a person's use of the yearly caps, which items the guide in force pays together (R52),
and a case's 核算明细."""
import re
from decimal import Decimal

import datetime

from django.db.models import Count, Q, Sum

from yibao.cases.interface import CaseState
from yibao.catalog.models import Guide, ServiceItem
from yibao.claims import policy
from yibao.claims.handlers import explanation_table
from yibao.contributions.models import ContributionBase
from yibao.maternity import allowance
from yibao.maternity.models import (
    ALLOWANCE,
    COST_ITEMS,
    ITEMS,
    AllowanceParameters,
    MaternityClaim,
    MaternityTariff,
    SharedBirthCertificate,
)

STANDING = (CaseState.APPROVED, CaseState.PAYING, CaseState.PAID, CaseState.COMPLETED)
ENDED_UNPAID = (CaseState.REFUSED, CaseState.DENIED, CaseState.WITHDRAWN)
# What each guide calls the four items in its 合并支付 sentence; the family-planning name first,
# since "计划生育医疗费" contains "生育医疗费".
NAMES = (("family-planning-payment", "计划生育医疗费"), ("prenatal-payment", "产前检查费"),
         ("maternity-medical-payment", "生育医疗费"), (ALLOWANCE, "生育津贴"))
MERGE = re.compile(r"合并支付|合并提供|同步办理")


def named_items(text):
    """The maternity item codes a sentence names."""
    found = set()
    for code, name in NAMES:
        if name in text:
            found.add(code)
            text = text.replace(name, "")
    return found


def paid_together(region, on=None):
    """The item codes the guide of `region` in force says are paid together (R52): an item whose
    notes name other maternity items in a 合并 sentence is in the group with the items it names.
    Dazhou and Songpan name all four; Panzhihua's 2024 guide names three (family planning says
    only 办理生育保险待遇合并支付…, naming none); the template pairs 生育医疗费 with 生育津贴."""
    guide = Guide.objects.filter(region=region).in_force(on).first()
    if guide is None:
        return set()
    group = set()
    items = list(ServiceItem.objects.filter(guide=guide, code__in=ITEMS).only("code", "notes"))
    for item in items:
        for sentence in item.notes or []:
            if MERGE.search(sentence):
                named = named_items(sentence) - {item.code}
                if named:
                    group |= named | {item.code}
    return group & {i.code for i in items}  # an item the guide does not publish is not opened


def tariffs(region):
    rows = list(MaternityTariff.objects.filter(Q(region=region) | Q(region=None)).select_related("region"))
    own = {r.item_code for r in rows if r.region_id}
    return [r.tariff() for r in rows if r.region_id or r.item_code not in own]


def allowance_rules(region, on):
    rows = AllowanceParameters.objects.filter(effective_from__lte=on).order_by("-effective_from").select_related("region")
    row = rows.filter(region=region).first() or rows.filter(region=None).first()
    if row is None:
        return None
    return allowance.Rules(
        base_days=row.base_days, difficult_days=row.difficult_days, per_extra_baby_days=row.per_extra_baby_days,
        miscarriage_early_days=row.miscarriage_early_days, miscarriage_late_days=row.miscarriage_late_days,
        regional_extra_days=row.regional_extra_days, regional_extra_paid=row.regional_extra_paid,
        regional_extra_basis=row.regional_extra_basis, rate_months=row.rate_months, rate_days=row.rate_days,
        label=str(row), sample=row.sample)


def register_average_wage(employer, year):
    """(average monthly wage, headcount) of `employer`'s employees in `year` from the contribution
    bases it declared, or (None, 0) when the register has none for that year."""
    found = ContributionBase.objects.filter(employer=employer, year=year).aggregate(total=Sum("base"), n=Count("id"))
    if not found["n"]:
        return None, 0
    return allowance.fen(found["total"] / found["n"]), found["n"]


def shared_birth_certificate(id_number):
    return SharedBirthCertificate.objects.filter(id_number=id_number).order_by("-issued_on").first()


def used_by(person, item_code, *, exclude_case=None):
    """The person's payments of the yearly cap of a cost item by the claims still standing."""
    used = policy.Used()
    rows = MaternityClaim.objects.filter(person=person, item_code=item_code, fixed=True, case__state__in=STANDING)
    if exclude_case is not None:
        rows = rows.exclude(case=exclude_case)
    for claim in rows:
        for bucket in claim.explanation.get("buckets", []):
            key = (bucket["benefit"], int(bucket["year"]))
            used.paid[key] = used.paid.get(key, Decimal("0")) + Decimal(bucket["paid"])
            period = (bucket["benefit"], bucket["period"])
            used.deductible[period] = used.deductible.get(period, Decimal("0")) + Decimal(bucket["deductible_used"])
    return used


def claim_of(case):
    return MaternityClaim.objects.filter(case=case).first()


def table_of(explanation):
    if explanation.get("kind") == "allowance":
        return allowance.table(explanation)
    table = explanation_table(explanation)
    return {**table, "title": "生育医疗费用核算明细"}


def explanation_of(case):
    """{"fixed", "payable", "table", "explanation"} of a maternity case (None for other items or
    before a figure exists): the fixed one once approved, else as it would stand now."""
    if case.item_code not in ITEMS:
        return None
    claim = claim_of(case)
    if claim is None:
        return None
    explanation = claim.explanation if claim.fixed else calculate(case, claim)
    return {"fixed": claim.fixed, "payable": explanation["payable"] if "payable" in explanation
            else explanation["totals"]["payable"], "table": table_of(explanation), "explanation": explanation}


class CannotCalculate(ValueError):
    """The case cannot be calculated (no parameters, no wage): the message says why, in Chinese."""


def visits(case):
    """The case's invoices as the policy engine's visits (the hospital level as declared)."""
    out = []
    for invoice in case.data.get("invoices", []):
        lines = tuple(policy.Line(item=line["item"], category=line["category"], amount=Decimal(line["amount"]),
                                  quantity=Decimal(line["quantity"]), price=Decimal(line["price"]),
                                  ref=f"{invoice['invoice_no']}#{n}")
                      for n, line in enumerate(invoice["lines"], start=1))
        out.append(policy.Visit(key=invoice["invoice_no"], benefit=COST_ITEMS[case.item_code],
                                on=datetime.date.fromisoformat(invoice["care_date"]), level=invoice["provider_level"],
                                lines=lines))
    return out


def average_wage(case, employer):
    """(monthly wage, where it came from): the contribution register for the year before the birth,
    else the wage the employer declared with its evidence (a 工资证明 the reviewer sees)."""
    year = datetime.date.fromisoformat(case.data["event_date"]).year - 1
    wage, count = register_average_wage(employer, year) if employer else (None, 0)
    if wage is not None:
        return wage, f"缴费基数登记：{year}年度{count}名职工月缴费基数平均"
    declared = case.data.get("declared_average_wage")
    if declared and case.data.get("wage_evidence"):
        return Decimal(declared), f"单位申报{year}年度职工月平均工资（附工资证明）"
    raise CannotCalculate(f"缴费基数登记中没有该单位{year}年度的缴费基数，请申报上年度职工月平均工资并提供工资证明")


def calculate(case, claim):
    """The case's 核算明细 as plain data: the policy engine over the invoices for a cost item; the
    allowance's days, wage and rate for the allowance. Reads only."""
    if case.item_code == ALLOWANCE:
        on = datetime.date.fromisoformat(case.data["event_date"])
        rules = allowance_rules(case.region, on)
        if rules is None:
            raise CannotCalculate(f"{on}没有在用的生育津贴参数")
        wage, source = average_wage(case, claim.employer)
        return allowance.calculate(case.data, wage, source, rules)
    try:
        result = policy.calculate(visits(case), tariffs(case.region),
                                  used_by(claim.person, case.item_code, exclude_case=case))
    except policy.PolicyError as exc:
        raise CannotCalculate(exc.message) from None
    return {"kind": "cost", **result.as_json(), "payable": str(result.payable)}
