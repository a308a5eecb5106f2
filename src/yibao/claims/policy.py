"""The payment-policy engine: what a claim pays, line by line, and why (核算明细).

A pure function over plain inputs — no database, no Django, no case — so the reimbursement items,
the maternity and medical-aid items and the benchmark all call the same code:

    explanation = calculate(visits, tariffs, used)

- `visits`: Visit rows (the date of care, the benefit it falls under, the hospital level, whether
  it was a remote visit and whether it was filed), each with its Line rows (item, catalogue class
  甲/乙/丙, quantity, price, amount, and what a reviewer admitted of it, with the reason);
- `tariffs`: Tariff versions (one scheme's policy parameters per benefit, each in force from its
  date): a visit is paid under the version in force on its date of care;
- `used`: Used, the person's deductible and payments accumulated before this claim.

The rules, applied line by line in the order given (so a claim split over two cases, the second
starting from the use the first left, pays exactly what the one claim pays):
1. 丙类 lines are excluded; of any line only what the reviewer admitted counts, with the reason.
2. 乙类 lines pay after the self-paid share (乙类先行自付).
3. The deductible (起付线, per year or per admission) is taken from eligible amounts until used.
4. The ratio is the tariff's for the hospital level; a remote visit without a filing loses the
   unfiled reduction (异地未备案).
5. The yearly cap (封顶线) of the benefit bounds the payments; the cap left shrinks line by line.
A line's payable amount is rounded to the fen (half up); the claim's total is the sum of its lines.

The result, Explanation, carries every line with its figures and the reasons, the deductible and
cap of each benefit before and after, the totals, and `used_after` for the next claim; as_json()
is what a case stores and every screen and notice shows.
"""
from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal("0.00")
CLASS_A, CLASS_B, CLASS_C = "甲", "乙", "丙"
CATEGORIES = (CLASS_A, CLASS_B, CLASS_C)
LEVELS = ("一级", "二级", "三级")
OUTPATIENT, INPATIENT = "outpatient", "inpatient"
PER_YEAR, PER_ADMISSION = "year", "admission"
BENEFIT_LABELS = {OUTPATIENT: "普通门诊", INPATIENT: "住院"}


def chronic(disease_code):
    """The benefit of a recognised outpatient disease (门诊慢特病, 两病, 单行支付), paid under its own tariff."""
    return f"chronic:{disease_code}"


def benefit_label(benefit, names=None):
    if benefit.startswith("chronic:"):
        code = benefit.split(":", 1)[1]
        return f"门诊慢特病（{(names or {}).get(code, code)}）"
    return BENEFIT_LABELS.get(benefit, benefit)


def fen(value):
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


class PolicyError(ValueError):
    """The inputs cannot be paid under the parameters given (message in Chinese)."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details


@dataclass(frozen=True)
class Line:
    item: str
    category: str  # 甲 / 乙 / 丙
    amount: Decimal
    quantity: Decimal = Decimal("1")
    price: Decimal | None = None
    ref: str = ""  # the invoice number (and line) it came from
    admitted: Decimal | None = None  # what the reviewer admitted of `amount`; None: all of it
    admitted_reason: str = ""


@dataclass(frozen=True)
class Visit:
    key: str  # identifies the visit or admission (the per-admission deductible is counted by it)
    benefit: str  # OUTPATIENT, INPATIENT or chronic(code)
    on: datetime.date  # the date of care: the parameters in force that day apply
    level: str  # 一级 / 二级 / 三级
    lines: Sequence[Line] = ()
    remote: bool = False
    filed: bool = True  # a remote visit's filing (备案); ignored for a local visit
    note: str = ""  # e.g. why an outpatient visit is paid as ordinary outpatient care


@dataclass(frozen=True)
class Tariff:
    """One version of one benefit's parameters, in force from `effective_from`."""

    benefit: str
    effective_from: datetime.date
    deductible: Decimal
    ratios: Mapping[str, Decimal]  # hospital level -> ratio in [0, 1]
    yearly_cap: Decimal
    class_b_share: Decimal = ZERO  # 乙类先行自付比例
    unfiled_reduction: Decimal = ZERO  # 异地未备案 ratio points taken off
    deductible_per: str = PER_YEAR
    label: str = ""
    sample: bool = False

    def __post_init__(self):
        for name in ("deductible", "yearly_cap"):
            if getattr(self, name) < 0:
                raise PolicyError(f"政策参数{name}不得为负数")
        for name, value in [("class_b_share", self.class_b_share), ("unfiled_reduction", self.unfiled_reduction),
                            *self.ratios.items()]:
            if not Decimal(0) <= value <= Decimal(1):
                raise PolicyError(f"政策参数中的比例（{name}）应在0到1之间")
        if self.deductible_per not in (PER_YEAR, PER_ADMISSION):
            raise PolicyError("起付线应按年度或按次计算")


