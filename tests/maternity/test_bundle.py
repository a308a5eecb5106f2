"""One bundle (R52), each of the four items to its payment, the allowance paid to the employer's
account (R58) with its calculation explained, and the bundle's refusals."""
from decimal import Decimal

import pytest

from tests.maternity.conftest import (
    BIRTH_DAY,
    PANZHIHUA_MATERIALS,
    UNIT_ACCOUNT,
    W,
    cost,
    facts,
    invoice,
    line,
)
from yibao.cases import actions
from yibao.cases.checklist import checklist, missing
from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData
from yibao.cases.models import Bundle, Case
from yibao.maternity import queries
from yibao.maternity.exceptions import AlreadyClaimed, NotEligible, NotInBundle
from yibao.payments.models import AccountKind
from yibao.people.policy import NotAllowed

ALL = ["prenatal-payment", "maternity-medical-payment", "family-planning-payment", "maternity-allowance"]
THREE = ["prenatal-payment", "maternity-medical-payment", "maternity-allowance"]


def four_costs():
    return {"prenatal-payment": cost(invoice("CJ0001", line(price="1500.00"))),
            "maternity-medical-payment": cost(invoice("SY0001", line("顺产", price="3000.00"),
                                                      line("丙类营养品", "丙", price="200.00"))),
            "family-planning-payment": cost(invoice("JH0001", line("上环术", price="400.00"), level="一级"))}


def test_the_guides_say_which_items_are_paid_together(regions):
    assert queries.paid_together(regions["dazhou"]) == set(ALL)  # each item names the other three
    assert queries.paid_together(regions["panzhihua"]) == set(THREE)  # 004: family planning names none
    assert queries.paid_together(regions["songpan"]) == {"maternity-medical-payment", "family-planning-payment",
                                                          "maternity-allowance"}  # 松潘 publishes no 产前检查费


def test_one_bundle_pays_four_items_each_with_its_own_receipt_amount_and_payee(regions, family, open_bundle, finish):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    bundle, cases = open_bundle(dazhou, fam, ALL, costs=four_costs())
    assert len({c.receipt_no for c in cases}) == 4 and all(c.bundle_id == bundle.pk for c in cases)
    by_code = {c.item_code: c for c in cases}
    # the materials given once count for each case: nothing missing, each case accepted on them
    for case in cases:
        assert not missing(checklist(case)), case.item_code
    paid = {}
    for code, case in by_code.items():
        case, order = finish(case)
        assert case.state == "completed"
        paid[code] = order
    # the policy engine: prenatal 1500 → the sample yearly cap 1000; medical 3000 at 二级 95%, 丙类 out
    assert paid["prenatal-payment"].amount == Decimal("1000.00")
    assert paid["maternity-medical-payment"].amount == Decimal("2850.00")
    assert paid["family-planning-payment"].amount == Decimal("400.00")
    for code in ("prenatal-payment", "maternity-medical-payment", "family-planning-payment"):
        assert paid[code].account_kind == AccountKind.BANK and paid[code].payee_name == fam.me.name
    # the allowance: average of last year's bases (6000, 8000) = 7000; 7000 × 12 ÷ 365 × 98 days
    allowance = paid["maternity-allowance"]
    assert allowance.amount == (Decimal("7000") * 12 / 365 * 98).quantize(Decimal("0.01")) == Decimal("22553.42")
    assert allowance.account_kind == AccountKind.EMPLOYER and allowance.account_no == UNIT_ACCOUNT
    assert allowance.payee_name == fam.employer.name
    # the explanation, on the case and in the completion notice
    table = queries.explanation_of(by_code["maternity-allowance"])
    assert table["fixed"] and table["payable"] == "22553.42"
    rows = {r[0]: r for r in table["table"]["rows"]}
    assert rows["产假"][1] == "98天" and "不计发" in rows[next(k for k in rows if k.startswith("地方延长"))][2]
    assert "缴费基数登记" in rows["上年度单位职工月平均工资"][2] and rows["日津贴"][1] == "230.14元"
    notice = by_code["maternity-allowance"].notices.get(kind="completion")
    assert notice.content["effect"]["table"]["title"] == "生育津贴核算明细"
    medical = queries.explanation_of(by_code["maternity-medical-payment"])["table"]
    assert any("丙类" in str(r) for r in medical["rows"] + medical["notes"]) or medical["rows"][1][4] == "200.00"


