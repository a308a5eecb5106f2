"""R38: the insured is told what happened to their filing (made, replaced, cancelled, expired) in
the same transaction as the change — the filed person's portal account and, when someone else
applied (the referring hospital), that applicant too; a hospital's referral reaches the patient.
And R39 asks the provider register: only a hospital designated today files a referral."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.provider_register import registered_hospital
from tests.remote_care.conftest import place
from yibao.cases.models import Notification
from yibao.core.models import Channel
from yibao.people.models import Applicant, ApplicantKind, IdType
from yibao.remote_care import actions
from yibao.remote_care.exceptions import NotReferringProvider
from yibao.remote_care.models import Filing

TODAY = timezone.localdate


def messages(user):
    return [n.text for n in Notification.objects.filter(recipient=user, kind="remote_filing").order_by("id")]


def test_the_insured_is_told_of_the_filing_its_change_and_its_cancellation(dazhou, insured, submit, finish, client):
    ins = insured(dazhou)
    case, _ = finish(submit(dazhou, "remote-retiree", ins.applicant, data=place(basis="证明材料")))
    filing = Filing.objects.get(case=case)
    told = messages(ins.applicant.user)
    assert len(told) == 1 and filing.number in told[0] and filing.verify_code in told[0] and "海南省三亚市" in told[0]
    changed, _ = finish(submit(dazhou, "remote-retiree", ins.applicant, data=place(
        province="广东省", city="深圳市", basis="证明材料", action="变更", filing_number=filing.number)))
    new = Filing.objects.get(case=changed)
    told = messages(ins.applicant.user)
    assert len(told) == 2 and f"由备案{filing.number}变更" in told[1] and new.number in told[1]
    finish(submit(dazhou, "remote-retiree", ins.applicant, data=place(action="取消", filing_number=new.number)))
    assert f"{new.number}（广东省深圳市）已取消" in messages(ins.applicant.user)[-1]
    assert Notification.objects.filter(kind="remote_filing").count() == 3  # nobody else was told
    client.force_login(ins.applicant.user)  # the portal shows them under 我的消息
    page = client.get(reverse("portal:my_cases")).content.decode()
    assert "我的消息" in page and filing.verify_code in page and f"{new.number}（广东省深圳市）已取消" in page


def test_an_expired_temporary_filing_is_told(dazhou, insured):
    ins = insured(dazhou)
    start = TODAY() - datetime.timedelta(days=400)
    filing = actions.file_filing(ins.person, dazhou, actions.Request(
        kind="temporary", province="海南省", city="海口市", start_on=start, applied_on=start, basis="proof"),
        actor=None, channel=Channel.WINDOW)
    actions.expire_filings()
    assert "有效期已于" in messages(ins.applicant.user)[-1] and filing.number in messages(ins.applicant.user)[-1]


def test_a_hospitals_referral_reaches_the_patient_and_the_hospital(dazhou, insured, provider, submit, finish):
    ins = insured(dazhou)
    case, _ = finish(submit(dazhou, "remote-referral", provider, data=place(id_number=ins.person.id_number)))
    filing = Filing.objects.get(case=case)
    assert filing.number in messages(ins.applicant.user)[0]  # the patient, who did not apply
    assert filing.number in messages(provider.user)[0]


def test_a_refusal_states_its_reason_to_the_applicant(dazhou, insured, submit, staff):
    from yibao.cases import actions as engine

    ins = insured(dazhou)
    case = engine.accept_case(submit(dazhou, "remote-worker", ins.applicant, data=place(basis="证明材料")),
                              staff["dazhou"].clerk, channel=Channel.WINDOW)
    engine.start_review(case, staff["dazhou"].reviewer, channel=Channel.WINDOW)
    engine.deny_case(case, staff["dazhou"].reviewer, channel=Channel.WINDOW, reason="常驻工作证明与参保单位不符")
    assert Notification.objects.filter(recipient=ins.applicant.user, kind="denied",
                                       text__contains="常驻工作证明与参保单位不符").exists()


def test_only_a_hospital_designated_today_files_a_referral(dazhou, insured, submit):
    from tests.cases import factories as cf

    ins = insured(dazhou)

    def login(code, name):
        return Applicant.objects.create(user=cf.user(), kind=ApplicantKind.PROVIDER, id_type=IdType.PROVIDER_CODE,
                                        id_number=code, name=name, phone="0818-2222223")

    unknown = login("H51170288881", "未登记医院")
    with pytest.raises(NotReferringProvider, match="不在定点医药机构登记簿中"):
        submit(dazhou, "remote-referral", unknown, data=place(id_number=ins.person.id_number))
    ended = login("H51170288882", "已解除协议医院")
    registered_hospital(dazhou, ended.id_number, ended.name, account=ended, ended=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(NotReferringProvider, match="协议履行中"):
        submit(dazhou, "remote-referral", ended, data=place(id_number=ins.person.id_number))
    pharmacy = login("P51170288883", "某大药房")
    registered_hospital(dazhou, pharmacy.id_number, pharmacy.name, account=pharmacy, kind="pharmacy", level="")
    with pytest.raises(NotReferringProvider, match="零售药店"):
        submit(dazhou, "remote-referral", pharmacy, data=place(id_number=ins.person.id_number))
