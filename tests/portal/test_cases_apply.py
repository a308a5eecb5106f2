"""在线申请 through the Django client: the form built from the item, uploads sniffed by content,
size limit, nothing kept on refusal, agent applications, the receipt."""
import pytest
from django.urls import reverse

from tests.cases.samples import EXE, PDF, image, upload
from tests.portal.cases_support import (  # noqa: F401 (fixtures)
    chronic_item, clerk, employer, files_in, generic_handlers, guide, old_and_template, other, person, region,
    upload_dir,
)
from yibao.cases.models import Attachment, Case
from yibao.cases.states import CaseState
from yibao.core.models import Channel


def apply_url(item):
    return reverse("portal:apply", args=[item.pk])


def post_apply(client, item, **fields):
    data = {"office": "市本级", "comment": "", **fields}
    return client.post(apply_url(item), data)


def test_item_page_links_to_apply_only_where_a_channel_is_online(client, guide):
    online = client.get(reverse("portal:region_item", args=["jia", "chronic-disease"])).content.decode()
    window = client.get(reverse("portal:region_item", args=["jia", "unit-enrollment"])).content.decode()
    assert f'href="{apply_url(guide.items.get(code="chronic-disease"))}"' in online and "在线申请" in online
    assert "在线申请" not in window


def test_apply_needs_login(client, chronic_item):
    response = client.get(apply_url(chronic_item))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/apply/")


def test_form_lists_every_material_with_a_file_input(client, person, chronic_item):
    client.force_login(person.user)
    page = client.get(apply_url(chronic_item)).content.decode()
    assert "在线申请：门诊慢特病病种待遇认定" in page
    assert 'name="material_1"' in page and 'name="material_2"' in page and "身份证件" in page and "病历资料" in page
    assert 'accept=".pdf,.jpg,.jpeg,.png' in page and 'enctype="multipart/form-data"' in page
    assert '<option value="市本级"' in page  # the item's office


def test_apply_with_a_pdf_and_a_png_stores_both_and_shows_the_receipt(client, person, chronic_item, upload_dir):
    client.force_login(person.user)
    response = post_apply(client, chronic_item, material_1=upload("身份证.pdf", PDF),
                          material_2=[upload("病历1.png", image("PNG")), upload("病历2.jpg", image("JPEG"))])
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:case_receipt", args=[case.receipt_no])
    assert (case.channel, case.applicant, case.agent, case.state) == (Channel.PORTAL, person, None, CaseState.SUBMITTED)
    assert case.office == "市本级" and set(case.materials) == {"1", "2"}
    kept = list(Attachment.objects.filter(case=case).values_list("material", "content_type", "original_name"))
    assert sorted(kept) == [(1, "application/pdf", "身份证.pdf"), (2, "image/jpeg", "病历2.jpg"),
                            (2, "image/png", "病历1.png")]
    assert len(files_in(upload_dir)) == 3
    receipt = client.get(response["Location"]).content.decode()
    assert case.receipt_no in receipt and "受理后20个工作日内办结" in receipt
    assert "一次性告知" in receipt and "已上传" in receipt and reverse("portal:track") in receipt


@pytest.mark.parametrize(
    "name,content,words",
    [("身份证.pdf", EXE, "只接受PDF、JPEG或PNG"), ("空.pdf", b"", "空文件"), ("大.pdf", b"%PDF-" + b"0" * 3000, "超过2KB")],
)
def test_refused_upload_keeps_nothing_and_says_why_in_chinese(client, person, chronic_item, upload_dir, settings,
                                                            name, content, words):
    settings.YIBAO_UPLOAD_MAX_BYTES = 2048
    client.force_login(person.user)
    response = post_apply(client, chronic_item, material_1=upload(name, content, "application/pdf"),
                          material_2=upload("病历.pdf", PDF))
    page = response.content.decode()
    assert response.status_code == 200 and words in page and name in page
    assert not Case.objects.exists() and not Attachment.objects.exists() and files_in(upload_dir) == []


def test_missing_materials_are_left_to_the_correction_notice(client, person, chronic_item):
    client.force_login(person.user)
    post_apply(client, chronic_item, material_1=upload("a.pdf", PDF))
    case = Case.objects.get()
    assert case.materials.keys() == {"1"}
    receipt = client.get(reverse("portal:case_receipt", args=[case.receipt_no])).content.decode()
    assert "病历资料：<span class=\"missing-mark\">未提交" in receipt


