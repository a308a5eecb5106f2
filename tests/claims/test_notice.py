"""The result notice of a reimbursement prints the 核算明细: every line, the reasons, the total."""
import subprocess

from tests.claims.conftest import OUT, claim_data, invoice, line
from yibao.cases import pdf


def text_of(data):
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return "".join(out.split())


def test_the_completion_notice_prints_the_explanation(dazhou, insured, submit, review, pay_and_complete):
    ins = insured(dazhou)
    lines = [line("头孢克肟", "甲", "10", "30.00"), line("保健品", "丙", "1", "80.00")]
    case = review(submit(dazhou, OUT, ins.applicant, data=claim_data(invoice("FP-N-1", lines=lines))))
    case, _ = pay_and_complete(case)
    text = text_of(pdf.render_notice_pdf(case.notices.get(kind="completion"), site_url="https://ybj.example.cn/"))
    assert "核算明细" in text and "FP-N-1#1" in text and "头孢克肟" in text
    assert "丙类项目，基本医疗保险不予支付" in text and "示例参数" in text
    assert f"{case.amount}" in text and "合计" in text
