"""基本医疗保险关系转移接续 between two regions of the deployment and to and from outside it:
the out case issues the 信息表 into the in side's queue, each side with its own deadline, the
enrolment ends there and starts here, the account balance and the contribution years follow."""
import datetime
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.enrollment import factories as ef
from yibao.accounts.exceptions import InvalidSheet, TransferError
from yibao.accounts.models import PersonalAccount, TransferSheet
from yibao.cases import actions
from yibao.cases.exceptions import InvalidCaseData
from yibao.cases.models import Case
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.contributions.models import ContributionPeriod, PeriodSource, contribution_months
from yibao.enrollment.exceptions import AlreadyEnrolled, EmployerNotActive, NotEnrolled
from yibao.enrollment.models import Enrollment, EnrollmentStatus, Person
from yibao.workdays.calendar import due_date

CODE = "relation-transfer"
W = Channel.WINDOW
OUT = {"sub_type": "关系转出"}


def history(person, region, months=75):
    ContributionPeriod.objects.create(person=person, region=region, source=PeriodSource.RECORDED, months=months,
                                      origin="系统上线前缴费记录")


def in_case_of(out_case):
    return Case.objects.get(receipt_no=out_case.events.last().payload["effect"]["in_case"])


def review_and_complete(case, team):
    actions.start_review(case, team.reviewer, channel=W)
    actions.approve_case(case, team.reviewer, channel=W)
    case = actions.complete_case(case, team.clerk, channel=W)
    return case, case.events.last().payload["effect"]


def test_panzhihua_to_dazhou_out_in_ten_days_in_with_the_item_limit(panzhihua, dazhou, insured, submit, staff):
    ins = insured(panzhihua, balance="1234.56")
    history(ins.person, panzhihua)
    with pytest.raises(InvalidCaseData, match="关系转出"):  # 攀枝花 splits its limit: the case must say which part
        submit(panzhihua, CODE, ins.applicant, data={"to_region": "达州市"})
    case = submit(panzhihua, CODE, ins.applicant, conditions=OUT, data={"to_region": "达州市"})
    case = actions.accept_case(case, staff["panzhihua"].clerk, channel=W)
    today = timezone.localdate()
    assert (case.limit_days, case.due_date) == (10, due_date(today, 10).date)  # 转出: 10 working days
    case, effect = review_and_complete(case, staff["panzhihua"])
    sheet = TransferSheet.objects.get(out_case=case)
    assert (effect["sheet"], effect["to"], effect["months"], effect["account_balance"]) == (
        sheet.sheet_no, "达州市", 75, "1234.56")
    # the out side: enrolment ended, balance moved out
    out_enrollment = Enrollment.objects.get(person=ins.person, region=panzhihua)
    assert out_enrollment.status == EnrollmentStatus.ENDED
    assert out_enrollment.changes.last().reason == "关系转出至达州市"
    assert PersonalAccount.objects.get(person=ins.person, region=panzhihua).balance() == Decimal("0.00")
    # the in side: a case in 达州's queue, opened and accepted by the system on receipt
    in_case = in_case_of(case)
    assert (in_case.region, in_case.state, in_case.accepted_on, in_case.applicant) == (
        dazhou, "accepted", today, ins.applicant)
    assert (in_case.limit_days, in_case.due_date) == (20, due_date(today, 20).date)  # 达州 names no 转入 part
    assert list(in_case.events.values_list("action", "actor_role")) == [("submit", "系统"), ("accept", "系统")]
    in_case, in_effect = review_and_complete(in_case, staff["dazhou"])
    enrollment = Enrollment.objects.get(person=ins.person, region=dazhou)
    assert (enrollment.status, enrollment.scheme) == (EnrollmentStatus.ACTIVE, "employee")
    ins.person.refresh_from_db()
    assert ins.person.region == dazhou  # 参保地 follows the relation
    assert PersonalAccount.objects.get(person=ins.person, region=dazhou).balance() == Decimal("1234.56")
    # the years carry over: the shared register still counts them, once
    assert contribution_months(ins.person) == 75 and in_effect["months"] == 75


def test_dazhou_to_panzhihua_in_within_five_days_of_receipt(panzhihua, dazhou, insured, submit, staff):
    ins = insured(dazhou, balance="")
    with pytest.raises(EmployerNotActive, match="正常参保单位"):  # the new employer must be registered there
        submit(dazhou, CODE, ins.applicant, data={"to_region": "panzhihua", "employer_uscc": ef.uscc_code()})
    employer = ef.employer(panzhihua)
    case = submit(dazhou, CODE, ins.applicant, data={"to_region": "panzhihua", "employer_uscc": employer.uscc})
    case = actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    today = timezone.localdate()
    assert (case.limit_days, case.due_date) == (20, due_date(today, 20).date)
    case, effect = review_and_complete(case, staff["dazhou"])
    in_case = in_case_of(case)
    assert in_case.region == panzhihua and in_case.conditions["sub_type"] == "关系转入"
    assert (in_case.limit_days, in_case.due_date) == (5, due_date(today, 5).date)  # 转入: 5 after receipt
    assert effect["in_due"] == in_case.due_date.isoformat()
    assert in_case.materials == {} and in_case.owed == []  # the 信息表 is its material
    review_and_complete(in_case, staff["panzhihua"])
    enrollment = Enrollment.objects.get(person=ins.person, region=panzhihua)
    assert (enrollment.status, enrollment.employer) == (EnrollmentStatus.ACTIVE, employer)  # 在职职工 there
    assert not PersonalAccount.objects.filter(person=ins.person, region=panzhihua).exists()  # nothing to credit


