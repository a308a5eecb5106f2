"""Reading claim files: UTF-8 with or without BOM, GB18030, CRLF, quoted fields, columns in any
order, blank lines; refusals name the line; amounts exact to the fen."""
import datetime
import io

import pytest
from django.core.management import call_command

from yibao.providers.audit import period_bounds
from yibao.providers.claims_file import HEADER, cents, read_lines
from yibao.providers.exceptions import ClaimFileInvalid

ROW = ["511702198001010019", "钱演示", "V1", "门诊", "2026-11-03", "001", "诊疗费", "甲", "1", "120.50", "96.40", "否", ""]


def text(rows, header=HEADER, sep="\n"):
    return sep.join(",".join(r) for r in [header, *rows]) + sep


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")])
@pytest.mark.parametrize("sep", ["\n", "\r\n"])
def test_encodings_and_line_ends(encoding, prefix, sep):
    data = prefix + text([ROW, ROW[:1] + ["孙演示"] + ROW[2:]], sep=sep).encode(encoding)
    lines = list(read_lines(io.BytesIO(data), "c.csv"))
    assert [(x.patient_name, x.amount, x.fund_share, x.visit_on) for x in lines] == [
        ("钱演示", 12050, 9640, datetime.date(2026, 11, 3)), ("孙演示", 12050, 9640, datetime.date(2026, 11, 3))]
    assert [x.line_no for x in lines] == [2, 3]


def test_columns_in_any_order_quotes_and_blank_lines():
    header = list(reversed(HEADER))
    row = list(reversed(ROW))
    row[header.index("项目名称")] = '"诊疗费,含材料"'
    data = (",".join(header) + "\n\n" + ",".join(row) + "\n\n").encode()
    (only,) = list(read_lines(io.BytesIO(data), "c.csv"))
    assert only.item_name == "诊疗费,含材料" and only.line_no == 3 and only.patient_id == ROW[0]


@pytest.mark.parametrize("value, fen", [("0", 0), ("1", 100), ("1.5", 150), ("12.34", 1234), ("-3.10", -310),
                                        ("1,234.56", 123456)])
def test_amounts_are_exact(value, fen):
    assert cents(value, 2, "金额") == fen


@pytest.mark.parametrize("value", ["1.234", "abc", "", "1e5", "99999999999999.00", "NaN"])
def test_bad_amounts_name_the_line(value):
    with pytest.raises(ClaimFileInvalid, match="第7行金额"):
        cents(value, 7, "金额")


@pytest.mark.parametrize("row, message", [
    (ROW[:4], "第2行列数不足"),
    (ROW[:4] + ["2026-02-30"] + ROW[5:], "第2行费用发生日期"),
    ([""] + ROW[1:], "第2行患者证件号码"),
])
def test_bad_lines_name_the_line(row, message):
    with pytest.raises(ClaimFileInvalid, match=message):
        list(read_lines(io.BytesIO(text([row]).encode()), "c.csv"))


def test_files_of_other_kinds_are_refused():
    with pytest.raises(ClaimFileInvalid, match="CSV或xlsx"):
        list(read_lines(io.BytesIO(b"x"), "c.pdf"))
    with pytest.raises(ClaimFileInvalid, match="缺少列"):
        list(read_lines(io.BytesIO("姓名,金额\n张三,1\n".encode()), "c.csv"))


def test_period_bounds():
    assert period_bounds("2026-12") == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert period_bounds("2028-02") == (datetime.date(2028, 2, 1), datetime.date(2028, 2, 29))


@pytest.mark.django_db
def test_the_command_line(capsys):
    call_command("providers", "expire", "--on", "2026-12-01")
    assert "已到期协议：0份" in capsys.readouterr().out
    with pytest.raises(Exception, match="未找到"):
        call_command("providers", "designation", "H51170299999")
