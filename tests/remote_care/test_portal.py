"""The filings as a person meets them on the public site: 在线申请 with the form built from the
handler's schema (a 个人承诺书 ticked in place of the proof), the case page's 备案凭证 (PDF and
verification), the public verification page; and R33, the channel split of the 000 edition."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.cases.samples import PDF, upload
from tests.remote_care.conftest import place
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.cases.snapshot import item_in_force
from yibao.catalog.guides.importer import import_files, seed_dir
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.remote_care.models import Basis, Filing


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.YIBAO_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def test_apply_online_with_a_commitment_then_the_confirmation(client, dazhou, insured, finish):
    ins = insured(dazhou)
    item = item_in_force(dazhou, "remote-resident")
    client.force_login(ins.applicant.user)
    url = reverse("portal:apply", args=[item.pk])
    page = client.get(url).content.decode()
    assert 'name="data_province"' in page and 'name="data_city"' in page and "备案依据" in page
    proof = next(m for m in item.materials.all() if m.commitment_fallback)
    others = {f"material_{m.ordinal}": upload(f"{m.ordinal}.pdf", PDF) for m in item.materials.all()
              if m.ordinal != proof.ordinal and not m.when}
    body = {"data_province": "海南省", "data_city": "海口市", "data_action": "新办", f"commit_{proof.ordinal}": "on",
            **others}
    office = re.search(r'name="office"[^>]*>\s*(?:<option value="">[^<]*</option>\s*)?<option value="([^"]+)"', page)
    if office:
        body["office"] = office[1]
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(applicant=ins.applicant)
    assert case.channel == Channel.PORTAL
    case, _ = finish(case)
    filing = Filing.objects.get(case=case)
    assert filing.basis == Basis.COMMITMENT and filing.place == "海南省海口市"
    mine = client.get(reverse("portal:my_case", args=[case.receipt_no])).content.decode()
    assert filing.number in mine and reverse("portal:filing_verify", args=[filing.verify_code]) in mine
    pdf = client.get(reverse("portal:filing_pdf", args=[filing.number]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    client.logout()
    verified = client.get(reverse("portal:filing_verify", args=[filing.verify_code]))
    text = verified.content.decode()
    assert verified.status_code == 200 and "核验通过" in text and filing.number in text
    assert ins.person.id_number not in text  # masked
    assert client.get(reverse("portal:filing_verify", args=["x" * 24])).status_code == 404
    assert client.get(reverse("portal:filing_pdf", args=[filing.number])).status_code == 302  # login first


def test_someone_else_cannot_download_the_confirmation(client, dazhou, insured, submit, finish):
    ins, other = insured(dazhou), insured(dazhou, name="王五")
    filing = Filing.objects.get(case=finish(submit(dazhou, "remote-worker", ins.applicant,
                                                   data=place(basis="证明材料")))[0])
    client.force_login(other.applicant.user)
    assert client.get(reverse("portal:filing_pdf", args=[filing.number])).status_code == 404


def test_r33_offline_instant_online_two_working_days(regions, insured, submit, staff):
    """The 000 edition (达州, another edition) splits the limit by channel; a region publishing it
    gets 0 days at the window and 2 working days online from the engine's deadline rules."""
    region = Region.objects.create(code="quxian", name="渠县", admin_code="511725")
    import_files([seed_dir() / "000_af48c0e9f46db540.txt"], region="quxian", effective=timezone.localdate())
    window = insured(region)
    online = insured(region, name="王五")
    data = place(basis="证明材料")
    at_window = actions.accept_case(submit(region, "remote-retiree", window.applicant, data=data),
                                    staff["quxian"].clerk, channel=Channel.WINDOW)
    on_line = actions.accept_case(submit(region, "remote-retiree", online.applicant, data=data,
                                         channel=Channel.PORTAL), staff["quxian"].clerk, channel=Channel.WINDOW)
    assert (at_window.limit_days, on_line.limit_days) == (0, 2)
    assert on_line.due_date > on_line.accepted_on and at_window.due_date == at_window.accepted_on
    assert isinstance(on_line.due_date, datetime.date)
