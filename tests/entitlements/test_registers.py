"""Recognitions read the provider register: the records' hospital's level, ownership and whether
it was designated on the diagnosis date (R43), the declared facts only for a hospital the register
does not know; and where a region names its recognising hospitals for a kind of disease (R44),
a recognition comes from one of them."""
import datetime

import pytest

from tests.entitlements.test_recognition import CHRONIC, TWO, W, recognise, recognition, submit
from tests.domain_support import shipped_regions  # noqa: F401 (fixture)
from tests.entitlements.test_recognition import regions, staff  # noqa: F401 (fixtures)
from tests import domain_support as ds
from tests.provider_register import registered_hospital
from yibao.cases import actions
from yibao.cases.exceptions import CaseError
from yibao.enrollment.models import Scheme
from yibao.entitlements.models import Entitlement, RecognitionSite


def test_the_register_says_the_level_not_the_applicant(regions, staff):
    songpan = regions["songpan"]
    registered_hospital(songpan, "H51323300071", "松潘县某卫生院", level="1")
    applicant, _ = ds.insured(songpan, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="二级及以上协议定点") as caught:
        submit(staff, songpan, CHRONIC, applicant, recognition(level="三级", provider_code="H51323300071"))
    assert "按定点医药机构登记簿：松潘县某卫生院（H51323300071）一级" in caught.value.message
    assert caught.value.details["field"] == "provider_level"


def test_records_from_a_hospital_not_designated_on_the_diagnosis_date_are_refused(regions, staff):
    songpan = regions["songpan"]
    registered_hospital(songpan, "H51323300072", "松潘县某医院", level="3", ended=datetime.date(2025, 1, 1))
    applicant, _ = ds.insured(songpan, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="非定点") as caught:  # diagnosed 2025-11-02, agreement ended 2025-01-01
        submit(staff, songpan, CHRONIC, applicant, recognition(provider_code="H51323300072"))
    assert caught.value.details["field"] == "provider_code"
    # diagnosed while it was designated: taken
    assert submit(staff, songpan, CHRONIC, applicant,
                  recognition(provider_code="H51323300072", diagnosed_on="2024-06-01"))


def test_two_diseases_need_a_public_hospital_by_the_register(regions, staff):
    songpan = regions["songpan"]
    registered_hospital(songpan, "H51323300073", "松潘县某民营医院", level="3", ownership="private")
    applicant, _ = ds.insured(songpan, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="公立") as caught:  # declared public, registered private
        submit(staff, songpan, TWO, applicant, recognition("LB001", public=True, provider_name="松潘县某民营医院"))
    assert "民营" in caught.value.message


def test_a_region_naming_its_recognising_hospitals_takes_recognitions_from_them_only(regions, staff):
    dazhou = regions["dazhou"]
    named = registered_hospital(dazhou, "H51170200081", "达州市认定医院", level="3")
    registered_hospital(dazhou, "H51170200082", "达州市另一医院", level="3")
    RecognitionSite.objects.create(region=dazhou, kind=CHRONIC, provider=named, valid_from=datetime.date(2020, 1, 1))
    applicant, person = ds.insured(dazhou, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="认定医疗机构办理（达州市认定医院）") as caught:
        submit(staff, dazhou, CHRONIC, applicant, recognition(provider_code="H51170200082"))
    assert caught.value.details["sites"] == ["H51170200081"]
    with pytest.raises(CaseError, match="不在名单中"):  # a hospital the register does not know is on no list
        submit(staff, dazhou, CHRONIC, applicant, recognition(provider_name="外地医院"))
    # the list is per kind: 两病 in 达州 names none, so the level rule alone applies
    assert submit(staff, dazhou, TWO, applicant, recognition("LB001", provider_code="H51170200082"))
    case = submit(staff, dazhou, CHRONIC, applicant, recognition(provider_code="H51170200081"))
    recognise(staff, case)
    team = staff["dazhou"]
    actions.approve_case(case, team.reviewer, channel=W)
    case = actions.complete_case(case, team.clerk, channel=W)
    entitlement = Entitlement.objects.get(person=person, case=case)
    assert (entitlement.provider_code, entitlement.provider_name, entitlement.provider_level) == (
        "H51170200081", "达州市认定医院", "三级")
    assert "按定点医药机构登记簿" in case.events.last().payload["effect"]["provider"]
    # a list that has ended no longer binds
    RecognitionSite.objects.filter(region=dazhou).update(valid_to=datetime.date(2021, 1, 1))
    other, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT, name="赵六")
    assert submit(staff, dazhou, CHRONIC, other, recognition("MT002", provider_code="H51170200082"))


def test_a_hospital_the_register_does_not_know_needs_a_declared_level_only_where_a_level_is_required(
        regions, staff):
    songpan, dazhou = regions["songpan"], regions["dazhou"]
    applicant, _ = ds.insured(songpan, scheme=Scheme.RESIDENT)
    with pytest.raises(CaseError, match="不在本地定点医药机构登记簿中，请填写医疗机构级别"):
        submit(staff, songpan, CHRONIC, applicant, recognition(level="", provider_name="外地医院"))
    other, _ = ds.insured(dazhou, scheme=Scheme.RESIDENT)  # 达州's guide sets no level: none needed
    case = submit(staff, dazhou, CHRONIC, other, recognition(level="", provider_name="外地医院"))
    recognise(staff, case)
    actions.approve_case(case, staff["dazhou"].reviewer, channel=W)
    case = actions.complete_case(case, staff["dazhou"].clerk, channel=W)
    row = Entitlement.objects.get(case=case)
    assert (row.provider_name, row.provider_code, row.provider_level) == ("外地医院", "", "")
