"""Material checklist, 一次性告知 and 容缺受理."""
import pytest
from django.utils import timezone

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.checklist import checklist, missing
from yibao.cases.exceptions import (
    CommitmentNotAllowed,
    EmptyCorrection,
    MaterialsIncomplete,
    OwedMaterialsOutstanding,
    RepeatedCorrection,
    UnknownMaterial,
)
from yibao.cases.models import Case, DeferralRule, NoticeKind
from yibao.core.models import Channel
from yibao.workdays.calendar import current, due_date

W = Channel.WINDOW

EMPLOYEE = [
    ("《职工基本医疗保险参保登记表》（加盖单位公章）、参保人员有效身份证件复印件", "在职职工", False),
    ("《职工基本医疗保险参保登记表》、有效身份证件", "灵活就业人员", False),
    ("港澳居民来往内地通行证或港澳台居民居住证、建立劳动关系的证明", "港澳台人员", False),
    ("委托人及代理人身份证件原件", "委托办理", False),
]


@pytest.fixture
def employee(city):
    return f.item(city, "employee-enrollment", materials=EMPLOYEE, limits=[("在职职工", 3), ("灵活就业人员", 0)])


@pytest.fixture
def reimbursement(city):
    return f.item(city, "outpatient-reimbursement", stages=f.PAYMENT, limits=[("", 30)], materials=[
        ("有效身份证件", "", False),
        ("医院收费票据", "", False),
        ("门急诊费用清单", "", False),
        ("处方底方", "", False),
        ("急诊诊断证明", "急诊", True),
    ])


def names(entries):
    return [e.name for e in entries]


def test_checklist_follows_applicant_kind_agent_and_special_group(employee, submit):
    worker = submit(employee, materials=[], conditions={"applicant_kind": "在职职工"})
    assert names(checklist(worker)) == [EMPLOYEE[0][0]]
    flexible = submit(employee, materials=[], conditions={"applicant_kind": "灵活就业人员"})
    assert names(checklist(flexible)) == [EMPLOYEE[1][0]]
    agent = f.applicant(name="王五")
    hk = submit(employee, materials=[], agent=agent,
                conditions={"applicant_kind": "在职职工", "special_groups": ["港澳台人员"]})
    assert names(checklist(hk)) == [EMPLOYEE[0][0], EMPLOYEE[2][0], EMPLOYEE[3][0]]
    assert hk.conditions["agent"] is True and hk.agent == agent


def test_commitment_only_where_the_guide_allows_it(reimbursement, submit):
    case = submit(reimbursement, materials={"1": "document", "2": "document", "3": "document", "4": "document",
                                            "5": "commitment"}, conditions={"sub_type": "急诊"})
    assert case.conditions["commitments"] == ["5"]
    assert not missing(checklist(case))
    with pytest.raises(CommitmentNotAllowed, match="不能以个人承诺书代替"):
        submit(reimbursement, materials={"2": "commitment"})
    with pytest.raises(UnknownMaterial):
        submit(reimbursement, materials=["9"])


def test_accept_refuses_while_materials_are_missing(reimbursement, submit, clerk):
    case = submit(reimbursement, materials=["1", "2"])
    with pytest.raises(MaterialsIncomplete, match="门急诊费用清单、处方底方"):
        actions.accept_case(case, clerk, channel=W)
    case.refresh_from_db()
    assert case.state == "submitted" and case.events.count() == 1


def test_correction_notice_names_every_missing_and_defective_material_at_once(reimbursement, submit, clerk,
                                                                              person):
    case = submit(reimbursement, materials=["1", "2"])
    case = actions.request_correction(case, clerk, channel=W,
                                      defects=[{"key": "2", "problem": "票据未盖鲜章"}])
    assert case.state == "correction_requested"
    notice = case.notices.get(kind=NoticeKind.CORRECTION)
    items = notice.content["items"]
    assert [(i["name"], i["problem"]) for i in items] == [
        ("医院收费票据", "票据未盖鲜章"), ("门急诊费用清单", "未提交"), ("处方底方", "未提交"),
    ]
    expected_due = due_date(timezone.localdate(), 5).date.isoformat()
    assert all(i["how"] and i["due"] == expected_due for i in items)
    assert notice.content["supply_by"] == expected_due
    # the defective material counts as not supplied until it comes again
    assert "2" not in case.materials

    # resubmitting without everything named is refused; with everything, back to 已提交
    with pytest.raises(MaterialsIncomplete, match="处方底方"):
        actions.resubmit_case(case, person.user, channel=Channel.PORTAL, materials=["2", "3"])
    case = actions.resubmit_case(case, person.user, channel=Channel.PORTAL, materials=["2", "3", "4"])
    assert case.state == "submitted" and case.round == 2
    case = actions.accept_case(case, clerk, channel=W)
    assert case.state == "accepted"


