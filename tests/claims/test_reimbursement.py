"""门诊/住院费用报销 through the engine's actions: the claim, the amount the policy engine computes and
its explanation, 初审/复核/财务复核 by different people, payment through the order, an invoice
reimbursed once, accumulated caps, and the refusals."""
from decimal import Decimal

import pytest

from tests.claims.conftest import IN, OUT, W, claim_data, invoice, line
from yibao.cases import actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import CaseError, InvalidCaseData
from yibao.claims import actions as claims
from yibao.claims.exceptions import AmountNotTyped, InvoiceAlreadyClaimed, NotInsured, ReviewOrderError
from yibao.claims.models import Claim, ClaimUse, InvoiceUse, ReimbursementParameters
from yibao.enrollment.models import Scheme
from yibao.payments.models import PaymentOrder


def sample(scheme, benefit, code=""):
    return ReimbursementParameters.objects.get(region=None, scheme=scheme, benefit=benefit, disease_code=code)


def expected_outpatient(params, level_ratio, lines):
    """The outpatient rule by hand (甲 whole, 乙 less its share, 丙 nothing; deductible; ratio)."""
    eligible = Decimal("0")
    for category, amount in lines:
        amount = Decimal(amount)
        if category == "乙":
            amount -= (amount * params.class_b_share).quantize(Decimal("0.01"))
        if category != "丙":
            eligible += amount
    return max(Decimal("0"), eligible - params.deductible) * level_ratio


def test_outpatient_claim_is_computed_explained_reviewed_twice_and_paid(dazhou, insured, submit, review,
                                                                        pay_and_complete, staff):
    ins = insured(dazhou)
    lines = [line("头孢克肟", "甲", "10", "30.00"), line("CT检查", "乙", "1", "260.00"), line("保健品", "丙", "1", "80.00")]
    case = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-A-001", lines=lines)))
    assert InvoiceUse.objects.get(number="FP-A-001", released=False).case == case
    case = review(case)
    params = sample(Scheme.RESIDENT, "outpatient")
    expected = expected_outpatient(params, params.ratio_level2, [("甲", "300.00"), ("乙", "260.00"), ("丙", "80.00")])
    assert case.amount == expected.quantize(Decimal("0.01")) and case.amount > 0
    claim = Claim.objects.get(case=case)
    table = claim.explanation
    assert sum(Decimal(r["payable"]) for r in table["lines"]) == case.amount == Decimal(table["totals"]["payable"])
    assert table["lines"][2]["excluded_reason"] == "丙类项目，基本医疗保险不予支付"
    assert Decimal(table["lines"][1]["self_paid"]) == (Decimal("260") * params.class_b_share).quantize(Decimal("0.01"))
    assert table["buckets"][0]["deductible_used"] == str(params.deductible) and table["sample"] is True
    case, order = pay_and_complete(case)
    assert (order.amount, order.account_kind, order.account_no, order.payee_name) == (
        case.amount, "bank", claim_data()["account_no"], ins.applicant.name)
    assert case.state == "completed"
    effect = case.events.last().payload["effect"]
    assert effect["effect"] is True and effect["paid"] == str(case.amount) and effect["invoices"] == ["FP-A-001"]
    # the completion notice carries the explanation table
    notice = case.notices.get(kind="completion")
    assert notice.content["effect"]["table"]["rows"][0][0] == "FP-A-001#1"


def test_a_second_claim_on_the_same_invoice_is_refused_naming_the_first_case(dazhou, panzhihua, insured, submit):
    first = submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(invoice("fp 777 001")))
    other = insured(panzhihua, name="李四")
    with pytest.raises(InvoiceAlreadyClaimed, match=first.receipt_no) as caught:
        submit(panzhihua, IN, other.applicant, data=claim_data(invoice("FP777001")))  # spaces and case ignored
    assert caught.value.details["case"] == first.receipt_no
    assert InvoiceUse.objects.filter(number="FP777001").count() == 1
    assert not Claim.objects.filter(case__applicant=other.applicant).exists()  # the failed step changed nothing


def test_an_invoice_of_a_withdrawn_or_denied_case_may_be_claimed_again(dazhou, insured, submit, staff):
    ins = insured(dazhou)
    first = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-W-1")))
    actions.withdraw_case(first, ins.applicant.user, channel="portal", reason="填错了")
    again = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-W-1")))
    held = InvoiceUse.objects.get(number="FP-W-1", released=False)
    assert held.case == again
    assert InvoiceUse.objects.get(number="FP-W-1", case=first).released_reason == "原办件已撤回"


