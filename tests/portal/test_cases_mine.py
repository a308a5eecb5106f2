"""My cases and the case page: isolation, 一次性告知 and supply on the same case, owed materials,
withdraw, 好差评 once, file downloads, the handler's schema as a form."""
import datetime

import pytest
from django.urls import reverse
from pydantic import BaseModel, Field

from tests.cases.samples import EXE, PDF, image, upload
from tests.portal.cases_support import (  # noqa: F401 (fixtures)
    chronic_item, clerk, files_in, generic_handlers, guide, other, person, region, reviewer, supervisor,
    upload_dir,
)
from yibao.cases import actions, handlers
from yibao.cases.models import Attachment, Case, DeferralRule, Evaluation, FollowUp
from yibao.cases.states import CaseState
from yibao.core.models import Channel
from yibao.people.actions import grant_authorisation

W = Channel.WINDOW


def case_url(case, name="portal:my_case"):
    return reverse(name, args=[case.receipt_no])


@pytest.fixture
def filed(person, chronic_item):
    """A portal case of `person` with the 身份证件 uploaded, 病历资料 missing."""
    case = actions.submit_case(item=chronic_item, applicant=person, actor=person.user, channel=Channel.PORTAL,
                               office="市本级", materials=["1"])
    actions.attach_material(case, person.user, channel=Channel.PORTAL, material=1, upload=upload("id.pdf", PDF))
    return case


@pytest.fixture
def corrected(filed, clerk):
    return actions.request_correction(filed, clerk, channel=W,
                                      defects=[{"key": "1", "problem": "身份证件照片不清晰"}])


def test_my_cases_lists_own_and_agent_cases_with_state_and_due_date(client, person, other, chronic_item, clerk,
                                                                    filed, django_assert_max_num_queries):
    grant_authorisation(other, person.id_number, channel=Channel.PORTAL)  # 帮办代办 online needs the principal's consent
    accepted = actions.submit_case(item=chronic_item, applicant=other, agent=person, actor=person.user,
                                   channel=Channel.PORTAL, materials=["1", "2"])
    accepted = actions.accept_case(accepted, clerk, channel=W)
    client.force_login(person.user)
    with django_assert_max_num_queries(10):  # 8, one for the account's messages (我的消息), one for the 演示数据 banner
        page = client.get(reverse("portal:my_cases")).content.decode()
    assert filed.receipt_no in page and accepted.receipt_no in page
    assert "已提交" in page and "已受理" in page and "代理人" in page
    assert f"{accepted.due_date:%Y-%m-%d}" in page and "受理后计算" in page


def test_a_person_never_sees_anothers_case(client, filed, other, clerk):
    client.force_login(other.user)
    assert filed.receipt_no not in client.get(reverse("portal:my_cases")).content.decode()
    attachment = filed.attachments.get()
    for url in (case_url(filed), case_url(filed, "portal:case_receipt"),
                reverse("portal:case_file", args=[filed.receipt_no, attachment.pk])):
        assert client.get(url).status_code == 404
    for name in ("portal:case_withdraw", "portal:case_rate", "portal:case_supply"):
        assert client.post(case_url(filed, name), {"version": filed.version, "level": "satisfied"}).status_code == 404
    client.force_login(clerk)  # staff use the workbench, not the applicant's pages
    assert client.get(case_url(filed)).status_code == 404
    filed.refresh_from_db()
    assert filed.state == CaseState.SUBMITTED and not Evaluation.objects.exists()