def test_a_second_notice_may_not_name_what_the_first_could_have(reimbursement, submit, clerk, person):
    case = submit(reimbursement, materials=["1", "2", "3"])
    actions.request_correction(case, clerk, channel=W)  # names 处方底方 only
    case = actions.resubmit_case(case, person.user, channel=W, materials=["4"])
    with pytest.raises(RepeatedCorrection, match="医院收费票据在上次告知时即可指出"):
        actions.request_correction(case, clerk, channel=W, defects=[{"key": "2", "problem": "金额涂改"}])
    case.refresh_from_db()
    assert case.state == "submitted" and case.notices.filter(kind=NoticeKind.CORRECTION).count() == 1
    # the material supplied since the first notice is new: it may be named
    case = actions.request_correction(case, clerk, channel=W, defects=[{"key": "4", "problem": "处方无医师签名"}])
    assert case.state == "correction_requested"
    assert [i["name"] for i in case.notices.filter(kind=NoticeKind.CORRECTION).last().content["items"]] == ["处方底方"]


def test_a_material_that_comes_to_apply_later_may_be_named(reimbursement, submit, clerk, person):
    case = submit(reimbursement, materials=["1", "2", "3"])
    actions.request_correction(case, clerk, channel=W)
    case = actions.resubmit_case(case, person.user, channel=W, materials=["4"], conditions={"sub_type": "急诊"})
    case = actions.request_correction(case, clerk, channel=W)
    assert [i["name"] for i in case.notices.last().content["items"]] == ["急诊诊断证明"]


def test_nothing_to_correct_is_refused(reimbursement, submit, clerk):
    case = submit(reimbursement, materials=["1", "2", "3", "4"])
    with pytest.raises(EmptyCorrection):
        actions.request_correction(case, clerk, channel=W)


def test_correction_during_review_returns_to_review_and_does_not_count_against_the_limit(
    reimbursement, submit, clerk, reviewer, person
):
    case = actions.accept_case(submit(reimbursement, materials=["1", "2", "3", "4"]), clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    due_before = case.due_date
    case = actions.request_correction(case, clerk, channel=W, defects=[{"key": "3", "problem": "清单与票据不符"}])
    assert case.resume_state == "under_review" and case.paused_on == timezone.localdate()
    case = actions.resubmit_case(case, person.user, channel=W, materials=["3"])
    assert case.state == "under_review"
    assert case.due_date == due_before  # resubmitted the same day: nothing to add
    assert [e for e in case.events.values_list("to_state", flat=True)][-2:] == ["correction_requested", "under_review"]


def test_deferred_material_is_owed_at_acceptance_and_approval_waits(reimbursement, submit, clerk, reviewer, person):
    DeferralRule.objects.create(item_code="outpatient-reimbursement", material="处方底方", working_days=5)
    case = submit(reimbursement, materials=["1", "2", "3"])
    case = actions.accept_case(case, clerk, channel=W)
    due = due_date(timezone.localdate(), 5).date.isoformat()
    assert case.owed == [{"key": "4", "name": "处方底方", "due": due}]
    receipt = case.notices.get(kind=NoticeKind.RECEIPT)
    assert receipt.content["owed_materials"][0]["name"] == "处方底方" and receipt.content["owed_materials"][0]["due"] == due
    actions.start_review(case, reviewer, channel=W)
    with pytest.raises(OwedMaterialsOutstanding, match="处方底方"):
        actions.approve_case(case, reviewer, channel=W, amount="10")
    case = actions.supply_materials(case, person.user, channel=Channel.PORTAL, materials=["4"])
    assert case.owed == [] and case.events.last().action == "supply"
    assert actions.approve_case(case, reviewer, channel=W, amount="10").state == "approved"


def test_deferral_rule_of_another_item_does_not_apply(reimbursement, submit, clerk):
    DeferralRule.objects.create(item_code="inpatient-reimbursement", material="处方底方")
    with pytest.raises(MaterialsIncomplete):
        actions.accept_case(submit(reimbursement, materials=["1", "2", "3"]), clerk, channel=W)


def test_days_waiting_for_a_correction_after_acceptance_extend_the_due_date(reimbursement, submit, clerk, person):
    case = actions.accept_case(submit(reimbursement, materials=["1", "2", "3", "4"]), clerk, channel=W)
    case = actions.request_correction(case, clerk, channel=W, defects=[{"key": "3", "problem": "清单缺页"}])
    # the notice went out three working days ago (set on the row: the clock of the test is today)
    calendar, asked = current(), timezone.localdate()
    for _ in range(3):
        asked -= timezone.timedelta(days=1)
        while not calendar.is_working_day(asked):
            asked -= timezone.timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(paused_on=asked)
    case = actions.resubmit_case(case, person.user, channel=W, materials=["3"])
    paused = calendar.working_days_between(asked, timezone.localdate())  # 3, or 2 when run on a day off
    assert case.state == "accepted" and case.paused_days == paused >= 2
    assert case.due_date == due_date(case.accepted_on, 30 + paused).date
    assert case.events.last().payload["due_date"][1] == case.due_date.isoformat()
