"""PDF notices: every kind renders an A4 PDF whose text (read back with poppler's pdftotext)
says what the notice says, in Chinese, with the verification code and address on every page."""
import subprocess
from datetime import date

import pytest

from tests.cases import documents as d
from tests.cases import factories as f
from yibao.cases import actions, pdf
from yibao.core.pdf import font_name
from yibao.cases.models import Case, NoticeKind


def run(tool, data, *args):
    return subprocess.run([tool, *args, "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def text_of(data, *pages):
    """The PDF's text with all whitespace removed: table cells wrap lines anywhere."""
    page_args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return "".join(run("pdftotext", data, *page_args).split())


def page_count(data):
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture
def notices(city, person, clerk, reviewer):
    return d.issue_all(d.item(city), person, clerk, reviewer)


@pytest.fixture
def rendered(notices):
    return {kind: pdf.render_notice_pdf(n, site_url="https://ybj.example.cn/") for kind, n in notices.items()}


@pytest.mark.parametrize("kind", NoticeKind.values)
def test_every_kind_is_an_a4_pdf_with_head_and_verification(kind, notices, rendered, person):
    notice, data = notices[kind], rendered[kind]
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "595.276 x 841.89 pts (A4)" in info
    text = text_of(data)
    for expected in (
        "测试市医疗保障经办机构", notice.get_kind_display(), notice.case.receipt_no, d.TITLE, "2024年版",
        person.name, person.masked_id, notice.verify_code, f"https://ybj.example.cn/verify/{notice.verify_code}/",
    ):
        assert expected in text, expected
    assert person.id_number not in text  # the ID number is printed masked only
    issued = notice.issued_at.astimezone().date()
    assert f"{issued.year}年{issued.month}月{issued.day}日" in text


def test_receipt_states_the_limit_due_date_owed_material_and_how_to_follow(notices, rendered):
    case = notices[NoticeKind.RECEIPT].case
    case.refresh_from_db()  # the notice holds the instance submit() returned, before acceptance set the due date
    text = text_of(rendered[NoticeKind.RECEIPT])
    assert "20个工作日" in text
    assert pdf.cn_date(case.due_date) in text
    assert ("暂定" in text) == case.due_provisional  # a due date past the published calendar says so
    assert "容缺受理" in text and d.MATERIALS[2] in text  # owed at acceptance, with its due date
    owed_due = notices[NoticeKind.RECEIPT].content["owed_materials"][0]["due"]
    assert pdf.cn_date(owed_due) in text
    assert "https://ybj.example.cn/track/" in text and d.PHONE in text
    assert "申请→受理→审核→办结" in text


def test_correction_notice_lists_every_material_with_problem_and_date(notices, rendered):
    notice = notices[NoticeKind.CORRECTION]
    text = text_of(rendered[NoticeKind.CORRECTION])
    named = [i["name"] for i in notice.content["items"]]
    assert named == d.MATERIALS  # one defective + two missing, all at once
    for name in named:
        assert name in text
    assert d.DEFECT in text and text.count("未提交") == 2
    assert pdf.cn_date(notice.content["supply_by"]) in text
    assert "全部材料" in text  # the 一次性告知 statement


@pytest.mark.parametrize("kind, reason, heading", [
    (NoticeKind.REFUSAL, d.REFUSAL, "不予受理理由"),
    (NoticeKind.DENIAL, d.DENIAL, "审核不通过理由"),
])
def test_refusal_and_denial_give_the_reason_and_the_remedies(kind, reason, heading, rendered):
    text = text_of(rendered[kind])
    assert heading in text and reason in text
    assert "行政复议" in text and "行政诉讼" in text and d.PHONE in text


def test_completion_notice_gives_the_result(rendered):
    text = text_of(rendered[NoticeKind.COMPLETION])
    assert "已办结" in text and "非常满意" in text  # the result and the invitation to rate


def test_font_is_embedded(rendered):
    fonts = subprocess.run(["pdffonts", "-"], input=rendered[NoticeKind.RECEIPT], capture_output=True,
                           check=True).stdout.decode()
    rows = [line.split() for line in fonts.splitlines()[2:]]
    # embedded, subset, with a Unicode map: any viewer renders it, and the text can be copied
    assert any("TrueType" in row and row[-5:-2] == ["yes", "yes", "yes"] for row in rows)
    assert b"/FontFile2" in rendered[NoticeKind.RECEIPT]


def test_without_the_font_file_it_falls_back_to_the_built_in_cid_font(settings, notices):
    settings.YIBAO_PDF_FONT = "/nonexistent/font.ttc"
    font_name.cache_clear()
    try:
        data = pdf.render_notice_pdf(notices[NoticeKind.REFUSAL])
    finally:
        font_name.cache_clear()
    # Read the PDF itself: poppler needs its Adobe-GB1 language pack (poppler-data) to parse a CID
    # font, which is the reason the TrueType font is embedded when present.
    assert b"/BaseFont /STSong-Light" in data and b"/FontFile2" not in data


def test_configured_site_address_wins_over_the_requesting_host(settings, notices):
    settings.YIBAO_SITE_URL = "https://ybj.sc.gov.cn/"
    notice = notices[NoticeKind.REFUSAL]
    text = text_of(pdf.render_notice_pdf(notice, site_url="http://10.0.0.5:8000/"))
    assert f"https://ybj.sc.gov.cn/verify/{notice.verify_code}/" in text and "10.0.0.5" not in text


def test_a_long_correction_notice_carries_the_code_on_every_page(city, person, clerk):
    names = [f"第{n}项证明材料（须加盖出具单位公章并注明与原件一致）" for n in range(1, 41)]
    item = d.item(city, materials=names)
    case = d.submit(item, person, materials=[])
    actions.request_correction(case, clerk, channel=d.W)
    notice = case.notices.get(kind=NoticeKind.CORRECTION)
    data = pdf.render_notice_pdf(notice)
    pages = page_count(data)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert notice.verify_code in text_of(data, page)
    whole = text_of(data)
    assert all(name in whole for name in names)


def test_the_builder_serves_other_documents_and_prints_markup_literally():
    doc = pdf.Document(issuer="攀枝花市医疗保障经办机构", title="参保凭证", issued_on=date(2026, 3, 5),
                       reference="凭证编号：PZH-0001")
    doc.rows([("参保人", "李四 <b>&amp;"), ("参保状态", "参保缴费"), ("备注", "")])
    doc.heading("参保缴费记录")
    doc.table(["年度", "险种", "缴费月数"], [["2025", "职工基本医疗保险", "12"]], [0.2, 0.6, 0.2])
    doc.paragraph("本凭证仅证明参保情况。")
    text = text_of(doc.render())
    for expected in ("攀枝花市医疗保障经办机构", "参保凭证", "凭证编号：PZH-0001", "李四<b>&amp;", "参保缴费记录",
                     "职工基本医疗保险", "本凭证仅证明参保情况。", "2026年3月5日"):
        assert expected in text, expected
    assert "备注" not in text  # empty rows are left out
    assert "核验码" not in text  # no code, no verification footer


def test_office_phones_fall_back_to_every_office_when_the_case_names_none(city, person):
    case = d.submit(d.item(city), person)
    case.office = ""
    assert pdf.office_phones(case) == [d.PHONE]
    case.office = "别的经办机构"
    assert pdf.office_phones(case) == [d.PHONE]
    # an item whose guide lists no office (built unsaved: office_phones reads only item and office)
    assert pdf.office_phones(Case(item=f.item(city, "unit-enrollment"), office="市本级")) == []
