"""单位参保登记 through the engine: 新参保, 暂停参保, 注销登记, 拆分, 合并, 分立, with their documents."""
import pytest

from tests.enrollment import factories as f
from yibao.cases import actions
from yibao.cases.exceptions import InvalidCaseData, MaterialsIncomplete
from yibao.core.models import AuditEntry
from yibao.enrollment.exceptions import (
    EmployerAlreadyRegistered,
    EmployerHasActiveEmployees,
    NotTheApplicantsRecord,
    SubTypeNotOffered,
)
from yibao.enrollment.models import (
    ChangeKind,
    Employer,
    EmployerLink,
    EmployerStatus,
    Enrollment,
    EnrollmentStatus,
    Scheme,
)

W = "window"


def unit_data(uscc, **kw):
    return {"uscc": uscc, "name": "达州市测试有限公司", "kind": "企业", "legal_representative": "王五",
            "bank_name": "工商银行", "bank_account": "6222020200112233445", **kw}


def test_new_unit_registered_on_completion_with_its_particulars(dazhou, unit_account, submit, run):
    account = unit_account()
    case = submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "新参保"},
                  data={"employer": unit_data(account.id_number, collection_agency="人社")})
    assert Employer.objects.count() == 0  # nothing changes before 办结
    case, effect = run(case)
    employer = Employer.objects.get(uscc=account.id_number)
    assert (employer.region, employer.kind, employer.collection_agency, employer.status) == (
        dazhou, "enterprise", "hrss", EmployerStatus.ACTIVE)
    assert employer.masked_bank_account.endswith("3445") and "6222" not in employer.masked_bank_account
    assert effect == {"effect": True, "employer": account.id_number, "status": "active", "sub_type": "新参保"}
    assert AuditEntry.objects.filter(action="单位参保登记", summary__startswith=case.receipt_no).exists()


def test_bad_uscc_check_digit_is_refused_at_submission(dazhou, unit_account, submit):
    account = unit_account()
    wrong = account.id_number[:-1] + ("0" if account.id_number[-1] != "0" else "1")
    with pytest.raises(InvalidCaseData) as exc:
        submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "新参保"}, data={"employer": unit_data(wrong)})
    assert "校验位" in str(exc.value.details["errors"])


def test_registering_twice_and_registering_another_unit_are_refused(dazhou, unit_account, submit, run):
    account = unit_account()
    run(submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "新参保"},
               data={"employer": unit_data(account.id_number)}))
    with pytest.raises(EmployerAlreadyRegistered):
        submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "新参保"},
               data={"employer": unit_data(account.id_number)})
    other = unit_account()
    with pytest.raises(Exception, match="不一致"):
        submit(dazhou, "unit-enrollment", other, conditions={"sub_type": "新参保"},
               data={"employer": unit_data(account.id_number)})


def test_a_person_cannot_register_a_unit(dazhou, person_account, submit):
    with pytest.raises(NotTheApplicantsRecord):
        submit(dazhou, "unit-enrollment", person_account(), conditions={"sub_type": "新参保"},
               data={"employer": unit_data(f.uscc_code())})


def test_cancellation_needs_its_document_and_is_refused_while_employees_are_enrolled(dazhou, unit_account, submit,
                                                                                       run):
    account = unit_account()
    employer = f.employer(dazhou, uscc=account.id_number)
    enrollment = Enrollment.objects.create(person=f.person(dazhou), scheme=Scheme.EMPLOYEE, employer=employer,
                                           region=dazhou, start_on=employer.registered_on)
    with pytest.raises(EmployerHasActiveEmployees, match="尚有1名在册职工"):
        submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "注销登记"}, data={})
    enrollment.status = EnrollmentStatus.ENDED
    enrollment.end_on = employer.registered_on
    enrollment.save()
    # 达州 asks for the 注销证明 (material 4) only for a cancellation.
    case = submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "注销登记"}, data={},
                  materials=["1", "2"])
    with pytest.raises(MaterialsIncomplete, match="注销证明"):
        run(case)
    actions.request_correction(case, _clerk(case), channel=W)
    actions.resubmit_case(case, account.user, channel="portal", materials=["4"])
    case, effect = run(case)
    assert effect["status"] == "cancelled"
    assert Employer.objects.get(pk=employer.pk).status == EmployerStatus.CANCELLED


def _clerk(case):
    from yibao.people.models import StaffProfile

    return StaffProfile.objects.filter(region=case.region).first().user


