"""With the printed demo accounts alone (people.demo, maternity.demo): 达州's clerk files one bundle
for 王演示 and the demo employer; the demo reviewer and the three demo payers take each case to
办结; the allowance reaches the demo employer's registered account, the costs hers."""
from decimal import Decimal

from django.contrib.auth import get_user_model

from tests.maternity.conftest import DAZHOU_MATERIALS, cost, facts, invoice, line, sample_data
from yibao.cases import actions
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.maternity import bundles
from yibao.maternity.demo import EMPLOYER_ACCOUNT, ensure_demo_maternity
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.demo import ensure_demo_accounts

W = Channel.WINDOW


def test_the_demo_woman_s_bundle_is_paid_to_its_end(seeded_catalog):
    sample_data()
    ensure_demo_accounts()
    lines = ensure_demo_maternity()
    assert ensure_demo_maternity() == lines and "王演示" in lines[0]  # once
    staff = {u.username: u for u in get_user_model().objects.filter(username__startswith="dazhou-")}
    person, employer = bundles.accounts("511702199208150247", "91511702MA62XKL1YD")
    dazhou = Region.objects.get(code="dazhou")
    _, cases = bundles.submit(
        region=dazhou, items=["prenatal-payment", "maternity-medical-payment", "family-planning-payment",
                              "maternity-allowance"], person=person, employer=employer,
        facts=facts(difficult_birth=True), materials=DAZHOU_MATERIALS, actor=staff["dazhou-clerk"], channel=W,
        costs={"prenatal-payment": cost(invoice("DEMO-CJ-1", line(price="500.00"))),
               "maternity-medical-payment": cost(invoice("DEMO-SY-1", line(price="2000.00"))),
               "family-planning-payment": cost(invoice("DEMO-JH-1", line(price="100.00")))})
    paid = {}
    for case in cases:
        actions.accept_case(case, staff["dazhou-clerk"], channel=W)
        actions.start_review(case, staff["dazhou-reviewer"], channel=W)
        actions.approve_case(case, staff["dazhou-reviewer"], channel=W)
        actions.pay_case(case, staff["dazhou-payer"], channel=W)
        order = payments.approve_order(order_for_case(case), staff["dazhou-payer2"], channel=W)
        payments.mark_paid(order, staff["dazhou-payer3"], channel=W, bank_reference=f"DEMO-{case.pk}")
        assert actions.complete_case(case, staff["dazhou-clerk"], channel=W).state == "completed"
        paid[case.item_code] = order
    allowance = paid["maternity-allowance"]
    assert allowance.account_no == EMPLOYER_ACCOUNT[1] and allowance.payee_name == "达州市演示商贸有限公司"
    assert allowance.amount == (Decimal("6000") * 12 / 365 * 113).quantize(Decimal("0.01"))
    assert paid["maternity-medical-payment"].payee_name == "王演示"
