"""Reading a guide file into a ParsedGuide, whatever its layout family.

Every item is anchored on its 事项名称 heading, the one heading all layouts share (seed-analysis
§1.6); field headings are recognised by their label, never by their ordinal; item titles are the
lines just above the anchor (一、… / 1. … / a bare line, possibly split over two lines). Office
tables and blocks are taken out first by offices.extract_offices, OCR noise before that.
"""
import hashlib
import re

from yibao.catalog.codes import ITEM_CODES, code_for_title
from yibao.catalog.codes import title_key
from yibao.catalog.guides import fields as F
from yibao.catalog.guides.channels import parse_channels
from yibao.catalog.guides.parsed import GuideFormatError, ParsedGuide, ParsedItem
from yibao.catalog.guides.reader import decode, parse_lines

# label (without spaces/brackets) -> field key
LABELS = {
    "事项名称": "name",
    "服务对象": "service_objects", "适用对象": "service_objects", "申请对象": "service_objects",
    "受理单位": "acceptance_unit", "受理机构": "acceptance_unit", "实施主体": "acceptance_unit",
    "办理渠道": "channels", "办理方式": "channels",
    "申请办理材料": "materials", "办理材料": "materials", "申报材料": "materials", "受理材料": "materials",
    "申请材料": "materials", "所需材料": "materials",
    "办理时限": "time_limit", "办结时限": "time_limit", "承诺时限": "time_limit", "法定时限": "time_limit",
    "办理流程": "stages", "办理程序": "stages", "办事流程": "stages",
    "办理进度查询": "query", "办理查询": "query", "办理进度和结果查询": "query", "查询方式": "query",
    "办理结果查询": "query", "进度查询": "query",
    "监督电话": "supervision", "监督投诉电话": "supervision",
    "服务评价渠道": "evaluation", "评价渠道": "evaluation",
    "备注": "notes", "其他说明": "notes",
}
# export key of each field, for missing_fields (notes only count when the heading is there)
EXPORT_KEYS = {
    "name": "name", "service_objects": "service_objects", "channels": "channels", "materials": "materials",
    "time_limit": "time_limits", "stages": "stages", "query": "query", "evaluation": "evaluation",
}

_NUM = "一二三四五六七八九十"
_FIELD = re.compile(
    rf"^\s*(?P<ord>[（(]\s*[{_NUM}]{{1,3}}\s*[）)]|[{_NUM}]{{1,3}}\s*[、.．]|\d{{1,2}}\s*[、.．])\s*"
    r"(?P<label>[\u4e00-\u9fff]{2,10})\s*(?:[：:]\s*(?P<rest>.*?))?\s*$"
)
_TITLE_CN = re.compile(rf"^\s*[{_NUM}百]{{1,4}}\s*、\s*(?P<title>\S.*?)\s*$")
_TITLE_ARABIC = re.compile(r"^\s*\d{1,3}\s*[.．、]\s*(?P<title>[^\d\s].*?)\s*$")
_IMAGE = re.compile(r"\[image:[^\]]*\]")
_ONLINE_LINE = re.compile(r"^\s*(?:\d+\s*[.．、]\s*)?网办渠道\s*[：:]\s*(?P<value>.*)$")
_PREAMBLE = re.compile(r"指南|年版|附件")


def _blank(text):
    return not text.strip(" \t\u3000\xa0\ufeff")


def field_heading(text):
    """(key, label, rest) when `text` is a field heading, else None."""
    match = _FIELD.match(text.replace("\xa0", " "))
    if not match:
        return None
    key = LABELS.get(match.group("label"))
    if not key:
        return None
    return key, match.group("label"), (match.group("rest") or "").strip()


def _extract_offices(lines):
    """Office tables/blocks out of the text (offices.py, written beside this module)."""
    try:
        from yibao.catalog.guides.offices import extract_offices
    except ImportError:  # not there yet: no offices, the text stays as it is
        return lines, [], []
    extraction = extract_offices(lines)
    return list(extraction.lines), list(extraction.groups), list(extraction.warnings)


