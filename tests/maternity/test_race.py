"""Races on PostgreSQL, real transactions in threads: the same birth's allowance submitted twice at
the same moment (a bundle sent from two windows): one case holds it, the other is refused, by the
database constraint; two prenatal claims of one woman approved at once spend the yearly cap once."""
from decimal import Decimal

import pytest
from django.db import connection

from tests.concurrency import race
from tests.maternity.conftest import W, cost, invoice, line
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.maternity.exceptions import AlreadyClaimed
from yibao.maternity.models import BenefitKey, MaternityClaim

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


@pytest.mark.parametrize("round_no", range(3))
def test_one_birth_s_allowance_sent_twice_at_once_is_held_once(round_no, regions, family, open_bundle):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    results = race(lambda: open_bundle(dazhou, fam, ["maternity-allowance"]),
                   lambda: open_bundle(dazhou, fam, ["maternity-allowance"]))
    opened = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, AlreadyClaimed)]
    assert len(opened) == 1 and len(refused) == 1, results
    assert Case.objects.filter(item_code="maternity-allowance").count() == 1
    assert BenefitKey.objects.filter(released=False).count() == 1


def test_two_prenatal_claims_approved_at_once_spend_the_cap_once(regions, family, open_bundle, staff):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    team = staff["dazhou"]
    cases = []
    for number in ("CAP-1", "CAP-2"):
        _, opened = open_bundle(dazhou, fam, ["prenatal-payment"],
                                costs={"prenatal-payment": cost(invoice(number, line(price="800.00")))})
        case = actions.accept_case(opened[0], team.clerk, channel=W)
        cases.append(actions.start_review(case, team.reviewer, channel=W))
    results = race(*[lambda c=c: actions.approve_case(c, team.reviewer, channel=W) for c in cases])
    approved = [r for r in results if isinstance(r, Case)]
    assert len(approved) == 2, results  # the second pays what the sample cap (1000) leaves
    assert sorted(a.amount for a in approved) == [Decimal("200.00"), Decimal("800.00")]
    assert sum(c.payable for c in MaternityClaim.objects.filter(fixed=True)) == Decimal("1000.00")
