"""Reimbursement and recognition through the workbench pages (Django test client): the window
files a claim from the schema's form (invoice groups, lines as text), the case page shows the
核算明细, 初审 adjusts a line with a reason, another reviewer approves, finance re-checks; a
recognition case draws an expert and records the opinion."""
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.claims.conftest import sample_data
from tests.domain_support import CARD
from yibao.cases.models import Case
from yibao.claims.models import Claim
from yibao.enrollment.models import Scheme
from yibao.entitlements.models import Expert, ExpertReview


@pytest.fixture(autouse=True)
def samples(regions):
    sample_data()


def case_page(client, user, receipt):
    client.force_login(user)
    page = client.get(reverse("workbench:case", args=[receipt]))
    assert page.status_code == 200
    return page.content.decode()


def step(client, user, receipt, name, **fields):
    client.force_login(user)
    version = Case.objects.get(receipt_no=receipt).version
    response = client.post(reverse("workbench:case_step", args=[receipt, name]),
                           {f"{name}-version": version, **{f"{name}-{k}": v for k, v in fields.items()}})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_a_claim_through_the_workbench(client, dazhou, teams, window):
    me, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    team = teams["dazhou"]
    second = cf.staff(dazhou, "reviewer")
    receipt = window(dazhou, me, "outpatient-reimbursement", fields={
        "data_invoices__0__invoice_no": "WB-0001", "data_invoices__0__provider_name": "达州市中心医院",
        "data_invoices__0__provider_level": "二级", "data_invoices__0__care_date": "2026-11-20",
        "data_invoices__0__diagnosis": "急性支气管炎",
        "data_invoices__0__lines": "头孢克肟,甲,10,30.00,300.00\n雾化治疗,乙,2,100.00,200.00\n保健品,丙,1,80.00,80.00",
        "data_bank_name": "中国工商银行达州分行", "data_account_no": CARD})
    step(client, team.clerk, receipt, "accept")
    step(client, team.reviewer, receipt, "start_review")
    page = case_page(client, team.reviewer, receipt)
    assert "核算明细" in page and "WB-0001#3" in page and "丙类项目，基本医疗保险不予支付" in page
    assert 'id="first-review"' in page
    bad = client.post(reverse("workbench:claim_first_review", args=[receipt]), {"adjustments": "WB-0001#2 没有逗号"})
    assert bad.status_code == 302 and "应写作" in case_page(client, team.reviewer, receipt)
    client.post(reverse("workbench:claim_first_review", args=[receipt]),
                {"adjustments": "WB-0001#2,100.00,雾化次数超出医嘱", "comment": "票据真实"})
    claim = Claim.objects.get(case__receipt_no=receipt)
    assert claim.explanation["lines"][1]["excluded"] == "100.00"
    step(client, second, receipt, "approve")
    case = Case.objects.get(receipt_no=receipt)
    assert case.state == "approved" and case.amount == claim.payable > Decimal("0")
    page = case_page(client, team.maker, receipt)
    assert 'id="finance-check"' in page
    client.post(reverse("workbench:claim_finance_check", args=[receipt]), {"comment": "票据核对无误"})
    step(client, team.maker, receipt, "pay")
    assert Case.objects.get(receipt_no=receipt).state == "paying"  # 拨付中 until the order is paid


def test_a_recognition_draws_an_expert_on_the_case_page(client, dazhou, teams, window):
    Expert.objects.create(region=dazhou, name="王医生", specialty="肾内科")
    me, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    team = teams["dazhou"]
    receipt = window(dazhou, me, "chronic-disease", fields={
        "data_disease_code": "MT002", "data_provider_name": "达州市中心医院", "data_provider_level": "三级",
        "data_provider_public": "on", "data_diagnosed_on": "2025-08-01", "data_diagnosis": "慢性肾衰竭"})
    step(client, team.clerk, receipt, "accept")
    step(client, team.reviewer, receipt, "start_review")
    page = case_page(client, team.reviewer, receipt)
    assert "尚未抽取审核专家" in page and "集中审核" in page
    client.post(reverse("workbench:expert_assign", args=[receipt]), {"mode": "onsite"})
    client.post(reverse("workbench:expert_opinion", args=[receipt]), {"opinion": "agree", "text": "符合认定标准"})
    review = ExpertReview.objects.get(case__receipt_no=receipt)
    assert (review.expert.name, review.mode, review.opinion) == ("王医生", "onsite", "agree")
    step(client, team.reviewer, receipt, "approve")
    step(client, team.clerk, receipt, "complete")
    assert "王医生" in case_page(client, team.clerk, receipt)
    assert Case.objects.get(receipt_no=receipt).state == "completed"