def test_case_page_shows_stages_holder_and_files(client, person, filed):
    client.force_login(person.user)
    page = client.get(reverse("portal:my_case", args=[filed.receipt_no.lower()])).content.decode()
    assert "市本级（待受理）" in page and "受理后20个工作日" in page and "受理后计算" in page
    assert 'class="done">申请' in page and "id.pdf" in page and "病历资料：<span class=\"missing-mark\">未提交" in page
    download = client.get(reverse("portal:case_file", args=[filed.receipt_no, filed.attachments.get().pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"


def test_supply_after_a_correction_returns_the_case_on_the_same_receipt(client, person, corrected, upload_dir):
    client.force_login(person.user)
    page = client.get(case_url(corrected)).content.decode()
    assert "一次性告知书" in page and "身份证件照片不清晰" in page and "病历资料" in page and "补正材料" in page
    assert reverse("portal:notice_pdf", args=[corrected.notices.get().pk]) in page
    assert 'name="material_1"' in page and 'name="material_2"' in page
    # Only one of the two named: refused by the engine, nothing kept.
    partial = client.post(case_url(corrected, "portal:case_supply"),
                          {"version": corrected.version, "material_1": upload("id2.png", image("PNG"))})
    assert partial.status_code == 400 and "尚未补齐一次性告知书所列材料：病历资料" in partial.content.decode()
    assert Attachment.objects.count() == 1 and len(files_in(upload_dir)) == 1
    done = client.post(case_url(corrected, "portal:case_supply"),
                       {"version": corrected.version, "material_1": upload("id2.png", image("PNG")),
                        "material_2": upload("病历.pdf", PDF)})
    assert done.status_code == 302 and done["Location"] == case_url(corrected)
    case = Case.objects.get()
    assert (case.pk, case.state, case.round) == (corrected.pk, CaseState.SUBMITTED, 2)
    assert sorted(case.attachments.filter(round=2).values_list("material", flat=True)) == [1, 2]
    assert len(files_in(upload_dir)) == 3
    page = client.get(case_url(case)).content.decode()
    assert "已被替换" in page and "第2次" in page and 'name="material_1"' not in page


def test_supply_refuses_a_bad_file_and_a_stale_form(client, person, corrected, upload_dir):
    client.force_login(person.user)
    bad = client.post(case_url(corrected, "portal:case_supply"),
                      {"version": corrected.version, "material_1": upload("id.pdf", EXE),
                       "material_2": upload("b.pdf", PDF)})
    assert bad.status_code == 400 and "只接受PDF、JPEG或PNG" in bad.content.decode()
    stale = client.post(case_url(corrected, "portal:case_supply"),
                        {"version": corrected.version - 1, "material_1": upload("a.pdf", PDF),
                         "material_2": upload("b.pdf", PDF)})
    assert stale.status_code == 400 and "办件已被其他人更新" in stale.content.decode()
    assert Attachment.objects.count() == 1 and len(files_in(upload_dir)) == 1
    assert Case.objects.get().state == CaseState.CORRECTION_REQUESTED


def test_owed_materials_are_supplied_after_acceptance(client, person, chronic_item, clerk):
    DeferralRule.objects.create(item_code="chronic-disease", material="病历资料", working_days=5)
    case = actions.submit_case(item=chronic_item, applicant=person, actor=person.user, channel=Channel.PORTAL,
                               materials=["1"])
    case = actions.accept_case(case, clerk, channel=W)
    client.force_login(person.user)
    page = client.get(case_url(case)).content.decode()
    assert "补交容缺材料" in page and "容缺受理，尚需补交：病历资料" in page
    response = client.post(case_url(case, "portal:case_supply"),
                           {"version": case.version, "material_2": upload("病历.jpg", image("JPEG"))})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owed == [] and case.materials["2"]["by"] == "document" and case.state == CaseState.ACCEPTED


def test_withdraw_while_open_then_no_more_forms(client, person, filed):
    client.force_login(person.user)
    assert "撤回申请" in client.get(case_url(filed)).content.decode()
    response = client.post(case_url(filed, "portal:case_withdraw"), {"version": filed.version, "reason": "不办了"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.state == CaseState.WITHDRAWN and filed.events.last().comment == "不办了"
    page = client.get(case_url(filed)).content.decode()
    assert "已撤回" in page and 'action="' + case_url(filed, "portal:case_withdraw") not in page
    again = client.post(case_url(filed, "portal:case_withdraw"), {"version": filed.version})
    assert again.status_code == 400 and "不能执行“撤回”" in again.content.decode()


def test_rate_once_after_completion_then_read_only(client, person, filed, clerk, reviewer, supervisor):
    case = actions.request_correction(filed, clerk, channel=W)
    case = actions.resubmit_case(case, person.user, channel=Channel.PORTAL, materials=["2"])
    case = actions.accept_case(case, clerk, channel=W)
    case = actions.start_review(case, reviewer, channel=W)
    case = actions.approve_case(case, reviewer, channel=W)
    client.force_login(person.user)
    assert 'name="level"' not in client.get(case_url(case)).content.decode()  # not finished yet
    case = actions.complete_case(case, reviewer, channel=W)
    page = client.get(case_url(case)).content.decode()
    assert "非常满意" in page and "非常不满意" in page and 'name="level"' in page
    assert client.post(case_url(case, "portal:case_rate"), {"level": "dissatisfied", "text": "等太久"}).status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.level, evaluation.text, evaluation.channel) == ("dissatisfied", "等太久", Channel.PORTAL)
    assert FollowUp.objects.get(case=case).is_open  # 差评 opens a follow-up
    page = client.get(case_url(case)).content.decode()
    assert "您已于" in page and "<strong>不满意</strong>" in page and 'name="level"' not in page
    again = client.post(case_url(case, "portal:case_rate"), {"level": "very_satisfied"})
    assert again.status_code == 400 and "评价提交后不可更改" in again.content.decode()
    assert Evaluation.objects.get().level == "dissatisfied"


def test_rating_an_open_case_is_refused(client, person, filed):
    client.force_login(person.user)
    response = client.post(case_url(filed, "portal:case_rate"), {"level": "satisfied"})
    assert response.status_code == 400 and "办结或不予受理后方可评价" in response.content.decode()


class Particulars(BaseModel):
    id_number: str
    name: str = Field(min_length=2)
    sex: str = ""


class DemoData(BaseModel):
    person: Particulars
    effective_on: datetime.date | None = None
    hospital: str = Field(title="就诊医院")
    months: int = Field(title="月数", ge=1)


class DemoHandler(handlers.Handler):
    schema = DemoData


@pytest.fixture
def demo_handler():
    handlers.unregister("chronic-disease")
    handlers.register("chronic-disease", DemoHandler())
    yield
    handlers.unregister("chronic-disease")


def test_the_handlers_schema_becomes_the_form_and_its_errors_land_on_fields(client, person, chronic_item,
                                                                            demo_handler):
    client.force_login(person.user)
    url = reverse("portal:apply", args=[chronic_item.pk])
    page = client.get(url).content.decode()
    assert "<legend>参保人员</legend>" in page and 'name="data_person__id_number"' in page
    assert "就诊医院" in page and 'name="data_months"' in page and 'type="date"' in page
    refused = client.post(url, {"office": "市本级", "data_person__id_number": "X1", "data_person__name": "张", "data_hospital": "市医院",
                                "data_months": "0"})
    assert refused.status_code == 200 and "申请信息不符合要求" in refused.content.decode()
    assert not Case.objects.exists()
    client.post(url, {"office": "市本级", "data_person__id_number": "X1", "data_person__name": "张三", "data_hospital": "市医院",
                      "data_months": "3", "data_effective_on": "2026-01-05"})
    assert Case.objects.get().data == {"person": {"id_number": "X1", "name": "张三", "sex": ""},
                                       "effective_on": "2026-01-05", "hospital": "市医院", "months": 3}