def _drop_noise(lines):
    """OCR noise: from an `[image: …]` marker to the next field heading. Returns (kept, noise)."""
    kept, noise, dropping = [], [], False
    for number, text in lines:
        if dropping and (field_heading(text) or _TITLE_CN.match(text) and not _blank(text)):
            dropping = False
        marker = _IMAGE.search(text)
        if marker:
            before = text[: marker.start()]
            if before.strip():
                kept.append((number, before))
            noise.append({"line": number, "text": text.strip()})
            dropping = True
            continue
        if dropping:
            if not _blank(text):
                noise.append({"line": number, "text": text.strip()})
            continue
        kept.append((number, text))
    return kept, noise


def _title_above(lines, anchor, floor):
    """(first index, title text) of the item title just above lines[anchor], not below `floor`."""
    collected = []  # indices, bottom-up
    i = anchor - 1
    while i >= floor and len(collected) < 3:
        text = lines[i][1].strip(" \t\u3000\xa0")
        if not text:
            i -= 1
            continue
        if (
            field_heading(lines[i][1])
            or text[-1] in "。；;，,"
            or len(text) > 50
            or (_PREAMBLE.search(text) and not _TITLE_CN.match(text))
            or _ONLINE_LINE.match(text)
        ):
            break
        collected.append(i)
        if _TITLE_CN.match(text) or _TITLE_ARABIC.match(text):
            break
        i -= 1
    if not collected:
        return anchor, ""
    top = collected[-1]
    top_text = lines[top][1].strip()
    numbered = _TITLE_CN.match(top_text) or _TITLE_ARABIC.match(top_text)
    if not numbered:
        # a bare title is the run of lines right above the anchor, with no blank line inside
        run = [collected[0]]
        for idx in collected[1:]:
            if any(not _blank(lines[j][1]) for j in range(idx + 1, run[-1])) or run[-1] - idx > 1:
                break
            run.append(idx)
        collected = run
        top = collected[-1]
    parts = [lines[idx][1].strip(" \t\u3000\xa0") for idx in reversed(collected)]
    first = parts[0]
    first = (_TITLE_CN.match(first) or _TITLE_ARABIC.match(first) or re.match(r"(?P<title>.*)", first)).group("title")
    title = re.sub(r"\s+", "", first + "".join(parts[1:])) if len(parts) > 1 else first.strip()
    return top, re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", title)


def _item_code(title, name):
    code = code_for_title(name) or code_for_title(title)
    if code:
        return code
    return "unknown-" + hashlib.sha1((title or name).encode("utf-8")).hexdigest()[:8]


def _inferred_between(previous, following):
    """The one canonical item between two known neighbours, or None."""
    order = [c.code for c in ITEM_CODES]
    if previous in order and following in order:
        a, b = order.index(previous), order.index(following)
        if b - a == 2:
            return ITEM_CODES[a + 1]
    return None


def _split_fields(block):
    """[(key, label, heading line, [content texts])] in published order."""
    out = []
    for number, text in block:
        heading = field_heading(text)
        if heading:
            key, label, rest = heading
            out.append([key, label, number, [rest] if rest else []])
        elif out:
            out[-1][3].append(text)
    return out


