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


def test_an_employers_sheet_at_the_window_is_one_case_driven_to_completion_on_its_page(dazhou, drive, client,
                                                                                       teams):
    """增减表 (issue 10): the sheet becomes one 职工参保登记 case whose page summarises it (no ID
    numbers); nobody is enrolled before 办结, all rows at 办结."""
    import io

    from openpyxl import Workbook

    from tests.domain_support import registered_unit
    from tests.enrollment import factories as ef
    from yibao.enrollment.models import Enrollment
    from yibao.enrollment.sheets import COLUMNS

    unit, employer = registered_unit(dazhou)
    numbers = [ef.id_number(), ef.id_number()]
    book = Workbook()
    book.active.append(COLUMNS)
    for number, name in zip(numbers, ("李四", "王五")):
        book.active.append(["居民身份证", number, name, "", "", "", "增加", ""])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "增减表.xlsx"
    client.force_login(teams["dazhou"].clerk)
    response = client.post(reverse("workbench:employer_sheets"), {"sheet-uscc": unit.id_number, "sheet-sheet": data})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(item_code="employee-enrollment")
    assert response["Location"] == reverse("workbench:case", args=[case.receipt_no])
    assert (case.applicant_id, case.channel, case.state) == (unit.pk, "window", "submitted")
    page = client.get(response["Location"]).content.decode()
    assert "职工增减表" in page and "增减表.xlsx" in page and numbers[0] not in page
    assert not Enrollment.objects.filter(employer=employer).exists()
    case, steps = drive(case.receipt_no)
    assert steps == ["accept", "start_review", "approve", "complete"]
    assert sorted(Enrollment.objects.filter(employer=employer).values_list("person__id_number", flat=True)) == sorted(
        numbers)
