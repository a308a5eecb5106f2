"""Turning a guide file's bytes into text, or refusing it.

Guides arrive as UTF-8 or GB18030/GBK, with or without a BOM, with CRLF or LF line ends, in
simplified or traditional characters. `decode` gives the published text (line ends unified, BOM
dropped); `parse_lines` gives the numbered lines the parser reads (traditional converted to
simplified). Anything that is not readable text is refused with GuideFormatError naming the line.
"""
import codecs

import zhconv

from yibao.catalog.guides.parsed import GuideFormatError

# Control characters that never occur in a text file (TAB, LF, CR, FF are fine).
_BINARY_CONTROLS = set(range(0, 9)) | {11} | set(range(14, 32)) - {27}


def _line_of(data, offset):
    return data.count(b"\n", 0, offset) + 1


def _refuse_binary(data, source):
    nul = data.find(b"\x00")
    if nul >= 0:
        raise GuideFormatError(source, _line_of(data, nul), "不是文本文件（含二进制内容），无法作为办事指南导入")
    sample = data[:65536]
    controls = sum(1 for b in sample if b in _BINARY_CONTROLS)
    if controls > max(8, len(sample) // 100):
        first = next(i for i, b in enumerate(sample) if b in _BINARY_CONTROLS)
        raise GuideFormatError(source, _line_of(data, first), "不是文本文件（含大量控制字符），无法作为办事指南导入")


def decode(data, source):
    """The text of a guide file: UTF-8 (BOM optional) or GB18030; line ends become LF."""
    if not data or not data.strip():
        raise GuideFormatError(source, 0, "文件为空，不是办事指南")
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _unify(data.decode(encoding))
            except UnicodeDecodeError as exc:
                raise GuideFormatError(source, _line_of(data, exc.start), "UTF-16 编码损坏，无法解码") from exc
    _refuse_binary(data, source)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise GuideFormatError(
                source, _line_of(data, utf8_error.start),
                "无法解码：既不是 UTF-8 也不是 GB18030/GBK 编码的文本",
            ) from utf8_error
    text = _unify(text)
    if not text.strip():
        raise GuideFormatError(source, 0, "文件为空，不是办事指南")
    return text


def _unify(text):
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_lines(text):
    """[(line number, text)] for parsing: traditional characters become simplified, everything
    else (tabs, spaces, punctuation) stays as published so that layouts can still be recognised."""
    simplified = zhconv.convert(text, "zh-hans")
    lines = simplified.split("\n")
    if len(lines) != text.count("\n") + 1:  # a conversion never adds lines; fall back if it did
        lines = [zhconv.convert(line, "zh-hans") for line in text.split("\n")]
    return list(enumerate(lines, start=1))
