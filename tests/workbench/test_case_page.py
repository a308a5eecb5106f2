"""The case page: everything about the case, only the actions this user may take now, and every
action through its form with the case version; a refused action leaves the case as it was."""
from decimal import Decimal

import pytest

from tests.cases import factories as f
from yibao.cases import actions
from yibao.cases.models import Case, CaseEvent, Notice
from yibao.core.models import Channel

W = Channel.WINDOW


def url(case, step=""):
    return f"/workbench/case/{case.receipt_no}/" + (f"{step}/" if step else "")


def act(client, case, step, **fields):
    """POST one step's form as the page would, with the version the page showed."""
    version = fields.pop("version", Case.objects.get(pk=case.pk).version)
    data = {f"{step}-version": version, **{f"{step}-{k}": v for k, v in fields.items()}}
    return client.post(url(case, step), data)


def state(case):
    return Case.objects.get(pk=case.pk).state


def frozen(case):
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    return row, CaseEvent.objects.filter(case=case).count(), Notice.objects.filter(case=case).count()


def offered(response):
    return [s["name"] for s in response.context["steps"]]


def test_page_shows_snapshot_people_masked_checklist_deadlines_timeline(as_user, clerk, three_day, submit, person):
    agent = f.applicant("孙八", id_number="110101199001011237")
    case = submit(three_day, materials={"1": "document", "2": "commitment"},
                  conditions={"applicant_kind": "在职职工", "special_groups": ["港澳台人员"]})
    case = actions.accept_case(case, clerk, channel=W, comment="材料齐全")
    Case.objects.filter(pk=case.pk).update(agent=agent)
    html = as_user(clerk).get(url(case)).content.decode()
    for text in ["参保单位缴费基数申报", "测试版", "contribution-base", "申请 → 受理 → 审核 → 办结",
                 "王**", "511***********1238", "138****0000", "孙*", "110***********1237",
                 "在职职工", "港澳台人员", "个人承诺书代替", "已提交", "3个工作日",
                 case.due_date.isoformat(), "受理回执", "材料齐全", "窗口受理", "市本级", "网上办事大厅"]:
        assert text in html, text
    assert person.name not in html and person.id_number not in html and agent.id_number not in html


def test_each_role_is_offered_only_what_it_may_do_in_this_state(as_user, clerk, reviewer, payer, supervisor,
                                                                  three_day, submit):
    case = submit(three_day)
    assert offered(as_user(clerk).get(url(case))) == ["accept", "request_correction", "refuse"]
    assert offered(as_user(reviewer).get(url(case))) == []
    assert offered(as_user(payer).get(url(case))) == []
    assert offered(as_user(supervisor).get(url(case))) == ["reassign"]
    actions.accept_case(case, clerk, channel=W)
    assert offered(as_user(reviewer).get(url(case))) == ["start_review"]
    assert offered(as_user(clerk).get(url(case))) == ["request_correction"]


def test_three_day_item_from_acceptance_to_completion_through_the_forms(as_user, clerk, reviewer, three_day, submit):
    case = submit(three_day)
    assert act(as_user(clerk), case, "accept", comment="齐全").status_code == 302
    assert state(case) == "accepted"
    client = as_user(reviewer)
    assert act(client, case, "start_review").status_code == 302
    response = act(client, case, "approve", comment="符合规定")
    assert response.status_code == 302 and state(case) == "approved"
    page = client.get(response["Location"]).content.decode()
    assert "已审核通过" in page
    assert act(client, case, "complete").status_code == 302 and state(case) == "completed"
    assert list(case.events.order_by("id").values_list("action", flat=True)) == [
        "submit", "accept", "start_review", "approve", "complete"]
    assert {e.channel for e in case.events.exclude(action="submit")} == {"window"}


def test_payment_item_paid_by_a_payer_never_by_the_approver(as_user, staff, payer, clerk, payment, submit):
    both = staff("reviewer", "payer")
    case = actions.accept_case(submit(payment), clerk, channel=W)
    client = as_user(both)
    act(client, case, "start_review")
    assert act(client, case, "approve", amount="").status_code == 400  # amount required for payment items
    assert state(case) == "under_review"
    assert act(client, case, "approve", amount="1,234.5").status_code == 302
    assert Case.objects.get(pk=case.pk).amount == Decimal("1234.50")
    before = frozen(case)
    payee = {"payee_name": "张三", "account_kind": "bank", "account_no": "6222020200000000006", "bank_name": "工商银行"}
    response = act(client, case, "pay", reference="BANK-1", **payee)
    assert response.status_code == 400 and "审核该办件的人员不得办理拨付" in response.content.decode()
    assert frozen(case) == before
    response = act(as_user(payer), case, "pay", reference="BANK-1", **payee)
    # money goes only to an account in the applicant's name (issue 10), never another's
    assert response.status_code == 400 and "收款账户户名须为王小明" in response.content.decode()
    payee["payee_name"] = case.applicant.name
    assert frozen(case) == before
    response = act(as_user(payer), case, "pay", reference="BANK-1", **{**payee, "account_no": "6222020200000000007"})
    assert response.status_code == 400 and "卡号校验位不符" in response.content.decode()  # a field error, no order
    assert frozen(case) == before
    response = act(as_user(payer), case, "pay", reference="BANK-1", **payee)
    assert response.status_code == 302 and state(case) == "paying"  # an order exists; the bank has not paid
    order = case.payment_orders.get()
    assert case.events.get(action="pay").payload["disbursement"]["order"] == order.order_no
    assert "complete" not in offered(as_user(clerk).get(url(case)))
    # the maker cannot approve his own order on the page; a second payer approves, a third confirms
    maker = as_user(payer)
    assert "approve" not in maker.get(url(case)).content.decode().split('id="payment-order"')[1].split("</section>")[0]
    maker.post(f"/workbench/payments/{order.order_no}/approve/", {"approve-comment": ""})
    order.refresh_from_db()
    assert order.state == "created"
    as_user(staff("payer")).post(f"/workbench/payments/{order.order_no}/approve/", {"approve-comment": ""})
    as_user(staff("payer")).post(f"/workbench/payments/{order.order_no}/pay/", {"pay-bank_reference": "B-9"})
    assert state(case) == "paid"
    assert act(as_user(clerk), case, "complete").status_code == 302 and state(case) == "completed"


