"""Office tables and blocks of the published guides: cut them out of the text and read them.

Three layouts exist (seed-analysis §1.2-1.5 and §4); the first one found decides:

- TAB tables (达州): a line that is one TAB, then `\\t办理地点`; every cell starts with a TAB, a
  line without one continues the cell above. Five cells a row (name, address, hours, consult,
  complaint) after a header row of five (an empty corner and four labels). Tables float anywhere
  and can swallow the text that follows them: what trails the last cell and is not a phone number
  is handed back.
- Marked blocks (松潘): `（以下内容以各经办机构公布的为准）` then `办理地点：`/`办理时间：`/`咨询电话：`
  (or `办理（咨询）电话：`)/`投诉电话：`/`网办渠道：` lines up to the next item heading. Page breaks
  cut some blocks and moved their rest to the top of the same item, between its heading and its
  fields: those lines are taken back into the block.
- Bare blocks (攀枝花): `办理地点：` up to `投诉电话：`, with offline places, the six
  `XX医保事务中心：address` lines, `线上办理：`, `办理时间：` and one `XX医保事务中心：phone` line each.

The caller gives the k-th group to the k-th item, so a group is made for every table or block,
in document order.
"""
import re
from dataclasses import dataclass, field

from yibao.catalog.guides.parsed import ParsedOffice

ITEM_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
FIELD_HEADING = re.compile(r"^\s*[（(][一二三四五六七八九十][）)]")
NUMBERING = re.compile(r"^\s*\d+\s*[.．、]\s*")

# The hotline gets one name whatever its label (医保服务热线, 医保咨询热线, or none), because the
# store merges offices by name.
HOTLINE = "医保服务热线"


@dataclass
class OfficeExtraction:
    lines: list  # (lineno, text) left for the item parser
    groups: list = field(default_factory=list)  # one list of ParsedOffice per table/block
    warnings: list = field(default_factory=list)  # {"line": n, "message": ...}


def extract_offices(lines):
    """Remove the office tables/blocks from `lines` (1-based (lineno, text) pairs) and read them."""
    lines = list(lines)
    if any(_is_table_start(lines, i) for i in range(len(lines))):
        return _extract_tables(lines)
    if any(MARKER.match(text) for _, text in lines):
        return _extract_marked_blocks(lines)
    if any(BARE_START.match(text) for _, text in lines):
        return _extract_bare_blocks(lines)
    return OfficeExtraction(lines=lines)


def _warn(warnings, line, message):
    warnings.append({"line": line, "message": message})


def _squash(text):
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------- phone numbers

