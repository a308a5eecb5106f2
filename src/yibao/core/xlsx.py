"""One safe way to open an uploaded Excel workbook (openpyxl), used by every sheet reader.

An .xlsx is a zip of XML parts. Before openpyxl parses anything: the parts' declared sizes
must add up to a bounded total (a small zip can expand to gigabytes), no part may declare a
DOCTYPE or an entity (external entities, "billion laughs"), and the first sheet's declared
dimension must stay within the rows and columns a sheet of ours has. Readers then iterate with
max_col so a sheet that declares no dimension cannot widen its rows either.
"""
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

MAX_UNCOMPRESSED = 256 * 1024 * 1024  # a 100,000-row sheet is about 20 MB of XML
MAX_ROWS = 200_001  # header included
MAX_COLUMNS = 64
_CHUNK = 1024 * 1024
# A DOCTYPE (which alone can declare entities) in UTF-8 or either UTF-16; xlsx parts never need one.
_DECLARATIONS = [word.encode(enc) for word in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")]
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z0-9:$]+)\"")


class WorkbookRefused(ValueError):
    """The upload is not a workbook we read; the message says why, in Chinese."""


def _scan(book, info):
    """Refuse a part that declares a DOCTYPE or an entity; scans the whole part in chunks."""
    tail = b""
    longest = max(len(d) for d in _DECLARATIONS)
    with book.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(d in window for d in _DECLARATIONS):
                raise WorkbookRefused("表格文件含有 XML 实体声明（DOCTYPE/ENTITY），出于安全原因不予读取")
            tail = window[-longest:]


def _declared_dimension(book, info):
    with book.open(info) as part:
        head = part.read(64 * 1024)
    found = _DIMENSION.search(head)
    if not found:
        return None
    try:
        min_col, min_row, max_col, max_row = range_boundaries(found.group(1).decode().replace("$", ""))
    except (ValueError, TypeError):
        return None
    return (max_row or 0), (max_col or 0)


def check(data, *, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS):
    """Raise WorkbookRefused unless `data` (bytes) is a zip whose parts are safe to parse."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None
    with book:
        infos = book.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise WorkbookRefused(f"表格解压后超过 {MAX_UNCOMPRESSED // (1024 * 1024)} MB，请拆分后分批上传")
        try:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _scan(book, info)
                    if info.filename.startswith("xl/worksheets/"):
                        dimension = _declared_dimension(book, info)
                        if dimension and (dimension[0] > max_rows or dimension[1] > max_columns):
                            raise WorkbookRefused(
                                f"表格范围过大（{dimension[0]}行×{dimension[1]}列）：每个表格最多{max_rows - 1}行数据、"
                                f"{max_columns}列")
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
            raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None


def open_workbook(data, **limits):
    """A read-only openpyxl workbook of `data` (bytes, a file object or a path), checked first;
    the caller closes it."""
    if isinstance(data, (str, Path)):
        data = Path(data).read_bytes()
    elif hasattr(data, "read"):
        data = data.read()
    check(data, **limits)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError, TypeError):
        raise WorkbookRefused("文件不是有效的 Excel 工作簿（.xlsx）") from None
