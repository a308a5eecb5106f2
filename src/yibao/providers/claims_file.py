"""Reading a claim file (结算清单明细): CSV (UTF-8 with or without BOM, or GB18030) streamed line by
line, or an xlsx sheet read row by row (openpyxl read-only). Columns are found by their header
names, in any order. A line that cannot be read refuses the whole file, with its line named.

Amounts are read to the fen as integers (yuan × 100): exact like Decimal, and fast enough for a
province's month of lines."""
import codecs
import csv
import datetime
import io
import re
from typing import NamedTuple
from zipfile import BadZipFile

from yibao.providers.exceptions import ClaimFileInvalid

# header -> field; the national settlement list's names, with the common short forms.
COLUMNS = {
    "患者证件号码": "patient_id", "证件号码": "patient_id",
    "患者姓名": "patient_name", "姓名": "patient_name",
    "就诊流水号": "visit_no", "就诊ID": "visit_no",
    "就诊类别": "visit_kind",
    "费用发生日期": "visit_on", "就诊日期": "visit_on",
    "项目编码": "item_code", "医保目录编码": "item_code",
    "项目名称": "item_name",
    "目录类别": "catalogue_class", "甲乙类": "catalogue_class",
    "数量": "quantity",
    "金额": "amount", "明细项目费用总额": "amount",
    "统筹基金支付": "fund_share", "基金支付": "fund_share",
    "异地就医": "remote",
    "备案编号": "filing_no",
}
REQUIRED = ("patient_id", "patient_name", "visit_no", "visit_on", "item_code", "item_name", "catalogue_class",
            "amount", "fund_share")
HEADER = ["患者证件号码", "患者姓名", "就诊流水号", "就诊类别", "费用发生日期", "项目编码", "项目名称", "目录类别",
          "数量", "金额", "统筹基金支付", "异地就医", "备案编号"]
MAX_CENTS = 10**12  # 100 亿 yuan: beyond any line; larger is a malformed file
_AMOUNT = re.compile(r"-?\d{1,12}(\.\d{1,2})?")
YES = {"是", "Y", "y", "1", "true", "TRUE", "异地"}


class Line(NamedTuple):
    line_no: int
    patient_id: str
    patient_name: str
    visit_no: str
    visit_on: datetime.date
    item_code: str
    item_name: str
    catalogue_class: str
    amount: int  # fen
    fund_share: int  # fen
    remote: bool
    filing_no: str


def cents(text, line_no, label):
    # The common shape first ("120.50"): digits, a point, two digits.
    if text[-3:-2] == "." and text[:-3].isdigit() and text[-2:].isdigit() and len(text) < 16:
        return int(text[:-3]) * 100 + int(text[-2:])
    text = text.strip().replace(",", "")
    if not _AMOUNT.fullmatch(text):
        raise ClaimFileInvalid(f"第{line_no}行{label}“{text[:20]}”不是金额（元，最多两位小数）", line=line_no,
                               field=label)
    whole, _, frac = text.partition(".")
    negative = whole.startswith("-")
    value = abs(int(whole)) * 100 + int((frac + "00")[:2])
    return -value if negative else value


def _amount(cache, text, line_no, label):
    value = cache.get(text)
    if value is None:
        value = cents(text, line_no, label)
        if len(cache) < 100_000:
            cache[text] = value
    return value


def _rows_csv(stream):
    """Rows of a CSV in a binary stream; decoded as it is read, so a large file is never held whole.
    The encoding is judged on the first 64 KB: UTF-8 (a BOM dropped) when they decode as it, else GB18030."""
    head = stream.read(65536)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    text = io.TextIOWrapper(io.BufferedReader(_Prefixed(head, stream)), encoding=encoding, newline="")
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError:
        raise ClaimFileInvalid("申报文件编码不一致（应整份为UTF-8或GB18030）") from None
    except csv.Error as exc:
        raise ClaimFileInvalid(f"申报文件不是有效的CSV：{exc}") from None


class _Prefixed(io.RawIOBase):
    """The bytes already read, then the rest of the stream."""

    def __init__(self, head, rest):
        self._head, self._rest = head, rest

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        chunk = self._rest.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


def _rows_xlsx(stream):
    from openpyxl import load_workbook  # loaded only when a file is read: `yibao` starts without it

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ClaimFileInvalid(f"申报文件不是有效的xlsx：{exc}") from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else (v.isoformat()[:10] if isinstance(v, datetime.date) else str(v)) for v in row]
    finally:
        book.close()


def read_lines(stream, filename):
    """The claim lines of a file (a binary stream), in order; ClaimFileInvalid on the first bad one."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        rows = _rows_xlsx(stream)
    elif name.endswith((".csv", ".txt")):
        rows = _rows_csv(stream)
    else:
        raise ClaimFileInvalid("申报文件应为CSV或xlsx", field="file")
    try:
        header = next(rows)
    except StopIteration:
        raise ClaimFileInvalid("申报文件为空") from None
    index = {}
    for i, title in enumerate(header):
        field = COLUMNS.get((title or "").strip().lstrip("\ufeff"))
        if field and field not in index:
            index[field] = i
    missing = [h for h in HEADER if COLUMNS[h] in REQUIRED and COLUMNS[h] not in index]
    if missing:
        raise ClaimFileInvalid(f"申报文件缺少列：{'、'.join(missing)}", missing=missing)
    yield from _lines(rows, index)


def _lines(rows, index):
    pid, pname, visit, on, code, name, cls, amount, fund = (index[f] for f in REQUIRED)
    remote_at, filing_at = index.get("remote"), index.get("filing_no")
    width = max(index.values()) + 1
    dates, amounts = {}, {}  # the same dates and prices recur on most lines: each is read once
    new = tuple.__new__  # a Line without the generated __new__'s frame: this loop runs millions of times
    n = 1
    for row in rows:
        n += 1
        if len(row) < width or not row[pid]:
            if not "".join(row).strip():
                continue  # blank lines (a trailing newline, an empty sheet row) are not claims
            if len(row) < width:
                raise ClaimFileInvalid(f"第{n}行列数不足（应至少{width}列，实有{len(row)}列）", line=n)
        day = row[on]
        visit_on = dates.get(day)
        if visit_on is None:
            try:
                visit_on = dates[day] = datetime.date.fromisoformat(day.strip().replace("/", "-")[:10])
            except ValueError:
                raise ClaimFileInvalid(f"第{n}行费用发生日期“{day.strip()[:20]}”不是日期（YYYY-MM-DD）", line=n,
                                       field="费用发生日期") from None
        patient = row[pid].strip().upper()
        if not patient or len(patient) > 32:
            raise ClaimFileInvalid(f"第{n}行患者证件号码为空或过长", line=n, field="患者证件号码")
        text = row[amount]
        cents_amount = amounts.get(text)
        if cents_amount is None:
            cents_amount = _amount(amounts, text, n, "金额")
        text = row[fund]
        cents_fund = amounts.get(text)
        if cents_fund is None:
            cents_fund = _amount(amounts, text, n, "统筹基金支付")
        yield new(Line, (n, patient, row[pname].strip()[:60], row[visit].strip()[:40], visit_on,
                         row[code].strip()[:50], row[name].strip()[:200], row[cls].strip()[:8], cents_amount,
                         cents_fund, remote_at is not None and row[remote_at].strip() in YES,
                         row[filing_at].strip()[:40] if filing_at is not None else ""))


def write_csv(lines, out):
    """Write `lines` (tuples in HEADER order) as a claim CSV to text stream `out` (tests, bench, demo)."""
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(lines)
