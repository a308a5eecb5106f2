"""What staff see on the case page (issue 10): applicants by masked name and role, never the
account's internal username; the certificate of a completed case stays reachable after a rating."""
from django.urls import reverse

from tests.domain_support import insured
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.core.masking import mask_name
from yibao.core.models import Channel


def test_the_certificate_link_survives_a_rating_and_the_applicant_shows_by_masked_name(dazhou, window, drive,
                                                                                        client, teams):
    me, person = insured(dazhou, name="孙凭证")
    receipt = window(dazhou, me, "insurance-certificate")
    drive(receipt)
    actions.rate_case(Case.objects.get(receipt_no=receipt), me.user, level="very_satisfied", channel=Channel.PORTAL)
    client.force_login(teams["dazhou"].clerk)
    page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    url = reverse("workbench:case_certificate_pdf", args=[receipt])
    assert url in page
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert me.user.username not in page and "applicant-" not in page
    assert f"{mask_name('孙凭证')}（申请人）" in page