def _build_item(ordinal, title, block, guide_warnings):
    item = ParsedItem(ordinal=ordinal, code="", title=title)
    online_lines = []
    texts, present = {}, set()
    for key, label, line_no, content in _split_fields(block):
        kept, open_online = [], False
        for text in content:
            online = _ONLINE_LINE.match(text.strip())
            if online or (open_online and text.strip() and not F.starts_entry(text)):
                # `网办渠道：…` lines (and their hard-wrapped tails) list online channels
                if online and online.group("value").strip() or not online:
                    if online:
                        online_lines.append(text.strip())
                    else:
                        online_lines[-1] += text.strip()
                    open_online = not text.strip().endswith("。")
                    if key == "notes":
                        kept.append(text)
                continue
            open_online = open_online and not text.strip()
            kept.append(text)
        if key in present and key != "notes":
            item.warnings.append(f"第{line_no}行：字段“{label}”重复出现，内容已合并")
        present.add(key)
        texts.setdefault(key, []).extend(kept)
        published = F.join_lines(kept)
        item.fields[label] = (item.fields.get(label, "") + "\n" + published).strip()

    name = F.join_lines(texts.get("name", [])).replace("\n", "")
    item.name = re.sub(r"\s+", "", name).rstrip("。.")
    item.service_objects = F.join_lines(texts.get("service_objects", []))
    item.acceptance_unit = F.join_lines(texts.get("acceptance_unit", []))
    item.channels_text = F.join_lines(texts.get("channels", []))
    item.time_limit_text = F.join_lines(texts.get("time_limit", []))
    item.stages_text = F.join_lines(texts.get("stages", []))
    item.query_text = F.join_lines(texts.get("query", []))
    item.evaluation_text = F.join_lines(texts.get("evaluation", []))
    item.supervision_text = F.join_lines(texts.get("supervision", []))

    if item.evaluation_text and "评价" not in item.evaluation_text:
        # 攀枝花 生育津贴: the 备注 text sits under the 评价 heading; keep it as a note, say so
        item.warnings.append("“服务评价渠道”下的内容没有提到评价，按备注处理")
        texts.setdefault("notes", []).extend(texts.get("evaluation", []))
        item.evaluation_text = ""
    materials, embedded_notes = F.parse_materials(texts.get("materials", []))
    item.materials_text = F.join_lines(
        [t for t in texts.get("materials", []) if not re.match(r"^\s*备注\s*[：:]", t)]
    )
    item.notes = [text for _, text in F.split_entries(texts.get("notes", []))] + embedded_notes
    item.materials = materials + F.materials_from_notes(item.notes, materials)
    item.stages = F.parse_stages(texts.get("stages", []))
    item.channels = parse_channels(item.channels_text, online_lines)
    limits, limit_warnings = F.parse_time_limits(item.time_limit_text)
    item.time_limits = limits + F.sub_deadlines(item.notes + [s.text for s in item.stages])
    item.warnings.extend(limit_warnings)

    values = {
        "name": item.name, "service_objects": item.service_objects, "channels": item.channels_text,
        "materials": item.materials_text, "time_limit": item.time_limits, "stages": item.stages,
        "query": item.query_text, "evaluation": item.evaluation_text,
    }
    item.missing_fields = [EXPORT_KEYS[k] for k, v in values.items() if not v]
    if "notes" in present and not item.notes:
        item.missing_fields.append("notes")
    if item.time_limit_text and not limits:
        item.missing_fields.append("time_limits") if "time_limits" not in item.missing_fields else None
    return item


def _family(lines, anchors):
    first = lines[anchors[0]][1].strip()
    field_style = "paren" if first[:1] in "（(" else "comma"
    titles = [t for t in (_title_style(lines, a) for a in anchors) if t]
    title_style = max(set(titles), key=titles.count) if titles else "none"
    return f"{field_style}-{title_style}"


def _title_style(lines, anchor):
    for i in range(anchor - 1, max(anchor - 4, -1), -1):
        text = lines[i][1].strip()
        if not text:
            continue
        if _TITLE_CN.match(text):
            return "cn"
        if _TITLE_ARABIC.match(text):
            return "arabic"
        return "bare" if not field_heading(text) and text[-1] not in "。；;" else ""
    return ""


def _check_truncated(items, blocks, source, title_style):
    """A file cut off inside its last item lacks headings that every other item has, or ends
    with the title of an item whose fields never come."""
    keys = [{key for key, *_ in _split_fields(block)} for block in blocks]
    last_block = blocks[-1]
    last_line = last_block[-1][0] if last_block else 0
    pattern = {"cn": _TITLE_CN, "arabic": _TITLE_ARABIC}.get(title_style)
    last_heading = max(i for i, (_, t) in enumerate(last_block) if field_heading(t))
    for number, text in last_block[last_heading + 1:]:
        text = text.strip(" \t\u3000\xa0")
        if pattern and pattern.match(text) and len(text) <= 50 and text[-1] not in "。；;，,：:":
            raise GuideFormatError(source, number, f"文件截断：事项“{text}”只有标题，没有它的内容")
    if len(keys) > 1:
        common = set.intersection(*keys[:-1])
        lost = common - keys[-1]
        if lost:
            labels = "、".join(sorted(lost))
            raise GuideFormatError(
                source, last_line, f"文件在第{len(items)}个事项中途截断（缺少其他事项都有的字段：{labels}）"
            )
    elif not keys[-1] & {"time_limit", "materials", "stages"}:
        raise GuideFormatError(source, last_line, "文件在事项中途截断（只有事项名称，没有其他字段）")


