"""The maternity allowance (生育津贴) as a pure calculation: the leave days from the birth facts,
the daily rate from the employer's average monthly wage of the previous year, and the amount,
with every step written out for the explanation (no database here).

Leave (女职工劳动保护特别规定 art. 7): a birth gives `base_days` (98), a difficult birth
`difficult_days` more (15), each extra baby of a multiple birth `per_extra_baby_days` more (15);
a miscarriage before the 4th month `miscarriage_early_days` (15), from the 4th month
`miscarriage_late_days` (42). A region may extend the leave (Sichuan: 60 days); whether the fund
pays the allowance for those days is a parameter (cities differ).

Daily rate: monthly × rate_months ÷ rate_days (sample 12 ÷ 365). The amount is computed from the
unrounded rate and rounded once, to the fen (half up); the rate shown is rounded for reading.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
BIRTH, MISCARRIAGE = "分娩", "流产"


def fen(value):
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rules:
    base_days: int = 98
    difficult_days: int = 15
    per_extra_baby_days: int = 15
    miscarriage_early_days: int = 15
    miscarriage_late_days: int = 42
    regional_extra_days: int = 0
    regional_extra_paid: bool = False
    regional_extra_basis: str = ""
    rate_months: int = 12
    rate_days: int = 365
    label: str = ""
    sample: bool = False


def leave_days(facts, rules):
    """[(what, days, paid)] of the leave the facts give; `paid` says whether the allowance covers it."""
    if facts["event"] == MISCARRIAGE:
        months = int(facts.get("pregnancy_months") or 0)
        if months < 4:
            return [(f"怀孕未满4个月流产（{months}个月）", rules.miscarriage_early_days, True)]
        return [(f"怀孕满4个月流产（{months}个月）", rules.miscarriage_late_days, True)]
    rows = [("产假", rules.base_days, True)]
    if facts.get("difficult_birth"):
        rows.append(("难产", rules.difficult_days, True))
    extra = int(facts.get("babies") or 1) - 1
    if extra > 0:
        rows.append((f"多胞胎，多生育{extra}个婴儿（每个{rules.per_extra_baby_days}天）",
                     rules.per_extra_baby_days * extra, True))
    if rules.regional_extra_days:
        basis = f"（{rules.regional_extra_basis}）" if rules.regional_extra_basis else ""
        rows.append((f"地方延长生育假{basis}", rules.regional_extra_days, rules.regional_extra_paid))
    return rows


def calculate(facts, monthly_wage, wage_source, rules):
    """The allowance and its explanation (plain data, money as strings with 2 places)."""
    monthly = fen(monthly_wage)
    if monthly <= 0:
        raise ValueError("上年度职工月平均工资应大于0")
    rows = leave_days(facts, rules)
    days = sum(d for _, d, paid in rows if paid)
    rate = monthly * rules.rate_months / rules.rate_days
    amount = fen(rate * days)
    return {
        "kind": "allowance",
        "days": [{"what": w, "days": d, "paid": p} for w, d, p in rows],
        "paid_days": days,
        "monthly_wage": str(monthly),
        "wage_source": wage_source,
        "formula": f"月平均工资×{rules.rate_months}÷{rules.rate_days}",
        "daily_rate": str(fen(rate)),
        "payable": str(amount),
        "parameters": rules.label,
        "sample": rules.sample,
    }


def table(explanation):
    """The calculation as a table (title, headers, rows, notes), like the reimbursement's 核算明细."""
    rows = [[d["what"], f"{d['days']}天", "计发" if d["paid"] else "不计发津贴（地方政策）"] for d in explanation["days"]]
    rows.append(["计发天数合计", f"{explanation['paid_days']}天", ""])
    rows.append(["上年度单位职工月平均工资", f"{explanation['monthly_wage']}元", explanation["wage_source"]])
    rows.append(["日津贴", f"{explanation['daily_rate']}元", explanation["formula"]])
    rows.append(["生育津贴", f"{explanation['payable']}元", f"日津贴×{explanation['paid_days']}天（按未取整日津贴计算，四舍五入到分）"])
    notes = [f"参数：{explanation['parameters']}"]
    if explanation.get("sample"):
        notes.append("所用参数为示例参数（非正式政策）")
    return {"title": "生育津贴核算明细", "headers": ["项目", "数值", "依据"], "rows": rows, "notes": notes}