PHONE_SEPARATORS = re.compile(r"[、，,/\\；;\s]+")
LABELLED = re.compile(r"^(?P<number>[^（(]+)[（(](?P<label>[^）)]*)[）)]?$")
FULL_NUMBER = re.compile(r"^(?P<area>0\d{2,3})-(?P<local>\d+)$")
GLUED = re.compile(r"^(0\d{3}-\d{7})(0\d{2,3}-\d+)$")
LOCAL_ONLY = re.compile(r"^\d{7,8}$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
WITH_KEY = re.compile(r"^0\d{2,3}-\d+转\S+$")  # 0812-12345转3号键: a hotline and the key to press


def split_phones(parts, warnings):
    """Phone numbers from a cell or value given as [(lineno, text)].

    Lists are split on 、，,/\\；; and line breaks. `0818-5566536，5556578` gives the second number
    the first one's area code; two numbers glued together are split. A label such as （职工） stays
    on the number as `0818-5336838（职工）`, and a label closing a list on one line covers the
    unlabelled numbers before it (`0818-5336530、5336529（居民）`: both are 居民). Malformed numbers
    are kept as published and reported.
    """
    phones, area = [], ""
    for lineno, text in parts:
        line_phones = []  # [number, label] pairs of this line
        for token in PHONE_SEPARATORS.split(text.strip().strip("。")):
            if not token:
                continue
            label = ""
            labelled = LABELLED.match(token)
            if labelled:
                token, label = labelled["number"].strip(), labelled["label"].strip()
            numbers, area = _read_number(token, area, lineno, warnings)
            line_phones.extend([n, label] for n in numbers)
        pending_label = ""
        for pair in reversed(line_phones):
            if pair[1]:
                pending_label = pair[1]
            elif pending_label:
                pair[1] = pending_label
        phones.extend(f"{n}（{label}）" if label else n for n, label in line_phones)
    return phones


def _read_number(token, area, lineno, warnings):
    """([numbers], area code to carry on) for one token."""
    glued = GLUED.match(token)
    if glued:
        _warn(warnings, lineno, f"两个电话号码连在一起：{token}，已拆分为 {glued[1]} 和 {glued[2]}")
        numbers = [glued[1], glued[2]]
        for number in numbers:
            _check_length(FULL_NUMBER.match(number), number, lineno, warnings)
        return numbers, FULL_NUMBER.match(glued[2])["area"]
    full = FULL_NUMBER.match(token)
    if full:
        _check_length(full, token, lineno, warnings)
        return [token], full["area"]
    if LOCAL_ONLY.match(token):
        if area:
            return [f"{area}-{token}"], area
        _warn(warnings, lineno, f"电话号码缺少区号：{token}")
        return [token], area
    if MOBILE.match(token) or WITH_KEY.match(token):
        return [token], area
    _warn(warnings, lineno, f"无法识别的电话号码：{token}")
    return [token], area


def _check_length(match, number, lineno, warnings):
    # A four-digit area code goes with a seven-digit local number, a three-digit one with eight.
    expected = 11 - len(match["area"])
    if len(match["local"]) != expected:
        _warn(warnings, lineno, f"电话号码位数不对：{number}（本地号码应为{expected}位）")


# ---------------------------------------------------------------- TAB tables (达州)

TABLE_CELLS = 5  # office, address, hours, consult, complaint


def _is_table_start(lines, i):
    return (
        lines[i][1].rstrip(" ") == "\t"
        and i + 1 < len(lines)
        and lines[i + 1][1].startswith("\t办理地点")
    )


def _extract_tables(lines):
    out = OfficeExtraction(lines=[])
    i = 0
    while i < len(lines):
        if not _is_table_start(lines, i):
            out.lines.append(lines[i])
            i += 1
            continue
        end = i + 1
        while end < len(lines) and not (
            ITEM_HEADING.match(lines[end][1])
            or FIELD_HEADING.match(lines[end][1])
            or _is_table_start(lines, end)
        ):
            end += 1
        group, handed_back = _read_table(lines[i:end], out.warnings)
        out.groups.append(group)
        out.lines.extend(handed_back)
        i = end
    return out


def _read_table(span, warnings):
    """(offices, lines to hand back) for the lines of one table."""
    cells = []  # each a list of (lineno, text): its TAB line and its continuation lines
    for lineno, text in span:
        if text.startswith("\t"):
            cells.append([(lineno, text[1:])])
        elif text.strip():
            cells[-1].append((lineno, text))
    body = cells[TABLE_CELLS:]  # after the corner cell and the four header cells
    # Text trailing the last cell that is no phone number was swallowed from the item.
    handed_back = []
    if body:
        last = body[-1]
        while len(last) > 1 and not re.search(r"\d{7}", last[-1][1]):
            handed_back.insert(0, last.pop())
    if len(body) % TABLE_CELLS:
        _warn(warnings, span[0][0], f"办理地点表格的单元格数（{len(body)}）不是每行{TABLE_CELLS}格，末行不完整")
    offices = []
    for start in range(0, len(body) - TABLE_CELLS + 1, TABLE_CELLS):
        name, address, hours, consult, complaint = body[start:start + TABLE_CELLS]
        office = ParsedOffice(
            name=_cell_text(name),
            address=_cell_text(address),
            hours=_cell_text(hours),
            consult_phones=split_phones(consult, warnings),
            complaint_phones=split_phones(complaint, warnings),
        )
        for cell, label, value in (
            (address, "办理地点", office.address),
            (hours, "办理时间", office.hours),
            (consult, "咨询电话", office.consult_phones),
            (complaint, "投诉电话", office.complaint_phones),
        ):
            if not value:
                _warn(warnings, cell[0][0], f"{office.name}：{label}为空")
        offices.append(office)
    return offices, handed_back


def _cell_text(cell):
    # Lines of one cell are separate lines in the table (上午… / 下午…), so a space joins them.
    return _squash(" ".join(text for _, text in cell))


# ---------------------------------------------------------------- marked blocks (松潘)

MARKER = re.compile(r"^\s*[（(]以下内容以各经办机构公布的为准[）)]\s*$")
LABEL = re.compile(r"^\s*(?P<label>办理地点|办理时间|办理[（(]咨询[）)]电话|咨询电话|投诉电话|网办渠道)\s*[：:]\s*(?P<value>.*)$")
BLOCK_FIELDS = {"办理地点": "address", "办理时间": "hours", "咨询电话": "consult", "投诉电话": "complaint", "网办渠道": "online"}
# A cut-off address or hours value is only completed by a line that reads like one.
LOOKS_LIKE = {
    "address": re.compile(r"[楼层室窗口厅局中心号]"),
    "hours": re.compile(r"\d"),
}


def _field_of(label):
    return "consult" if "咨询" in label else BLOCK_FIELDS[label]


def _extract_marked_blocks(lines):
    out = OfficeExtraction(lines=[])
    headings = [i for i, (_, text) in enumerate(lines) if ITEM_HEADING.match(text)]
    bounds = [0, *headings, len(lines)]
    for start, end in zip(bounds, bounds[1:]):
        segment = lines[start:end]
        marker = next((k for k, (_, text) in enumerate(segment) if MARKER.match(text)), None)
        if marker is None:
            out.lines.extend(segment)
            continue
        kept, leaked = _split_leaked(segment[:marker])
        fields, order = _read_marked_block(segment[marker:], out.warnings)
        taken = _mend_block(fields, order, leaked, segment[marker][0], out.warnings)
        out.lines.extend(line for line in kept if line not in taken)
        out.groups.append([_marked_office(fields, segment[marker][0], out.warnings)])
    return out


def _split_leaked(body):
    """(lines to keep, leaked lines) for an item's text before its block.

    Leaked are the labelled block lines anywhere in it and, as candidates, the unlabelled lines
    between the item heading and its first field (a cut-off value's rest, or the heading's tail).
    """
    kept, leaked = [], []
    before_fields = bool(body) and ITEM_HEADING.match(body[0][1]) is not None
    for k, line in enumerate(body):
        text = line[1]
        if FIELD_HEADING.match(text):
            before_fields = False
        if LABEL.match(text):
            leaked.append(line)
            continue
        kept.append(line)
        if before_fields and k > 0 and text.strip():
            leaked.append(line)
    return kept, leaked


def _read_marked_block(block, warnings):
    """({field: [(lineno, text)]}, field order) for the lines after the marker."""
    fields, order, current = {}, [], None
    for lineno, text in block[1:]:
        labelled = LABEL.match(text)
        if labelled:
            current = _field_of(labelled["label"])
            if current in fields:
                _warn(warnings, lineno, f"办理信息中“{labelled['label']}”重复出现，以第一次为准")
                current = None
                continue
            fields[current] = [(lineno, labelled["value"])] if labelled["value"].strip() else []
            order.append(current)
        elif text.strip():
            if current is None:
                _warn(warnings, lineno, f"办理信息中无法归属的一行：{text.strip()}")
            else:
                fields[current].append((lineno, text))
    return fields, order


def _mend_block(fields, order, leaked, block_line, warnings):
    """Complete a block cut by a page break from the lines that leaked into its item.
    Returns the unlabelled leaked lines used, to be removed from the item text."""
    cut = order[-1] if order and "complaint" not in fields else None
    taken = set()
    for lineno, text in leaked:
        labelled = LABEL.match(text)
        if labelled:
            name = _field_of(labelled["label"])
            if name in fields:
                published = "".join(t for _, t in fields[name])
                if _squash(labelled["value"]) != _squash(published):
                    _warn(warnings, lineno, f"事项正文中混入的“{labelled['label']}”与办理信息不一致，已忽略")
                continue
            fields[name] = [(lineno, labelled["value"])] if labelled["value"].strip() else []
            _warn(warnings, lineno, f"“{labelled['label']}”一行混在事项正文中，已归回第{block_line}行的办理信息")
            continue
        if cut in LOOKS_LIKE and _is_cut(cut, fields[cut]) and LOOKS_LIKE[cut].search(text):
            fields[cut].append((lineno, text))
            taken.add((lineno, text))
            _warn(warnings, lineno, f"办理信息在分页处被截断，用本行接续：{text.strip()}")
    for name, label in (("address", "办理地点"), ("hours", "办理时间"), ("consult", "咨询电话"), ("complaint", "投诉电话")):
        if not fields.get(name):
            _warn(warnings, block_line, f"办理信息缺少{label}")
    return taken


def _is_cut(name, parts):
    text = "".join(t for _, t in parts)
    if name == "hours":
        # The seasonal hours close their bracket at the end; an open one means the rest is missing.
        return text.count("（") + text.count("(") > text.count("）") + text.count(")")
    return len(parts) < 2  # an address is one line; only one continuation is taken


def _wrapped(parts):
    # Values here are hard-wrapped mid-phrase (`…三楼医` / `保局 3-2`): join without a space.
    return _squash("".join(text.strip() for _, text in parts))


def _marked_office(fields, block_line, warnings):
    address = _wrapped(fields.get("address", []))
    return ParsedOffice(
        name=_location_name(address) or "经办机构",
        address=address,
        hours=_wrapped(fields.get("hours", [])),
        consult_phones=split_phones(fields.get("consult", []), warnings),
        complaint_phones=split_phones(fields.get("complaint", []), warnings),
        online=_wrapped(fields.get("online", [])),
    )


def _location_name(address):
    # One name per physical place: the building and floor are where the spellings disagree
    # (二楼楼 / 二楼 / 二号楼), so they are left out of the name; the address keeps them.
    return re.sub(r"\s+", "", re.sub(r"[一二三四五六七八九十\d]+号?楼+", "", address))


# ---------------------------------------------------------------- bare blocks (攀枝花)

BARE_START = re.compile(r"^\s*办理地点\s*[：:]")
BARE_LABEL = re.compile(r"^\s*(?:\d+\s*[.．、]\s*)?(?P<label>线下办理|线上办理|办理时间|咨询电话|投诉电话)\s*[：:]\s*(?P<value>.*)$")
NAMED_VALUE = re.compile(r"^\s*(?P<name>[^：:\d]{1,12})\s*[：:]\s*(?P<value>.+)$")
HOTLINE_LABEL = re.compile(r"热线$")


def _extract_bare_blocks(lines):
    out = OfficeExtraction(lines=[])
    i = 0
    while i < len(lines):
        if not BARE_START.match(lines[i][1]):
            out.lines.append(lines[i])
            i += 1
            continue
        group, i = _read_bare_block(lines, i, out.warnings)
        out.groups.append(group)
    return out


def _read_bare_block(lines, i, warnings):
    """(offices, index after the block) for the block starting at lines[i].

    The six 医保事务中心 get the item's hours, their own consultation phones, the complaint phone
    and the online channel. The other offline places (乡镇便民服务中心, banks, 医保服务站, 医院医保科)
    are offices of their own with only a name, one per place in a 、 list; the hotline is an
    office named 医保服务热线 with its number as the consultation phone.
    """
    start_line = lines[i][0]
    entries = []  # ParsedOffice in document order
    agencies = {}  # name -> ParsedOffice of the offices with an address line
    hours, online, complaint = [], [], []
    section = "offline"
    first = BARE_START.sub("", lines[i][1]).strip()
    if first:
        entries.extend(_places(first))
    i += 1
    closed = False
    while i < len(lines):
        lineno, text = lines[i]
        if not text.strip():
            i += 1
            continue
        if ITEM_HEADING.match(text) or BARE_START.match(text):
            break
        labelled = BARE_LABEL.match(text)
        named = NAMED_VALUE.match(text)
        if labelled:
            label, value = labelled["label"], labelled["value"].strip()
            if label == "线下办理":
                section = "offline"
                entries.extend(_places(value))
            elif label == "线上办理":
                section, online = "online", [value]
            elif label == "办理时间":
                section, hours = "hours", [value]
            elif label == "咨询电话":
                section = "consult"
                if value:
                    entries.append(ParsedOffice(name=HOTLINE, consult_phones=split_phones([(lineno, value)], warnings)))
            else:
                complaint = split_phones([(lineno, value)], warnings)
                closed = True
                i += 1
                break
        elif section == "offline":
            if named and not NUMBERING.match(text):
                office = ParsedOffice(name=named["name"].strip(), address=named["value"].strip().rstrip("；;。"))
                agencies[office.name] = office
                entries.append(office)
            elif not text.strip().endswith(("：", ":")):  # a line ending in ： only introduces the list
                entries.extend(_places(text))
        elif section == "consult" and named:
            name, phones = named["name"].strip(), split_phones([(lineno, named["value"])], warnings)
            if HOTLINE_LABEL.search(name):
                entries.append(ParsedOffice(name=HOTLINE, consult_phones=phones))
            elif name in agencies:
                agencies[name].consult_phones = phones
            else:
                _warn(warnings, lineno, f"{name}：有咨询电话但没有办理地点")
                agencies[name] = ParsedOffice(name=name, consult_phones=phones)
                entries.append(agencies[name])
        elif section == "online":
            online.append(text.strip())
        elif section == "hours":
            hours.append(text.strip())
        else:
            break  # a line that belongs to no office field: the block was cut before 投诉电话
        i += 1
    if not closed:
        _warn(warnings, start_line, "办理信息不完整：没有以“投诉电话”结束")
    for office in agencies.values():
        office.hours = _squash(" ".join(hours))
        office.online = _squash(" ".join(online))
        office.complaint_phones = list(complaint)
        if not office.consult_phones:
            _warn(warnings, start_line, f"{office.name}：咨询电话为空")
    return entries, i


def _places(text):
    """Offline places named on one line, one ParsedOffice each (split on 、 outside brackets)."""
    text = NUMBERING.sub("", text.strip()).rstrip("。；;")
    names, depth, current = [], 0, ""
    for char in text:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
        if char == "、" and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [ParsedOffice(name=n.strip()) for n in names if n.strip()]
