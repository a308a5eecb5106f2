"""The applicant's pages: a claim's 核算明细 on 我的办件 (trial before review, fixed after), and
我的待遇认定 listing the person's recognitions; another person sees neither."""
import random

import pytest
from django.urls import reverse

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.cases.samples import PDF, upload
from tests.claims.conftest import OUT, W, claim_data, invoice, line, sample_data
from tests.domain_support import dazhou, regions, shipped_regions, teams  # noqa: F401 (fixtures)
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.claims import actions as claims
from yibao.enrollment.models import Scheme
from yibao.entitlements import actions as entitlements
from yibao.entitlements.models import Expert


@pytest.fixture(autouse=True)
def samples(regions):
    sample_data()


def filed(region, applicant, code, data, clerk):
    item = item_in_force(region, code)
    return actions.submit_case(item=item, applicant=applicant, actor=clerk, channel=W, data=data,
                               materials={k: "document" for k in ds.catalogue_materials(item)})


def test_the_applicant_sees_the_explanation_and_their_entitlements(client, dazhou, teams):
    team = teams["dazhou"]
    me, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    case = filed(dazhou, me, OUT, claim_data(invoice("P-0001", lines=[line("药", "甲", "4", "100.00"),
                                                                       line("保健品", "丙", "1", "30.00")])), team.clerk)
    client.force_login(me.user)
    page = client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()
    assert "核算明细（试算）" in page and "P-0001#2" in page and "丙类项目，基本医疗保险不予支付" in page

    Expert.objects.create(region=dazhou, name="赵医生")
    recognition = filed(dazhou, me, "two-diseases", {
        "disease_code": "LB002", "provider_name": "达州市中心医院", "provider_level": "二级", "provider_public": True,
        "diagnosed_on": "2025-01-01", "diagnosis": "2型糖尿病"}, team.clerk)
    actions.accept_case(recognition, team.clerk, channel=W)
    actions.start_review(recognition, team.reviewer, channel=W)
    entitlements.assign_expert(recognition, team.reviewer, mode="routine", channel=W, rng=random.Random(0))
    entitlements.record_opinion(recognition, team.reviewer, opinion="agree", channel=W)
    actions.approve_case(recognition, team.reviewer, channel=W)
    actions.complete_case(recognition, team.clerk, channel=W)
    page = client.get(reverse("portal:my_entitlements")).content.decode()
    assert "糖尿病（两病门诊用药）" in page and "有效" in page and recognition.receipt_no in page

    other, _ = ds.insured(dazhou, name="李四")
    client.force_login(other.user)
    assert client.get(reverse("portal:my_case", args=[case.receipt_no])).status_code == 404
    assert "糖尿病" not in client.get(reverse("portal:my_entitlements")).content.decode()
    # after review the table is the fixed one
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    claims.first_review(case, team.reviewer, channel=W)
    actions.approve_case(case, cf.staff(dazhou, "reviewer"), channel=W)
    client.force_login(me.user)
    page = client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()
    assert "经审核核定" in page and "核算明细（试算）" not in page


@pytest.fixture
def panzhihua(regions):
    return regions["panzhihua"]


def test_an_outpatient_claim_applied_for_online_and_a_repeat_refused(client, panzhihua, settings, tmp_path):
    """攀枝花 offers 网上办理: the form built from the claim's schema (invoice groups, lines as text)."""
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    me, _ = ds.insured(panzhihua, scheme=Scheme.RESIDENT)
    item = item_in_force(panzhihua, OUT)
    client.force_login(me.user)
    form = client.get(reverse("portal:apply", args=[item.pk])).content.decode()
    assert 'name="data_invoices__0__lines"' in form and "项目,类别(甲/乙/丙),数量,单价,金额" in form
    fields = {
        "data_invoices__0__invoice_no": "PZH-ONLINE-1", "data_invoices__0__provider_name": "攀枝花市中心医院",
        "data_invoices__0__provider_level": "三级", "data_invoices__0__care_date": "2026-11-03",
        "data_invoices__0__diagnosis": "肺炎", "data_invoices__0__itemised": "on",
        "data_invoices__0__lines": "阿奇霉素,甲,3,40.00,120.00\n胸部CT,乙,1,300.00,300.00",
        "data_bank_name": "攀枝花农商银行", "data_account_no": ds.CARD,
        **{f"material_{m.ordinal}": upload(f"{m.ordinal}.pdf", PDF) for m in item.materials.all() if not m.when},
    }
    office = item.offices.first()
    response = client.post(reverse("portal:apply", args=[item.pk]), {"office": office.office.name if office else "",
                                                                     "comment": "", **fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(applicant=me)
    assert case.data["invoices"][0]["lines"][1]["category"] == "乙"
    page = client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()
    assert "PZH-ONLINE-1#2" in page
    fields.update({f"material_{m.ordinal}": upload(f"{m.ordinal}.pdf", PDF) for m in item.materials.all() if not m.when})
    again = client.post(reverse("portal:apply", args=[item.pk]), {"office": office.office.name if office else "",
                                                                  "comment": "", **fields})
    assert again.status_code == 200 and case.receipt_no in again.content.decode()  # refused, the first case named
    assert Case.objects.filter(applicant=me).count() == 1
