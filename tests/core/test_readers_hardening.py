"""The sheet readers issues 8 and 15 added (a bank's return file, a service list, a catalogue-code
file) open workbooks through core.xlsx like the register sheets (issue 10): a workbook declaring
XML entities is refused with a Chinese error before openpyxl parses it; numbers are ASCII digits."""
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from yibao.catalog.catalogue_codes import CodesFileError, looks_like_catalogue_code, province_of, read_codes_file
from yibao.catalog.reference import ReferenceFormatError, read_reference_file
from yibao.core.money import MoneyError, payable
from yibao.payments.bankfiles import parse_return
from yibao.payments.exceptions import ReturnFileRejected

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
          b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')


def workbook_with_entities(header):
    book = Workbook()
    book.active.append(header)
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, LAUGHS if info.filename == "xl/worksheets/sheet1.xml" else src.read(info.filename))
    return out.getvalue()


def test_a_return_file_declaring_entities_is_refused():
    with pytest.raises(ReturnFileRejected) as refused:
        parse_return(workbook_with_entities(["指令号", "金额", "结果"]), "回盘.xlsx")
    assert "实体" in str(refused.value)


def test_a_plain_return_workbook_is_still_read():
    book = Workbook()
    book.active.append(["指令号", "金额", "结果", "银行流水号", "失败原因"])
    book.active.append(["ZF-1", "10.00", "成功", "B1", ""])
    raw = io.BytesIO()
    book.save(raw)
    lines = parse_return(raw.getvalue(), "回盘.xlsx")
    assert len(lines) == 1


def test_a_reference_list_or_code_file_declaring_entities_is_refused(tmp_path):
    path = tmp_path / "清单.xlsx"
    path.write_bytes(workbook_with_entities(["项目", "值"]))
    with pytest.raises(ReferenceFormatError) as refused:
        read_reference_file(path)
    assert "实体" in str(refused.value)
    with pytest.raises(CodesFileError) as refused:
        read_codes_file(path)
    assert "实体" in str(refused.value)


def test_only_ascii_digits_make_codes_and_amounts():
    assert looks_like_catalogue_code("513620000001")
    assert not looks_like_catalogue_code("51362000000³")
    assert not looks_like_catalogue_code("٥١٣٦٢٠٠٠٠٠٠١")  # Arabic-Indic digits: int() would read them

    class Region:
        admin_code = "٥١1700"

    assert province_of(Region()) == ""
    assert payable("12.50") == Decimal("12.50")
    for text in ("١٢", "1²"):  # Decimal() accepts Arabic-Indic digits; an amount may not
        with pytest.raises(MoneyError):
            payable(text)


# ---------------------------------------------------------------- the register sheets' reader (issue 16)

def _xlsx(rows, *, at=None):
    """xlsx bytes of `rows`; `at` puts the first row at that cell instead of A1."""
    import datetime  # noqa: F401 (rows may hold dates)

    book = Workbook()
    sheet = book.active
    if at is None:
        for row in rows:
            sheet.append(row)
    else:
        from openpyxl.utils.cell import coordinate_to_tuple

        top, left = coordinate_to_tuple(at)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                sheet.cell(top + i, left + j, value)
    raw = io.BytesIO()
    book.save(raw)
    return raw.getvalue()


def _rewrite_sheet(data, change):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            dst.writestr(info.filename, change(part) if info.filename == "xl/worksheets/sheet1.xml" else part)
    return out.getvalue()


def _without_positions(data):
    """The same workbook with every cell's r="B7" removed: valid, positions implied by order."""
    import re

    return _rewrite_sheet(data, lambda part: re.sub(rb'(<c\b[^>]*?) r="[A-Z]+[0-9]+"', rb"\1", part))


def test_calamine_and_openpyxl_read_a_sheet_alike():
    """A sheet whose cells state their positions is read by calamine; the same sheet without them
    by openpyxl (it streams): both give the rows openpyxl always gave, from row 1."""
    import datetime

    from yibao.core.xlsx import check, first_sheet_rows
    from yibao.enrollment.sheets import _stored  # a cell as the readers keep it: text, dates ISO

    rows = [["证件号码", "姓名", "出生日期", "金额"], ["511702199001011234", "张三", datetime.date(1990, 1, 1), 12.5],
            [None, None, None, None], [None, "李四", datetime.datetime(2026, 1, 31, 8, 30), 3]]
    for data in (_xlsx(rows), _xlsx(rows, at="C3")):
        plain = _without_positions(data)
        assert check(data) is True and check(plain) is False
        fast, streamed = list(first_sheet_rows(data)), list(first_sheet_rows(plain))

        def filled(table):  # openpyxl pads a row to the widest; compare the values there, as the readers see them
            return [tuple(_stored(v) for v in row if v is not None) for row in table]

        assert filled(fast) == filled(streamed) != []
        assert len(fast) == len(streamed)  # the same row numbers: empty rows above the first kept
    top = list(first_sheet_rows(_xlsx(rows, at="C3")))
    assert top[2][2:6] == ("证件号码", "姓名", "出生日期", "金额") and not any(top[0]) and not any(top[1])
    assert top[3][4] in (datetime.date(1990, 1, 1), datetime.datetime(1990, 1, 1)) and top[3][5] == 12.5


def test_a_cell_placed_far_away_without_a_dimension_is_not_handed_to_calamine():
    """calamine builds the whole rectangle around the cells: one cell at XFD1048576 would ask for
    billions. The cells' stated positions are counted first; such a sheet goes to openpyxl, which
    streams and stops at the row limit."""
    import re

    from yibao.core.xlsx import check, first_sheet_rows
    from yibao.enrollment.sheets import SheetInvalid, read_rows

    def far(part):
        part = re.sub(rb"<dimension[^>]*/>", b"", part)
        return part.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                                              b"</c></row></sheetData>")

    data = _rewrite_sheet(_xlsx([["证件号码", "姓名", "业务类型"], ["x", "y", "增加"]]), far)
    assert check(data) is False
    assert len(list(first_sheet_rows(data, max_rows=10))) == 11  # streamed, cut after the limit
    with pytest.raises(SheetInvalid, match="表格最多"):
        read_rows(io.BytesIO(data))
    wide = _rewrite_sheet(_xlsx([["a"]]), lambda p: re.sub(rb"<dimension[^>]*/>", b"", p).replace(
        b"</sheetData>", b'<row r="2"><c r="BM2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    assert check(wide) is False  # column 65: past the 64 columns a sheet of ours has


def test_sheet_data_under_another_part_name_is_not_handed_to_calamine():
    """calamine reads the sheet the workbook points at, whatever its part is called: sheet data
    outside xl/worksheets/ has not had its cells counted."""
    from yibao.core.xlsx import check

    data = _xlsx([["a", "b"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            name = {"xl/worksheets/sheet1.xml": "xl/other.xml"}.get(info.filename, info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"/xl/worksheets/sheet1.xml", b"/xl/other.xml").replace(
                    b"worksheets/sheet1.xml", b"other.xml")
            dst.writestr(name, part)
    assert check(out.getvalue()) is False
