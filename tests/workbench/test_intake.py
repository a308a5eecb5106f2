"""Window intake: find or register the applicant (and agent), the conditions, the materials
ticked; submitted through the engine with channel=window. Nothing is half-done on refusal."""
import pytest

from yibao.cases.models import Case
from yibao.core.models import AuditEntry
from yibao.people.models import Applicant

UNREGISTERED_ID = "513224198506120044"
AGENT_ID = "110101199001011237"


def post(client, item, **fields):
    return client.post("/workbench/new/", {"item": item.pk, "id_type": "resident_id", **fields})


def test_pick_an_item_of_the_region_then_the_form_lists_its_materials(as_user, clerk, three_day):
    client = as_user(clerk)
    html = client.get("/workbench/new/").content.decode()
    assert "参保单位缴费基数申报" in html and "出具《参保凭证》" in html
    html = client.get("/workbench/new/", {"item": three_day.pk}).content.decode()
    assert "职工工资发放明细" in html and "以个人承诺书代替" in html and "委托人及代理人身份证件原件" in html


def test_registered_applicant_is_found_by_id_number_and_the_case_comes_in_at_the_window(as_user, clerk,
                                                                                           three_day, person):
    response = post(as_user(clerk), three_day, id_number=" 511702-19900307 1238 ", m_1="document",
                    m_2="commitment", applicant_kind="在职职工", sub_type="新增申报", comment="窗口收件")
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workbench/case/{case.receipt_no}/"
    assert (case.applicant, case.agent, case.channel, case.office, case.submitted_by) == (
        person, None, "window", "市本级", clerk)
    assert case.materials == {"1": {"by": "document", "round": 1}, "2": {"by": "commitment", "round": 1}}
    assert case.conditions["applicant_kind"] == "在职职工" and case.conditions["sub_type"] == "新增申报"
    assert case.conditions["commitments"] == ["2"]
    event = case.events.get()
    assert (event.actor, event.actor_role, event.channel, event.comment) == (clerk, "窗口受理", "window", "窗口收件")
    assert Applicant.objects.count() == 1


def test_unregistered_applicant_and_agent_are_registered_on_the_spot(as_user, clerk, three_day):
    client = as_user(clerk)
    response = post(client, three_day, id_number=UNREGISTERED_ID, name="赵六", phone="13900002222",
                    agent_id_type="resident_id", agent_id_number=AGENT_ID, agent_name="钱七", agent_phone="13700003333",
                    m_1="document", m_2="document", m_3="document")
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.applicant.name, case.applicant.id_number, case.applicant.region) == ("赵六", UNREGISTERED_ID,
                                                                                       three_day.guide.region)
    assert (case.agent.name, case.agent.id_number) == ("钱七", AGENT_ID)
    assert case.conditions["agent"] is True and "3" in case.materials  # the 委托 material applies
    registrations = AuditEntry.objects.filter(action="注册账户")
    assert registrations.count() == 2 and {e.actor for e in registrations} == {clerk}
    assert {e.channel for e in registrations} == {"window"}
    page = client.get(response["Location"]).content.decode()
    assert "当场注册" in page and "赵*" in page and "钱*" in page and UNREGISTERED_ID not in page


