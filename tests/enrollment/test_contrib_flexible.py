"""灵活就业人员缴纳职工医疗保险费 (即时办结: 出具缴费通知单) and the policy parameters it is
computed with, as they stood on the case's relevant date."""
import datetime
from decimal import Decimal

import pytest

from tests.enrollment import factories as f
from tests.enrollment.contrib_support import employee, flexible_worker, sample, sample_parameters, today  # noqa: F401
from yibao.cases import actions
from yibao.core.models import AuditEntry
from yibao.contributions.actions import cancel_notice, pay_notice
from yibao.contributions.exceptions import BaseOutOfBounds, MonthsAlreadyAssessed, NotFlexibleWorker
from yibao.contributions.models import Assessment, NoticeState, PaymentNotice, contribution_months
from yibao.enrollment.exceptions import ParametersMissing
from yibao.enrollment.models import SAMPLE_LABEL, PolicyParameters

W = "window"
CODE = "flexible-contribution"


def months(year, first, last):
    return {"from_month": f"{year}-{first:02d}", "to_month": f"{year}-{last:02d}"}


@pytest.fixture
def worker(dazhou, person_account, sample_parameters):
    account = person_account(name="刘灵活")
    return account, flexible_worker(dazhou, account)


def test_a_flexible_worker_gets_a_payment_notice_at_the_floor_and_paying_it_counts_the_months(
        dazhou, worker, submit, staff, today):
    account, person = worker
    case = submit(dazhou, CODE, account, data={**months(today.year, 1, 3), "bank_account": "6222 0202 0011 2233"})
    case = actions.run_instant(case, staff["dazhou"], channel=W)
    assert case.state == "completed"
    notice = PaymentNotice.objects.get(person=person)
    floor, rate = sample("flexible_base_floor"), sample("flexible_rate")
    assert notice.total == (floor * rate).quantize(Decimal("0.01")) * 3 == Decimal("960.00")
    assert (notice.period_from, notice.period_to) == (datetime.date(today.year, 1, 1), datetime.date(today.year, 3, 1))
    assert notice.parameters_label == SAMPLE_LABEL and notice.state == NoticeState.ISSUED
    assert notice.due_on == today + datetime.timedelta(days=sample("notice_due_days"))
    rows = list(Assessment.objects.filter(person=person).order_by("month"))
    assert [(a.month.month, a.base, a.personal_amount, a.employer_amount, a.employer_id) for a in rows] == [
        (m, floor, Decimal("320.00"), Decimal("0.00"), None) for m in (1, 2, 3)]
    effect = case.events.get(action="complete").payload["effect"]
    assert effect["notice"] == notice.number and SAMPLE_LABEL in effect["summary"]
    assert AuditEntry.objects.filter(action="出具缴费通知单", object_id=str(notice.pk)).exists()

    assert contribution_months(person) == 0  # owed, not paid
    pay_notice(notice, paid_on=today, reference="银行流水001", actor=None, channel="system")
    assert contribution_months(person) == 3
    assert set(Assessment.objects.filter(person=person).values_list("state", flat=True)) == {"paid"}


def test_a_chosen_base_within_the_bounds_is_used_and_one_under_the_floor_is_refused(
        dazhou, worker, submit, staff, today):
    account, person = worker
    with pytest.raises(BaseOutOfBounds, match="不在缴费基数下限4000.00元至上限20000.00元之间"):
        submit(dazhou, CODE, account, data={**months(today.year, 1, 1), "base": "3000"})
    with pytest.raises(BaseOutOfBounds):
        submit(dazhou, CODE, account, data={**months(today.year, 1, 1), "base": "20000.01"})
    case = actions.run_instant(submit(dazhou, CODE, account, data={**months(today.year, 1, 2), "base": "6000"}),
                               staff["dazhou"], channel=W)
    assert PaymentNotice.objects.get(case=case).total == Decimal("960.00")  # 6000 × 8% × 2


