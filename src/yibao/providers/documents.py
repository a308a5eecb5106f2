"""The settlement statement (结算单) of a provider and period, as PDF (core.pdf) and as xlsx: the
totals, the rejections by rule, the deposit held back and the amount paid, and every line the
audit flagged with its answer and re-review."""
from io import BytesIO

from django.utils import timezone

from yibao.core.pdf import Document, agency_name
from yibao.providers.audit import RULES


def _rules(codes):
    return "、".join(RULES.get(c, c) for c in codes)


def summary_rows(s):
    rows = [
        ("定点医药机构", f"{s.provider.name}（{s.provider.code}）"),
        ("结算期", s.period),
        ("结算办件", s.case.receipt_no if s.case_id else ""),
        ("状态", s.get_state_display()),
        ("申报文件", f"{s.filename}（SHA-256 {s.digest[:16]}…）"),
        ("明细条数", f"{s.lines}条"),
        ("医疗费用总额（元）", str(s.total_amount)),
        ("申报统筹基金支付（元）", str(s.claimed)),
        ("初审拒付（元）", str(s.rejected_preliminary)),
        ("复审后拒付（元）", "" if s.rejected_final is None else str(s.rejected_final)),
        ("核定金额（元）", "" if s.approved is None else str(s.approved)),
        ("预留质量保证金（元）", "" if s.deposit is None else
         f"{s.deposit}（比例{(s.deposit_rate * 100).normalize()}%{'，' + s.parameters_label if s.parameters_label else ''}）"),
        ("应拨付（元）", "" if s.payable is None else str(s.payable)),
        ("收款账户", f"{s.provider.bank_name} {s.provider.masked_account}"),
    ]
    return [(k, v) for k, v in rows if v not in (None, "")]


def statement_pdf(submission):
    s = submission
    doc = Document(issuer=agency_name(s.region), title="定点医药机构费用结算单", issued_on=timezone.localdate(),
                   reference=f"{s.provider.code}-{s.period}")
    doc.rows(summary_rows(s))
    doc.heading("按审核规则拒付")
    doc.table(["规则", "条数", "统筹基金（元）"],
              [[RULES[c], str(v["lines"]), v["amount"]] for c, v in s.by_rule.items() if v["lines"]],
              [0.5, 0.2, 0.3])
    flagged = list(s.flagged.all()[:500])
    if flagged:
        doc.heading("初审拒付明细、反馈与复审" + ("（前500条，全部见xlsx）" if s.flagged.count() > 500 else ""))
        doc.table(["行号", "患者", "日期", "项目", "统筹（元）", "规则", "结论"],
                  [[str(f.line_no), f.masked_patient, f.visit_on.isoformat(), f.item_name, str(f.fund_share),
                    _rules(f.rules), f.get_verdict_display()] for f in flagged],
                  [0.07, 0.2, 0.12, 0.2, 0.1, 0.19, 0.12])
    return doc.render()


def statement_xlsx(submission):
    s = submission
    from openpyxl import Workbook  # loaded when a sheet is written: `yibao` starts without it

    book = Workbook(write_only=True)
    sheet = book.create_sheet("结算单")
    sheet.append(["定点医药机构费用结算单"])
    for k, v in summary_rows(s):
        sheet.append([k, v])
    sheet.append([])
    sheet.append(["规则", "条数", "统筹基金（元）"])
    for c, v in s.by_rule.items():
        sheet.append([RULES[c], v["lines"], v["amount"]])
    lines = book.create_sheet("拒付明细")
    lines.append(["行号", "患者姓名", "证件号码", "就诊流水号", "费用发生日期", "项目编码", "项目名称", "目录类别", "金额",
                  "统筹基金支付", "违反规则", "结论", "机构反馈", "复审意见", "审核说明"])
    for f in s.flagged.order_by("line_no").iterator():
        lines.append([f.line_no, f.patient_name, f.masked_patient.split("（")[-1].rstrip("）"), f.visit_no,
                      f.visit_on.isoformat(), f.item_code, f.item_name, f.catalogue_class, str(f.amount),
                      str(f.fund_share), _rules(f.rules), f.get_verdict_display(), f.answer, f.review_note, f.note])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
