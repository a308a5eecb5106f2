"""The provider pages (Django test client): the public list, the provider's own page with its
claim upload and line-by-line answer, and the workbench's agreement steps, re-review and the
head's approval. Other parties get 404."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.providers.conftest import W, claim_file, hospital_data, line, month_after, provider_account
from tests import domain_support as ds
from yibao.cases import actions
from yibao.providers import actions as providers
from yibao.providers.models import AgreementState, ClaimSubmission

pytestmark = pytest.mark.django_db


def test_the_workbench_takes_an_agreement_through_its_steps(client, regions, staff, submit):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    me = provider_account(name="页面测试医院")
    case = submit(dazhou, "hospital-designation", me, hospital_data(name="页面测试医院"))
    actions.accept_case(case, team.clerk, channel=W)
    case = actions.start_review(case, team.reviewer, channel=W)
    agreement = providers.agreement_for_case(case)
    client.force_login(team.reviewer)
    index = client.get(reverse("workbench:providers")).content.decode()
    assert "页面测试医院" in index and "评估中" in index
    page = client.get(reverse("workbench:agreement", args=[agreement.pk])).content.decode()
    assert "录入专家评估" in page
    url = lambda step: reverse("workbench:agreement_step", args=[agreement.pk, step])  # noqa: E731
    today = datetime.date.today()
    refused = client.post(url("evaluation"), {"panel": "甲,乙", "onsite_on": today.isoformat(), "score": "90",
                                              "passed": "yes", "opinion": "好"}, follow=True)
    assert "至少3人" in refused.content.decode()
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.EVALUATING
    client.post(url("evaluation"), {"panel": "甲，乙，丙", "onsite_on": (today - datetime.timedelta(days=40)).isoformat(),
                                    "score": "90", "passed": "yes", "opinion": "符合",
                                    "publicised_on": (today - datetime.timedelta(days=30)).isoformat()})
    client.post(url("objection"), {"text": "反映排队时间长", "upheld": "no", "finding": "与定点条件无关"})
    client.post(url("negotiation"))
    client.post(url("signature"), {"starts_on": today.isoformat()})
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.NEGOTIATING and agreement.signed_on == today
    actions.approve_case(case, team.reviewer, channel=W)
    actions.complete_case(case, team.clerk, channel=W)
    listed = client.get(reverse("portal:provider_list", args=["dazhou"])).content.decode()
    assert "页面测试医院" in listed and "二级" in listed
    client.force_login(staff["panzhihua"].reviewer)
    assert client.get(reverse("workbench:agreement", args=[agreement.pk])).status_code == 404


def test_the_provider_uploads_answers_and_the_office_reviews_on_pages(client, regions, staff, designate, clock):
    dazhou, team = regions["dazhou"], staff["dazhou"]
    me = provider_account(name="页面结算医院")
    designate(dazhou, me, hospital_data(name="页面结算医院"))
    start = month_after(datetime.date.today())
    clock(month_after(start).replace(day=2))
    patient = ds.insured(dazhou, since=datetime.date(2020, 1, 1))[1]
    content = claim_file([line(patient.id_number, start.replace(day=3), visit_no="P1"),
                          line(patient.id_number, start.replace(day=3), visit_no="P2", catalogue_class="丙")])
    client.force_login(me.user)
    mine = client.get(reverse("portal:my_provider")).content.decode()
    assert "协议履行中" in mine and "费用结算申报" in mine
    period = start.strftime("%Y-%m")
    response = client.post(reverse("portal:upload_claims"),
                           {"period": period, "file": SimpleUploadedFile("c.csv", content, "text/csv")})
    submission = ClaimSubmission.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:my_settlement", args=[submission.pk])
    page = client.get(response.url).content.decode()
    assert "目录外项目" in page and "*" in page
    client.post(response.url, {"kind-3": "dispute", "reason-3": "属乙类"})
    submission.refresh_from_db()
    assert submission.state == "answered"
    sample = client.get(reverse("portal:sample_claims"), {"period": period})
    assert sample.status_code == 200 and "患者证件号码" in sample.content.decode("utf-8-sig")
    pdf = client.get(reverse("portal:my_statement", args=[submission.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")

    other = provider_account(name="别的医院")
    client.force_login(other.user)
    assert client.get(reverse("portal:my_settlement", args=[submission.pk])).status_code == 404

    actions.accept_case(submission.case, team.clerk, channel=W)
    actions.start_review(submission.case, team.reviewer, channel=W)
    client.force_login(team.reviewer)
    review = reverse("workbench:settlement_step", args=[submission.pk, "review"])
    refused = client.post(review, {}, follow=True).content.decode()
    assert "尚未复审" in refused
    client.post(review, {"kind-3": "restore", "note-3": "核实属乙类"})
    submission.refresh_from_db()
    assert submission.state == "reviewed" and str(submission.payable) == "152.00"
    denied = client.post(reverse("workbench:settlement_step", args=[submission.pk, "approve"]), follow=True)
    assert "负责人" in denied.content.decode()
    client.force_login(team.head)
    client.post(reverse("workbench:settlement_step", args=[submission.pk, "approve"]))
    submission.refresh_from_db()
    assert submission.state == "approved"
    xlsx = client.get(reverse("workbench:settlement_statement", args=[submission.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_a_person_has_no_provider_page(client, regions):
    client.force_login(ds.person_account().user)
    assert client.get(reverse("portal:my_provider")).status_code == 404
