"""The aid policy: what medical aid pays on settlement statements, statement by statement, and why.

A pure function like the reimbursement engine (claims.policy, whose rounding and error it shares):
aid comes after the insurances (R67), so its input is the settlement statement (结算单) of each
visit as basic insurance, 大病保险 and (where the guide names it) supplementary insurance left it:

1. what remains to the person of the costs within policy scope: in scope − basic − 大病 − supplementary;
2. the yearly threshold (起付线) of the person's aid category is taken from it until used;
3. the category's ratio applies to the rest;
4. the yearly cap (年度救助限额) bounds the aid, the cap left shrinking statement by statement.
Each statement's aid is rounded to the fen (half up); the total is the sum of the statements.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yibao.claims.policy import ZERO, PolicyError, fen


@dataclass(frozen=True)
class Statement:
    number: str
    total: Decimal  # 医疗总费用
    in_scope: Decimal  # 政策范围内费用
    basic: Decimal  # 基本医保支付
    critical: Decimal  # 大病保险支付
    supplementary: Decimal = ZERO  # 补充医疗保险支付


@dataclass(frozen=True)
class Tariff:
    category: str  # the category's label
    threshold: Decimal
    ratio: Decimal
    yearly_cap: Decimal
    label: str = ""
    sample: bool = False


@dataclass
class Explanation:
    lines: list = field(default_factory=list)
    payable: Decimal = ZERO
    threshold_used: Decimal = ZERO  # by this claim
    tariff: Tariff | None = None
    before: dict = field(default_factory=dict)

    def as_json(self):
        t = self.tariff
        totals = {k: str(sum((Decimal(r[k]) for r in self.lines), ZERO)) for k in
                  ("total", "in_scope", "basic", "critical", "supplementary", "remaining", "threshold", "payable")}
        return {"lines": self.lines, "totals": totals, "payable": str(self.payable),
                "tariff": {"category": t.category, "threshold": str(t.threshold), "ratio": str(t.ratio),
                           "yearly_cap": str(t.yearly_cap), "label": t.label} if t else None,
                "before": self.before, "sample": bool(t and t.sample)}


def calculate(statements, tariff: Tariff, *, threshold_used=ZERO, paid_before=ZERO) -> Explanation:
    """The aid on `statements` under `tariff`, the person having used `threshold_used` of the year's
    threshold and received `paid_before` of aid this year."""
    out = Explanation(tariff=tariff, before={"threshold_used": str(fen(threshold_used)),
                                             "paid": str(fen(paid_before))})
    threshold_left = max(ZERO, tariff.threshold - threshold_used)
    cap_left = max(ZERO, tariff.yearly_cap - paid_before)
    for s in statements:
        insured = s.basic + s.critical + s.supplementary
        if min(s.total, s.in_scope, s.basic, s.critical, s.supplementary) < 0:
            raise PolicyError(f"结算单{s.number}的金额不能为负数", statement=s.number)
        if s.in_scope > s.total:
            raise PolicyError(f"结算单{s.number}的政策范围内费用大于医疗总费用", statement=s.number)
        if insured > s.in_scope:
            raise PolicyError(f"结算单{s.number}的基本医保、大病保险和补充保险支付合计大于政策范围内费用",
                              statement=s.number)
        remaining = s.in_scope - insured
        taken = min(remaining, threshold_left)
        threshold_left -= taken
        computed = fen((remaining - taken) * tariff.ratio)
        paid = min(computed, cap_left)
        cap_note = f"年度救助限额余额{cap_left}元，核减{computed - paid}元" if paid < computed else ""
        cap_left -= paid
        out.threshold_used += taken
        out.payable += paid
        notes = [f"政策范围内费用{s.in_scope}元 − 基本医保{s.basic}元 − 大病保险{s.critical}元"
                 + (f" − 补充保险{s.supplementary}元" if s.supplementary else "") + f" = 个人负担{remaining}元"]
        if taken:
            notes.append(f"扣除起付线{taken}元")
        notes.append(f"按{tariff.category}救助比例{tariff.ratio * 100:.0f}%")
        if cap_note:
            notes.append(cap_note)
        out.lines.append({
            "ref": s.number, "total": str(s.total), "in_scope": str(s.in_scope), "basic": str(s.basic),
            "critical": str(s.critical), "supplementary": str(s.supplementary), "remaining": str(remaining),
            "threshold": str(taken), "ratio": str(tariff.ratio), "cap_left": str(cap_left + paid),
            "payable": str(paid), "note": "；".join(notes)})
    return out


def explanation_table(explanation):
    """The 核算明细 as a table for the result notice and the screens (the claims table's shape)."""
    headers = ["结算单", "医疗总费用", "政策范围内", "基本医保", "大病保险", "补充保险", "个人负担", "起付线",
               "救助比例", "限额余额", "救助金额"]
    lines = explanation.get("lines", [])
    rows = [[r["ref"], r["total"], r["in_scope"], r["basic"], r["critical"], r["supplementary"], r["remaining"],
             r["threshold"], f"{Decimal(r['ratio']) * 100:.0f}%", r["cap_left"], r["payable"]] for r in lines]
    t = explanation.get("totals", {})
    rows.append(["合计", t.get("total", ""), t.get("in_scope", ""), t.get("basic", ""), t.get("critical", ""),
                 t.get("supplementary", ""), t.get("remaining", ""), t.get("threshold", ""), "", "",
                 t.get("payable", "")])
    notes = [f"{r['ref']}：{r['note']}" for r in lines]
    if explanation.get("tariff"):
        notes.append(f"所用参数：{explanation['tariff']['label']}")
    if explanation.get("sample"):
        notes.append("所用政策参数为示例参数（非正式政策）")
    return {"title": "医疗救助核算明细", "headers": headers, "rows": rows, "notes": notes}
