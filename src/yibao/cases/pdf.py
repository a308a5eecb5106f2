"""PDF documents: a small A4 builder (letterhead, title, key-value rows, tables, paragraphs, a
verification footer on every page) and one function per notice kind.

The notice functions print what `Notice.content` says (notices.py makes it complete); they add
only the contact details of the frozen item's offices and the verification address. Other
documents (the 参保凭证 of the enrolment domain) use `Document` the same way.
"""
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from yibao.cases.models import NoticeKind
from yibao.catalog.models import ItemOffice

EMBEDDED = "YibaoCJK"
BUILT_IN = "STSong-Light"  # Adobe's CID font: every PDF viewer has it, so nothing is embedded
TRACK_PATH = "/track/"
LETTERHEAD_RED = colors.HexColor("#b0171f")
RULE_GREY = colors.HexColor("#999999")
MARGIN = 20 * mm
FOOTER = 30 * mm
QR_SIZE = 22 * mm
QR_FORM = "verify-qr"


@lru_cache(maxsize=1)
def font_name():
    """Embed the configured TrueType collection when present, so any viewer renders the text
    the same; else fall back to the built-in CID font. Registered once per process (0.5 s)."""
    path = Path(settings.YIBAO_PDF_FONT or "")
    if path.is_file():
        try:
            pdfmetrics.registerFont(TTFont(EMBEDDED, str(path), subfontIndex=0))
            return EMBEDDED
        except Exception:  # a font reportlab cannot read: the built-in one still works
            pass
    pdfmetrics.registerFont(UnicodeCIDFont(BUILT_IN))
    return BUILT_IN


