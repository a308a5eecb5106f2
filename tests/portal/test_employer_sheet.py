"""职工增减表 on the public site (issue 10): the unit's upload is one 职工参保登记 case followed in
我的办件; a sheet with errors files nothing and lists them; a person's account has no such page."""
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from tests.domain_support import offered_online, person_account, registered_unit, shipped_regions  # noqa: F401
from tests.enrollment import factories as ef
from yibao.cases.models import Case
from yibao.enrollment.models import Enrollment
from yibao.enrollment.sheets import COLUMNS

pytestmark = pytest.mark.django_db


@pytest.fixture
def dazhou(shipped_regions):  # noqa: F811
    return shipped_regions["dazhou"]


def xlsx(*rows):
    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append(list(row))
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "增减表.xlsx"
    return data


def test_a_units_sheet_is_one_case_in_its_cases_and_enrols_nobody_yet(client, dazhou):
    offered_online(dazhou, "employee-enrollment")
    unit, employer = registered_unit(dazhou)
    client.force_login(unit.user)
    assert reverse("portal:employer_sheet") in client.get(reverse("portal:my_cases")).content.decode()
    number = ef.id_number()
    response = client.post(reverse("portal:employer_sheet"),
                           {"sheet": xlsx(["居民身份证", number, "李四", "", "", "", "增加", ""])})
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert response["Location"] == reverse("portal:my_case", args=[case.receipt_no])
    assert (case.item_code, case.applicant_id, case.channel, case.state) == (
        "employee-enrollment", unit.pk, "portal", "submitted")
    assert not Enrollment.objects.filter(employer=employer).exists()

    bad = client.post(reverse("portal:employer_sheet"),
                      {"sheet": xlsx(["居民身份证", "123", "王五", "", "", "", "调动", ""])})
    page = bad.content.decode()
    assert bad.status_code == 400 and "第2行" in page and "业务类型" in page and Case.objects.count() == 1


def test_a_persons_account_has_no_sheet_page(client, dazhou):
    me = person_account()
    client.force_login(me.user)
    assert client.get(reverse("portal:employer_sheet")).status_code == 404
