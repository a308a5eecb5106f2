"""The files a batch exchanges with the bank: the 批量代发 file (xlsx and CSV), its PDF cover sheet
for the signatures, and the bank's return file (回盘文件) read and matched to the batch's orders.

Building and reading only: what the orders and cases become is payments.actions' job.
"""
import csv
import io
from dataclasses import dataclass, field

from django.utils import timezone

from yibao.core.pdf import Document, agency_name
from yibao.core.masking import mask_bank_account, mask_name
from yibao.core.money import MoneyError, payable
from yibao.payments.exceptions import ReturnFileRejected
from yibao.payments.models import AccountKind, OrderState

COLUMNS = ["序号", "收款账号", "收款人", "开户银行", "金额", "用途", "支付指令号"]
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
PAID_WORDS = {"成功", "支付成功", "已支付", "success", "ok"}
FAILED_WORDS = {"失败", "支付失败", "退票", "fail", "failed"}
# Column names a bank may use in its return file -> ours.
RETURN_HEADERS = {
    "order_no": ("支付指令号", "指令号", "业务编号"),
    "account": ("收款账号", "账号", "收款人账号"),
    "amount": ("金额", "交易金额", "金额（元）"),
    "result": ("结果", "处理结果", "状态", "成功/失败", "交易状态"),
    "reference": ("银行流水号", "流水号", "交易流水号"),
    "reason": ("失败原因", "原因", "备注"),
}


def _cell(value):
    """Text for a spreadsheet cell; a leading = + - @ would be run as a formula by Excel."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def rows(orders):
    """The 批量代发 lines, in batch order: the full account (the bank needs it)."""
    return [[n, o.account_no, _cell(o.payee_name), _cell(o.bank_name), f"{o.amount:.2f}", _cell(o.purpose), o.order_no]
            for n, o in enumerate(orders, start=1)]


def _total_line(batch):
    return ["合计", f"{batch.order_count}笔", "", "", f"{batch.total:.2f}", "", batch.batch_no]


def to_csv(batch, orders):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(orders))
    writer.writerow(_total_line(batch))
    # UTF-8 with BOM: Excel and the banks' upload pages read it as Chinese text.
    return f"{batch.batch_no}.csv", out.getvalue().encode("utf-8-sig"), "text/csv; charset=utf-8"


def to_xlsx(batch, orders):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("批量代发")
    sheet.append(COLUMNS)
    for line in rows(orders):
        # Accounts stay text (18-19 digits would lose precision as numbers); amounts as text too:
        # the bank reads them to the fen, never through a float.
        sheet.append(line)
    sheet.append(_total_line(batch))
    out = io.BytesIO()
    book.save(out)
    return (f"{batch.batch_no}.xlsx", out.getvalue(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def cover_sheet(batch, orders):
    """The PDF cover sheet of a batch: its figures and the signatures of the three persons."""
    doc = Document(issuer=agency_name(batch.region), title="批量代发支付批次封面", issued_on=timezone.localdate(),
                   reference=batch.batch_no)
    doc.rows([
        ("批次号", batch.batch_no),
        ("地区", batch.region.name),
        ("账户类型", AccountKind(batch.account_kind).label),
        ("开户银行", batch.bank_name or "（未注明）"),
        ("笔数", f"{batch.order_count}笔"),
        ("总金额", f"{batch.total:.2f}元"),
        ("组批人", batch.created_by.get_username()),
        ("批次审核人", batch.approved_by.get_username() if batch.approved_by_id else ""),
        ("导出时间", timezone.localtime(batch.exported_at or timezone.now()).strftime("%Y-%m-%d %H:%M")),
    ])
    shown = orders[:30]
    doc.table(["序号", "支付指令号", "收款人", "收款账号", "金额（元）"],
              [[str(n), o.order_no, mask_name(o.payee_name), mask_bank_account(o.account_no), f"{o.amount:.2f}"]
               for n, o in enumerate(shown, start=1)], [0.08, 0.34, 0.16, 0.26, 0.16])
    if len(orders) > len(shown):
        doc.paragraph(f"（以上列出前{len(shown)}笔，共{len(orders)}笔，明细以批量代发文件为准）")
    doc.paragraph("制单：__________　　复核：__________　　批次审核：__________　　支付确认：__________")
    return f"{batch.batch_no}-封面.pdf", doc.render(), "application/pdf"


FORMATS = {"xlsx": to_xlsx, "csv": to_csv, "pdf": cover_sheet}


# ---------------------------------------------------------------- the return file


@dataclass
class Line:
    row: int  # as the file numbers it (the header is row 1)
    order_no: str
    account: str
    amount: object
    paid: bool
    reference: str
    reason: str


@dataclass
class Outcome:
    changes: list = field(default_factory=list)  # [(order, line)] to settle now
    unchanged: int = 0  # lines whose result was recorded already


def _table(content, filename):
    """The file's rows as lists of text: xlsx (by content) or CSV (UTF-8, else GB18030)."""
    if not content:
        raise ReturnFileRejected("回盘文件为空", field="file")
    if len(content) > MAX_BYTES:
        raise ReturnFileRejected("回盘文件过大（不超过50MB）", field="file")
    if content[:4] == b"PK\x03\x04":
        from yibao.core.xlsx import MAX_COLUMNS, WorkbookRefused, open_workbook  # openpyxl only when needed

        try:
            book = open_workbook(content)
            sheet = book.worksheets[0]
            return [["" if v is None else str(v).strip() for v in r]
                    for r in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)]
        except WorkbookRefused as exc:
            raise ReturnFileRejected(f"回盘文件：{exc}", field="file") from None
        except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
            raise ReturnFileRejected(f"回盘文件不是有效的 Excel 文件：{type(exc).__name__}", field="file") from None
    if b"\x00" in content[:4096]:
        raise ReturnFileRejected("回盘文件应为 Excel（xlsx）或 CSV 文本文件", field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReturnFileRejected("回盘文件的文字编码无法识别（应为 UTF-8 或 GB18030）", field="file")
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]


