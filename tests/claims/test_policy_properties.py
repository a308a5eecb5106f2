"""Property tests of the payment-policy engine (yibao.claims.policy), no database: whatever the lines,
parameters and prior use, the payable amount never exceeds the eligible amount or the cap left, the
explanation's lines add up to its totals, and a claim split over two cases pays what the one pays."""
import datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yibao.claims import policy
from yibao.claims.policy import CATEGORIES, LEVELS, Line, Tariff, Used, Visit, calculate

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("50000"), places=2, allow_nan=False,
                    allow_infinity=False)
ratio = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2)
day = st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2027, 12, 31))
BENEFITS = (policy.OUTPATIENT, policy.INPATIENT, policy.chronic("hypertension"))


@st.composite
def tariffs(draw):
    out = []
    for benefit in BENEFITS:
        for start in sorted(draw(st.sets(st.sampled_from([datetime.date(2025, 1, 1), datetime.date(2026, 1, 1),
                                                            datetime.date(2026, 7, 1)]), min_size=1))
                            | {datetime.date(2025, 1, 1)}):
            out.append(Tariff(
                benefit=benefit, effective_from=start, deductible=draw(money), yearly_cap=draw(money),
                ratios={level: draw(ratio) for level in LEVELS}, class_b_share=draw(ratio),
                unfiled_reduction=draw(ratio),
                deductible_per=draw(st.sampled_from([policy.PER_YEAR, policy.PER_ADMISSION])),
                label=f"{benefit} {start}",
            ))
    return out


@st.composite
def lines(draw):
    amount = draw(money)
    admitted = draw(st.none() | st.decimals(min_value=Decimal("0"), max_value=amount, places=2))
    return Line(item=draw(st.sampled_from(["药品", "检查", "床位", "材料"])), category=draw(st.sampled_from(CATEGORIES)),
                amount=amount, admitted=admitted, admitted_reason="核减" if admitted is not None else "")


@st.composite
def visits(draw):
    out = []
    for n in range(draw(st.integers(1, 4))):
        out.append(Visit(key=f"v{n}", benefit=draw(st.sampled_from(BENEFITS)), on=draw(day),
                         level=draw(st.sampled_from(LEVELS)), remote=draw(st.booleans()), filed=draw(st.booleans()),
                         lines=tuple(draw(st.lists(lines(), min_size=0, max_size=6)))))
    return out


@st.composite
def used(draw):
    u = Used()
    for benefit in BENEFITS:
        for year in (2025, 2026, 2027):
            if draw(st.booleans()):
                u.deductible[(benefit, str(year))] = draw(money)
                u.paid[(benefit, year)] = draw(money)
    return u


@settings(max_examples=300, deadline=None)
@given(visits(), tariffs(), used())
def test_payable_never_exceeds_the_eligible_amount_or_the_cap_left(vs, ts, before):
    result = calculate(vs, ts, before)
    for line in result.lines:
        assert Decimal(0) <= line.payable <= line.eligible
        assert line.payable <= line.cap_left
        assert line.deductible <= line.eligible
    assert result.payable <= result.eligible
    for bucket in result.buckets:
        assert bucket.paid <= max(Decimal(0), bucket.cap - bucket.paid_before)


@settings(max_examples=300, deadline=None)
@given(visits(), tariffs(), used())
def test_the_explanation_adds_up(vs, ts, before):
    result = calculate(vs, ts, before)
    data = result.as_json()
    assert sum(Decimal(r["payable"]) for r in data["lines"]) == Decimal(data["totals"]["payable"])
    for line in result.lines:
        # every yuan of a line is excluded, self-paid, or eligible; eligible is deductible or paid-at-ratio
        assert line.excluded + line.self_paid + line.eligible == line.amount
        assert line.payable + line.capped == policy.fen((line.eligible - line.deductible) * line.ratio)
        if line.excluded:
            assert line.excluded_reason
    assert sum(b.paid for b in result.buckets) == result.payable
    assert sum(b.deductible_used for b in result.buckets) == result.deductible
    assert len(result.lines) == sum(len(v.lines) for v in vs)


