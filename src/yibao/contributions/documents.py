"""PDF documents of the registers, on core's A4 builder (core.pdf.Document):
the record a query returns, and the 《参保凭证》 with its verification code."""
from django.urls import reverse
from django.utils import timezone

from yibao.core.pdf import Document, agency_name, site_address


def certificate_verify_url(code, site_url=""):
    return site_address(site_url) + reverse("portal:certificate_verify", args=[code])


def _enrollment_table(doc, rows):
    doc.table(["险种", "身份", "参保单位", "状态", "参保日期", "终止日期"],
              [[e["scheme"], e["category"], e["employer"], e["status"], e["start_on"], e["end_on"]] for e in rows],
              [0.22, 0.14, 0.26, 0.12, 0.13, 0.13])


def _contributions(doc, summary):
    doc.rows([("累计缴费年限", summary["text"]),
              *((f"其中：{k}", f"{v}个月") for k, v in summary["by_source"].items())])


def _notices(doc, notices):
    if notices:
        doc.heading("待缴费的缴费通知单")
        doc.table(["编号", "类别", "金额（元）", "缴款期限", "说明"],
                  [[n["number"], n["kind"], n["total"], n["due_on"], n["parameters_label"]] for n in notices],
                  [0.34, 0.16, 0.14, 0.14, 0.22])


def record_pdf(record, region, *, office=""):
    """The record of queries.person_record or queries.unit_record as a PDF (bytes)."""
    today = timezone.localdate()
    if record["kind"] == "person":
        p = record["person"]
        doc = Document(issuer=agency_name(region), office=office, title="参保人员参保信息查询结果", issued_on=today,
                       reference=f"查询日期：{today:%Y-%m-%d}")
        doc.rows([("姓名", p["name"]), ("证件类型", p["id_type"]), ("证件号码", p["id_number"]), ("性别", p["sex"]),
                  ("出生日期", p["birth_date"]), ("联系电话", p["phone"]), ("人员状态", p["status"]),
                  ("参保地", p["region"])])
        doc.heading("参保关系")
        if record["enrollments"]:
            _enrollment_table(doc, record["enrollments"])
        else:
            doc.paragraph("无参保记录")
        doc.heading("缴费情况")
        _contributions(doc, record["contributions"])
        if record["recent_assessments"]:
            doc.table(["费款所属期", "缴费方", "缴费基数", "应缴合计", "个人缴费", "状态"],
                      [[a["month"], a["payer"], a["base"], a["amount"], a["personal_amount"], a["state"]]
                       for a in record["recent_assessments"]], [0.14, 0.26, 0.15, 0.15, 0.15, 0.15])
        _notices(doc, record["unpaid_notices"])
        credential = record["e_credential"]
        doc.paragraph(f"医保电子凭证：{'已激活（' + credential['number'] + '）' if credential else '未申领'}")
    else:
        e = record["employer"]
        doc = Document(issuer=agency_name(region), office=office, title="参保单位参保信息查询结果", issued_on=today,
                       reference=f"查询日期：{today:%Y-%m-%d}")
        doc.rows([("单位名称", e["name"]), ("统一社会信用代码", e["uscc"]), ("单位性质", e["kind"]),
                  ("法定代表人", e["legal_representative"]), ("开户银行", e["bank_name"]), ("银行账号", e["bank_account"]),
                  ("征收机构", e["collection_agency"]), ("参保状态", e["status"]), ("参保登记日期", e["registered_on"]),
                  ("在册职工", f"{record['employees_open']}人")])
        if record["lineage"]:
            doc.heading("单位沿革")
            doc.table(["关系", "类型", "单位", "统一社会信用代码", "日期"],
                      [[k["relation"], k["kind"], k["employer"], k["uscc"], k["on"]] for k in record["lineage"]],
                      [0.12, 0.1, 0.36, 0.26, 0.16])
        if record["bases"]:
            b = record["bases"]
            doc.paragraph(f"{b['year']}年度已申报缴费基数：{b['persons']}人，月缴费基数合计{b['total']}元")
        if record.get("roster"):
            doc.heading("在册职工")
            doc.table(["姓名", "证件号码", "身份", "状态", "参保日期"],
                      [[r["name"], r["id_number"], r["category"], r["status"], r["start_on"]] for r in record["roster"]],
                      [0.18, 0.3, 0.16, 0.16, 0.2])
        _notices(doc, record["unpaid_notices"])
    return doc.render()


def certificate_pdf(certificate, *, site_url=""):
    """《参保凭证》 as issued (its stored content), with the code and QR to verify it."""
    c = certificate.content
    doc = Document(issuer=agency_name(certificate.region), title="参保凭证",
                   reference=f"凭证编号：{certificate.number}", issued_on=timezone.localdate(certificate.issued_at),
                   verify_code=certificate.verify_code,
                   verify_url=certificate_verify_url(certificate.verify_code, site_url))
    doc.rows([("姓名", c["name"]), ("证件类型", c["id_type"]), ("证件号码", c["id_number"]), ("性别", c["sex"]),
              ("出生日期", c["birth_date"])])
    doc.heading("参保情况")
    _enrollment_table(doc, c["enrollments"])
    doc.heading("缴费年限")
    _contributions(doc, c["contributions"])
    doc.paragraph(f"兹证明上述人员参保情况属实（截至{c['issued_on']}）。本凭证可用于办理基本医疗保险关系转移接续等业务。")
    return doc.render()
