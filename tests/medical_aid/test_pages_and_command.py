"""Medical aid through the workbench (Django test client: upload a list, start the batch, follow it,
make its orders, record a determination), through `yibao aid …`, `yibao items status`, and the demo
data with the shipped sample list."""
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.medical_aid.conftest import YEAR, csv_bytes, resident, row
from yibao.cases.models import Case
from yibao.medical_aid import lists
from yibao.medical_aid.models import Grant, Recognition, RecipientList, SubsidyBatch
from yibao.payments.models import PaymentOrder


@pytest.fixture
def region(regions):
    return regions["panzhihua"]


def upload(client, content, name="民政.csv", source="civil"):
    f = io.BytesIO(content)
    f.name = name
    return client.post(reverse("workbench:aid_upload"),
                       {"list-source": source, "list-year": YEAR, "list-period": "2026-03", "list-file": f})


def test_a_clerk_uploads_a_list_starts_the_batch_and_follows_it_a_payer_makes_the_orders(client, region, staff):
    team = staff["panzhihua"]
    a, b = resident(region, "王特困"), resident(region, "钱欠费", paid=None)
    client.force_login(team.clerk)
    page = client.get(reverse("workbench:aid"))
    assert page.status_code == 200 and "救助对象名单" in page.content.decode()
    response = upload(client, csv_bytes([row(a.person), row(b.person, "低保")]))
    assert response.status_code == 302
    recipients = RecipientList.objects.get()
    assert recipients.row_count == 2 and recipients.uploaded_by == team.clerk
    bad = upload(client, b"<?xml version='1.0'?><!DOCTYPE x>", name="evil.xlsx")
    assert bad.status_code == 400 and "名单" in bad.content.decode()

    response = client.post(reverse("workbench:aid_start"), {"lists": [recipients.pk]})
    found = SubsidyBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workbench:aid_batch", args=[found.pk])
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "已资助" in page and "未全额缴纳本年度个人缴费" in page
    receipt = Grant.objects.get().case.receipt_no
    assert receipt in page and a.person.id_number not in page  # masked in the report
    case_page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    assert "资助参保" in case_page and "380.00" in case_page
    # the clerk may not make orders; a payer may
    assert client.post(reverse("workbench:aid_batch_step", args=[found.pk, "pay"])).status_code == 403
    client.force_login(team.maker)
    client.post(reverse("workbench:aid_batch_step", args=[found.pk, "pay"]))
    order = PaymentOrder.objects.get()
    assert (order.account_kind, order.amount, order.created_by) == ("ssc", Grant.objects.get().amount, team.maker)
    client.post(reverse("workbench:aid_batch_step", args=[found.pk, "pay"]))  # twice: still one order
    assert PaymentOrder.objects.count() == 1
    # another region's staff cannot see the batch
    client.force_login(staff["dazhou"].clerk)
    assert client.get(reverse("workbench:aid_batch", args=[found.pk])).status_code == 404


def test_a_reviewer_records_the_determination_and_the_case_page_shows_the_explanation(client, regions, staff):
    from tests.medical_aid.test_aid_reimbursement import claim, statement
    from yibao.cases import actions
    from yibao.cases.snapshot import item_in_force
    from tests import domain_support as ds

    region = regions["dazhou"]
    team = staff["dazhou"]
    r = resident(region, "吴待认")
    item = item_in_force(region, "aid-reimbursement")
    case = actions.submit_case(item=item, applicant=r.applicant, actor=team.clerk, channel="window",
                               materials={k: "document" for k in ds.catalogue_materials(item)},
                               data=claim(statement(), authorisation=True))
    client.force_login(team.reviewer)
    page = client.get(reverse("workbench:case", args=[case.receipt_no])).content.decode()
    assert "待相关部门认定" in page
    response = client.post(reverse("workbench:aid_recognise"), {
        "rec-id_number": r.person.id_number, "rec-year": YEAR, "rec-category": "subsistence", "rec-source": "civil",
        "rec-reference": "民政认定2026-1"})
    assert response.status_code == 302 and Recognition.objects.get(person=r.person).recorded_by == team.reviewer
    page = client.get(reverse("workbench:case", args=[case.receipt_no])).content.decode()
    assert "医疗救助核算明细" in page and "2100.00" in page
    client.force_login(team.clerk)  # a clerk may not record determinations
    assert client.post(reverse("workbench:aid_recognise"), {}).status_code == 403


def test_the_command_loads_runs_reports_and_pays(region, staff, tmp_path, capsys):
    a = resident(region, "王特困")
    path = tmp_path / "残联.csv"
    path.write_bytes(csv_bytes([row(a.person, "重度残疾人"), row(a.person, "重度残疾人")]))
    call_command("aid", "load", str(path), "--region", "panzhihua", "--source", "残联", "--year", str(YEAR))
    out = capsys.readouterr().out
    list_id = re.search(r"名单(\d+)", out).group(1)
    call_command("aid", "load", str(path), "--region", "panzhihua", "--source", "残联", "--year", str(YEAR))
    assert "已导入过" in capsys.readouterr().out
    call_command("aid", "run", "--region", "panzhihua", "--year", str(YEAR), "--lists", list_id)
    out = capsys.readouterr().out
    assert "进度 2/2" in out and "资助1人，金额380.00元" in out
    batch_id = SubsidyBatch.objects.get().pk
    call_command("aid", "report", str(batch_id), "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"已资助": 1, "名单内重复": 1}
    call_command("aid", "pay", str(batch_id), "--user", staff["panzhihua"].maker.username)
    assert "已生成支付指令1笔" in capsys.readouterr().out
    call_command("aid", "status", str(batch_id))
    assert "已完成" in capsys.readouterr().out


def test_items_status_shows_both_aid_items_with_a_handler(db, capsys):
    call_command("items", "status", "--format", "json")
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["aid-contribution-subsidy"]["handler"] == "ContributionSubsidy"
    assert rows["aid-reimbursement"]["handler"] == "AidReimbursement"
    assert all(rows[c]["effect"] is True and rows[c]["pays"] is True for c in ("aid-contribution-subsidy",
                                                                              "aid-reimbursement"))


def test_the_demo_and_its_sample_list_run_as_a_new_user_would(regions, staff):
    from yibao.accounts.demo import ensure_demo_insured
    from yibao.entitlements.demo import ensure_demo_entitlements
    from yibao.medical_aid import batch as aid_batch
    from yibao.medical_aid.demo import ensure_demo_aid
    from yibao.people.demo import ensure_demo_accounts

    ensure_demo_accounts()
    ensure_demo_insured()
    ensure_demo_entitlements()
    assert ensure_demo_aid() == ensure_demo_aid()  # idempotent
    region = regions["panzhihua"]
    from django.utils import timezone

    year = timezone.localdate().year
    recipients, _ = lists.store_list(region, source="民政", period=str(year), year=year,
                                     content=lists.SAMPLE.read_bytes(), filename=lists.SAMPLE.name, actor=None)
    done = aid_batch.run_batch(aid_batch.create_batch(region, year, [recipients], actor=None).pk)
    counts = aid_batch.report(done)["counts"]
    assert counts == {"已资助": 4, "未全额缴纳本年度个人缴费": 2, "名单内重复": 1, "未参加本年度城乡居民医保": 1,
                      "救助类别无法识别": 1}
    assert str(done.amount) == "1150.00"  # 380 + 240 + 150 + 380 (示例参数)
    assert Case.objects.filter(item_code="aid-contribution-subsidy").count() == 4