@dataclass
class Used:
    """Accumulated use before a claim: deductible per (benefit, period) — the year "2026" or an
    admission's key — and payments per (benefit, year)."""

    deductible: dict = field(default_factory=dict)
    paid: dict = field(default_factory=dict)

    def copy(self):
        return Used(dict(self.deductible), dict(self.paid))


@dataclass(frozen=True)
class LineResult:
    ref: str
    item: str
    category: str
    quantity: Decimal
    price: Decimal | None
    amount: Decimal
    benefit: str
    visit: str
    on: datetime.date
    tariff: str
    excluded: Decimal
    excluded_reason: str
    self_paid: Decimal
    eligible: Decimal
    deductible: Decimal
    ratio: Decimal
    ratio_note: str
    cap_left: Decimal  # before this line
    capped: Decimal  # what the cap cut off
    payable: Decimal


@dataclass(frozen=True)
class Bucket:
    benefit: str
    year: int
    period: str
    tariff: str
    deductible: Decimal
    deductible_before: Decimal
    deductible_used: Decimal
    cap: Decimal
    paid_before: Decimal
    paid: Decimal
    cap_left: Decimal  # after this claim (across all its admissions of the year)


@dataclass(frozen=True)
class Explanation:
    lines: tuple[LineResult, ...]
    buckets: tuple[Bucket, ...]
    used_after: Used
    tariffs: tuple[str, ...]
    sample: bool

    def _sum(self, name):
        return sum((getattr(r, name) for r in self.lines), ZERO)

    @property
    def amount(self):
        return self._sum("amount")

    @property
    def excluded(self):
        return self._sum("excluded")

    @property
    def self_paid(self):
        return self._sum("self_paid")

    @property
    def eligible(self):
        return self._sum("eligible")

    @property
    def deductible(self):
        return self._sum("deductible")

    @property
    def capped(self):
        return self._sum("capped")

    @property
    def payable(self):
        return self._sum("payable")

    def as_json(self, names=None):
        """Plain data (money as strings with 2 places) for the case, the screens and the notice."""

        def plain(value):
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, datetime.date):
                return value.isoformat()
            return value

        lines = [{k: plain(v) for k, v in dataclasses.asdict(r).items()} | {
            "benefit_label": benefit_label(r.benefit, names)} for r in self.lines]
        buckets = [{k: plain(v) for k, v in dataclasses.asdict(b).items()} | {
            "benefit_label": benefit_label(b.benefit, names)} for b in self.buckets]
        return {
            "lines": lines, "buckets": buckets, "tariffs": list(self.tariffs), "sample": self.sample,
            "totals": {name: str(getattr(self, name)) for name in
                       ("amount", "excluded", "self_paid", "eligible", "deductible", "capped", "payable")},
        }


def tariff_on(tariffs: Iterable[Tariff], benefit, on):
    """The version of `benefit`'s parameters in force on `on` (the latest not after it)."""
    best = None
    for tariff in tariffs:
        if tariff.benefit == benefit and tariff.effective_from <= on:
            if best is None or tariff.effective_from > best.effective_from:
                best = tariff
    if best is None:
        raise PolicyError(f"{on}没有在用的{benefit_label(benefit)}报销政策参数", benefit=benefit, on=on.isoformat())
    return best