def test_instant_item_is_done_on_the_spot(as_user, clerk, instant, submit):
    case = submit(instant)
    client = as_user(clerk)
    assert offered(client.get(url(case)))[:2] == ["instant", "accept"]
    assert act(client, case, "instant").status_code == 302
    assert state(case) == "completed"
    assert list(case.events.order_by("id").values_list("action", flat=True)) == [
        "submit", "accept", "start_review", "approve", "complete"]


def test_one_correction_notice_lists_every_missing_and_defective_material_at_once(as_user, clerk, three_day, submit):
    case = submit(three_day, materials={"1": "document"})
    client = as_user(clerk)
    response = act(client, case, "request_correction", **{"defect_1": "on", "problem_1": "未加盖单位公章",
                                                           "how_1": "加盖公章后重新提交"})
    assert response.status_code == 302 and state(case) == "correction_requested"
    notice = Notice.objects.get(case=case, kind="correction")
    assert [(i["name"], i["problem"]) for i in notice.content["items"]] == [
        ("《职工基本医疗保险缴费基数申报表》（加盖单位公章）", "未加盖单位公章"), ("职工工资发放明细", "未提交")]
    assert notice.content["items"][0]["how"] == "加盖公章后重新提交"
    assert "可提交个人承诺书代替" in notice.content["items"][1]["how"]
    page = client.get(url(case)).content.decode()
    assert "一次性告知书" in page and "未加盖单位公章" in page
    # the applicant brings both to the window: the clerk records them and the case is back
    assert offered(client.get(url(case))) == ["resubmit", "refuse"]
    response = act(client, case, "resubmit", m_1="document", m_2="commitment")
    assert response.status_code == 302 and state(case) == "submitted"
    assert Case.objects.get(pk=case.pk).round == 2


def test_correction_with_nothing_to_correct_is_refused_with_the_engines_words(as_user, clerk, three_day, submit):
    case = submit(three_day)
    before = frozen(case)
    response = act(as_user(clerk), case, "request_correction")
    assert response.status_code == 400 and "材料齐全且未指出问题，无需告知补正" in response.content.decode()
    assert frozen(case) == before


@pytest.mark.parametrize("step, message", [("refuse", "不予受理须说明理由"), ("deny", "审核不通过须说明理由")])
def test_refusal_and_denial_need_a_reason(as_user, clerk, reviewer, three_day, submit, step, message):
    case = submit(three_day)
    user = clerk
    if step == "deny":
        actions.accept_case(case, clerk, channel=W)
        actions.start_review(case, reviewer, channel=W)
        user = reviewer
    client = as_user(user)
    before = frozen(case)
    response = act(client, case, step, reason="  ")
    assert response.status_code == 400 and message in response.content.decode()
    assert frozen(case) == before
    response = act(client, case, step, reason="不符合申请条件")
    assert response.status_code == 302
    notice = Notice.objects.get(case=case, kind="refusal" if step == "refuse" else "denial")
    assert notice.content["reason"] == "不符合申请条件"


def test_wrong_role_is_refused_and_the_case_unchanged(as_user, reviewer, three_day, submit):
    case = submit(three_day)
    before = frozen(case)
    response = act(as_user(reviewer), case, "accept")
    assert response.status_code == 403 and "需要“窗口受理”角色" in response.content.decode()
    assert frozen(case) == before


def test_stale_version_gets_a_conflict_message_and_only_the_first_succeeds(as_user, clerk, staff, three_day, submit):
    case = submit(three_day)
    version = case.version
    other = staff("clerk", office="通川区")
    assert act(as_user(other), case, "refuse", reason="不属于受理范围", version=version).status_code == 302
    after_first = frozen(case)
    response = act(as_user(clerk), case, "accept", version=version)
    assert response.status_code == 409
    assert "办件已被其他人更新，请刷新后重试" in response.content.decode()
    assert frozen(case) == after_first and state(case) == "refused"


def test_action_not_allowed_in_this_state_names_both(as_user, clerk, three_day, submit):
    case = submit(three_day)
    actions.refuse_case(case, clerk, channel=W, reason="不属于受理范围")
    response = act(as_user(clerk), case, "accept")
    assert response.status_code == 400 and "办件当前状态为“不予受理”，不能执行“受理”" in response.content.decode()


def test_supervisor_reassigns_to_another_office(as_user, supervisor, three_day, submit):
    case = submit(three_day)
    response = act(as_user(supervisor), case, "reassign", office="通川区", comment="就近办理")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).office == "通川区"
    assert case.events.get(action="reassign").payload == {"office": ["市本级", "通川区"]}


def test_case_page_query_count_is_pinned(as_user, clerk, three_day, submit, django_assert_max_num_queries):
    case = actions.accept_case(submit(three_day), clerk, channel=W)
    client = as_user(clerk)
    with django_assert_max_num_queries(15):  # +1: is the demo loaded (the 演示数据 banner)
        assert client.get(url(case)).status_code == 200