@pytest.mark.parametrize("fields, message", [
    ({"id_number": UNREGISTERED_ID}, "申请人尚未注册，请填写申请人姓名"),
    ({"id_number": "511702199003071239", "name": "赵六", "phone": "13900002222"}, "校验位不正确"),
    ({"id_number": UNREGISTERED_ID, "name": "赵六", "phone": "123"}, "手机"),
    ({"id_number": UNREGISTERED_ID, "name": "赵六", "phone": "13900002222", "agent_id_number": UNREGISTERED_ID},
     "代理人不能是申请人本人"),
    ({"id_number": UNREGISTERED_ID, "name": "赵六", "phone": "13900002222", "m_1": "commitment"}, "选择一个有效的选项"),
])
def test_refused_intake_shows_why_and_leaves_no_case_and_no_account(as_user, clerk, three_day, fields, message):
    response = post(as_user(clerk), three_day, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists() and not Applicant.objects.exists()


def test_only_clerks_take_applications(as_user, reviewer, three_day):
    client = as_user(reviewer)
    assert client.get("/workbench/new/").status_code == 403
    response = post(client, three_day, id_number=UNREGISTERED_ID, name="赵六", phone="13900002222")
    assert response.status_code == 403 and "窗口受理" in response.content.decode()
    assert not Case.objects.exists()


def test_an_item_of_another_region_cannot_be_chosen(as_user, clerk, songpan, three_day):
    from tests.workbench.guide import save_test_guide

    theirs = save_test_guide(songpan)["contribution-base"]
    assert as_user(clerk).get("/workbench/new/", {"item": theirs.pk}).status_code == 404


def test_lookup_says_whether_the_number_is_registered_masked(as_user, clerk, person):
    client = as_user(clerk)
    found = client.post("/workbench/new/applicant/", {"field": "id_number", "id_number": person.id_number})
    assert "已注册：王**（511***********1238" in found.content.decode()
    missing = client.post("/workbench/new/applicant/", {"field": "agent_id_number", "agent_id_number": AGENT_ID})
    assert "未找到" in missing.content.decode()


# ---------------------------------------------------------------- the channel the application came in by


@pytest.mark.parametrize("channel", ["hotline", "terminal", "window"])
def test_the_chosen_channel_is_recorded_on_the_case_its_event_and_the_audit(as_user, clerk, payment, channel):
    # The payment item's guide lists no hotline or terminal: staff intake still takes such an application.
    response = post(as_user(clerk), payment, channel=channel, id_number=UNREGISTERED_ID, name="赵六",
                    phone="13900002222", m_1="document")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == channel
    assert case.events.get().channel == channel
    submitted = AuditEntry.objects.get(action="提交申请", object_id=str(case.pk))
    assert (submitted.channel, submitted.actor) == (channel, clerk)
    assert AuditEntry.objects.get(action="注册账户").channel == channel


def test_no_channel_chosen_means_the_window(as_user, clerk, payment, person):
    assert post(as_user(clerk), payment, id_number=person.id_number, m_1="document").status_code == 302
    assert Case.objects.get().channel == "window"


@pytest.mark.parametrize("channel", ["portal", "api", "system", "fax"])
def test_channels_staff_do_not_enter_are_refused(as_user, clerk, payment, person, channel):
    response = post(as_user(clerk), payment, channel=channel, id_number=person.id_number, m_1="document")
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    assert not Case.objects.exists()


def test_the_action_itself_refuses_a_channel_staff_do_not_enter(clerk, payment, person):
    from yibao.cases.exceptions import InvalidCaseData
    from yibao.workbench.actions import Identity, take_window_application

    with pytest.raises(InvalidCaseData, match="窗口、电话、自助终端"):
        take_window_application(clerk=clerk, office="市本级", item=payment, channel="portal",
                                applicant=Identity("resident_id", person.id_number))
    assert not Case.objects.exists()


def test_the_form_says_which_channels_the_guide_lists_and_that_the_engine_takes_any(as_user, clerk, three_day,
                                                                                      payment):
    client = as_user(clerk)
    listed = client.get("/workbench/new/", {"item": three_day.pk}).content.decode()
    assert "经办机构窗口、医保服务热线" in listed
    assert "电话：本事项指南列有此渠道" in listed and "自助终端：本事项指南未列此渠道" in listed
    assert 'value="window"' in listed and 'value="hotline"' in listed and 'value="terminal"' in listed
    assert 'value="portal"' not in listed
    unlisted = client.get("/workbench/new/", {"item": payment.pk}).content.decode()
    assert "电话：本事项指南未列此渠道" in unlisted and "窗口：本事项指南列有此渠道" in unlisted
    assert "不以指南所列渠道为限：通过窗口、网上办事大厅、接口、电话、自助终端提交的申请均可受理" in unlisted