def _preamble(lines):
    title, edition = "", ""
    for _, text in lines:
        text = text.strip()
        if not title and "指南" in text:
            title = text.rstrip("：:")
        found = re.search(r"[（(]?(\d{4}年版)[）)]?", text)
        if found and not edition:
            edition = found.group(1)
    return title, edition


def parse_text(text, source):
    """ParsedGuide from decoded text; raises GuideFormatError when it is not a guide."""
    lines, noise = _drop_noise(parse_lines(text))
    lines, office_groups, office_warnings = _extract_offices(lines)
    anchors = [i for i, (_, t) in enumerate(lines) if (h := field_heading(t)) and h[0] == "name"]
    if not anchors:
        raise GuideFormatError(source, 0, "没有找到任何事项（缺少“事项名称”字段），不是办事指南")

    starts, titles = [], []
    floor = 0
    for anchor in anchors:
        top, title = _title_above(lines, anchor, floor)
        starts.append(top)
        titles.append(title)
        floor = anchor + 1
    blocks = [lines[anchors[k]: (starts[k + 1] if k + 1 < len(anchors) else len(lines))] for k in range(len(anchors))]

    warnings = [dict(w) for w in office_warnings]
    items = []
    for k, (title, block) in enumerate(zip(titles, blocks)):
        items.append(_build_item(k + 1, title, block, warnings))
    family = _family(lines, anchors)
    _check_truncated(items, blocks, source, family.split("-")[1])

    seen = {}
    for k, item in enumerate(items):
        item.code = _item_code(item.title, item.name)
        line = lines[anchors[k]][0]
        if not item.name:
            item.warnings.append(f"第{line}行：事项名称为空")
        if item.title and item.name:
            t, n = title_key(item.title), title_key(item.name)
            if t not in n and n not in t:
                item.warnings.append(f"标题“{item.title}”与事项名称“{item.name}”不一致，按事项名称识别")
        if item.code.startswith("unknown-"):
            item.warnings.append(f"未识别的事项“{item.title or item.name or '（无名称）'}”，暂记为 {item.code}")
        elif item.code in seen:
            item.warnings.append(f"与第{seen[item.code]}个事项重复（{item.code}）")
        else:
            seen[item.code] = item.ordinal
    for k, item in enumerate(items):
        if item.code.startswith("unknown-") and 0 < k < len(items) - 1:
            guess = _inferred_between(items[k - 1].code, items[k + 1].code)
            if guess:
                item.warnings.append(f"按位置推测可能是“{guess.name}”（{guess.code}），仅为推测，未采用")

    if office_groups:
        if len(office_groups) == len(items):
            for item, group in zip(items, office_groups):
                item.offices = list(group)
        else:
            warnings.append({
                "line": 0,
                "message": f"办理地点表 {len(office_groups)} 个，事项 {len(items)} 个，数目不符，未分配办理地点",
            })

    title, edition = _preamble(lines[: starts[0]])
    return ParsedGuide(
        source=source,
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        text=text,
        family=family,
        title=title,
        edition=edition,
        items=items,
        noise=noise,
        warnings=warnings,
    )


_CACHE = {}
_CACHE_SIZE = 32


def parse_guide(data, source):
    """ParsedGuide from a file's bytes. Parsing is cached in-process by content (tests load the
    shipped guides many times); callers must not mutate the result."""
    key = (hashlib.sha256(data).hexdigest(), source)
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:  # a long-running process imports many files: keep the latest
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = parse_text(decode(data, source), source)
    return _CACHE[key]
