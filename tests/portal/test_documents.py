"""Issued documents on the public site: who may download a notice's PDF, and the verification
page for a document's code."""
import subprocess

import pytest
from django.urls import reverse

from tests.cases import documents as d
from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from yibao.cases import actions
from yibao.cases.models import NoticeKind

# These tests are about the portal's documents, not the recognition domain (tests/entitlements).
generic_handlers = generic_handlers_for("chronic-disease")


@pytest.fixture
def city(db):
    return f.region()


@pytest.fixture
def person(db):
    return f.applicant(name="张三丰")


@pytest.fixture
def notices(city, person):
    return d.issue_all(d.item(city), person, f.staff(city, "clerk"), f.staff(city, "reviewer"))


@pytest.fixture
def receipt(notices):
    return notices[NoticeKind.RECEIPT]


def pdf_url(notice):
    return reverse("portal:notice_pdf", args=[notice.pk])


def download(client, user, notice):
    if user is not None:
        client.force_login(user)
    return client.get(pdf_url(notice))


def test_the_applicant_downloads_the_pdf(client, person, receipt):
    response = download(client, person.user, receipt)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert "inline" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    # no YIBAO_SITE_URL configured: the address printed is the host the document was fetched from
    assert f"http://testserver/verify/{receipt.verify_code}/" in text
    assert receipt.case.receipt_no in text


@pytest.mark.parametrize("roles", [("clerk",), ("supervisor",), ("payer",)])
def test_staff_of_the_region_download_with_any_role(client, city, receipt, roles):
    assert download(client, f.staff(city, *roles, office="通川区"), receipt).status_code == 200


def test_the_agent_of_the_case_downloads(client, city, person):
    agent = f.applicant(name="李四")
    case = actions.submit_case(item=d.item(city), applicant=person, agent=agent, actor=agent.user,
                               channel=d.W, office="市本级", materials=[1, 2, 3])
    actions.refuse_case(case, f.staff(city, "clerk"), channel=d.W, reason=d.REFUSAL)
    assert download(client, agent.user, case.notices.get()).status_code == 200


def test_anyone_else_gets_404(client, receipt):
    other_region = f.region(code="othercity", name="别的市", admin_code="519800")
    for user in (f.applicant(name="王五").user, f.staff(other_region, "clerk"), f.user()):
        client.logout()
        assert download(client, user, receipt).status_code == 404
    # a system administrator acts in every region
    assert download(client, f.staff(other_region, "admin"), receipt).status_code == 200


def test_an_anonymous_visitor_is_sent_to_login_and_a_missing_notice_is_404(client, person, receipt):
    response = client.get(pdf_url(receipt))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login")) and pdf_url(receipt) in response["Location"]
    client.force_login(person.user)
    assert client.get(reverse("portal:notice_pdf", args=[receipt.pk + 1000])).status_code == 404
    assert client.post(pdf_url(receipt)).status_code == 405


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_the_verify_page_shows_what_the_document_says(client, notices, person, kind,
                                                      django_assert_max_num_queries):
    notice = notices[kind]
    with django_assert_max_num_queries(2):  # the notice with its case, the header's regions
        response = client.get(reverse("portal:verify", args=[notice.verify_code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "核验通过" in page and "测试市医疗保障经办机构" in page
    for expected in (notice.get_kind_display(), notice.case.receipt_no, d.TITLE, "2024年版", "张**",
                     person.masked_id):
        assert expected in page, expected
    issued = notice.issued_at.astimezone().date()
    assert f"{issued.year}年{issued.month}月{issued.day}日" in page
    assert "张三丰" not in page and person.id_number not in page  # personal data masked
    assert response["Cache-Control"] == "no-store"


def test_a_made_up_code_is_not_a_document_of_the_agency(client, receipt, django_assert_num_queries):
    made_up = receipt.verify_code[:-1] + ("A" if receipt.verify_code[-1] != "A" else "B")
    response = client.get(reverse("portal:verify", args=[made_up]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "核验未通过" in page and "不是本机构出具的文书" in page and receipt.case.receipt_no not in page
    # a string that cannot be a code is not even looked up (only the header's region list is read)
    with django_assert_num_queries(1):
        response = client.get(reverse("portal:verify", args=["x'; select"]))
    assert response.status_code == 404 and "核验未通过" in response.content.decode()