def test_the_bundle_in_panzhihua_opens_three_cases_with_one_set_of_materials(regions, family, open_bundle, staff):
    pzh = regions["panzhihua"]
    fam = family(pzh)
    costs = four_costs()
    bundle, cases = open_bundle(pzh, fam, THREE, costs=costs, materials=PANZHIHUA_MATERIALS)
    assert sorted(c.item_code for c in cases) == sorted(THREE)
    assert Bundle.objects.get().materials == PANZHIHUA_MATERIALS
    for case in cases:
        assert not missing(checklist(case)), case.item_code
        assert actions.accept_case(case, staff["panzhihua"].clerk, channel=W).state == "accepted"
    # family planning is not paid together in 004: refused in a bundle, nothing opened
    with pytest.raises(NotInBundle, match="计划生育医疗费"):
        open_bundle(pzh, fam, [*THREE, "family-planning-payment"], costs=costs, materials=PANZHIHUA_MATERIALS)
    assert Case.objects.count() == 3
    # on its own it is an ordinary application
    _, alone = open_bundle(pzh, fam, ["family-planning-payment"], costs=costs, materials=PANZHIHUA_MATERIALS)
    assert alone[0].item_code == "family-planning-payment"


def test_a_bundle_sent_twice_opens_nothing_the_second_time(regions, family, open_bundle):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    open_bundle(dazhou, fam, ALL, costs=four_costs())
    with pytest.raises(DomainCheckFailed, match="不能重复"):  # the invoices, then the allowance: held once
        open_bundle(dazhou, fam, ALL, costs=four_costs())
    assert Case.objects.count() == 4 and Bundle.objects.count() == 1  # all or nothing
    # the allowance of the same birth alone, with new invoices elsewhere: still once
    with pytest.raises(AlreadyClaimed, match="生育津贴"):
        open_bundle(dazhou, fam, ["maternity-allowance"])


def test_a_withdrawn_bundle_lets_its_benefits_be_claimed_again(regions, family, open_bundle, staff):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    _, cases = open_bundle(dazhou, fam, ["maternity-allowance"])
    actions.withdraw_case(cases[0], staff["dazhou"].clerk, channel=W, reason="填错")
    _, again = open_bundle(dazhou, fam, ["maternity-allowance"])
    assert again[0].state == "submitted"


def test_someone_else_s_bundle_is_refused(regions, family, open_bundle, staff):
    dazhou = regions["dazhou"]
    fam, other = family(dazhou), family(dazhou, name="李芳")
    # her employer's allowance for a woman who is not its employee
    with pytest.raises(NotEligible, match="参保关系"):
        open_bundle(dazhou, other.__class__(me=fam.me, unit=other.unit), ["maternity-allowance"])
    # an employer online files the costs of someone else's employee: it is not her employer
    with pytest.raises(NotEligible, match="代办单位"):
        open_bundle(dazhou, other.__class__(me=fam.me, unit=other.unit), ["prenatal-payment"],
                    costs=four_costs(), actor=other.unit.user)
    # a stranger (another insured person) may not file in her name
    with pytest.raises(NotAllowed):
        open_bundle(dazhou, fam, ["prenatal-payment"], costs=four_costs(), actor=other.me.user)
    assert not Case.objects.exists()


@pytest.mark.parametrize("bad, field", [
    ({"babies": 40}, "babies"),
    ({"event_date": "2099-01-01"}, "日期"),
    ({"event": "流产"}, "怀孕月数"),
])
def test_absurd_facts_are_refused_with_nothing_opened(regions, family, open_bundle, bad, field):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    with pytest.raises(InvalidCaseData) as refused:
        open_bundle(dazhou, fam, ALL, costs=four_costs(), facts_=facts(**bad))
    assert field in str(refused.value.message) + str(getattr(refused.value, "details", ""))
    assert not Case.objects.exists() and not Bundle.objects.exists()


def test_absurd_amounts_are_refused(regions, family, open_bundle):
    dazhou = regions["dazhou"]
    fam = family(dazhou, wage=False)
    with pytest.raises(InvalidCaseData):
        open_bundle(dazhou, fam, ["maternity-allowance"],
                    allowance={"declared_average_wage": "1000000000", "wage_evidence": True})
    with pytest.raises(InvalidCaseData):
        open_bundle(dazhou, fam, ["prenatal-payment"],
                    costs={"prenatal-payment": cost(invoice("X0001", line(price="99999999999")))})
    assert not Case.objects.exists()