def _ratio(tariff, visit):
    if visit.level not in tariff.ratios:
        raise PolicyError(f"{benefit_label(tariff.benefit)}政策参数未规定{visit.level}医疗机构的支付比例",
                          level=visit.level)
    ratio = tariff.ratios[visit.level]
    note = f"{visit.level}医疗机构{ratio * 100:.0f}%"
    if visit.remote and not visit.filed:
        ratio = max(Decimal(0), ratio - tariff.unfiled_reduction)
        note += f"，异地就医未备案降低{tariff.unfiled_reduction * 100:.0f}个百分点"
    return ratio, note


def calculate(visits: Sequence[Visit], tariffs: Sequence[Tariff], used: Used | None = None) -> Explanation:
    """The explanation (and the total) of a claim: see the module's docstring for the rules."""
    state = (used or Used()).copy()
    results, buckets, labels = [], {}, {}
    sample = False
    for visit in visits:
        tariff = tariff_on(tariffs, visit.benefit, visit.on)
        labels.setdefault(tariff.label or f"{benefit_label(tariff.benefit)} 自{tariff.effective_from}", None)
        sample = sample or tariff.sample
        ratio, ratio_note = _ratio(tariff, visit)
        if visit.note:
            ratio_note = f"{visit.note}；{ratio_note}"
        year = visit.on.year
        period = str(year) if tariff.deductible_per == PER_YEAR else f"{visit.key}"
        ded_key, cap_key = (visit.benefit, period), (visit.benefit, year)
        # one summary row per benefit, period and parameter version (a version may change mid-year)
        bucket = buckets.get((visit.benefit, year, period, tariff.effective_from))
        if bucket is None:
            bucket = buckets[(visit.benefit, year, period, tariff.effective_from)] = {
                "benefit": visit.benefit, "year": year, "period": period, "tariff": tariff.label,
                "deductible": fen(tariff.deductible),
                "deductible_before": fen(state.deductible.get(ded_key, ZERO)), "deductible_used": ZERO,
                "cap": fen(tariff.yearly_cap), "paid_before": fen(state.paid.get(cap_key, ZERO)), "paid": ZERO}
        for line in visit.lines:
            amount = fen(line.amount)
            if amount < 0:
                raise PolicyError(f"费用明细“{line.item}”金额不得为负数", ref=line.ref)
            admitted = amount if line.admitted is None else min(amount, max(ZERO, fen(line.admitted)))
            excluded, reasons = amount - admitted, []
            if excluded:
                reasons.append(f"审核核减{excluded}元：{line.admitted_reason or '未注明理由'}")
            self_paid = ZERO
            if line.category == CLASS_C:
                if admitted:
                    reasons.append("丙类项目，基本医疗保险不予支付")
                excluded, admitted = amount, ZERO
            elif line.category == CLASS_B:
                self_paid = fen(admitted * tariff.class_b_share)
            elif line.category != CLASS_A:
                raise PolicyError(f"费用明细“{line.item}”的目录类别应为甲、乙或丙", ref=line.ref)
            eligible = admitted - self_paid
            ded_left = max(ZERO, tariff.deductible - state.deductible.get(ded_key, ZERO))
            deductible = min(eligible, ded_left)
            state.deductible[ded_key] = state.deductible.get(ded_key, ZERO) + deductible
            raw = fen((eligible - deductible) * ratio)
            cap_left = max(ZERO, fen(tariff.yearly_cap - state.paid.get(cap_key, ZERO)))
            payable = min(raw, cap_left)
            state.paid[cap_key] = state.paid.get(cap_key, ZERO) + payable
            bucket["deductible_used"] += deductible
            bucket["paid"] += payable
            results.append(LineResult(
                ref=line.ref, item=line.item, category=line.category, quantity=line.quantity, price=line.price,
                amount=amount, benefit=visit.benefit, visit=visit.key, on=visit.on, tariff=tariff.label,
                excluded=excluded, excluded_reason="；".join(reasons), self_paid=self_paid, eligible=eligible,
                deductible=deductible, ratio=ratio, ratio_note=ratio_note, cap_left=cap_left, capped=raw - payable,
                payable=payable,
            ))
    summary = tuple(Bucket(**b, cap_left=max(ZERO, b["cap"] - state.paid.get((b["benefit"], b["year"]), ZERO)))
                    for b in buckets.values())
    return Explanation(lines=tuple(results), buckets=summary, used_after=state, tariffs=tuple(labels), sample=sample)