def cn_date(value):
    """2026-03-05 (a date or its ISO text) -> 2026年3月5日; anything else as given."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _styles(font):
    # wordWrap CJK: Chinese has no spaces, so lines may break between any two characters.
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=13),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=13.5),
        "label": ParagraphStyle("label", parent=base, fontSize=9.5, leading=13.5, textColor=colors.HexColor("#444444")),
        "issuer": ParagraphStyle("issuer", parent=base, fontSize=20, leading=26, alignment=TA_CENTER,
                                 textColor=LETTERHEAD_RED),
        "office": ParagraphStyle("office", parent=base, fontSize=10.5, alignment=TA_CENTER),
        "reference": ParagraphStyle("reference", parent=base, fontSize=10, alignment=TA_RIGHT),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER,
                                spaceBefore=4, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=18, spaceBefore=8, spaceAfter=3),
        "sign": ParagraphStyle("sign", parent=base, alignment=TA_RIGHT),
    }


def _text(value):
    # Paragraph reads a small markup language: user text must not be taken for tags.
    return escape(str(value)).replace("\n", "<br/>")


class Document:
    """One A4 document. Add blocks in reading order, then render() to PDF bytes."""

    def __init__(self, *, issuer, title, issued_on, office="", reference="", verify_code="", verify_url=""):
        self.issuer = issuer
        self.office = office
        self.title = title
        self.reference = reference
        self.issued_on = issued_on
        self.verify_code = verify_code or ""
        self.verify_url = verify_url or ""
        self._blocks = []  # (kind, args)

    def rows(self, pairs):
        """Key-value rows; pairs with an empty value are left out."""
        pairs = [(k, v) for k, v in pairs if v not in (None, "")]
        if pairs:
            self._blocks.append(("rows", pairs))

    def heading(self, text):
        self._blocks.append(("heading", text))

    def paragraph(self, text):
        if text:
            self._blocks.append(("paragraph", text))

    def table(self, header, rows, widths):
        """A table with a header row; `widths` are fractions of the text width."""
        self._blocks.append(("table", (header, rows, widths)))

    def render(self):
        font = font_name()
        styles = _styles(font)
        out = BytesIO()
        doc = SimpleDocTemplate(
            out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
            bottomMargin=MARGIN + FOOTER, title=f"{self.title} {self.reference}".strip(), author=self.issuer,
            subject=self.title, creator="yibao",
        )
        width = doc.width
        story = [Paragraph(_text(self.issuer), styles["issuer"])]
        if self.office:
            story.append(Paragraph(_text(self.office), styles["office"]))
        story += [
            Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=1.6, color=LETTERHEAD_RED, spaceAfter=1),
            HRFlowable(width="100%", thickness=0.5, color=LETTERHEAD_RED, spaceAfter=4 * mm),
            Paragraph(_text(self.title), styles["title"]),
        ]
        if self.reference:
            story.append(Paragraph(_text(self.reference), styles["reference"]))
        story.append(Spacer(1, 2 * mm))
        for kind, args in self._blocks:
            if kind == "rows":
                story += [self._rows(args, width, styles), Spacer(1, 2 * mm)]
            elif kind == "heading":
                story.append(Paragraph(_text(args), styles["heading"]))
            elif kind == "paragraph":
                story.append(Paragraph(_text(args), styles["body"]))
            else:
                story += [self._table(*args, width=width, styles=styles), Spacer(1, 2 * mm)]
        story += [
            Spacer(1, 10 * mm),
            Paragraph(_text(" ".join(p for p in (self.issuer, self.office) if p)), styles["sign"]),
            Paragraph(_text(cn_date(self.issued_on)), styles["sign"]),
        ]

        def footer(canvas, _doc):
            self._footer(canvas, font, width)

        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        return out.getvalue()

    @staticmethod
    def _rows(pairs, width, styles):
        data = [[Paragraph(_text(k), styles["label"]), Paragraph(_text(v), styles["cell"])] for k, v in pairs]
        table = Table(data, colWidths=[32 * mm, width - 32 * mm])
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, RULE_GREY),
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]))
        return table

    @staticmethod
    def _table(header, rows, widths, *, width, styles):
        data = [[Paragraph(_text(h), styles["label"]) for h in header]]
        data += [[Paragraph(_text(c), styles["cell"]) for c in row] for row in rows]
        table = Table(data, colWidths=[w * width for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.5, RULE_GREY),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f3f3")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))
        return table

    def _footer(self, canvas, font, width):
        canvas.saveState()
        top = MARGIN + FOOTER - 6 * mm
        canvas.setStrokeColor(RULE_GREY)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top, MARGIN + width, top)
        page = f"{self.reference}  第 {canvas.getPageNumber()} 页".strip()
        lines = [(page, "")]  # (text, code printed after it)
        if self.verify_code:
            # The code and the address in a monospaced font, where l, I and 1 or O and 0 differ.
            lines = [
                ("核验码：", self.verify_code),
                ("核验网址：", self.verify_url),
                ("扫描右侧二维码或访问核验网址，可核验本文书的真实性。", ""),
            ] + lines
            self._qr(canvas, MARGIN + width - QR_SIZE, MARGIN)
        y = top - 5 * mm
        for text, code in lines:
            canvas.setFont(font, 9)
            canvas.drawString(MARGIN, y, text)
            if code:
                canvas.setFont("Courier", 9)
                canvas.drawString(MARGIN + pdfmetrics.stringWidth(text, font, 9), y, code)
            y -= 4.6 * mm
        canvas.restoreState()

    def _qr(self, canvas, x, y):
        # Encoding the code is most of a render's time: draw it once as a form, place it per page.
        if not canvas.hasForm(QR_FORM):
            canvas.beginForm(QR_FORM, 0, 0, QR_SIZE, QR_SIZE)
            drawing = Drawing(QR_SIZE, QR_SIZE)
            drawing.add(QrCodeWidget(self.verify_url, barWidth=QR_SIZE, barHeight=QR_SIZE, barLevel="M"))
            renderPDF.draw(drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.saveState()
        canvas.translate(x, y)
        canvas.doForm(QR_FORM)
        canvas.restoreState()


# ---------------------------------------------------------------- notices


def agency_name(region):
    return f"{region.name}医疗保障经办机构"


def site_address(site_url=""):
    """The public site as printed: the setting when configured, else the host the caller gives."""
    return (settings.YIBAO_SITE_URL or site_url or "").rstrip("/")


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
