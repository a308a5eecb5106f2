"""医疗救助对象手工（零星）报销 (R64–R67): the aid after basic insurance, 大病保险 and supplementary
insurance, computed by category from the settlement statements and explained statement by statement;
a person not yet recognised files the 委托授权书 and waits at review for the determination (R65);
each statement aided once; the yearly threshold and cap carried across claims; paid to the 社会保障卡."""
from decimal import Decimal

import pytest

from tests import domain_support as ds
from tests.medical_aid.conftest import SSC_CARD, W, YEAR, resident
from yibao.cases import actions
from yibao.cases.exceptions import CaseError, InvalidCaseData
from yibao.cases.snapshot import item_in_force
from yibao.medical_aid import actions as aid
from yibao.medical_aid.exceptions import AidNotPayable, NotRecognised, StatementAlreadyAided
from yibao.medical_aid.handlers import NotEligible
from yibao.medical_aid.models import AidClaim, StatementUse
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case

ITEM = "aid-reimbursement"


def statement(number="JS2026001", *, total="10000.00", in_scope="9000.00", basic="5000.00", critical="1000.00",
              supplementary="0", settled_on=f"{YEAR}-03-02"):
    return {"number": number, "settled_on": settled_on, "provider_name": "攀枝花市中心医院", "total": total,
            "in_scope": in_scope, "basic": basic, "critical": critical, "supplementary": supplementary}


def claim(*statements, **kw):
    return {"statements": list(statements) or [statement()], "card_account": SSC_CARD,
            "card_bank": "攀枝花市农村商业银行", **kw}


@pytest.fixture
def submit(staff):
    def _submit(region, applicant, data):
        item = item_in_force(region, ITEM)
        materials = {k: "document" for k in ds.catalogue_materials(item)}
        return actions.submit_case(item=item, applicant=applicant, actor=staff[region.code].clerk, channel=W,
                                   materials=materials, data=data)

    return _submit


@pytest.fixture
def review(staff):
    def _review(case):
        team = staff[case.region.code]
        actions.accept_case(case, team.clerk, channel=W)
        actions.start_review(case, team.reviewer, channel=W)
        return actions.approve_case(case, team.reviewer, channel=W)

    return _review


@pytest.fixture
def pay_and_complete(staff):
    def _pay(case):
        team = staff[case.region.code]
        case = actions.pay_case(case, team.maker, channel=W)
        order = payments.approve_order(order_for_case(case), team.checker, channel=W)
        payments.mark_paid(order, team.cashier, channel=W, bank_reference=f"BANK-{case.pk}")
        return actions.complete_case(case, team.clerk, channel=W), order

    return _pay


def recognised(region, name, category):
    r = resident(region, name)
    aid.recognise(r.person, YEAR, category, "civil", "民政低保证号2026-001", actor=None)
    return r


def test_a_recognised_recipient_is_aided_after_the_insurances_explained_and_paid_to_the_card(
        regions, submit, review, pay_and_complete):
    region = regions["dazhou"]
    r = recognised(region, "李低保", "subsistence")
    case = submit(region, r.applicant, claim(statement()))
    case = review(case)
    # (9000 in scope − 5000 basic − 1000 大病) = 3000 borne; 低保: threshold 0, 70% (示例参数)
    assert case.amount == Decimal("2100.00")
    explanation = AidClaim.objects.get(case=case).explanation
    line = explanation["lines"][0]
    assert (line["remaining"], line["threshold"], line["payable"]) == ("3000.00", "0.00", "2100.00")
    assert "基本医保5000.00元" in line["note"] and "70%" in line["note"] and explanation["sample"] is True
    case, order = pay_and_complete(case)
    assert case.state == "completed"
    assert (order.account_kind, order.account_no, order.amount, order.payee_name) == (
        "ssc", SSC_CARD, Decimal("2100.00"), r.applicant.name)
    effect = case.notices.get(kind="completion").content["effect"]
    assert effect["table"]["rows"][0][0] == "JS2026001" and effect["table"]["rows"][-1][-1] == "2100.00"
    assert "所用政策参数为示例参数（非正式政策）" in effect["table"]["notes"]