def test_the_reviewer_never_types_the_amount_and_adjusts_lines_only_with_a_reason(dazhou, insured, submit, staff):
    ins = insured(dazhou)
    lines = [line("药品", "甲", "1", "500.00"), line("材料", "甲", "1", "300.00")]
    case = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-R-1", lines=lines)))
    team = staff["dazhou"]
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    with pytest.raises(ReviewOrderError, match="须先经初审"):
        actions.approve_case(case, team.second, channel=W)
    with pytest.raises(ReviewOrderError, match="注明理由"):
        claims.first_review(case, team.reviewer, channel=W, adjustments=[{"ref": "FP-R-1#2", "admitted": "100"}])
    with pytest.raises(ReviewOrderError, match="0到300.00元"):
        claims.first_review(case, team.reviewer, channel=W,
                            adjustments=[{"ref": "FP-R-1#2", "admitted": "400", "reason": "超标"}])
    claims.first_review(case, team.reviewer, channel=W,
                        adjustments=[{"ref": "FP-R-1#2", "admitted": "100.00", "reason": "材料超出限价"}])
    with pytest.raises(ReviewOrderError, match="同一人"):
        actions.approve_case(case, team.reviewer, channel=W)
    with pytest.raises(AmountNotTyped, match="不能直接填写"):
        actions.approve_case(case, team.second, channel=W, amount="99999")
    case = actions.approve_case(case, team.second, channel=W)
    params = sample(Scheme.RESIDENT, "outpatient")
    assert case.amount == ((Decimal("600") - params.deductible) * params.ratio_level2).quantize(Decimal("0.01"))
    row = Claim.objects.get(case=case).explanation["lines"][1]
    assert row["excluded"] == "200.00" and "材料超出限价" in row["excluded_reason"]


def test_finance_recheck_comes_before_payment_and_by_someone_outside_the_review(dazhou, insured, submit, staff):
    """The same person in two roles (reviewer and payer) may not re-check or pay a claim they reviewed."""
    from tests.cases import factories as cf

    team = staff["dazhou"]
    both = cf.staff(dazhou, "reviewer", "payer")
    case = submit(dazhou, OUT, insured(dazhou).applicant, data=claim_data(invoice("FP-F-1")))
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, both, channel=W)
    claims.first_review(case, both, channel=W)
    case = actions.approve_case(case, team.second, channel=W)
    with pytest.raises(ReviewOrderError, match="财务复核"):
        actions.pay_case(case, team.maker, channel=W)
    with pytest.raises(ReviewOrderError, match="不得办理财务复核"):
        claims.finance_check(case, both, channel=W)
    claims.finance_check(case, team.maker, channel=W)
    with pytest.raises(CaseError, match="不得办理拨付"):
        actions.pay_case(case, both, channel=W)
    case = actions.pay_case(case, team.maker, channel=W)
    assert PaymentOrder.objects.get(case=case).amount == case.amount