def test_conditions_decide_materials_and_limit(client, person, guide):
    item = guide.items.get(code="employee-enrollment")
    client.force_login(person.user)
    page = client.get(apply_url(item)).content.decode()
    assert "申请人类别" in page and 'value="灵活就业人员"' in page and 'value="出国定居"' in page
    assert "以个人承诺书代替" in page
    response = client.post(apply_url(item), {"applicant_kind": "灵活就业人员", "situations": ["出国定居"],
                                              "commit_4": "on", "material_1": upload("id.png", image("PNG"))})
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.conditions["applicant_kind"] == "灵活就业人员" and case.conditions["special_groups"] == ["出国定居"]
    assert case.materials == {"1": {"by": "document", "round": 1}, "4": {"by": "commitment", "round": 1}}
    assert "受理后即时办结" in client.get(response["Location"]).content.decode()


def test_a_split_limit_without_the_kind_is_refused_by_the_engine(client, person, guide):
    client.force_login(person.user)
    response = client.post(apply_url(guide.items.get(code="employee-enrollment")), {})
    assert response.status_code == 200 and "请注明申请人类别或情形" in response.content.decode()
    assert not Case.objects.exists()


def test_agent_applies_for_a_registered_person(client, person, other, chronic_item):
    client.force_login(person.user)  # the principal authorises the agent in their own account first
    assert client.post(reverse("portal:authorisations"), {"agent_id_number": other.id_number}).status_code == 302
    client.force_login(other.user)
    response = post_apply(client, chronic_item, as_agent="on", principal_id_number=person.id_number.lower(),
                          principal_name="张三", material_1=upload("a.pdf", PDF))
    case = Case.objects.get()
    assert response.status_code == 302 and (case.applicant, case.agent, case.submitted_by) == (person, other, other.user)
    assert case.conditions["agent"] is True
    assert case.events.get().actor_role == "代理人"
    # Both see it in their lists.
    assert case.receipt_no in client.get(reverse("portal:my_cases")).content.decode()
    client.force_login(person.user)
    assert case.receipt_no in client.get(reverse("portal:my_cases")).content.decode()


@pytest.mark.parametrize("number,name", [("511702199003071238", "王五"), ("110101199003077777", "张三"), ("", "")])
def test_agent_for_an_unknown_pair_is_refused(client, person, other, chronic_item, number, name):
    client.force_login(other.user)
    page = post_apply(client, chronic_item, as_agent="on", principal_id_number=number, principal_name=name).content
    assert ("未找到与该证件号码和姓名相符的注册账户" in page.decode()) or ("请填写被代理人的证件号码和姓名" in page.decode())
    assert not Case.objects.exists()


def test_employer_account_may_apply(client, employer, guide):
    client.force_login(employer.user)
    item = guide.items.get(code="chronic-disease")
    assert post_apply(client, item).status_code == 302
    assert Case.objects.get().applicant == employer


def test_items_without_online_channel_template_or_staff_explain_the_way(client, person, clerk, guide,
                                                                      old_and_template):
    client.force_login(person.user)
    window = client.get(apply_url(guide.items.get(code="unit-enrollment")))
    assert window.status_code == 200 and "未列出网上办理渠道" in window.content.decode()
    assert "经办机构窗口" in window.content.decode()
    assert client.post(apply_url(guide.items.get(code="unit-enrollment")), {}).status_code == 200
    old_item, template_item = old_and_template
    assert "模板" in client.get(apply_url(template_item)).content.decode()
    assert "不再执行" in client.get(apply_url(old_item)).content.decode()
    client.force_login(clerk)
    staff = client.get(apply_url(guide.items.get(code="chronic-disease")))
    assert staff.status_code == 403 and "工作人员账户不能在网上申请" in staff.content.decode()
    assert not Case.objects.exists()


def test_an_agent_without_the_principals_authorisation_is_refused_and_the_principal_can_authorise_and_revoke(
        client, person, other, chronic_item):
    client.force_login(other.user)
    page = post_apply(client, chronic_item, as_agent="on", principal_id_number=person.id_number,
                      principal_name="张三", material_1=upload("a.pdf", PDF)).content.decode()
    assert "代他人网上申请须经本人授权" in page and not Case.objects.exists()

    client.force_login(person.user)
    assert client.post(reverse("portal:authorisations"), {"agent_id_number": person.id_number}).status_code == 400
    client.post(reverse("portal:authorisations"), {"agent_id_number": other.id_number})
    listing = client.get(reverse("portal:authorisations")).content.decode()
    assert other.masked_id in listing and other.id_number not in listing
    granted = person.authorisations_given.get()
    client.force_login(other.user)  # nobody else can withdraw it
    assert client.post(reverse("portal:authorisation_revoke", args=[granted.pk])).status_code == 404
    client.force_login(person.user)
    client.post(reverse("portal:authorisation_revoke", args=[granted.pk]))
    assert person.authorisations_given.get().revoked_at is not None