@settings(max_examples=300, deadline=None)
@given(visits(), tariffs(), used(), st.data())
def test_the_same_claim_split_over_two_cases_pays_the_same(vs, ts, before, data):
    whole = calculate(vs, ts, before)
    flat = [(v, line) for v in vs for line in v.lines]
    cut = data.draw(st.integers(0, len(flat)))

    def part(pairs):
        # the visits of a part keep their identity (key, date, level...) with the lines that fell in it
        out = []
        for v, line in pairs:
            if out and out[-1].key == v.key:
                out[-1] = Visit(**{**out[-1].__dict__, "lines": (*out[-1].lines, line)})
            else:
                out.append(Visit(**{**v.__dict__, "lines": (line,)}))
        return out

    first = calculate(part(flat[:cut]), ts, before)
    second = calculate(part(flat[cut:]), ts, first.used_after)
    assert first.payable + second.payable == whole.payable
    assert first.deductible + second.deductible == whole.deductible
    assert second.used_after.paid == {k: v for k, v in whole.used_after.paid.items()
                                      if v or k in second.used_after.paid}


def test_a_worked_example():
    """One outpatient visit at a 二级 hospital, remote and unfiled: 甲 80, 乙 200 (10% self-paid), 丙 30."""
    tariff = Tariff(policy.OUTPATIENT, datetime.date(2026, 1, 1), deductible=Decimal("100"),
                    ratios={"一级": Decimal("0.6"), "二级": Decimal("0.5"), "三级": Decimal("0.4")},
                    yearly_cap=Decimal("2000"), class_b_share=Decimal("0.1"), unfiled_reduction=Decimal("0.1"))
    visit = Visit("v", policy.OUTPATIENT, datetime.date(2026, 3, 1), "二级", remote=True, filed=False, lines=(
        Line("药", "甲", Decimal("80")), Line("检查", "乙", Decimal("200")), Line("丙药", "丙", Decimal("30"))))
    result = calculate([visit], [tariff])
    # eligible 80 + 180 = 260; deductible 100; (260 - 100) × 40% = 64
    assert [r.payable for r in result.lines] == [Decimal("0.00"), Decimal("64.00"), Decimal("0.00")]
    assert result.lines[2].excluded_reason == "丙类项目，基本医疗保险不予支付"
    assert "未备案" in result.lines[1].ratio_note
    assert result.buckets[0].cap_left == Decimal("1936.00")
    filed = calculate([Visit(**{**visit.__dict__, "filed": True})], [tariff])
    assert filed.payable == Decimal("80.00")  # (260 - 100) × 50%


def test_the_parameters_in_force_on_the_date_of_care_apply():
    def tariff(start, ratio):
        return Tariff(policy.INPATIENT, start, deductible=Decimal("0"), ratios={"三级": Decimal(ratio)},
                      yearly_cap=Decimal("100000"))
    both = [tariff(datetime.date(2026, 1, 1), "0.5"), tariff(datetime.date(2026, 7, 1), "0.8")]
    line = (Line("床位", "甲", Decimal("1000")),)
    june = calculate([Visit("a", policy.INPATIENT, datetime.date(2026, 6, 30), "三级", lines=line)], both)
    july = calculate([Visit("a", policy.INPATIENT, datetime.date(2026, 7, 1), "三级", lines=line)], both)
    assert (june.payable, july.payable) == (Decimal("500.00"), Decimal("800.00"))
    try:
        calculate([Visit("a", policy.INPATIENT, datetime.date(2025, 12, 31), "三级", lines=line)], both)
    except policy.PolicyError as exc:
        assert "2025-12-31" in exc.message
    else:
        raise AssertionError("a date before every version must be refused")