def test_suspension_suspends_the_contributing_employees_and_a_new_registration_restores_them(
        dazhou, unit_account, submit, run):
    account = unit_account()
    employer = f.employer(dazhou, uscc=account.id_number)
    enrollment = Enrollment.objects.create(person=f.person(dazhou), scheme=Scheme.EMPLOYEE, employer=employer,
                                           region=dazhou, start_on=employer.registered_on)
    run(submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "暂停参保"}, data={}))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.SUSPENDED
    assert enrollment.changes.get().reason == "单位暂停参保"
    run(submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "新参保"},
               data={"employer": unit_data(account.id_number)}))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
    assert [c.kind for c in enrollment.changes.all()] == [ChangeKind.SUSPEND, ChangeKind.RESUME]


def test_split_moves_the_listed_employees_and_keeps_the_lineage(dazhou, unit_account, submit, run):
    account = unit_account()
    source = f.employer(dazhou, uscc=account.id_number)
    stay, go = f.person(dazhou), f.person(dazhou)
    for p in (stay, go):
        Enrollment.objects.create(person=p, scheme=Scheme.EMPLOYEE, employer=source, region=dazhou,
                                  start_on=source.registered_on)
    new_uscc = f.uscc_code()
    case = submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "拆分"}, materials=["1", "2", "3"],
                  data={"successors": [unit_data(new_uscc, name="新公司", employees=[go.id_number])]})
    case, effect = run(case)
    new = Employer.objects.get(uscc=new_uscc)
    assert effect["employees_moved"] == 1 and effect["successors"] == [new_uscc]
    assert Employer.objects.get(pk=source.pk).status == EmployerStatus.ACTIVE
    assert EmployerLink.objects.get().kind == "split" and new.predecessor_links.get().predecessor == source
    assert Enrollment.objects.get(person=go, status="active").employer == new
    assert Enrollment.objects.get(person=stay, status="active").employer == source


def test_division_refuses_to_leave_employees_behind_then_cancels_the_source(dazhou, unit_account, submit, run):
    account = unit_account()
    source = f.employer(dazhou, uscc=account.id_number)
    a, b = f.person(dazhou), f.person(dazhou)
    for p in (a, b):
        Enrollment.objects.create(person=p, scheme=Scheme.EMPLOYEE, employer=source, region=dazhou,
                                  start_on=source.registered_on)
    u1, u2 = f.uscc_code(), f.uscc_code()
    partial = {"successors": [unit_data(u1, employees=[a.id_number]), unit_data(u2)]}
    case = submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "分立"}, materials=["1", "2", "3"],
                  data=partial)
    with pytest.raises(EmployerHasActiveEmployees, match="1名在册职工未分配"):
        run(case)
    case = submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "分立"}, materials=["1", "2", "3"],
                  data={"successors": [unit_data(u1, employees=[a.id_number]),
                                       unit_data(u2, employees=[b.id_number])]})
    run(case)
    assert Employer.objects.get(pk=source.pk).status == EmployerStatus.CANCELLED
    assert {e.employer.uscc for e in Enrollment.objects.filter(status="active")} == {u1, u2}


def test_merge_moves_every_employee_and_cancels_the_merged_unit(dazhou, unit_account, submit, run):
    account = unit_account()
    target = f.employer(dazhou, uscc=account.id_number)
    merged = f.employer(dazhou)
    person = f.person(dazhou)
    Enrollment.objects.create(person=person, scheme=Scheme.EMPLOYEE, employer=merged, region=dazhou,
                              start_on=merged.registered_on)
    run(submit(dazhou, "unit-enrollment", account, conditions={"sub_type": "合并"}, materials=["1", "2", "3"],
               data={"merge_from": [merged.uscc]}))
    assert Employer.objects.get(pk=merged.pk).status == EmployerStatus.CANCELLED
    assert Enrollment.objects.get(person=person, status="active").employer == target
    assert EmployerLink.objects.get(kind="merge").successor == target


def test_panzhihua_offers_no_split_merge_or_division(panzhihua, unit_account, submit):
    account = unit_account()
    f.employer(panzhihua, uscc=account.id_number)
    for sub_type in ("拆分", "合并", "分立"):
        with pytest.raises(SubTypeNotOffered) as exc:
            submit(panzhihua, "unit-enrollment", account, conditions={"sub_type": sub_type}, data={})
        assert exc.value.details["offered"] == ["新参保", "暂停参保", "注销登记"]