def parse_return(content, filename=""):
    """The lines of a return file; ReturnFileRejected naming the row for anything unreadable."""
    table = _table(content, filename)
    if not table:
        raise ReturnFileRejected("回盘文件为空", field="file")
    header = [h.strip().lstrip("\ufeff") for h in table[0]]
    where = {}
    for key, names in RETURN_HEADERS.items():
        found = next((header.index(n) for n in names if n in header), None)
        if found is not None:
            where[key] = found
    if "amount" not in where or "result" not in where or not {"order_no", "account"} & set(where):
        raise ReturnFileRejected("第1行：回盘文件须有表头：指令号（或账号）、金额、成功/失败、银行流水号、失败原因",
                                 field="file", row=1)
    if len(table) - 1 > MAX_ROWS:
        raise ReturnFileRejected(f"回盘文件行数过多（不超过{MAX_ROWS}行）", field="file")

    def get(cells, key):
        i = where.get(key)
        return cells[i].strip() if i is not None and i < len(cells) and cells[i] is not None else ""

    lines = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c for c in cells):
            continue
        first = get(cells, "order_no") or (cells[0] if cells else "")
        if first in ("合计", "总计"):
            continue  # the totals line the export wrote
        try:
            amount = payable(get(cells, "amount"))
        except MoneyError as exc:
            raise ReturnFileRejected(f"第{number}行：{exc}", field="file", row=number) from None
        result = get(cells, "result")
        if result.lower() in PAID_WORDS:
            paid = True
        elif result.lower() in FAILED_WORDS:
            paid = False
        else:
            raise ReturnFileRejected(f"第{number}行：结果应为“成功”或“失败”，而不是“{result[:20]}”", field="file",
                                     row=number)
        line = Line(row=number, order_no=get(cells, "order_no"), account="".join(get(cells, "account").split()),
                    amount=amount, paid=paid, reference=get(cells, "reference"), reason=get(cells, "reason"))
        if not line.order_no and not line.account:
            raise ReturnFileRejected(f"第{number}行：缺少指令号和账号", field="file", row=number)
        if paid and not line.reference:
            raise ReturnFileRejected(f"第{number}行：支付成功须有银行流水号", field="file", row=number)
        if not paid and not line.reason:
            raise ReturnFileRejected(f"第{number}行：支付失败须注明失败原因", field="file", row=number)
        lines.append(line)
    if not lines:
        raise ReturnFileRejected("回盘文件没有数据行", field="file")
    return lines


def match(lines, orders):
    """Pair each line with its order of the batch; refuse the whole file at the first line that
    names no order of it, gives another amount, repeats an order or contradicts a recorded result."""
    by_no = {o.order_no: o for o in orders}
    by_account = {}
    for o in orders:
        by_account.setdefault(o.account_no, []).append(o)
    seen = {}
    outcome = Outcome()
    for line in lines:
        if line.order_no:
            order = by_no.get(line.order_no)
            named = f"指令号{line.order_no}"
        else:
            candidates = by_account.get(line.account, [])
            if len(candidates) > 1:
                raise ReturnFileRejected(f"第{line.row}行：账号{mask_bank_account(line.account)}在本批次有多笔指令，"
                                         f"请按指令号回盘", field="file", row=line.row)
            order = candidates[0] if candidates else None
            named = f"账号{mask_bank_account(line.account)}"
        if order is None:
            raise ReturnFileRejected(f"第{line.row}行：{named}不属于本批次", field="file", row=line.row)
        if line.order_no and line.account and line.account != order.account_no:
            raise ReturnFileRejected(f"第{line.row}行：账号与支付指令{order.order_no}的收款账号不符", field="file",
                                     row=line.row)
        if line.amount != order.amount:
            raise ReturnFileRejected(f"第{line.row}行：金额{line.amount}元与支付指令{order.order_no}的金额"
                                     f"{order.amount}元不符", field="file", row=line.row)
        if order.pk in seen:
            raise ReturnFileRejected(f"第{line.row}行：支付指令{order.order_no}已在第{seen[order.pk]}行出现",
                                     field="file", row=line.row)
        seen[order.pk] = line.row
        if order.state in (OrderState.PAID, OrderState.FAILED):
            if (order.state == OrderState.PAID) != line.paid:
                raise ReturnFileRejected(f"第{line.row}行：支付指令{order.order_no}已登记为“{order.get_state_display()}”，"
                                         f"与回盘结果不符", field="file", row=line.row)
            outcome.unchanged += 1
            continue
        if order.state != OrderState.APPROVED:
            raise ReturnFileRejected(f"第{line.row}行：支付指令{order.order_no}当前为“{order.get_state_display()}”",
                                     field="file", row=line.row)
        outcome.changes.append((order, line))
    return outcome
