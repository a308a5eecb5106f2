"""The engine's notices as PDF, one function per notice kind, on the A4 builder of core.pdf.

The notice functions print what `Notice.content` says (notices.py makes it complete); they add
only the contact details of the frozen item's offices and the verification address.
"""
from django.urls import reverse
from django.utils import timezone

from yibao.cases.models import NoticeKind
from yibao.catalog.models import ItemOffice
from yibao.core.pdf import Document, agency_name, cn_date, site_address

TRACK_PATH = "/track/"


def verify_url(code, site_url=""):
    return site_address(site_url) + reverse("portal:verify", args=[code])


def office_phones(case):
    """The consulting phones of the office handling the case, as the case's edition of the guide
    lists them; every office's when the case names none of them."""
    entries = list(ItemOffice.objects.filter(item_id=case.item_id).select_related("office").order_by("ordinal"))
    own = [e for e in entries if case.office and e.office.name == case.office]
    phones = []
    for entry in own or entries:
        for phone in entry.consult_phones or entry.office.consult_phones:
            if phone not in phones:
                phones.append(phone)
    return phones


def _head(doc, c, *extra):
    doc.rows([
        ("申请人", c.get("applicant")),
        ("证件号码", c.get("applicant_id")),
        ("代理人", c.get("agent")),
        ("办理事项", c.get("item")),
        ("办事指南版本", c.get("edition")),
        ("经办机构", c.get("office")),
        *extra,
    ])


def _follow(doc, c, case, site):
    doc.heading("进度查询")
    doc.paragraph(c.get("how_to_follow"))
    doc.paragraph(f"网上查询：{site}{TRACK_PATH}（输入受理编号和证件号码）")
    phones = office_phones(case)
    if phones:
        doc.paragraph("咨询电话：" + "、".join(phones))


def _receipt(doc, c, case, site):
    due = cn_date(c.get("due_date"))
    if due and c.get("due_provisional"):
        due += "（暂定：下一年度法定节假日安排公布后重新计算）"
    _head(doc, c, ("受理日期", cn_date(c.get("accepted_on"))), ("办理时限", c.get("time_limit")),
          ("适用情形", c.get("limit_rule")), ("办结期限", due))
    pending = [d for d in c.get("sub_deadlines") or [] if not d.get("met_on")]
    if pending:
        doc.heading("分段期限")
        doc.table(["环节", "期限", "截止日期"], [
            [d.get("name", ""), f"{d.get('working_days', '')}个工作日",
             cn_date(d.get("due", "")) + ("（暂定）" if d.get("provisional") else "")]
            for d in pending
        ], [0.5, 0.2, 0.3])
    if c.get("stages"):
        doc.paragraph("办理流程：" + " → ".join(c["stages"]))
    owed = c.get("owed_materials") or []
    if owed:
        doc.heading("容缺受理：尚需补交的材料")
        doc.table(["材料名称", "补交期限", "说明"],
                  [[o["name"], cn_date(o["due"]), o.get("how", "")] for o in owed], [0.45, 0.2, 0.35])
    doc.paragraph("您的申请已受理。我们将在上述时限内办结，并将结果告知您。")
    _follow(doc, c, case, site)


def _correction(doc, c, case, site):
    _head(doc, c, ("告知轮次", f"第{c.get('round', 1)}次"), ("补正期限", cn_date(c.get("supply_by"))))
    doc.heading("需补正的材料")
    doc.table(["序号", "材料名称", "问题", "补正方式", "补正期限"], [
        [str(n), i["name"], i.get("problem", ""), i.get("how", ""), cn_date(i.get("due", ""))]
        for n, i in enumerate(c.get("items", []), 1)
    ], [0.07, 0.28, 0.15, 0.33, 0.17])
    doc.paragraph(c.get("statement"))
    _follow(doc, c, case, site)


def _refusal(heading):
    def render(doc, c, case, site):
        _head(doc, c)
        doc.heading(heading)
        doc.paragraph(c.get("reason"))
        doc.heading("救济途径")
        doc.paragraph(c.get("remedy"))
        phones = office_phones(case)
        if phones:
            doc.paragraph("咨询电话：" + "、".join(phones))
    return render


def _completion(doc, c, case, site):
    amount = f"{c['amount']}元" if c.get("amount") else ""
    summary = (c.get("effect") or {}).get("summary", "")  # a handler's line for the applicant, if any
    _head(doc, c, ("办理结果", c.get("result")), ("核定金额", amount), ("办理情况", summary))
    doc.paragraph(c.get("evaluation"))
    _follow(doc, c, case, site)


RENDERERS = {
    NoticeKind.RECEIPT: _receipt,
    NoticeKind.CORRECTION: _correction,
    NoticeKind.REFUSAL: _refusal("不予受理理由"),
    NoticeKind.DENIAL: _refusal("审核不通过理由"),
    NoticeKind.COMPLETION: _completion,
}


def render_notice_pdf(notice, *, site_url=""):
    """The notice as an A4 PDF (bytes). `site_url`: the public site's address when
    YIBAO_SITE_URL is not set (a view passes the requesting host)."""
    case = notice.case
    content = notice.content
    site = site_address(site_url)
    doc = Document(
        issuer=agency_name(case.region),
        office=content.get("office") or case.office,
        title=content.get("title") or notice.get_kind_display(),
        reference=f"受理编号：{content.get('receipt_no') or case.receipt_no}",
        issued_on=timezone.localdate(notice.issued_at),
        verify_code=notice.verify_code,
        verify_url=verify_url(notice.verify_code, site) if notice.verify_code else "",
    )
    RENDERERS[notice.kind](doc, content, case, site)
    return doc.render()