def test_months_already_owed_are_not_demanded_twice_until_their_notice_is_cancelled(
        dazhou, worker, submit, staff, today):
    account, person = worker
    first = actions.run_instant(submit(dazhou, CODE, account, data=months(today.year, 1, 2)), staff["dazhou"], channel=W)
    with pytest.raises(MonthsAlreadyAssessed, match=f"{today.year}年2月"):
        submit(dazhou, CODE, account, data=months(today.year, 2, 3))
    cancel_notice(PaymentNotice.objects.get(case=first), reason="申请人改选缴费月份", actor=None, channel="system")
    actions.run_instant(submit(dazhou, CODE, account, data=months(today.year, 2, 3)), staff["dazhou"], channel=W)
    assert Assessment.objects.filter(person=person, state="assessed").count() == 2


def test_only_a_flexible_worker_with_an_active_enrolment_may_apply(dazhou, person_account, submit, sample_parameters,
                                                                    today):
    account = person_account()
    employee(dazhou, f.employer(dazhou), id_number=account.id_number)
    with pytest.raises(NotFlexibleWorker, match="未以灵活就业人员身份参加职工基本医疗保险"):
        submit(dazhou, CODE, account, data=months(today.year, 1, 1))


def test_parameters_apply_as_they_stood_when_the_case_was_submitted(dazhou, worker, submit, staff, today, admin_client):
    """A version recorded after submission never changes the case, even one dated before it;
    the next case gets it. Versions in force are read-only in the admin."""
    account, person = worker
    early = submit(dazhou, CODE, account, data=months(today.year, 1, 2))
    response = admin_client.post("/admin/enrollment/policyparameters/add/", {
        "region": dazhou.pk, "scheme": "employee", "effective_from": f"{today.year}-01-01", "basis": "测试：提高费率",
        "employer_rate": "0.0700", "personal_rate": "0.0200", "base_floor": "4000", "base_ceiling": "20000",
        "notice_due_days": "15", "flexible_rate": "0.1000", "flexible_base_floor": "4500",
        "flexible_base_ceiling": "20000", "lump_sum_years_male": "30", "lump_sum_years_female": "25",
        "lump_sum_base": "6000", "lump_sum_rate": "0.08", "retirement_age_male": "60", "retirement_age_female": "55",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    newer = PolicyParameters.objects.get(region=dazhou, effective_from=datetime.date(today.year, 1, 1))
    assert AuditEntry.objects.filter(object_type="enrollment.policyparameters", object_id=str(newer.pk)).exists()

    actions.run_instant(early, staff["dazhou"], channel=W)
    notice = PaymentNotice.objects.get(case=early)
    assert notice.total == Decimal("640.00")  # 4000 × 8% × 2: the version known at submission
    assert set(Assessment.objects.filter(case=early).values_list("parameters__sample", flat=True)) == {True}

    later = actions.run_instant(submit(dazhou, CODE, account, data=months(today.year, 3, 4)), staff["dazhou"], channel=W)
    later_notice = PaymentNotice.objects.get(case=later)
    assert later_notice.total == Decimal("900.00")  # 4500 × 10% × 2
    assert later_notice.parameters_label == "" and later_notice.due_on == today + datetime.timedelta(days=15)
    notice.refresh_from_db()
    assert notice.total == Decimal("640.00")

    page = admin_client.get(f"/admin/enrollment/policyparameters/{newer.pk}/change/")
    assert page.status_code == 200 and 'name="flexible_rate"' not in page.content.decode()  # in force: read only


def test_a_month_before_any_version_of_the_parameters_is_refused_with_a_clear_message(
        dazhou, person_account, submit, sample_parameters):
    account = person_account()
    flexible_worker(dazhou, account, since=datetime.date(2019, 1, 1))
    with pytest.raises(ParametersMissing, match="达州市尚未设置2019年06月01日适用的职工基本医疗保险政策参数"):
        submit(dazhou, CODE, account, data={"from_month": "2019-06", "to_month": "2019-06"})


def test_the_policy_command_loads_samples_once_and_shows_them_labelled(guides):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("policy", "load-samples", stdout=out)
    call_command("policy", "load-samples", stdout=out)
    call_command("policy", "show", "--region", "songpan", stdout=out)
    text = out.getvalue()
    assert "共载入3个地区" in text and "共载入0个地区" in text
    assert f"松潘县 职工基本医疗保险 自2020-01-01起（{SAMPLE_LABEL}）" in text and "单位缴费比例：0.0700" in text
    assert PolicyParameters.objects.filter(sample=True).count() == 3
