"""The aid policy (medical_aid.policy.calculate) as a pure function, over generated statements:
the total is the sum of the statements; no statement pays more than the ratio of what the
insurances left to the person; the threshold is used once a year and the cap never exceeded;
one claim or the same statements split over two claims (the second starting from the first's
use) pay the same."""
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from yibao.claims.policy import PolicyError
from yibao.medical_aid.policy import Statement, Tariff, calculate, explanation_table

cents = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def statements(draw):
    out = []
    for n in range(draw(st.integers(min_value=1, max_value=6))):
        parts = [draw(cents) for _ in range(4)]  # basic, critical, supplementary, what remains
        in_scope = sum(parts)
        total = in_scope + draw(cents)
        out.append(Statement(f"JS{n}", total, in_scope, parts[0], parts[1], parts[2]))
    return out


tariffs = st.builds(Tariff, category=st.just("低保对象"), threshold=cents,
                    ratio=st.integers(min_value=0, max_value=10000).map(lambda r: Decimal(r) / 10000),
                    yearly_cap=cents)


@settings(max_examples=200, deadline=None)
@given(statements(), tariffs, st.integers(min_value=0, max_value=6))
def test_totals_bounds_and_splitting(items, tariff, split):
    whole = calculate(items, tariff)
    assert whole.payable == sum(Decimal(r["payable"]) for r in whole.lines)
    assert whole.payable <= tariff.yearly_cap
    assert whole.threshold_used <= tariff.threshold
    for s, r in zip(items, whole.lines):
        remaining = s.in_scope - s.basic - s.critical - s.supplementary
        assert Decimal(r["remaining"]) == remaining
        assert Decimal(0) <= Decimal(r["payable"]) <= (remaining * tariff.ratio).quantize(Decimal("0.01")) + Decimal("0.01")
    first = calculate(items[:split], tariff)
    second = calculate(items[split:], tariff, threshold_used=first.threshold_used, paid_before=first.payable)
    assert first.payable + second.payable == whole.payable
    table = explanation_table(whole.as_json())
    assert table["rows"][-1][-1] == str(whole.payable)


def test_inconsistent_statements_are_refused():
    tariff = Tariff("特困人员", Decimal("0"), Decimal("1"), Decimal("1000"))
    for bad in (Statement("A", Decimal("10"), Decimal("20"), Decimal("0"), Decimal("0")),
                Statement("B", Decimal("10"), Decimal("10"), Decimal("8"), Decimal("3")),
                Statement("C", Decimal("10"), Decimal("10"), Decimal("-1"), Decimal("0"))):
        try:
            calculate([bad], tariff)
        except PolicyError as exc:
            assert bad.number in exc.message
        else:
            raise AssertionError(f"{bad} was accepted")
