"""Reading a service list (事项清单) file, JSON or xlsx, into a checked plan that actions.py stores.

JSON: {"list": "national" | "provincial", "province": "00" | "51", "name", "source", "date",
"complete": false, "rows": [{"number", "item", "name", "catalogue_code", "max_materials",
"max_working_days", "public", "added", "certainty", "basis"}]}. xlsx: a sheet 清单 of
key/value lines (the same keys, or their Chinese labels) and a sheet 事项 with a header line.
A file that does not follow this is refused with the file, the row and a Chinese reason.
"""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from yibao.catalog.catalogue_codes import CatalogueCodeError, check_catalogue_code, province_of
from yibao.catalog.codes import BY_CODE
from yibao.catalog.models import Certainty, ReferenceList
from yibao.core.numbers import is_digits

HEAD_KEYS = {
    "list": "list", "层级": "list", "province": "province", "省份代码": "province", "name": "name",
    "清单名称": "name", "source": "source", "来源": "source", "date": "date", "日期": "date",
    "complete": "complete", "载明全部事项": "complete",
}
ROW_KEYS = {
    "number": "number", "清单编号": "number", "item": "item", "事项代码": "item", "name": "name",
    "清单事项名称": "name", "catalogue_code": "catalogue_code", "事项编码": "catalogue_code",
    "max_materials": "max_materials", "材料种类上限": "max_materials", "max_working_days": "max_working_days",
    "办理时限上限": "max_working_days", "办理时限上限（工作日）": "max_working_days", "public": "public",
    "涉及群众办事": "public", "added": "added", "本级新增": "added", "certainty": "certainty",
    "确定程度": "certainty", "basis": "basis", "依据": "basis",
}
LEVELS = {"national": "national", "国家": "national", "国家清单": "national", "provincial": "provincial",
          "省级": "provincial", "省级清单": "provincial"}
CERTAINTIES = {c.value: c.value for c in Certainty} | {c.label: c.value for c in Certainty}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$", re.ASCII)
_TRUE = {True, "true", "是", "yes", "1", 1}
_FALSE = {False, "false", "否", "no", "0", 0}
MAX_ROWS = 500


class ReferenceFormatError(ValueError):
    def __init__(self, source, row, message):
        where = f"{source}" + (f" 第{row}行" if row else "")
        super().__init__(f"{where}：{message}")
        self.source, self.row, self.message = source, row, message


@dataclass
class RowPlan:
    number: str = ""
    item_code: str = ""
    name: str = ""
    catalogue_code: str = ""
    max_materials: int | None = None
    max_working_days: int | None = None
    public: bool | None = None
    added: bool = False
    certainty: str = ""
    basis: str = ""


@dataclass
class ListPlan:
    level: str
    province: str
    name: str
    source: str
    date: str
    complete: bool
    file_name: str
    rows: list = field(default_factory=list)


