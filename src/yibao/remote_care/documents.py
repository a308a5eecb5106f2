"""The 备案凭证 (filing confirmation): a PDF with the code and QR anyone can verify it by, on
core's A4 builder, like the 参保凭证. It shows the filing as the register holds it now (a
changed or cancelled filing says so)."""
from django.urls import reverse
from django.utils import timezone

from yibao.core.masking import mask_id_number, mask_name
from yibao.core.pdf import Document, agency_name, site_address


def filing_verify_url(code, site_url=""):
    return site_address(site_url) + reverse("portal:filing_verify", args=[code])


def public_view(filing):
    """What anyone holding the code may see: masked name and ID number, the filing's terms."""
    return {
        "number": filing.number, "issuer": agency_name(filing.region), "name": mask_name(filing.person.name),
        "id_number": mask_id_number(filing.person.id_number), "kind": filing.get_kind_display(),
        "filing_class": filing.get_filing_class_display(), "scope": filing.scope, "place": filing.place,
        "start_on": filing.start_on.isoformat(), "end_on": filing.end_on.isoformat() if filing.end_on else None,
        "ended_on": filing.ended_on.isoformat() if filing.ended_on else None,
        "status": filing.get_status_display(), "validity": filing.validity_text(),
        "covers_today": filing.covers(timezone.localdate()),
        "submitted_by_provider": filing.submitted_by_provider,
    }


def filing_pdf(filing, *, site_url=""):
    """《异地就医备案凭证》 of `filing` (bytes)."""
    doc = Document(issuer=agency_name(filing.region), title="异地就医备案凭证", reference=f"备案编号：{filing.number}",
                   issued_on=timezone.localdate(), verify_code=filing.verify_code,
                   verify_url=filing_verify_url(filing.verify_code, site_url))
    person = filing.person
    doc.rows([("姓名", person.name), ("证件号码", person.id_number), ("参保地", filing.region.name),
              ("备案类型", f"{filing.scope}{filing.get_kind_display()}备案（{filing.get_filing_class_display()}）"),
              ("就医地", filing.place), ("有效期", filing.validity_text()), ("状态", filing.get_status_display()),
              ("备案依据", filing.get_basis_display() + (f"（{filing.basis_note}）" if filing.basis_note else ""))])
    if filing.submitted_by_provider:
        doc.paragraph(f"本备案由定点医疗机构{filing.submitted_by_provider}代为申报。")
    if filing.trauma:
        doc.paragraph("外伤：跨省不能直接结算；省内异地就医已按《四川省省内异地就医外伤入院登记表》登记。")
    doc.paragraph("备案有效期内在就医地定点医药机构就医可直接结算。本凭证可扫描二维码或凭核验码在线核验。")
    return doc.render()
