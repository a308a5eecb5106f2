"""事项编码: the 12-digit code of the 政务服务 catalogue (national-rules.md §2).

2-digit province (00 national, 51 Sichuan) + 2-digit item type + 5-digit main item (medical
insurance items begin 36) + 3-digit sub-item. Only the shape is national: the digits after 36
differ between provinces and years, so nothing here guesses a code; it only checks one given.
"""
import re

from yibao.core.numbers import is_digits

ITEM_TYPES = {"20": "公共服务", "07": "行政确认", "05": "行政给付"}
_SHAPE = re.compile(r"^(?P<province>\d{2})(?P<type>\d{2})(?P<main>\d{5})(?P<sub>\d{3})$", re.ASCII)


class CatalogueCodeError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def province_of(region):
    """The 2-digit province of a region (from its 行政区划代码), or "" when it has none (the template)."""
    admin_code = (getattr(region, "admin_code", "") or "").strip()
    return admin_code[:2] if len(admin_code) >= 2 and is_digits(admin_code[:2]) else ""


def looks_like_catalogue_code(value):
    """True for 12 digits: what the API takes for a 事项编码 rather than an item code."""
    return isinstance(value, str) and len(value.strip()) == 12 and is_digits(value.strip())


def check_catalogue_code(value, region=None, *, province=None):
    """The code, stripped, when it has the national shape and (given a region or a province) that
    province's digits; CatalogueCodeError with a Chinese message otherwise."""
    code = (value or "").strip().replace(" ", "")
    match = _SHAPE.match(code)
    if not match:
        raise CatalogueCodeError(f"事项编码“{value}”应为12位数字（省份2位、类型2位、主项5位、子项3位）")
    if match["type"] not in ITEM_TYPES:
        known = "、".join(f"{k}（{v}）" for k, v in ITEM_TYPES.items())
        raise CatalogueCodeError(f"事项编码“{code}”的类型代码“{match['type']}”不认识（应为{known}）")
    if not match["main"].startswith("36"):
        raise CatalogueCodeError(f"事项编码“{code}”的主项编码应以36开头（医疗保障类事项）")
    if region is not None:
        province = province_of(region)
        if not province:
            raise CatalogueCodeError(f"{region.name}未登记行政区划代码，无法核对事项编码的省份")
    if province is not None and match["province"] != province:
        raise CatalogueCodeError(
            f"事项编码“{code}”的省份代码“{match['province']}”与所属地区的省份“{province}”不符"
        )
    return code


class CodesFileError(ValueError):
    """A codes file that cannot be read as entries of region, item and catalogue_code."""


CODES_COLUMNS = {"region": "region", "地区代码": "region", "item": "item", "事项代码": "item",
                 "catalogue_code": "catalogue_code", "事项编码": "catalogue_code", "source": "source",
                 "指南文件": "source"}


def read_codes_file(path):
    """[{region, item, catalogue_code, source?}] from a JSON (a list, or {"codes": [...]}), CSV or
    xlsx file with a header line; CodesFileError with a Chinese reason otherwise."""
    import csv
    import io
    import json
    from pathlib import Path

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CodesFileError(f"{path.name}：无法读取文件（{exc.strerror or exc}）") from exc
    if not data.strip():
        raise CodesFileError(f"{path.name}：文件是空的")
    if data[:2] == b"PK":
        from yibao.core.xlsx import WorkbookRefused, open_workbook  # openpyxl loads only when needed

        try:
            sheet = open_workbook(data).worksheets[0]
        except WorkbookRefused as exc:
            raise CodesFileError(f"{path.name}：无法读取 xlsx 表格（{exc}）") from None
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise CodesFileError(f"{path.name}：无法读取 xlsx 表格") from exc
        lines = [["" if c is None else str(c) for c in line] for line in sheet.iter_rows(values_only=True)]
    elif data.lstrip()[:1] in (b"[", b"{"):
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CodesFileError(f"{path.name}：JSON 格式错误") from exc
        entries = doc.get("codes") if isinstance(doc, dict) else doc
        if not isinstance(entries, list) or not entries:
            raise CodesFileError(f"{path.name}：应为事项编码的列表（或 {{\"codes\": [...]}}）")
        return entries
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise CodesFileError(f"{path.name}：无法识别的文件编码") from exc
        lines = list(csv.reader(io.StringIO(text)))
    lines = [line for line in lines if any(c.strip() for c in line)]
    if len(lines) < 2:
        raise CodesFileError(f"{path.name}：应有表头行（region、item、catalogue_code）和至少一行编码")
    header = [CODES_COLUMNS.get(c.strip()) for c in lines[0]]
    if not {"region", "item", "catalogue_code"} <= set(header):
        raise CodesFileError(f"{path.name}：表头应含 region（地区代码）、item（事项代码）、catalogue_code（事项编码）")
    return [{k: v.strip() for k, v in zip(header, line) if k} for line in lines[1:]]