def read_reference_file(path):
    """ListPlan of a JSON or xlsx file; ReferenceFormatError when it is not a well-formed list."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReferenceFormatError(path.name, 0, f"无法读取文件（{exc.strerror or exc}）") from exc
    if not data.strip():
        raise ReferenceFormatError(path.name, 0, "文件是空的")
    if data[:2] == b"PK":
        head, rows = _xlsx(path.name, data)
    else:
        head, rows = _json(path.name, data)
    return plan(path.name, head, rows)


def _json(name, data):
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ReferenceFormatError(name, 0, "文件不是 UTF-8 编码的 JSON，也不是 xlsx 表格") from exc
    except json.JSONDecodeError as exc:
        raise ReferenceFormatError(name, exc.lineno, f"JSON 格式错误（{exc.msg}）") from exc
    if not isinstance(doc, dict):
        raise ReferenceFormatError(name, 0, "JSON 顶层应为对象，含 list、province、name、source、date、rows")
    rows = doc.get("rows")
    if not isinstance(rows, list):
        raise ReferenceFormatError(name, 0, "缺少事项行（rows 应为列表）")
    head = {k: v for k, v in doc.items() if k != "rows" and not k.startswith("_")}
    unknown = [k for k in head if k not in HEAD_KEYS]
    if unknown:
        raise ReferenceFormatError(name, 0, f"不认识的字段：{'、'.join(unknown)}")
    numbered = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ReferenceFormatError(name, n, "事项行应为对象")
        numbered.append((f"事项{n}", row))
    return head, numbered


def _xlsx(name, data):
    from yibao.core.xlsx import WorkbookRefused, open_workbook  # openpyxl loads only when needed

    try:
        book = open_workbook(data)
    except WorkbookRefused as exc:
        raise ReferenceFormatError(name, 0, f"无法读取 xlsx 表格：{exc}") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ReferenceFormatError(name, 0, "无法读取 xlsx 表格（文件损坏或不是 Excel 文件）") from exc
    if "清单" not in book.sheetnames or "事项" not in book.sheetnames:
        raise ReferenceFormatError(name, 0, "xlsx 表格应有“清单”和“事项”两个工作表")
    head = {}
    for n, line in enumerate(book["清单"].iter_rows(values_only=True), start=1):
        if not line or line[0] in (None, ""):
            continue
        key = str(line[0]).strip()
        if key not in HEAD_KEYS:
            raise ReferenceFormatError(name, n, f"“清单”工作表：不认识的项目“{key}”")
        head[key] = line[1] if len(line) > 1 else None
    lines = list(book["事项"].iter_rows(values_only=True))
    if not lines:
        raise ReferenceFormatError(name, 0, "“事项”工作表是空的")
    header = [str(c).strip() if c is not None else "" for c in lines[0]]
    unknown = [h for h in header if h and h not in ROW_KEYS]
    if unknown:
        raise ReferenceFormatError(name, 1, f"“事项”工作表：不认识的列“{'、'.join(unknown)}”")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        if all(c in (None, "") for c in line):
            continue
        rows.append((f"“事项”工作表第{n}行", {h: v for h, v in zip(header, line) if h}))
    return head, rows


def _text(value):
    return "" if value is None else str(value).strip()


def _count(value, where, label, high):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and is_digits(value.strip()))
                                       or (isinstance(value, float) and value.is_integer())):
        raise ValueError(f"{where}：{label}应为不小于0的整数或留空，而不是“{value}”")
    number = int(value)
    if not 0 <= number <= high:
        raise ValueError(f"{where}：{label}应在0到{high}之间，而不是{number}")
    return number


def _flag(value, where, label, allow_none):
    if value is None or value == "":
        if allow_none:
            return None
        return False
    if isinstance(value, str):
        value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{where}：{label}应为“是”或“否”，而不是“{value}”")


def plan(file_name, head, rows):
    """Check a list's head and rows; ReferenceFormatError at the first problem."""
    head = {HEAD_KEYS[k]: v for k, v in head.items()}
    level = LEVELS.get(_text(head.get("list")))
    if level is None:
        raise ReferenceFormatError(file_name, 0, "清单层级（list）应为 national（国家）或 provincial（省级）")
    province = _text(head.get("province")) or ("00" if level == "national" else "")
    if level == "national" and province != "00":
        raise ReferenceFormatError(file_name, 0, "国家清单的省份代码应为 00")
    if level == "provincial" and not (len(province) == 2 and is_digits(province) and province != "00"):
        raise ReferenceFormatError(file_name, 0, "省级清单应写明2位省份代码（如四川为 51）")
    missing = [label for key, label in (("name", "清单名称"), ("source", "来源"), ("date", "日期")) if not _text(head.get(key))]
    if missing:
        raise ReferenceFormatError(file_name, 0, f"缺少{'、'.join(missing)}：每份清单都要写明来源和日期")
    date = _text(head.get("date"))
    if not _DATE.match(date):
        raise ReferenceFormatError(file_name, 0, f"日期“{date}”应写作 2024、2024-05 或 2024-05-01")
    try:
        complete = _flag(head.get("complete"), "清单", "是否载明全部事项", allow_none=False)
    except ValueError as exc:
        raise ReferenceFormatError(file_name, 0, str(exc)) from exc
    if not rows:
        raise ReferenceFormatError(file_name, 0, "清单没有事项行")
    if len(rows) > MAX_ROWS:
        raise ReferenceFormatError(file_name, 0, f"事项行太多（{len(rows)}），一份清单不超过{MAX_ROWS}行")
    result = ListPlan(level, province, _text(head["name"]), _text(head["source"]), date, complete, file_name)
    seen = set()
    for where, raw in rows:
        try:
            row = _row(where, raw, province)
        except ValueError as exc:
            raise ReferenceFormatError(file_name, 0, str(exc)) from exc  # the message names the row
        if row.item_code and row.item_code in seen:
            raise ReferenceFormatError(file_name, 0, f"{where}：事项代码“{row.item_code}”重复出现")
        seen.add(row.item_code)
        result.rows.append(row)
    return result


def _row(where, raw, province):
    unknown = [k for k in raw if k not in ROW_KEYS]
    if unknown:
        raise ValueError(f"{where}：不认识的字段“{'、'.join(unknown)}”")
    raw = {ROW_KEYS[k]: v for k, v in raw.items()}
    row = RowPlan(
        number=_text(raw.get("number")),
        item_code=_text(raw.get("item")),
        name=_text(raw.get("name")),
        max_materials=_count(raw.get("max_materials"), where, "材料种类上限", 50),
        max_working_days=_count(raw.get("max_working_days"), where, "办理时限上限", 365),
        public=_flag(raw.get("public"), where, "是否涉及群众办事", allow_none=True),
        added=bool(_flag(raw.get("added"), where, "是否本级新增", allow_none=False)),
        basis=_text(raw.get("basis")),
    )
    if row.item_code and row.item_code not in BY_CODE:
        raise ValueError(f"{where}：事项代码“{row.item_code}”不是系统的43个事项代码之一")
    if not (row.item_code or row.name):
        raise ValueError(f"{where}：至少要写明事项代码（item）或清单事项名称（name）")
    certainty = _text(raw.get("certainty"))
    if certainty not in CERTAINTIES:
        raise ValueError(f"{where}：确定程度应为 stated（明文载明）、mapped（据对应关系）或 inferred（推断）")
    row.certainty = CERTAINTIES[certainty]
    if not row.basis:
        raise ValueError(f"{where}：缺少依据（basis）：每一行都要注明出处")
    code = _text(raw.get("catalogue_code"))
    if code:
        try:
            row.catalogue_code = check_catalogue_code(code, province=province)
        except CatalogueCodeError as exc:
            raise ValueError(f"{where}：{exc.message}") from exc
    return row


def shipped_lists():
    """The lists shipped with yibao (seeds/reference/), in load order."""
    return sorted((Path(settings.YIBAO_SEED_DIR) / "reference").glob("*.json"))


def lists_for(region, lists=None):
    """[(list, label)] a region's guide is judged against: the national list, and its province's."""
    province = province_of(region)
    lists = lists if lists is not None else list(ReferenceList.objects.prefetch_related("rows"))
    return [
        r for r in lists
        if r.level == ReferenceList.Level.NATIONAL or (province and r.province == province)
    ]
