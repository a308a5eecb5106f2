"""The provider items at the workbench's window intake (达州's guide lists only the window for
designation): the form built from the handler's schema, in Chinese; the designation taken through
the agreement pages and the case page to 办结; an info change with its Chinese field names."""
import datetime

from django.urls import reverse

from tests.providers.conftest import provider_account
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.providers.models import AgreementState, Provider

CODES = ("hospital-designation", "pharmacy-designation", "provider-info-change", "provider-suspension",
         "provider-resumption", "provider-remote-settlement")


def test_the_intake_forms_ask_in_chinese(client, regions, teams):
    client.force_login(teams["dazhou"].clerk)
    for code in CODES:
        page = client.get(reverse("workbench:intake"), {"item": item_in_force(regions["dazhou"], code).pk})
        text = page.content.decode()
        assert page.status_code == 200 and "申请信息（JSON）" not in text, code
    designation = client.get(reverse("workbench:intake"),
                             {"item": item_in_force(regions["dazhou"], "hospital-designation").pk}).content.decode()
    assert "中医诊所备案证" in designation and "三级" in designation and "民营" in designation


def test_a_window_designation_to_completion(client, regions, teams, window, drive):
    dazhou, team = regions["dazhou"], teams["dazhou"]
    me = provider_account(name="窗口申请医院")
    fields = {"data_name": "窗口申请医院", "data_kind": "hospital", "data_level": "1", "data_ownership": "private",
              "data_licence_kind": "practice", "data_licence_no": "PDY-WIN-001", "data_legal_representative": "周院长",
              "data_address": "达州市通川区窗口路3号", "data_bank_name": "农业银行达州分行",
              "data_bank_account": "22700101040012345", "data_sealed": "on"}
    receipt = window(dazhou, me, "hospital-designation", fields=fields)
    case = Case.objects.get(receipt_no=receipt)
    client.force_login(team.clerk)
    client.post(reverse("workbench:case_step", args=[receipt, "accept"]), {"accept-version": case.version})
    case.refresh_from_db()
    client.force_login(team.reviewer)
    client.post(reverse("workbench:case_step", args=[receipt, "start_review"]), {"start_review-version": case.version})
    agreement = Provider.objects.get(code=me.id_number).agreements.get()
    today = datetime.date.today()
    step = lambda name, body=None: client.post(reverse("workbench:agreement_step", args=[agreement.pk, name]),  # noqa: E731
                                               body or {})
    step("evaluation", {"panel": "甲,乙,丙", "onsite_on": (today - datetime.timedelta(days=20)).isoformat(),
                        "score": "75", "passed": "yes", "opinion": "基本符合",
                        "publicised_on": (today - datetime.timedelta(days=15)).isoformat()})
    step("negotiation")
    step("signature", {"starts_on": today.isoformat()})
    case, taken = drive(receipt)
    assert taken == ["approve", "complete"] and case.state == "completed"
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.IN_FORCE

    receipt = window(dazhou, me, "provider-info-change",
                     fields={"data_changes": "主要负责人=新主任\n注册地址=达州市新址9号", "data_evidence": "达卫〔2026〕8号",
                             "data_approved_on": today.isoformat()})
    case, _ = drive(receipt)
    provider = Provider.objects.get(code=me.id_number)
    assert (provider.principal, provider.address) == ("新主任", "达州市新址9号")
    assert case.data["filed_late"] is False
