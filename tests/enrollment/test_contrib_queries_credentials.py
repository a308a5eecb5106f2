"""参保单位/参保人员参保信息查询 (no 审核: the record, masked), 出具《参保凭证》 (PDF with a code the
public page verifies) and 医保电子凭证申领 (no materials), from submission to their effect."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.test_pdf import text_of
from tests.enrollment import factories as f
from tests.enrollment.contrib_support import employee, flexible_worker, sample_parameters, today  # noqa: F401
from yibao.cases import actions
from yibao.cases.models import CaseEvent
from yibao.core.masking import mask_id_number
from yibao.core.models import AuditEntry, Channel
from yibao.enrollment import actions as register
from yibao.contributions.actions import issue_flexible_notice
from yibao.contributions.exceptions import CredentialAlreadyActive
from yibao.contributions.models import Certificate, ECredential
from yibao.contributions.documents import certificate_pdf, record_pdf
from yibao.enrollment.exceptions import NotEnrolled, NotTheApplicantsRecord, PersonNotFound
from yibao.enrollment.models import PersonStatus, Scheme
from yibao.contributions.queries import person_record, unit_record

W = "window"


def instant(case, staff):
    case = actions.run_instant(case, staff[case.region.code], channel=W)
    return case, case.events.get(action="complete").payload["effect"]


def test_the_person_query_returns_the_masked_record_and_is_kept_on_record(
        panzhihua, person_account, submit, staff, sample_parameters, today):
    account = person_account(name="赵查询")
    person = flexible_worker(panzhihua, account, phone="13912345678")
    issue_flexible_notice(person, region=panzhihua, first=datetime.date(today.year, 1, 1),
                          last=datetime.date(today.year, 2, 1), today=today, actor=None, channel=Channel.SYSTEM)
    case = submit(panzhihua, "person-info-query", account)
    case, effect = instant(case, staff)
    assert [e.action for e in case.events.order_by("id")] == ["submit", "accept", "complete"]  # no 审核 in the guide
    record = effect["record"]
    assert record["person"]["id_number"] == mask_id_number(account.id_number) != account.id_number
    assert record["person"]["phone"] == "139****5678"
    assert [(e["scheme"], e["category"], e["status"]) for e in record["enrollments"]] == [
        ("职工基本医疗保险", "灵活就业人员", "参保缴费")]
    assert record["enrollments"][0]["history"][0]["kind"] == "新增"
    assert [a["state"] for a in record["recent_assessments"]] == ["已核定", "已核定"]
    assert record["unpaid_notices"][0]["parameters_label"] == "示例参数（非正式政策）"
    assert "累计缴费0个月" not in effect["summary"] and "职工基本医疗保险（参保缴费）" in effect["summary"]
    assert AuditEntry.objects.filter(action="查询参保人员参保信息", object_id=str(person.pk)).exists()
    text = text_of(record_pdf(record, panzhihua))
    assert "参保人员参保信息查询结果" in text and "赵查询" in text and account.id_number not in text
    assert "示例参数（非正式政策）" in text


def test_the_person_record_reads_in_a_fixed_number_of_queries(panzhihua, person_account, sample_parameters, today,
                                                              django_assert_max_num_queries):
    person = flexible_worker(panzhihua, person_account())
    for month in range(1, 4):
        issue_flexible_notice(person, region=panzhihua, first=datetime.date(today.year, month, 1),
                              last=datetime.date(today.year, month, 1), today=today, actor=None, channel=Channel.SYSTEM)
    with django_assert_max_num_queries(10):
        record = person_record(person)
    assert len(record["unpaid_notices"]) == 3


def test_a_person_can_query_only_their_own_record(panzhihua, person_account, submit):
    account = person_account()  # not in the register
    with pytest.raises(PersonNotFound, match="未找到该参保人员的登记信息"):
        submit(panzhihua, "person-info-query", account)


def test_the_unit_query_gives_the_unit_its_record_and_roster(panzhihua, unit_account, submit, staff,
                                                             sample_parameters):
    account = unit_account(name="攀枝花钢城有限公司")
    employer = f.employer(panzhihua, uscc=account.id_number, name="攀枝花钢城有限公司", bank_account="6222000011112222")
    for name in ("甲", "乙", "丙"):
        employee(panzhihua, employer, name=name)
    case, effect = instant(submit(panzhihua, "unit-info-query", account), staff)
    record = effect["record"]
    assert record["employer"]["bank_account"] == "************2222"
    assert record["employees_open"] == 3 and "roster" not in record  # the case keeps the facts, not the roster
    assert "在册职工3人" in effect["summary"]
    with CaptureQueriesContext(connection) as queries:
        live = unit_record(employer)
    assert len(queries) <= 8 and [r["name"] for r in live["roster"]] == ["丙", "乙", "甲"]
    text = text_of(record_pdf(live, panzhihua))
    assert "攀枝花钢城有限公司" in text and "在册职工" in text


def test_a_certificate_is_issued_with_a_code_that_the_public_page_verifies(
        dazhou, person_account, submit, staff, client, sample_parameters):
    account = person_account(name="孙凭证")
    person = flexible_worker(dazhou, account)
    case, effect = instant(submit(dazhou, "insurance-certificate", account), staff)
    certificate = Certificate.objects.get(case=case)
    assert effect["certificate"] == certificate.number and effect["verify_code"] == certificate.verify_code
    assert certificate.content["enrollments"][0]["category"] == "灵活就业人员"
    assert len(certificate.verify_code) >= 24

    page = client.get(f"/certificates/verify/{certificate.verify_code}/")
    body = page.content.decode()
    assert page.status_code == 200 and "核验通过" in body and certificate.number in body
    assert "孙**" in body and mask_id_number(account.id_number) in body and account.id_number not in body
    assert page.headers["Cache-Control"] == "no-store"
    for made_up in ("A" * 24, "not-a-code!", certificate.verify_code[:-1] + "x"):
        missing = client.get(f"/certificates/verify/{made_up}/")
        assert missing.status_code == 404 and "核验未通过" in missing.content.decode()

    # The register moves on; the certificate stays as issued.
    register.record_death_or_emigration(person, PersonStatus.EMIGRATED, on=datetime.date.today(), actor=None,
                                        channel=Channel.SYSTEM)
    assert "参保缴费" in client.get(f"/certificates/verify/{certificate.verify_code}/").content.decode()

    pdf = certificate_pdf(certificate, site_url="http://testserver/")
    text = text_of(pdf)
    assert "参保凭证" in text and certificate.verify_code in text and account.id_number in text
    assert f"/certificates/verify/{certificate.verify_code}/" in text


def test_the_certificate_pdf_is_for_its_holder_and_the_regions_staff(dazhou, person_account, submit, staff, client,
                                                                     sample_parameters):
    account = person_account()
    flexible_worker(dazhou, account)
    case, _ = instant(submit(dazhou, "insurance-certificate", account), staff)
    url = f"/certificates/{Certificate.objects.get(case=case).number}.pdf"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(account.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(person_account().user)  # someone else
    assert client.get(url).status_code == 404
    client.force_login(staff["dazhou"])
    assert client.get(url).status_code == 200
    client.force_login(staff["panzhihua"])
    assert client.get(url).status_code == 404


def test_no_certificate_without_an_enrolment(dazhou, person_account, submit):
    account = person_account()
    f.person(dazhou, id_number=account.id_number)
    with pytest.raises(NotEnrolled, match="不能出具参保凭证"):
        submit(dazhou, "insurance-certificate", account)


def test_the_e_credential_needs_no_materials_and_is_claimed_once(panzhihua, person_account, submit, staff):
    account = person_account()
    person = f.person(panzhihua, id_number=account.id_number)
    with pytest.raises(NotEnrolled, match="未参加基本医疗保险"):
        submit(panzhihua, "e-credential", account)
    register.enrol(person, Scheme.RESIDENT, region=panzhihua, on=datetime.date(2024, 1, 1), actor=None,
                   channel=Channel.SYSTEM)
    case = submit(panzhihua, "e-credential", account, materials=[])
    assert case.snapshot["materials"] == []
    case, effect = instant(case, staff)
    credential = ECredential.objects.get(person=person)
    assert credential.status == "active" and credential.case == case
    assert effect["credential"] == credential.masked_number != credential.number
    assert [e.action for e in CaseEvent.objects.filter(case=case).order_by("id")] == ["submit", "accept", "complete"]
    with pytest.raises(CredentialAlreadyActive, match="已申领医保电子凭证"):
        submit(panzhihua, "e-credential", account, materials=[])


def test_the_unit_query_is_for_units_only(dazhou, person_account, submit):
    account = person_account()
    f.person(dazhou, id_number=account.id_number)
    with pytest.raises(NotTheApplicantsRecord, match="须由参保单位申请"):
        submit(dazhou, "unit-info-query", account)


def test_online_through_the_portal_form_to_a_verified_certificate(dazhou, person_account, client, staff,
                                                                  sample_parameters):
    """As a new user would: apply on the public site, the window runs it on the spot, the
    completion notice names the certificate, whose code the public page verifies."""
    from django.urls import reverse

    from tests.cases.samples import PDF, upload
    from yibao.cases.models import Case
    from yibao.cases.snapshot import item_in_force

    account = person_account(name="周网办")
    flexible_worker(dazhou, account)
    item = item_in_force(dazhou, "insurance-certificate")
    client.force_login(account.user)
    form = client.get(reverse("portal:apply", args=[item.pk])).content.decode()
    assert "出具《参保凭证》" in form and 'name="material_1"' in form
    office = item.offices.select_related("office").order_by("ordinal").first().office.name
    response = client.post(reverse("portal:apply", args=[item.pk]),
                           {"office": office, "comment": "", "material_1": upload("身份证.pdf", PDF)})
    case = Case.objects.get(applicant=account)
    assert response.status_code == 302 and case.channel == "portal"
    actions.run_instant(case, staff["dazhou"], channel=W)
    certificate = Certificate.objects.get(case=case)
    completion = case.notices.get(kind="completion").content["effect"]["summary"]
    assert certificate.number in completion
    assert "核验通过" in client.get(f"/certificates/verify/{certificate.verify_code}/").content.decode()
    assert client.get(f"/certificates/{certificate.number}.pdf")["Content-Type"] == "application/pdf"