def test_an_entitlement_is_revoked_on_the_register_page_with_a_reason(client, dazhou, teams, window, panzhihua):
    """待遇认定登记: found by ID number; a clerk sees it but may not revoke; a reviewer revokes with a
    reason (none: refused, nothing changed), which the history, the audit log and the insured keep;
    another region's staff cannot reach it."""
    from yibao.cases.models import Notification
    from yibao.core.models import AuditEntry
    from yibao.entitlements.models import Entitlement

    Expert.objects.create(region=dazhou, name="王医生", specialty="肾内科")
    me, person = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    team = teams["dazhou"]
    receipt = window(dazhou, me, "chronic-disease", fields={
        "data_disease_code": "MT002", "data_provider_name": "达州市中心医院", "data_provider_level": "三级",
        "data_provider_public": "on", "data_diagnosed_on": "2025-08-01", "data_diagnosis": "慢性肾衰竭"})
    step(client, team.clerk, receipt, "accept")
    step(client, team.reviewer, receipt, "start_review")
    client.post(reverse("workbench:expert_assign", args=[receipt]), {"mode": "online"})
    client.post(reverse("workbench:expert_opinion", args=[receipt]), {"opinion": "agree"})
    step(client, team.reviewer, receipt, "approve")
    step(client, team.clerk, receipt, "complete")
    entitlement = Entitlement.objects.get(person=person)
    url = reverse("workbench:entitlement_revoke", args=[entitlement.pk])

    client.force_login(team.clerk)
    page = client.get(reverse("workbench:entitlements"), {"q": person.id_number}).content.decode()
    assert receipt in page
    assert f"entitlement-{entitlement.pk}" in page and f"entitlements/{entitlement.pk}/revoke/" not in page  # a clerk may not
    client.post(url, {"reason": "试图撤销"})
    assert Entitlement.objects.get(pk=entitlement.pk).status == "active"

    client.force_login(teams["panzhihua"].reviewer)  # another region: as if it did not exist
    assert client.post(url, {"reason": "跨地区"}).status_code == 404
    assert f"entitlement-{entitlement.pk}" not in client.get(reverse("workbench:entitlements")).content.decode()

    client.force_login(team.reviewer)
    page = client.get(reverse("workbench:entitlements")).content.decode()
    assert f"entitlements/{entitlement.pk}/revoke/" in page
    client.post(url, {"reason": "  "})
    assert Entitlement.objects.get(pk=entitlement.pk).status == "active"  # no reason, no revocation
    response = client.post(url, {"reason": "病历资料经核查不实"}, follow=True)
    assert "已撤销" in response.content.decode()
    entitlement.refresh_from_db()
    assert entitlement.status == "revoked"
    last = entitlement.history.last()
    assert (last.action, last.note, last.actor, last.channel) == ("撤销", "病历资料经核查不实", team.reviewer, "window")
    assert AuditEntry.objects.filter(action="撤销待遇认定", summary__contains="病历资料经核查不实").exists()
    assert Notification.objects.filter(recipient=me.user, kind="entitlement_revoked",
                                       text__contains="病历资料经核查不实").exists()
    assert f"entitlement-{entitlement.pk}" not in client.get(reverse("workbench:entitlements")).content.decode()
    client.post(url, {"reason": "再撤一次"})  # sent twice: the second changes nothing
    assert entitlement.history.filter(action="撤销").count() == 1
