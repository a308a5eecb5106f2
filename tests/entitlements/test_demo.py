"""With the printed demo accounts alone (people.demo, entitlements.demo), the demo resident is
recognised for a 慢特病 and reimbursed an outpatient claim; the reimbursement's 初审 and 复核 are
taken by the region's two demo reviewers, 财务复核 and the order by its three payers."""
from django.contrib.auth import get_user_model
from django.utils import timezone

from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.claims import actions as claims
from yibao.core.models import Channel
from yibao.entitlements import actions as entitlements
from yibao.entitlements.demo import ensure_demo_entitlements
from yibao.entitlements.models import Entitlement, Expert
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.demo import ensure_demo_accounts
from yibao.people.models import Applicant

W = Channel.WINDOW


def test_the_demo_resident_is_recognised_and_reimbursed(seeded_catalog):
    ensure_demo_accounts()
    lines = ensure_demo_entitlements()
    assert ensure_demo_entitlements() == lines  # once
    assert Expert.objects.filter(region__code="dazhou").count() == 4
    staff = {u.username: u for u in get_user_model().objects.filter(username__startswith="dazhou-")}
    resident = Applicant.objects.get(name="李居民")
    dazhou = item_in_force(resident.region, "chronic-disease").guide.region

    def submit(code, data):
        item = item_in_force(dazhou, code)
        return actions.submit_case(item=item, applicant=resident, actor=staff["dazhou-clerk"], channel=W, data=data,
                                   materials={str(m.ordinal): "document" for m in item.materials.all() if not m.when})

    case = submit("chronic-disease", {"disease_code": "MT004", "provider_name": "达州市中心医院",
                                      "provider_level": "三级", "provider_public": True, "diagnosed_on": "2024-05-01",
                                      "diagnosis": "2型糖尿病伴肾病"})
    actions.accept_case(case, staff["dazhou-clerk"], channel=W)
    actions.start_review(case, staff["dazhou-reviewer"], channel=W)
    entitlements.assign_expert(case, staff["dazhou-reviewer"], mode="online", channel=W)
    entitlements.record_opinion(case, staff["dazhou-reviewer"], opinion="agree", channel=W)
    actions.approve_case(case, staff["dazhou-reviewer"], channel=W)
    actions.complete_case(case, staff["dazhou-clerk"], channel=W)
    assert Entitlement.objects.get(case=case).disease_code == "MT004"

    claim = submit("outpatient-reimbursement", {
        "invoices": [{"invoice_no": "DEMO-0001", "provider_name": "达州市中心医院", "provider_level": "三级",
                      "care_date": timezone.localdate().isoformat(), "diagnosis": "2型糖尿病伴肾病",
                      "disease_code": "MT004", "lines": ["二甲双胍缓释片,甲,6,50.00,300.00"]}],
        "bank_name": "中国工商银行达州分行", "account_no": "6222021234567890128"})
    actions.accept_case(claim, staff["dazhou-clerk"], channel=W)
    actions.start_review(claim, staff["dazhou-reviewer"], channel=W)
    claims.first_review(claim, staff["dazhou-reviewer"], channel=W)
    claim = actions.approve_case(claim, staff["dazhou-reviewer2"], channel=W)
    claims.finance_check(claim, staff["dazhou-payer"], channel=W)
    claim = actions.pay_case(claim, staff["dazhou-payer"], channel=W)
    order = payments.approve_order(order_for_case(claim), staff["dazhou-payer2"], channel=W)
    payments.mark_paid(order, staff["dazhou-payer3"], channel=W, bank_reference="DEMO-BANK")
    claim = actions.complete_case(claim, staff["dazhou-clerk"], channel=W)
    assert claim.state == "completed" and order.amount == claim.amount > 0
