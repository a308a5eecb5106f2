"""职工参保登记, 城乡居民参保登记, the two information changes and the phone change, through the
engine from submission to their effect on the registers."""
import datetime

import pytest

from tests.enrollment import factories as f
from yibao.cases import actions
from yibao.cases.checklist import checklist
from yibao.cases.exceptions import InvalidCaseData, MaterialsIncomplete
from yibao.enrollment.actions import record_shared_death
from yibao.enrollment.exceptions import (
    AlreadyEnrolled,
    IdentityMismatch,
    NotEnrolled,
    NotTheApplicantsRecord,
    SubTypeNotOffered,
)
from yibao.enrollment.models import (
    ChangeKind,
    Enrollment,
    EnrollmentStatus,
    FieldChange,
    Person,
    PersonPhone,
    PersonStatus,
    Scheme,
)

W = "window"
BORN = datetime.date(1988, 6, 1)


def person_data(id_number, name="李四", **kw):
    return {"id_type": "resident_id", "id_number": id_number, "name": name, **kw}


@pytest.fixture
def unit(dazhou, unit_account):
    account = unit_account()
    return account, f.employer(dazhou, uscc=account.id_number)


# ---------------------------------------------------------------- employee-enrollment


def test_an_employer_adds_an_employee_who_is_registered_with_sex_and_birth_date_from_the_number(
        dazhou, unit, submit, run):
    account, employer = unit
    number = f.id_number(born=BORN)
    case = submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工", "sub_type": "增加"},
                  data={"person": person_data(number, phone="13900001111")})
    assert case.limit_days is None and [m["key"] for m in case.snapshot["materials"] if m["when"] == "在职职工"] == ["1"]
    assert [e.key for e in checklist(case)] == ["1"]  # 灵活就业人员's form and the special groups' papers do not apply
    case, effect = run(case)
    assert case.limit_days == 3  # 达州: 在职职工 3 working days
    person = Person.objects.get(id_number=number)
    assert (person.birth_date, person.name, person.phone) == (BORN, "李四", "13900001111")
    enrollment = Enrollment.objects.get(person=person)
    assert (enrollment.employer, enrollment.status, enrollment.category) == (employer, "active", "在职职工")
    assert enrollment.changes.get().kind == ChangeKind.ENROL and enrollment.changes.get().case == case
    assert effect["category"] == "在职职工" and effect["status"] == "active"


def test_enrolling_a_person_already_active_in_the_scheme_is_refused(dazhou, unit, unit_account, submit, run,
                                                                     person_account):
    account, employer = unit
    number = f.id_number()
    run(submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number)}))
    other = unit_account()
    f.employer(dazhou, uscc=other.id_number)
    with pytest.raises(AlreadyEnrolled, match="不能重复参保"):
        submit(dazhou, "employee-enrollment", other, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number)})
    # Nor as a flexible worker, by the person themselves.
    with pytest.raises(AlreadyEnrolled):
        submit(dazhou, "employee-enrollment", person_account(number, "李四"), conditions={"applicant_kind": "灵活就业人员"},
               data={"person": person_data(number)})


def test_a_flexible_worker_enrols_themselves_instantly_and_not_someone_else(dazhou, person_account, submit, staff):
    number = f.id_number()
    me = person_account(number, "李四")
    with pytest.raises(NotTheApplicantsRecord):
        submit(dazhou, "employee-enrollment", me, conditions={"applicant_kind": "灵活就业人员"},
               data={"person": person_data(f.id_number(), "王二")})
    case = submit(dazhou, "employee-enrollment", me, conditions={"applicant_kind": "灵活就业人员"},
                  data={"person": person_data(number)})
    case = actions.run_instant(case, staff["dazhou"], channel=W)  # 灵活就业人员: 即时办结
    enrollment = Enrollment.objects.get(person__id_number=number)
    assert case.state == "completed" and enrollment.employer is None and enrollment.category == "灵活就业人员"


def test_bad_id_number_and_wrong_birth_date_are_refused(dazhou, unit, submit):
    account, _ = unit
    number = f.id_number(born=BORN)
    with pytest.raises(InvalidCaseData):
        submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number[:-1] + ("1" if number[-1] == "0" else "0"))})
    with pytest.raises(InvalidCaseData) as exc:
        submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number, birth_date="1970-01-01")})
    assert "出生日期与证件号码不一致" in str(exc.value.details)