def test_transfer_in_for_a_person_already_active_there_is_refused(panzhihua, dazhou, insured, submit, staff):
    ins = insured(dazhou)
    case = submit(dazhou, CODE, ins.applicant, data={"to_region": "攀枝花市"})
    actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    case, _ = review_and_complete(case, staff["dazhou"])
    in_case = in_case_of(case)
    # meanwhile a 攀枝花 employer enrolled the person
    registers.enrol(ins.person, "employee", employer=ef.employer(panzhihua), region=panzhihua,
                    on=timezone.localdate(), actor=None, channel=Channel.SYSTEM)
    actions.start_review(in_case, staff["panzhihua"].reviewer, channel=W)
    with pytest.raises(AlreadyEnrolled, match="不能重复参保"):
        actions.approve_case(in_case, staff["panzhihua"].reviewer, channel=W)
    in_case = actions.deny_case(in_case, staff["panzhihua"].reviewer, channel=W, reason="已在本地参保")
    assert in_case.state == "denied"


def test_out_refusals(panzhihua, dazhou, insured, submit):
    ins = insured(dazhou)
    with pytest.raises(TransferError, match="相同"):
        submit(dazhou, CODE, ins.applicant, data={"to_region": "dazhou"})
    with pytest.raises(TransferError, match="没有统筹地区"):
        submit(dazhou, CODE, ins.applicant, data={"to_region": "火星"})
    with pytest.raises(TransferError, match="本系统内"):
        submit(dazhou, CODE, ins.applicant, data={"to_outside": "攀枝花市"})
    with pytest.raises(InvalidCaseData) as refused:
        submit(dazhou, CODE, ins.applicant, data={"to_region": "panzhihua", "to_outside": "重庆市"})
    assert "二者选一" in refused.value.details["errors"][0]["message"]
    with pytest.raises(NotEnrolled, match="未在攀枝花市参加"):
        submit(panzhihua, CODE, ins.applicant, conditions=OUT, data={"to_region": "dazhou"})
    with pytest.raises(InvalidCaseData, match="由系统"):  # nobody files a 转入 case by hand
        submit(dazhou, CODE, ins.applicant, conditions={"sub_type": "关系转入"}, data={"sheet_no": "XXB-1"})


def test_to_and_from_outside_the_deployment_by_file(panzhihua, dazhou, insured, submit, staff, tmp_path, capsys):
    ins = insured(dazhou, balance="300")
    history(ins.person, dazhou, months=30)
    case = submit(dazhou, CODE, ins.applicant, data={"to_outside": "重庆市"})
    actions.accept_case(case, staff["dazhou"].clerk, channel=W)
    case, effect = review_and_complete(case, staff["dazhou"])
    assert effect["in_case"] is None and effect["export"] == f"yibao transfer export {case.receipt_no}"
    out = tmp_path / "sheet.json"
    call_command("transfer", "export", case.receipt_no, "-o", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["format"] == "yibao.transfer-sheet" and exported["to_region"] == "重庆市"
    assert exported["account_balance"] == "300.00" and sum(p["months"] for p in exported["periods"]) == 30
    # a sheet from 重庆 for someone the deployment has never seen, received by 攀枝花
    newcomer = ef.id_number(born=datetime.date(1985, 5, 5))
    exported.update(sheet_no="CQ-2026-0001", from_region="重庆市", to_region="攀枝花市",
                    periods=[{"source": "重庆市职工医保", "months": 96}], account_balance="812.40")
    exported["person"].update(id_number=newcomer, name="周八", sex="M" if int(newcomer[16]) % 2 else "F",
                              birth_date="1985-05-05", phone="13912345678")
    incoming = tmp_path / "cq.json"
    incoming.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    call_command("transfer", "import", str(incoming))
    assert "已生成转入办件" in capsys.readouterr().out
    sheet = TransferSheet.objects.get(sheet_no="CQ-2026-0001")
    assert sheet.imported and sheet.to_region == panzhihua
    in_case = Case.objects.get(data__sheet_no="CQ-2026-0001")
    assert (in_case.region, in_case.limit_days, in_case.due_date) == (
        panzhihua, 5, due_date(timezone.localdate(), 5).date)
    _, in_effect = review_and_complete(in_case, staff["panzhihua"])
    person = Person.objects.get(id_number=newcomer)
    assert Enrollment.objects.get(person=person).region == panzhihua
    periods = ContributionPeriod.objects.filter(person=person)
    assert [(p.source, p.months, p.region) for p in periods] == [(PeriodSource.TRANSFER_IN, 96, panzhihua)]
    assert contribution_months(person) == 96
    assert PersonalAccount.objects.get(person=person, region=panzhihua).balance() == Decimal("812.40")
    with pytest.raises(CommandError, match="已导入"):
        call_command("transfer", "import", str(incoming))
    incoming.write_text('{"format": "yibao.transfer-sheet", "version": 1}', encoding="utf-8")
    with pytest.raises(CommandError, match="不符合格式"):
        call_command("transfer", "import", str(incoming), "--region", "panzhihua")
    with pytest.raises(InvalidSheet):
        from yibao.accounts.sheet_file import SheetFile
        SheetFile.read("not json")