def test_supplementary_insurance_is_deducted_and_the_threshold_and_cap_carry_across_claims(
        regions, submit, review):
    region = regions["panzhihua"]
    r = recognised(region, "周边缘", "low_income")  # threshold 1000, 60%, cap 30000 (示例参数)
    first = review(submit(region, r.applicant, claim(statement("JS-P-1", supplementary="500.00"))))
    # 9000 − 5000 − 1000 − 500 = 2500 borne; (2500 − 1000 threshold) × 60% = 900
    assert first.amount == Decimal("900.00")
    second = review(submit(region, r.applicant, claim(statement("JS-P-2"))))
    assert second.amount == Decimal("1800.00")  # the threshold was used by the first claim: 3000 × 60%
    big = statement("JS-P-3", total="200000.00", in_scope="190000.00", basic="100000.00", critical="30000.00")
    third = review(submit(region, r.applicant, claim(big)))
    assert third.amount == Decimal("30000.00") - Decimal("900.00") - Decimal("1800.00")  # the cap left
    fourth = submit(region, r.applicant, claim(statement("JS-P-4")))
    with pytest.raises(AidNotPayable, match="年度救助限额"):
        review(fourth)


def test_an_unrecognised_person_files_the_authorisation_and_waits_for_the_determination(
        regions, staff, submit, review, pay_and_complete):
    region = regions["dazhou"]
    r = resident(region, "吴待认")
    with pytest.raises(NotEligible, match="委托授权书"):
        submit(region, r.applicant, claim(statement("JS-U-1")))
    case = submit(region, r.applicant, claim(statement("JS-U-1"), authorisation=True))
    team = staff["dazhou"]
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    with pytest.raises(NotRecognised, match="待相关部门认定"):
        actions.approve_case(case, team.reviewer, channel=W)
    case.refresh_from_db()
    assert case.state == "under_review"  # it waits, nothing half-done
    assert "待相关部门认定" in aid.preview(case).explanation["error"]  # what the case page shows meanwhile
    aid.recognise(r.person, YEAR, "extreme", "civil", "特困供养证2026-9", actor=team.clerk)  # the determination
    with pytest.raises(NotRecognised, match="已认定"):
        aid.recognise(r.person, YEAR, "subsistence", "civil", "again", actor=team.clerk)
    case = actions.approve_case(case, team.reviewer, channel=W)
    assert case.amount == Decimal("3000.00")  # 特困: 100%
    case, order = pay_and_complete(case)
    assert case.state == "completed" and order.amount == Decimal("3000.00")


def test_a_statement_is_aided_once_and_freed_when_its_case_ends_unpaid(regions, submit, staff):
    region = regions["dazhou"]
    r = recognised(region, "郑低保", "subsistence")
    first = submit(region, r.applicant, claim(statement("js-77 01")))
    with pytest.raises(StatementAlreadyAided, match=first.receipt_no):
        submit(region, r.applicant, claim(statement("JS-7701")))
    assert StatementUse.objects.filter(number="JS-7701", released=False).count() == 1
    actions.refuse_case(first, staff["dazhou"].clerk, channel=W, reason="材料不符")
    again = submit(region, r.applicant, claim(statement("JS-7701")))
    assert StatementUse.objects.get(number="JS-7701", released=False).case == again


def test_bad_statements_are_refused(regions, submit):
    region = regions["dazhou"]
    r = recognised(region, "冯低保", "subsistence")
    bad = [
        claim(statement(in_scope="20000.00")),  # in scope over the total
        claim(statement(basic="8000.00", critical="2000.00")),  # insurers paid more than in scope
        claim(statement(total="-1.00")),
        claim(statement(total="99999999999.00")),
        claim(statement(settled_on="2999-01-01")),
        claim(statement("A1"), statement("A1")),
        claim(statement(), card_account="6217996500001234566"),  # Luhn
        claim(statement(total="10.001")),
    ]
    for data in bad:
        with pytest.raises((InvalidCaseData, CaseError)):
            submit(region, r.applicant, data)
    assert not StatementUse.objects.exists()
    stranger = ds.person_account()
    with pytest.raises(CaseError):
        submit(region, stranger, claim(statement("JS-S-1")))