def test_special_groups_bring_their_documents(dazhou, unit, submit):
    account, _ = unit
    case = submit(dazhou, "employee-enrollment", account,
                  conditions={"applicant_kind": "在职职工", "special_groups": ["港澳台人员"]}, materials=["1"],
                  data={"person": person_data(f.id_number())})
    assert [e.name for e in checklist(case) if e.missing] == ["港澳居民来往内地通行证或港澳台居民居住证、建立劳动关系的证明"]


def test_reduce_at_the_unit_then_the_person_can_be_added_elsewhere(dazhou, unit, unit_account, submit, run):
    account, employer = unit
    number = f.id_number()
    run(submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number)}))
    other = unit_account()
    f.employer(dazhou, uscc=other.id_number)
    with pytest.raises(NotEnrolled, match="不是"):  # a unit acts on its own employees only
        submit(dazhou, "employee-enrollment", other, conditions={"applicant_kind": "在职职工", "sub_type": "减少"},
               data={"person": person_data(number)})
    run(submit(dazhou, "employee-enrollment", account, conditions={"applicant_kind": "在职职工", "sub_type": "减少"},
               data={"person": person_data(number)}))
    run(submit(dazhou, "employee-enrollment", other, conditions={"applicant_kind": "在职职工"},
               data={"person": person_data(number)}))
    rows = Enrollment.objects.filter(person__id_number=number).order_by("pk")
    assert [(e.employer.uscc, e.status) for e in rows] == [(account.id_number, "ended"), (other.id_number, "active")]


def test_suspend_interrupt_resume_and_retire_follow_the_status_table(dazhou, unit, submit, run):
    account, _ = unit
    number = f.id_number()
    kind = {"applicant_kind": "在职职工"}
    run(submit(dazhou, "employee-enrollment", account, conditions=kind, data={"person": person_data(number)}))
    run(submit(dazhou, "employee-enrollment", account, conditions={**kind, "sub_type": "暂停"},
               data={"person": person_data(number)}))
    with pytest.raises(Exception, match="不能办理“在职转退休”"):
        run(submit(dazhou, "employee-enrollment", account, conditions={**kind, "sub_type": "在职转退休"},
                   materials=["1", "6"], data={"person": person_data(number)}))
    run(submit(dazhou, "employee-enrollment", account, conditions={**kind, "sub_type": "恢复"},
               data={"person": person_data(number)}))
    case = submit(dazhou, "employee-enrollment", account, conditions={**kind, "sub_type": "在职转退休"},
                  materials=["1"], data={"person": person_data(number)})
    with pytest.raises(MaterialsIncomplete, match="退休审批材料"):
        run(case)
    run(submit(dazhou, "employee-enrollment", account, conditions={**kind, "sub_type": "在职转退休"},
               materials=["1", "6"], data={"person": person_data(number)}))
    enrollment = Enrollment.objects.get(person__id_number=number)
    assert enrollment.status == EnrollmentStatus.RETIRED
    assert [c.kind for c in enrollment.changes.all()] == ["enrol", "suspend", "resume", "retire"]


def test_panzhihua_lists_no_reduce_or_interrupt(panzhihua, unit_account, submit):
    account = unit_account()
    f.employer(panzhihua, uscc=account.id_number)
    with pytest.raises(SubTypeNotOffered) as exc:
        submit(panzhihua, "employee-enrollment", account, conditions={"applicant_kind": "在职职工", "sub_type": "中断"},
               data={"person": person_data(f.id_number())})
    assert exc.value.details["offered"] == ["增加", "暂停", "终止", "恢复", "在职转退休"]


def _enrolled(region, employer=None, scheme=Scheme.EMPLOYEE):
    person = f.person(region)
    Enrollment.objects.create(person=person, scheme=scheme, employer=employer, region=region,
                              start_on=datetime.date(2020, 1, 1))
    return person


