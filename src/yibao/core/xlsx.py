"""One safe way to open an uploaded Excel workbook, used by every sheet reader.

An .xlsx is a zip of XML parts. Before anything parses it: the parts' declared sizes must add
up to a bounded total (a small zip can expand to gigabytes), no part may declare a DOCTYPE or an
entity (external entities, "billion laughs"), and the first sheet's declared dimension must stay
within the rows and columns a sheet of ours has.

first_sheet_rows() reads the first worksheet's values with python-calamine (Rust; about ten
times openpyxl's speed on a 100,000-row sheet) when every cell of every worksheet states its
position (r="B7") within those rows and columns: calamine builds the whole rectangle around the
cells at once, so one cell placed at XFD1048576 would otherwise ask for billions of cells. Any
sheet where that cannot be shown cheaply (a cell without r, a prefixed or oddly written tag), or
one calamine cannot parse, is read by openpyxl read-only instead, which streams the rows and
stops at max_col and the row limit. open_workbook() gives the openpyxl workbook itself, for the
small lists whose readers use its API.
"""
import io
import itertools
import re
import zipfile
from pathlib import Path


MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a 100,000-row sheet is about 20 MB of XML
MAX_ROWS = 200_001  # header included
MAX_COLUMNS = 64
_CHUNK = 1024 * 1024
# A DOCTYPE (which alone can declare entities) in UTF-8 or either UTF-16; xlsx parts never need one.
_DECLARATIONS = [word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")]
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z0-9:$]+)\"")


ENTITIES = "表格文件含有 XML 实体声明（DOCTYPE/ENTITY），出于安全原因不予读取"


class WorkbookRefused(ValueError):
    """The upload is not a workbook we read; the message says why, in Chinese."""


def _scan(book, info, *, declarations=True):
    """Refuse a part that declares a DOCTYPE or an entity (when `declarations`); scans the whole
    part in chunks. Returns True when the part holds sheet data (a worksheet under another name)."""
    tail = b""
    longest = max(len(d) for d in _DECLARATIONS)
    sheet_data = False
    with book.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if declarations and any(d in window for d in _DECLARATIONS):
                raise WorkbookRefused(ENTITIES)
            sheet_data = sheet_data or b"sheetData" in window
            tail = window[-longest:]
    return sheet_data


_BOUND = re.compile(r"([A-Z]{0,3})([0-9]{0,7})")


def _declared_dimension(head):
    """(rows, columns) of the sheet's declared <dimension ref="A1:H100">, or None."""
    found = _DIMENSION.search(head)
    if not found:
        return None
    rows = columns = 0
    for corner in found.group(1).decode().replace("$", "").split(":"):
        bound = _BOUND.fullmatch(corner)
        if bound is None:
            return None
        columns = max(columns, _column_number(bound.group(1).encode()))
        rows = max(rows, int(bound.group(2) or 0))
    return rows, columns


# A cell's stated position; only cells have letters in an r attribute (a row's r is digits only).
_CELL_REF = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"')


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _placed_within(part, max_rows, max_columns):
    """True when every cell of this worksheet XML states its position, all within the limits.
    Conservative: anything unusual (a namespace prefix, another quoting, a cell without r) is
    False, and the sheet is then read by openpyxl, which streams."""
    tags = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>")
    if b":c " in part or b":c>" in part or b":c/>" in part:
        return False
    refs = _CELL_REF.findall(part)
    if len(refs) != tags:
        return False
    if not refs:
        return True
    if max(_column_number(c) for c in {c for c, _ in refs}) > max_columns:
        return False
    return max(int(r) for _, r in refs) <= max_rows


def check(data, *, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS):
    """Raise WorkbookRefused unless `data` (bytes) is a zip whose parts are safe to parse.
    Returns True when every worksheet's cells state positions within the limits (calamine may
    read it), False when only a streaming reader should."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None
    with book:
        infos = book.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise WorkbookRefused(f"表格解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，请拆分后分批上传")
        placed = True
        try:
            for info in infos:
                markup = info.filename.endswith((".xml", ".rels", ".vml"))
                if not (markup and info.filename.startswith("xl/worksheets/")):
                    # calamine reads a sheet wherever the workbook points: sheet data under any
                    # other name has not had its cells counted, so openpyxl reads that file.
                    if _scan(book, info, declarations=markup):
                        placed = False
                    continue
                part = book.read(info)  # a sheet is read whole once (its size is bounded above)
                if any(d in part for d in _DECLARATIONS):
                    raise WorkbookRefused(ENTITIES)
                dimension = _declared_dimension(part[:64 * 1024])
                if dimension and (dimension[0] > max_rows or dimension[1] > max_columns):
                    raise WorkbookRefused(
                        f"表格范围过大（{dimension[0]}行×{dimension[1]}列）：每个表格最多{max_rows - 1}行数据、"
                        f"{max_columns}列")
                placed = placed and _placed_within(part, max_rows, max_columns)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
            raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None
    return placed


def _bytes(data):
    if isinstance(data, (str, Path)):
        return Path(data).read_bytes()
    if hasattr(data, "read"):
        return data.read()
    return data


def first_sheet_rows(data, *, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS):
    """The first worksheet's rows from row 1, each a tuple of at most `max_columns` values:
    None for an empty cell, str, bool, int or float (calamine gives 3.0 where openpyxl gives 3),
    date or datetime (calamine gives a date where openpyxl gives midnight); the sheet readers'
    cell_text and date parsing read both alike. Checked first. Stops after `max_rows` + 1 rows: the caller sees the extra
    one and refuses the sheet. A generator: the workbook is closed when it ends."""
    data = _bytes(data)
    if check(data, max_rows=max_rows, max_columns=max_columns):
        rows = _calamine_rows(data, max_columns)
        if rows is not None:
            yield from itertools.islice(rows, max_rows + 1)
            return
    book = _openpyxl(data)
    try:
        yield from itertools.islice(book.worksheets[0].iter_rows(max_col=max_columns, values_only=True), max_rows + 1)
    finally:
        book.close()


def _calamine_rows(data, max_columns):
    """An iterator of the rows, or None when calamine cannot read the file (openpyxl then tries)."""
    from python_calamine import CalamineError, CalamineWorkbook  # loaded when a sheet is read

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not book.sheet_names:
            return None
        sheet = book.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError):
        return None
    try:
        table = sheet.to_python(skip_empty_area=False)  # from A1, as openpyxl numbers rows and columns
    except (CalamineError, ValueError):
        return None
    return (tuple(None if v == "" else v for v in values[:max_columns]) for values in table)


def _openpyxl(data):
    from openpyxl import load_workbook  # the fallback and the small lists' reader: loaded only when needed
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError, TypeError):
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None


def open_workbook(data, **limits):
    """A read-only openpyxl workbook of `data` (bytes, a file object or a path), checked first;
    the caller closes it."""
    data = _bytes(data)
    check(data, **limits)
    return _openpyxl(data)
