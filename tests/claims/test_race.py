"""Races on PostgreSQL, real transactions in threads: two claims on one invoice number submitted at
the same moment (in two regions: one case holds it, the other is refused naming it, by the
database constraint); two claims of one person approved at once (the yearly cap is spent once)."""
from decimal import Decimal

import pytest
from django.db import connection

from tests.claims.conftest import IN, OUT, W, claim_data, invoice, line
from tests.concurrency import race
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.claims import actions as claims
from yibao.claims.exceptions import InvoiceAlreadyClaimed
from yibao.claims.models import ClaimUse, InvoiceUse, ReimbursementParameters

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


@pytest.mark.parametrize("round_no", range(3))
def test_one_invoice_claimed_at_once_in_two_regions_one_wins(round_no, dazhou, panzhihua, insured, submit):
    number = f"RACE-{round_no}"
    a, b = insured(dazhou), insured(panzhihua, name="李四")
    results = race(lambda: submit(dazhou, OUT, a.applicant, data=claim_data(invoice(number))),
                   lambda: submit(panzhihua, IN, b.applicant, data=claim_data(invoice(number))))
    cases = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, InvoiceAlreadyClaimed)]
    assert len(cases) == 1 and len(refused) == 1, results
    assert refused[0].details["case"] == cases[0].receipt_no
    assert InvoiceUse.objects.get(number=number, released=False).case_id == cases[0].pk
    assert Case.objects.filter(applicant__in=[a.applicant, b.applicant]).count() == 1


def test_two_claims_of_one_person_approved_at_once_spend_the_cap_once(dazhou, insured, submit, staff):
    ins = insured(dazhou)
    cap = ReimbursementParameters.objects.get(region=None, scheme="resident", benefit="outpatient").yearly_cap
    team = staff["dazhou"]
    big = [line("治疗", "甲", "1", "5000.00")]
    cases = []
    for number in ("CAP-1", "CAP-2"):
        case = submit(dazhou, OUT, ins.applicant, data=claim_data(invoice(number, lines=big)))
        actions.accept_case(case, team.clerk, channel=W)
        actions.start_review(case, team.reviewer, channel=W)
        claims.first_review(case, team.reviewer, channel=W)
        cases.append(case)
    results = race(*[lambda c=c: actions.approve_case(c, team.second, channel=W) for c in cases])
    approved = [r for r in results if isinstance(r, Case)]
    assert len(approved) == 1, results  # the second found the cap spent: nothing payable
    assert approved[0].amount == cap
    assert sum(u.paid for u in ClaimUse.objects.filter(person=ins.person)) == cap
    assert Decimal(cap) > 0