def test_death_in_panzhihua_asks_for_the_certificate_or_a_commitment_unless_data_sharing_confirms_it(
        panzhihua, unit_account, submit, run, staff):
    account = unit_account()
    employer = f.employer(panzhihua, uscc=account.id_number)
    conditions = {"applicant_kind": "在职职工", "sub_type": "终止"}
    # 1. No shared record: the 死亡证明 (material 8) is due ...
    person = _enrolled(panzhihua, employer)
    Enrollment.objects.create(person=person, scheme=Scheme.RESIDENT, region=panzhihua, start_on=datetime.date(2020, 1, 1))
    data = {"person": person_data(person.id_number, person.name), "reason": "死亡",
            "effective_on": "2026-01-05"}
    case = submit(panzhihua, "employee-enrollment", account, conditions=conditions, data=data, materials=["1"])
    assert [e.name for e in checklist(case) if e.missing] == ["死亡证明或法院宣告死亡的生效文书"]
    with pytest.raises(MaterialsIncomplete):
        run(case)
    # 2. ... and a 个人承诺书 may replace it.
    case = submit(panzhihua, "employee-enrollment", account, conditions=conditions, data=data,
                  materials={"1": "document", "8": "commitment"})
    case, effect = run(case)
    person.refresh_from_db()
    assert person.status == PersonStatus.DECEASED and person.status_on == datetime.date(2026, 1, 5)
    assert sorted(effect["ended"]) == ["城乡居民基本医疗保险", "职工基本医疗保险"]  # death ends every enrolment
    assert effect["death_confirmed_by"] == "申请人提供"
    # 3. Data sharing knows the death: nothing more is asked for, the shared date is used.
    other = _enrolled(panzhihua, employer)
    record_shared_death(other.id_number, datetime.date(2026, 2, 1), source="民政部门", actor=None, channel="system")
    case = submit(panzhihua, "employee-enrollment", account, conditions=conditions,
                  data={"person": person_data(other.id_number, other.name), "reason": "死亡"})
    assert not [e for e in checklist(case) if e.missing]
    case, effect = run(case)
    other.refresh_from_db()
    assert other.status_on == datetime.date(2026, 2, 1) and effect["death_confirmed_by"] == "民政部门"


def test_panzhihua_does_not_accept_a_residence_permit(panzhihua, dazhou, person_account, submit):
    number = f.id_number()
    data = {"person": {**person_data(number), "id_type": "residence_permit"}}
    with pytest.raises(IdentityMismatch, match="不含居住证"):
        submit(panzhihua, "resident-enrollment", person_account(number), data=data)
    submit(dazhou, "resident-enrollment", person_account(), data=data)  # 达州 lists 居住证


# ---------------------------------------------------------------- resident-enrollment


def test_a_parent_enrols_a_child_as_a_resident_then_suspends_and_resumes(dazhou, person_account, submit, staff, run):
    child = f.id_number(born=datetime.date(2020, 3, 3))
    parent = person_account()
    case = submit(dazhou, "resident-enrollment", parent, data={"person": person_data(child, "小明")})
    case, effect = run(case)
    enrollment = Enrollment.objects.get(person__id_number=child)
    assert (enrollment.scheme, enrollment.status, effect["sub_type"]) == (Scheme.RESIDENT, "active", "新参保")
    with pytest.raises(AlreadyEnrolled):
        submit(dazhou, "resident-enrollment", parent, data={"person": person_data(child, "小明")})
    run(submit(dazhou, "resident-enrollment", parent, conditions={"sub_type": "暂停"},
               data={"person": person_data(child, "小明")}))
    run(submit(dazhou, "resident-enrollment", parent, conditions={"sub_type": "恢复"},
               data={"person": person_data(child, "小明")}))
    assert [c.kind for c in enrollment.changes.all()] == ["enrol", "suspend", "resume"]


def test_an_employee_cannot_enrol_as_a_resident(dazhou, person_account, submit):
    person = _enrolled(dazhou, f.employer(dazhou))
    with pytest.raises(AlreadyEnrolled, match="已参加职工基本医疗保险"):
        submit(dazhou, "resident-enrollment", person_account(), data={"person": person_data(person.id_number, "张三")})


