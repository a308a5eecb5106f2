"""跨省异地长期备案人员个人账户资金划转 (达州's guide): only with a cross-province long-term
filing, paid to the person's own 社会保障卡金融账户, written to the ledger as 划转."""
import datetime
from decimal import Decimal

import pytest

from tests.accounts.conftest import SSC_CARD
from yibao.accounts import actions as accounts
from yibao.accounts.exceptions import NoRemoteFiling
from yibao.accounts.models import FilingKind, PersonalAccount
from yibao.cases.exceptions import InvalidCaseData
from yibao.core.models import Channel
from yibao.enrollment.models import Enrollment, EnrollmentStatus
from yibao.payments.models import PaymentOrder

CODE = "account-transfer"
DATA = {"card_bank_name": "四川省农村信用社", "card_account": SSC_CARD}


def filing(person, region, *, cross_province=True, valid_from=datetime.date(2025, 1, 1), valid_until=None, ref="BA1"):
    return accounts.record_remote_filing(person, region, kind=FilingKind.RETIREE, cross_province=cross_province,
                                         destination="海南省三亚市", reference=ref, valid_from=valid_from,
                                         valid_until=valid_until, actor=None, channel=Channel.SYSTEM)


def test_without_a_cross_province_long_term_filing_it_is_refused(dazhou, insured, submit):
    ins = insured(dazhou)
    with pytest.raises(NoRemoteFiling, match="跨省异地长期备案"):
        submit(dazhou, CODE, ins.applicant, data=DATA)
    filing(ins.person, dazhou, cross_province=False, ref="BA-in-province")
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)  # a filing inside the province does not count
    filing(ins.person, dazhou, valid_until=datetime.date(2025, 12, 31), ref="BA-expired")
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)
    ended = filing(ins.person, dazhou, ref="BA-ended")
    accounts.end_remote_filing(ended, on=datetime.date(2026, 1, 1), actor=None, channel=Channel.SYSTEM)
    with pytest.raises(NoRemoteFiling):
        submit(dazhou, CODE, ins.applicant, data=DATA)


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
