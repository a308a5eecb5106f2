"""跨省异地长期备案人员个人账户资金划转 (达州's guide): only with a cross-province long-term
filing, paid to the person's own 社会保障卡金融账户, written to the ledger as 划转."""
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import domain_support as ds
from tests.accounts.conftest import SSC_CARD
from yibao.accounts.exceptions import NoRemoteFiling
from yibao.accounts.models import PersonalAccount
from yibao.cases import actions
from yibao.cases.exceptions import InvalidCaseData
from yibao.cases.snapshot import has_review
from yibao.core.models import Channel
from yibao.enrollment.models import Enrollment, EnrollmentStatus
from yibao.payments.models import PaymentOrder
from yibao.remote_care import actions as remote_care

CODE = "account-transfer"
DATA = {"card_bank_name": "四川省农村信用社", "card_account": SSC_CARD}


def filing(person, region, *, province="海南省", city="三亚市"):
    return ds.long_term_filing(person, region, province=province, city=city)


def test_without_a_cross_province_long_term_filing_it_is_refused(dazhou, insured, submit):
    ins = insured(dazhou)
    with pytest.raises(NoRemoteFiling, match="跨省异地长期备案"):
        submit(dazhou, CODE, ins.applicant, data=DATA)
    inside = filing(ins.person, dazhou, province="四川省", city="成都市")
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)  # a filing inside the province does not count
    remote_care.cancel_filing(inside, actor=None, channel=Channel.SYSTEM)
    temporary = remote_care.Request(kind="temporary", province="海南省", city="三亚市", start_on=timezone.localdate())
    remote_care.file_filing(ins.person, dazhou, temporary, actor=None, channel=Channel.SYSTEM)
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)  # a temporary filing does not count
    ended = filing(ins.person, dazhou)
    remote_care.cancel_filing(ended, actor=None, channel=Channel.SYSTEM)
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)  # cancelled today: no longer filed


def test_end_to_end_with_a_filing_made_by_remote_retiree(dazhou, insured, submit, approve, pay, complete, staff):
    """The filing comes from its own item (remote-retiree, 办结 at the window), then the 划转."""
    ins = insured(dazhou, balance="880.00")
    filed = submit(dazhou, "remote-retiree", ins.applicant,
                   data={"province": "海南省", "city": "三亚市", "basis": "个人承诺书"})
    team = staff["dazhou"]
    actions.accept_case(filed, team.clerk, channel=Channel.WINDOW)
    if has_review(filed.snapshot):
        actions.start_review(filed, team.reviewer, channel=Channel.WINDOW)
        actions.approve_case(filed, team.reviewer, channel=Channel.WINDOW)
    actions.complete_case(filed, team.clerk, channel=Channel.WINDOW)
    case, effect = complete(pay(approve(submit(dazhou, CODE, ins.applicant, data=DATA))))
    assert effect["transferred"] == "880.00"
    assert PersonalAccount.objects.get(person=ins.person, region=dazhou).balance() == Decimal("0.00")


def test_the_balance_goes_to_the_persons_social_security_card(dazhou, insured, submit, approve, pay, complete):
    ins = insured(dazhou, balance="2100.00")
    filing(ins.person, dazhou)
    with pytest.raises(InvalidCaseData, match="card_account"):
        submit(dazhou, CODE, ins.applicant, data={**DATA, "card_account": "6217996500001234566"})
    case, effect = complete(pay(approve(submit(dazhou, CODE, ins.applicant, data=DATA))))
    order = PaymentOrder.objects.get(case=case)
    assert (order.account_kind, order.payee_name, order.account_no, order.amount, order.state) == (
        "ssc", ins.person.name, SSC_CARD, Decimal("2100.00"), "paid")
    account = PersonalAccount.objects.get(person=ins.person, region=dazhou)
    assert account.balance() == Decimal("0.00")
    assert account.entries.last().kind == "transfer" and account.entries.last().reference == order.order_no
    assert effect == {"effect": True, "person": ins.person.masked_id, "transferred": "2100.00", "balance": "0.00",
                      "order": order.order_no}
    # the person stays insured: only the money moved
    assert Enrollment.objects.get(person=ins.person).status == EnrollmentStatus.ACTIVE