def test_yearly_cap_is_accumulated_across_claims(dazhou, insured, submit, review, staff):
    ins = insured(dazhou)
    params = sample(Scheme.RESIDENT, "outpatient")
    big = [line("治疗", "甲", "1", "5000.00")]
    first = review(submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-C-1", lines=big))))
    assert first.amount == params.yearly_cap  # (5000 - deductible) × ratio is over the cap
    second = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-C-2", lines=big)))
    team = staff["dazhou"]
    actions.accept_case(second, team.clerk, channel=W)
    actions.start_review(second, team.reviewer, channel=W)
    claims.first_review(second, team.reviewer, channel=W)
    with pytest.raises(CaseError, match="年度最高支付限额"):
        actions.approve_case(second, team.second, channel=W)  # nothing left: deny, not approve
    other_year = review(submit(dazhou, OUT, ins.applicant, data=claim_data(
        invoice("FP-C-3", lines=big, care_date="2025-06-01"))))
    assert other_year.amount == params.yearly_cap  # another year, another cap
    assert ClaimUse.objects.filter(person=ins.person).count() == 2


def test_inpatient_deductible_is_per_admission_and_remote_unfiled_pays_less(dazhou, insured, submit, review):
    ins = insured(dazhou, scheme=Scheme.EMPLOYEE)
    params = sample(Scheme.EMPLOYEE, "inpatient")
    stay = [line("床位费", "甲", "10", "100.00"), line("手术费", "甲", "1", "4000.00")]
    case = review(submit(dazhou, IN, ins.applicant, data=claim_data(
        invoice("ZY-1", lines=stay, level="三级", discharge_date="2026-03-12"),
        invoice("ZY-2", lines=stay, level="三级", care_date="2026-04-01", remote=True, care_province="海南省",
                care_city="三亚市", filing_no="BA-NOT-ON-THE-REGISTER"))))
    first = (Decimal("5000") - params.deductible) * params.ratio_level3
    second = (Decimal("5000") - params.deductible) * (params.ratio_level3 - params.unfiled_reduction)
    assert case.amount == (first + second).quantize(Decimal("0.01"))
    notes = [r["ratio_note"] for r in Claim.objects.get(case=case).explanation["lines"]]
    assert "无有效备案" in notes[-1] and "BA-NOT-ON-THE-REGISTER" in notes[-1] and "未备案降低" in notes[-1]


def test_refusals_on_submission(dazhou, insured, submit, staff):
    from tests import domain_support as ds

    stranger = ds.person_account()  # has an account, never enrolled
    with pytest.raises(NotInsured):
        submit(dazhou, OUT, stranger, data=claim_data(invoice("FP-X-1")))
    ins = insured(dazhou)
    bad = [
        claim_data(invoice("FP-X-2", lines=[line("药", "甲", "2", "10.00", amount="25.00")])),  # 2 × 10 ≠ 25
        claim_data(invoice("FP-X-3"), invoice("FP-X-3")),  # the same invoice twice
        claim_data(invoice("FP-X-4", lines=[line("药", "丁", "1", "1.00")])),
        claim_data(invoice("FP-X-5", lines=[line("药", "甲", "-1", "1.00", amount="-1.00")])),
        claim_data(invoice("FP-X-6", care_date="2999-01-01")),
        claim_data(invoice("FP-X-7", lines=[line("药", "甲", "1", "99999999999.00")])),
        claim_data(invoice("FP-X-8"), account_no="6222021234567890123"),  # Luhn fails
        claim_data(invoice("FP-X-9"), payout="单位银行账户"),  # no unit applied as agent
    ]
    for data in bad:
        with pytest.raises((InvalidCaseData, CaseError)):
            submit(dazhou, OUT, ins.applicant, data=data)
    assert not InvoiceUse.objects.exists()


def test_materials_follow_the_case_data(panzhihua, insured, submit):
    ins = insured(panzhihua)
    itemised = invoice("FP-M-1", itemised=True)
    plain = submit(panzhihua, OUT, ins.applicant, data=claim_data(invoice("FP-M-0")))
    names = [e.name for e in checklist(plain)]
    assert "门急诊费用清单" in names and not any("第三方" in n for n in names) and "急诊诊断证明" not in names
    waived = submit(panzhihua, OUT, ins.applicant, data=claim_data(itemised, accident="无第三方责任",
                                                                    emergency=True))
    names = [e.name for e in checklist(waived)]
    assert "门急诊费用清单" not in names  # R48: the invoice itemises
    assert "《外伤无第三方责任承诺书》" in names and not any("交警" in n for n in names)  # R46
    assert "急诊诊断证明" in names  # R47
    third = submit(panzhihua, OUT, ins.applicant, data=claim_data(invoice("FP-M-2"), accident="有第三方责任"))
    names = [e.name for e in checklist(third)]
    assert any("交警" in n for n in names) and "《外伤无第三方责任承诺书》" not in names


def test_unsealed_documents_need_the_commitment_where_the_guide_says_so(panzhihua, insured, submit, staff):
    ins = insured(panzhihua)
    case = submit(panzhihua, OUT, ins.applicant, data=claim_data(invoice("FP-S-1"), sealed=False))
    with pytest.raises(CaseError, match="未盖鲜章的需填写个人承诺书"):
        actions.accept_case(case, staff["panzhihua"].clerk, channel=W)
    ok = submit(panzhihua, OUT, ins.applicant, data=claim_data(invoice("FP-S-2"), sealed=False,
                                                               unsealed_commitment=True))
    assert actions.accept_case(ok, staff["panzhihua"].clerk, channel=W).state == "accepted"


def test_a_unit_applying_as_agent_may_be_paid_where_the_guide_says_so(dazhou, panzhihua, insured, submit, review,
                                                                      pay_and_complete):
    """R51: 达州's guide lets a unit that applied as agent be paid (it passes the money on); 攀枝花's pays
    the insured's own account only; nobody but a unit agent is paid into a unit account."""
    from tests import domain_support as ds

    unit = ds.unit_account(name="达州市代办有限公司")
    ins = insured(dazhou)
    data = claim_data(invoice("FP-U-1"), payout="单位银行账户", account_no="4400123456789")
    case = submit(dazhou, OUT, ins.applicant, data=data, agent=unit, extra=())
    case, order = pay_and_complete(review(case))
    assert (order.account_kind, order.payee_name, order.account_no) == ("employer", unit.name, "4400123456789")
    other = insured(panzhihua, name="王五")
    with pytest.raises(CaseError, match="划入参保人银行账户"):
        submit(panzhihua, OUT, other.applicant, data=claim_data(invoice("FP-U-2"), payout="单位银行账户",
                                                                account_no="4400123456789"), agent=unit)
    with pytest.raises(CaseError, match="划入银行账户"):
        submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-U-3"), payout="社会保障卡"))
