"""The filings at the window (the workbench's intake form built from the handler's schema, the case
page's steps), the 备案凭证 offered on the completed case, and the coordination ticket answered
in the 办结 comment."""
from django.urls import reverse
from django.utils import timezone

from tests import domain_support as ds
from tests.domain_support import insured, teams  # noqa: F401 (fixture)
from tests.workbench.domain.conftest import drive, generic_handlers, window  # noqa: F401 (fixtures)
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.catalog.guides.importer import import_files, seed_dir
from yibao.catalog.models import Region
from yibao.remote_care.models import Coordination, Filing


def test_an_emergency_filing_at_the_window(client, dazhou, teams, window, drive):
    me, person = insured(dazhou)
    receipt = window(dazhou, me, "remote-emergency", fields={
        "data_province": "北京市", "data_city": "海淀区", "data_evidence": "急诊抢救病历"})
    case, steps = drive(receipt)
    filing = Filing.objects.get(case=case)
    assert (filing.person, filing.kind, filing.basis_note) == (person, "emergency", "急诊抢救病历")
    client.force_login(teams["dazhou"].clerk)
    page = client.get(reverse("workbench:case", args=[receipt])).content.decode()
    assert reverse("portal:filing_pdf", args=[filing.number]) in page
    pdf = client.get(reverse("portal:filing_pdf", args=[filing.number]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    client.force_login(teams["panzhihua"].clerk)  # another region's staff
    assert client.get(reverse("portal:filing_pdf", args=[filing.number])).status_code == 404


def test_a_refusal_shows_its_reason_on_the_intake_form(client, dazhou, teams):
    me, _ = insured(dazhou)
    item = item_in_force(dazhou, "remote-emergency")
    client.force_login(teams["dazhou"].clerk)
    response = client.post(reverse("workbench:intake"), {
        "item": item.pk, "id_type": me.id_type, "id_number": me.id_number, "data_province": "北京市",
        "data_city": "海淀区", "data_evidence": "入院记录", "data_trauma": "on"})
    assert response.status_code in (200, 400) and "外伤暂不能跨省直接结算" in response.content.decode()
    assert not Case.objects.exists()


def test_a_coordination_ticket_answered_at_completion(client, regions):
    region = Region.objects.create(code="xuanhan", name="宣汉县", admin_code="511722")
    import_files([seed_dir() / "003_0a79226fc910f612.txt"], region="xuanhan", effective=timezone.localdate())
    team = ds.team(region)
    me, person = insured(region)
    item = item_in_force(region, "remote-settlement-help")
    client.force_login(team.clerk)
    response = client.post(reverse("workbench:intake"), {
        "item": item.pk, "id_type": me.id_type, "id_number": me.id_number, "data_source": "信访",
        "data_phone": "13800001234", "data_insured_place": "宣汉县", "data_care_place": "海南省三亚市",
        "data_problem": "医院称无法直接结算，要求全额自付"})
    assert response.status_code == 302
    case = Case.objects.get(item_code="remote-settlement-help")
    step = reverse("workbench:case_step", args=[case.receipt_no, "instant"])
    assert step in client.get(reverse("workbench:case", args=[case.receipt_no])).content.decode()  # 即时协调
    refused = client.post(step, {"instant-version": case.version})  # no answer: refused, nothing changes
    assert refused.status_code == 400 and "协调结果" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == "submitted" and not Coordination.objects.exists()
    client.post(step, {"instant-version": case.version, "instant-comment": "已协调医院按备案直接结算并电话反馈"})
    case.refresh_from_db()
    assert case.state == "completed"
    row = Coordination.objects.get(case=case)
    assert (row.person, row.get_source_display()) == (person, "信访") and "电话反馈" in row.answer
