"""Reading a recipient list (救助对象名单) as an office receives it: xlsx or CSV (UTF-8 or GB18030),
one person a line under a header. The workbook is opened through core.xlsx (entities, zip bombs and
huge dimensions refused before openpyxl parses anything); the file and its rows are bounded. A list
whose header lacks a column, or that holds no row, is refused whole with the reason; rows that are
merely wrong (a bad ID, an unknown category) are kept and reported by the batch, row by row."""
import csv
import hashlib
import io
from pathlib import Path

from django.db import IntegrityError, transaction

from yibao.core.audit import acting_user, record
from yibao.core.models import Channel
from yibao.core.xlsx import WorkbookRefused, open_workbook
from yibao.medical_aid.exceptions import ListRejected
from yibao.medical_aid.models import CATEGORY_WORDS, ListRow, RecipientList, Source

SAMPLE = Path(__file__).with_name("samples") / "aid-list-sample.csv"  # the demo's list, offered for download
MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
HEADERS = {
    "name": ("姓名", "救助对象姓名"),
    "id_number": ("证件号码", "身份证号码", "身份证号", "公民身份号码"),
    "category": ("救助类别", "人员类别", "对象类别", "类别"),
    "card_account": ("社会保障卡金融账号", "社保卡金融账号", "社保卡账号", "社会保障卡账号", "银行账号"),
    "card_bank": ("开户银行", "社保卡开户银行", "银行"),
}
REQUIRED = ("name", "id_number", "category")
SOURCE_WORDS = {"民政": Source.CIVIL_AFFAIRS, "乡村振兴": Source.RURAL, "残联": Source.DISABLED}


def category_of(text):
    """The Category a list's word names, or "" (reported as 救助类别无法识别)."""
    word = "".join((text or "").split())
    for category, words in CATEGORY_WORDS.items():
        if word in words or word == category.label or word == category.value:
            return category.value
    return ""


def source_of(text):
    text = (text or "").strip()
    if text in Source.values:
        return text
    for word, source in SOURCE_WORDS.items():
        if word in text:
            return source
    raise ListRejected(f"名单提供部门应为民政、乡村振兴或残联：{text[:20]}", field="source")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _table(content):
    if not content:
        raise ListRejected("名单文件为空", field="file")
    if len(content) > MAX_BYTES:
        raise ListRejected(f"名单文件过大（不超过{MAX_BYTES // (1024 * 1024)}MB），请拆分后上传", field="file")
    if content[:4] == b"PK\x03\x04":
        try:
            book = open_workbook(content, max_rows=MAX_ROWS + 1, max_columns=64)
        except WorkbookRefused as exc:
            raise ListRejected(str(exc), field="file") from None
        try:
            rows = []
            for values in book.worksheets[0].iter_rows(values_only=True, max_col=64):
                rows.append([_cell(v) for v in values])
                if len(rows) > MAX_ROWS + 1:
                    raise ListRejected(f"名单行数过多（不超过{MAX_ROWS}行）", field="file")
            return rows
        except ListRejected:
            raise
        except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
            raise ListRejected(f"名单不是有效的 Excel 文件：{type(exc).__name__}", field="file") from None
        finally:
            book.close()
    if b"\x00" in content[:4096]:
        raise ListRejected("名单应为 Excel（xlsx）或 CSV 文本文件", field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ListRejected("名单的文字编码无法识别（应为 UTF-8 或 GB18030）", field="file")
    try:
        rows = [[c.strip() for c in r[:64]] for r in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise ListRejected(f"名单 CSV 格式有误：{exc}", field="file") from None
    if len(rows) > MAX_ROWS + 1:
        raise ListRejected(f"名单行数过多（不超过{MAX_ROWS}行）", field="file")
    return rows


def parse(content):
    """[(row number, {name, id_number, category_text, category, card_account, card_bank})]."""
    table = _table(content)
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise ListRejected("名单文件为空", field="file")
    header = [h.lstrip("\ufeff").strip() for h in table[0]]
    where = {}
    for key, names in HEADERS.items():
        found = next((header.index(n) for n in names if n in header), None)
        if found is not None:
            where[key] = found
    missing = [HEADERS[k][0] for k in REQUIRED if k not in where]
    if missing:
        raise ListRejected(f"第1行：名单表头缺少{'、'.join(missing)}", field="file", row=1, missing=missing)

    def get(cells, key, size):
        i = where.get(key)
        return cells[i][:size] if i is not None and i < len(cells) else ""

    out = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue
        if (cells[0] if cells else "") in ("合计", "总计"):
            continue
        category_text = get(cells, "category", 40)
        out.append((number, {
            "name": get(cells, "name", 100), "id_number": "".join(get(cells, "id_number", 40).split()).upper(),
            "category_text": category_text, "category": category_of(category_text),
            "card_account": "".join(get(cells, "card_account", 40).split()), "card_bank": get(cells, "card_bank", 100),
        }))
    if not out:
        raise ListRejected("名单中没有人员", field="file")
    return out


def store_list(region, *, source, period, year, content, filename, actor, channel=Channel.WINDOW):
    """The RecipientList of `content` (parsed and stored once: the same file for the same source and
    period gives back the list stored before) and whether it is new."""
    source = source_of(source)
    period = (period or "").strip()[:20] or str(year)
    digest = hashlib.sha256(content).hexdigest()
    existing = RecipientList.objects.filter(region=region, source=source, period=period, sha256=digest).first()
    if existing:
        return existing, False
    rows = parse(content)
    try:
        with transaction.atomic():
            recipients = RecipientList.objects.create(
                region=region, source=source, period=period, year=int(year), filename=(filename or "名单")[:200],
                sha256=digest, row_count=len(rows), uploaded_by=acting_user(actor))
            ListRow.objects.bulk_create((ListRow(recipients=recipients, row=n, **cells) for n, cells in rows),
                                        batch_size=2000)
            record(actor=acting_user(actor), channel=channel, action="上传救助对象名单", obj=recipients,
                   summary=f"{region.name} {recipients.get_source_display()} {period} {len(rows)}人（{filename}）")
    except IntegrityError:  # the same file uploaded twice at once: the other upload stored it
        return RecipientList.objects.get(region=region, source=source, period=period, sha256=digest), False
    return recipients, True
