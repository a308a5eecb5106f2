"""PDF documents: a small A4 builder (letterhead, title, key-value rows, tables, paragraphs, a
verification footer on every page). The engine's notices (cases/pdf.py) and the domains'
documents (the 参保凭证, register records) are all built with `Document`.
"""
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
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

EMBEDDED = "YibaoCJK"
BUILT_IN = "STSong-Light"  # Adobe's CID font: every PDF viewer has it, so nothing is embedded
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


def agency_name(region):
    return f"{region.name}医疗保障经办机构"


def site_address(site_url=""):
    """The public site as printed: the setting when configured, else the host the caller gives."""
    return (settings.YIBAO_SITE_URL or site_url or "").rstrip("/")
