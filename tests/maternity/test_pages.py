"""The maternity case pages: the workbench shows the 核算明细 and the bundle's other cases to
staff; the portal shows the applicant (the employer for the allowance) the same table; a stranger
gets nothing."""
from django.urls import reverse

from tests.maternity.conftest import facts


def test_the_case_pages_show_the_table_and_the_bundle(regions, family, open_bundle, finish, client, staff):
    dazhou = regions["dazhou"]
    fam = family(dazhou)
    bundle, cases = open_bundle(dazhou, fam, ["maternity-allowance"], facts_=facts(babies=2))
    case, _ = finish(cases[0])
    client.force_login(staff["dazhou"].clerk)
    page = client.get(reverse("workbench:case", args=[case.receipt_no])).content.decode()
    assert "生育津贴核算明细" in page and "113天" in page and "示例参数" in page
    assert bundle.bundle_no in page
    client.force_login(fam.unit.user)
    mine = client.get(reverse("portal:my_case", args=[case.receipt_no]))
    assert mine.status_code == 200 and "日津贴" in mine.content.decode()
    client.force_login(family(dazhou, name="路人").me.user)
    assert "日津贴" not in client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()


def test_the_clerk_files_a_bundle_at_the_window_from_the_form(regions, family, client, staff):
    from tests.maternity.conftest import BIRTH_DAY, CARD
    from yibao.cases.models import Bundle

    dazhou = regions["dazhou"]
    fam = family(dazhou)
    client.force_login(staff["dazhou"].clerk)
    page = client.get(reverse("workbench:maternity_bundle")).content.decode()
    assert "生育津贴支付" in page and "（合并支付）" in page and "医院收费票据" in page
    form = {"items": ["prenatal-payment", "maternity-allowance"], "insured_id_number": fam.me.id_number,
            "employer_uscc": fam.unit.id_number, "event": "分娩", "event_date": BIRTH_DAY.isoformat(), "babies": "1",
            "care": "住院", "birth_certificate": "数据共享", "prenatal-payment-invoice_no": "WB0001",
            "prenatal-payment-provider_name": "达州市妇幼保健院", "prenatal-payment-provider_level": "二级",
            "prenatal-payment-care_date": BIRTH_DAY.isoformat(), "prenatal-payment-diagnosis": "妊娠",
            "prenatal-payment-lines": "产检,甲,1,300.00,300.00", "bank_name": "中国工商银行", "account_no": CARD,
            "materials": ["医保电子凭证或有效身份证件或社保卡", "医院收费票据", "费用清单", "诊断证明", "病历资料"]}
    done = client.post(reverse("workbench:maternity_bundle"), form)
    assert done.status_code == 302, done.content.decode()[:2000]
    bundle = Bundle.objects.get()
    assert sorted(c.item_code for c in bundle.cases.all()) == ["maternity-allowance", "prenatal-payment"]
    assert {c.channel for c in bundle.cases.all()} == {"window"}
    # a careless clerk: the woman's ID number wrong → a Chinese message, nothing opened
    bad = client.post(reverse("workbench:maternity_bundle"), {**form, "insured_id_number": "11010119900101123X"})
    assert bad.status_code == 200 and "未找到" in bad.content.decode() and Bundle.objects.count() == 1


def test_the_employee_submits_her_bundle_online_with_each_file_once(regions, family, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.maternity.conftest import BIRTH_DAY, CARD
    from yibao.cases.models import Attachment, Bundle

    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    from yibao.core.models import Channel
    from yibao.people.actions import grant_authorisation

    pzh = regions["panzhihua"]
    fam = family(pzh)
    grant_authorisation(fam.unit, fam.me.id_number, channel=Channel.PORTAL)  # the allowance is the employer's
    client.force_login(fam.me.user)
    item_page = client.get(reverse("portal:region_item", args=["panzhihua", "maternity-allowance"])).content.decode()
    assert reverse("portal:maternity_bundle", args=["panzhihua"]) in item_page
    page = client.get(reverse("portal:maternity_bundle", args=["panzhihua"])).content.decode()
    names = [line.split(">")[-1] for line in page.split('<input type="file"')[:-1]]
    assert any("有效身份证件" in n for n in names)
    index = {n.strip(): i for i, n in enumerate(names)}
    pdf = b"%PDF-1.4\n" + b"0" * 100
    files = {f"file-{i}": SimpleUploadedFile(f"{i}.pdf", pdf) for name, i in index.items()}
    form = {"items": ["prenatal-payment", "maternity-medical-payment", "maternity-allowance"],
            "employer_uscc": fam.unit.id_number, "event": "分娩", "event_date": BIRTH_DAY.isoformat(), "babies": "1",
            "care": "住院", "birth_certificate": "数据共享", "bank_name": "中国工商银行", "account_no": CARD,
            **{f"{code}-{k}": v for code in ("prenatal-payment", "maternity-medical-payment") for k, v in {
                "invoice_no": f"ON-{code[:3]}", "provider_name": "攀枝花市妇幼保健院", "provider_level": "二级",
                "care_date": BIRTH_DAY.isoformat(), "diagnosis": "妊娠", "lines": "检查,甲,1,300.00,300.00"}.items()},
            **files}
    done = client.post(reverse("portal:maternity_bundle", args=["panzhihua"]), form)
    assert done.status_code == 302, done.content.decode()[-3000:]
    bundle = Bundle.objects.get()
    assert {c.channel for c in bundle.cases.all()} == {"portal"} and bundle.cases.count() == 3
    ids = Attachment.objects.filter(material_name__contains="有效身份证件")
    assert ids.count() == 3  # given once, kept by each case
    # 达州's guide offers these items at the window only: the page says so and refuses
    dazhou = family(regions["dazhou"], name="达州职工")
    client.force_login(dazhou.me.user)
    refused = client.post(reverse("portal:maternity_bundle", args=["dazhou"]), {**form, "items": ["maternity-allowance"],
                                                                                "employer_uscc": dazhou.unit.id_number})
    assert refused.status_code == 200 and "窗口" in refused.content.decode() and Bundle.objects.count() == 1
