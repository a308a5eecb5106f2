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