def test_a_known_number_under_another_name_is_refused(dazhou, person_account, submit, run):
    person = f.person(dazhou, name="张三")
    case = submit(dazhou, "resident-enrollment", person_account(), data={"person": person_data(person.id_number, "张山")})
    with pytest.raises(IdentityMismatch, match="姓名与登记信息不一致"):
        run(case)


# ---------------------------------------------------------------- information changes


def test_a_key_change_of_a_person_needs_evidence_and_keeps_the_history(dazhou, person_account, submit, run, staff):
    person = _enrolled(dazhou, scheme=Scheme.RESIDENT)
    me = person_account(person.id_number, person.name)
    case = submit(dazhou, "resident-info-change", me, data={"changes": {"name": "张叁"}})
    assert [e.name for e in checklist(case) if e.missing] == ["必要的对应辅助材料"]
    with pytest.raises(MaterialsIncomplete, match="必要的对应辅助材料"):
        run(case)
    actions.request_correction(case, staff["dazhou"], channel=W)
    actions.resubmit_case(case, me.user, channel="portal", materials=["3"])
    case, effect = run(case)
    person.refresh_from_db()
    row = FieldChange.objects.get(person=person)
    assert person.name == "张叁" and (row.old_value, row.new_value, row.key) == ("张三", "张叁", True)
    assert row.evidence == "必要的对应辅助材料" and row.case == case and effect["key"] == ["姓名"]


def test_a_change_of_a_field_that_is_not_key_needs_no_evidence(dazhou, person_account, submit, run):
    # The name is key; the 证件类型 alone (户口簿 carries the same number) is not.
    person = _enrolled(dazhou, scheme=Scheme.RESIDENT)
    me = person_account(person.id_number, person.name)
    case = submit(dazhou, "resident-info-change", me, data={"changes": {"id_type": "household"}})
    assert not [e for e in checklist(case) if e.missing]
    run(case)
    assert FieldChange.objects.get(person=person).key is False


def test_employee_info_change_by_the_unit_for_its_employee_and_the_birth_date_must_match_the_number(
        dazhou, unit, submit, run):
    account, employer = unit
    person = _enrolled(dazhou, employer)
    case = submit(dazhou, "employee-info-change", account, materials=["1", "2", "3"],
                  data={"id_number": person.id_number, "changes": {"birth_date": "1970-01-01"}})
    with pytest.raises(IdentityMismatch, match="出生日期与证件号码不一致"):
        run(case)
    with pytest.raises(NotEnrolled):
        submit(dazhou, "resident-info-change", account, data={"id_number": person.id_number, "changes": {"name": "甲"}})


def test_unit_key_fields_differ_by_region(dazhou, panzhihua, unit_account, submit, run):
    # 达州: 统一社会信用代码 and 法定代表人 are key, the bank account is not; 攀枝花: the bank account is.
    for region, key in ((dazhou, False), (panzhihua, True)):
        account = unit_account()
        employer = f.employer(region, uscc=account.id_number)
        case = submit(region, "unit-info-change", account, data={"changes": {"bank_account": "6222000011112222"}})
        assert bool([e for e in checklist(case) if e.missing]) is key
        if key:
            case = submit(region, "unit-info-change", account, materials=["1", "2"],
                          data={"changes": {"bank_account": "6222000011112222"}})
        run(case)
        row = FieldChange.objects.get(employer=employer)
        assert (row.field, row.key, row.new_value) == ("bank_account", key, "6222000011112222")
        assert bool(row.evidence) is key


# ---------------------------------------------------------------- phone-change


def test_phone_change_is_instant_and_keeps_the_old_number(dazhou, person_account, submit, staff):
    person = _enrolled(dazhou)
    me = person_account(person.id_number, person.name)
    case = submit(dazhou, "phone-change", me, data={"phone": "13912345678"})
    case = actions.run_instant(case, staff["dazhou"], channel=W)
    assert [e.action for e in case.events.all()] == ["submit", "accept", "complete"]  # no 审核 in the guide
    person.refresh_from_db()
    assert person.phone == "13912345678" and PersonPhone.objects.get(person=person).case == case
    with pytest.raises(Exception, match="无需变更"):
        submit(dazhou, "phone-change", me, data={"phone": "13912345678"})
    with pytest.raises(InvalidCaseData):
        submit(dazhou, "phone-change", me, data={"phone": "12345"})
