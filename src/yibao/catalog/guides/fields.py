"""Reading the values of one item's fields: lists, time limits, materials, stages, sub-deadlines.

Each function takes the published text (already cut into the field's lines) and returns the
parsed.py dataclasses; nothing here knows about files or layouts.
"""
import re

from yibao.catalog.guides.parsed import ParsedMaterial, ParsedStage, ParsedTimeLimit

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ENTRY = re.compile(r"^(?:[-•·]\s*)?(\d{1,2})(?!\d)\s*(?:[.．、]\s*|(?=[\u4e00-\u9fff《（(“]))")
_SENTENCE_END = "。；;！？!?"
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

# Conditions the guides attach to materials and limits, shortest published label first found.
CONDITION_WORDS = [
    ("港澳台", "港澳台人员"), ("外国人", "外国人"), ("出国", "出国定居"), ("在职转退休", "在职转退休"),
    ("委托", "委托办理"), ("代办", "委托办理"), ("死亡", "死亡"), ("意外伤害", "意外伤害"), ("外伤", "意外伤害"),
    ("急诊", "急诊"), ("主动放弃", "主动放弃"), ("拆分、合并、分立", "单位拆分、合并、分立"),
    ("注销", "单位注销登记"), ("关键信息", "关键信息变更"), ("财政供养", "财政供养人员"),
    ("男职工配偶", "男职工配偶未参保"), ("第三方责任", "第三方责任"), ("鲜章", "未盖鲜章"),
    ("限制药品", "使用限制药品"), ("生育", "生育"), ("离职后280天", "离职后280天内"), ("证照信息发生变更", "证照变更"),
    ("在职职工", "在职职工"), ("灵活就业人员", "灵活就业人员"), ("线下", "线下"), ("线上", "线上"),
    ("窗口", "窗口办理"), ("网上", "网上办理"), ("未经认定", "未经认定的救助对象"), ("联网结算", "已联网结算"),
]


def has_condition(clause):
    return any(word in clause for word, _ in CONDITION_WORDS)


def condition_label(clause):
    """A short label for a condition clause: the vocabulary word it starts with, else the clause."""
    clause = clause.strip(" ，,：:；;。")
    hits = [(clause.find(word), label) for word, label in CONDITION_WORDS if word in clause]
    if hits:
        return min(hits)[1]
    return clause[:60]


def squeeze(text):
    """Text without spaces (for matching; the published text keeps them)."""
    return re.sub(r"[\s\u3000\xa0]+", "", text or "").translate(_FULLWIDTH_DIGITS)


def join_lines(lines):
    """One paragraph text from field lines: hard-wrapped lines are glued, sentences keep breaks."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and (out[-1] in _SENTENCE_END or _ENTRY.match(line)):
            out += "\n" + line
        else:
            out += line
    return out


def starts_entry(line):
    return bool(_ENTRY.match(line.strip()))


def split_entries(lines):
    """[(number or None, text)]: a numbered list (1. / 1． / 1、 / `- 1.` / `5办结`), continuation
    lines glued to their entry. A number that does not follow the previous one is text, not a new entry."""
    entries = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        match = _ENTRY.match(line)
        number = int(match.group(1)) if match else None
        previous = next((n for n, _ in reversed(entries) if n is not None), None)
        starts = match and (previous is None or number == previous + 1)
        if starts:
            entries.append((number, line[match.end():].strip()))
        elif entries:
            n, text = entries[-1]
            glue = "\n" if text and text[-1] in _SENTENCE_END else ""
            entries[-1] = (n, text + glue + line)
        else:
            entries.append((None, line))
    return entries


# --- time limits ---------------------------------------------------------------------------------

_IMMEDIATE = re.compile(r"即时办结|即办件|即时协调|即时办理|当场办结|立即办结|即到即办")
_DAYS = re.compile(r"(?:不超过|不多于|最长|在)?(\d+)个?工作日(?:内)?(?:办结|完成)?")
_CALENDAR = re.compile(r"(\d+)(?:个)?(?:自然日|日历日|天)(?:内)?")


def _limit_condition(prefix):
    prefix = re.sub(r"^(?:一般|原则上|通常)", "", prefix).strip(" ，,：:、")
    if not prefix:
        return ""
    hits = [(prefix.find(word), label) for word, label in CONDITION_WORDS if word in prefix]
    if hits:
        return min(hits)[1]
    return re.sub(r"(?:参保登记|办理)?的?$", "", prefix)[:60]


def parse_time_limits(text):
    """(rules, warnings) for a 办理时限 text. Split limits (在职职工 3 / 灵活就业人员 0;
    线下即时办结、线上2个工作日内办结) become one rule each with `when`."""
    flat = squeeze(text).strip("。.")
    if not flat:
        return [], []
    rules, warnings = [], []
    for part in re.split(r"[；;、，,。]", flat):
        if not part:
            continue
        immediate = _IMMEDIATE.search(part)
        days = _DAYS.search(part)
        if days and (not immediate or days.start() < immediate.start()):
            rules.append(ParsedTimeLimit(int(days.group(1)), _limit_condition(part[: days.start()]), part))
        elif immediate:
            rules.append(ParsedTimeLimit(0, _limit_condition(part[: immediate.start()]), part))
        elif _CALENDAR.search(part):
            warnings.append(f"办理时限“{part}”是自然日，不是工作日，未换算")
    if not rules and not warnings:
        warnings.append(f"无法识别办理时限“{flat}”")
    if len(rules) == 1 and not rules[0].when:
        rules[0].text = (text or "").strip()
    return rules, warnings


_SUB_DEADLINE = re.compile(r"(\d+)个?工作日内(?:办结|一次性告知)")


def sub_deadlines(texts):
    """Extra limit rules a guide states in its notes or stages: `关系转出：…10个工作日内办结`,
    `材料内容不全的…5个工作日内一次性告知`. Duties of the applicant (…内告知医保经办机构) are not ours."""
    rules = []
    for text in texts:
        for clause in re.split(r"[；;。\n]", text or ""):
            flat = squeeze(clause)
            match = _SUB_DEADLINE.search(flat)
            if not match:
                continue
            label = re.match(r"^(?:\d+[.．、])?([\u4e00-\u9fff]{2,8})[：:]", flat)
            if label:
                when = label.group(1)
            elif "一次性告知" in match.group(0):
                when = "材料不全一次性告知"
            else:
                continue
            rules.append(ParsedTimeLimit(int(match.group(1)), when, clause.strip()))
    return rules


# --- materials -----------------------------------------------------------------------------------

_NEEDS = r"(?:由[^，,；;。]{1,6}?)?(?:还|则|均)?(?:需要|需|应当|应|须|可要求)?(?:提供|填写|出具|提交)"
_CONDITIONAL = re.compile(r"^(?P<cond>.+?)(?:的|时)\s*[，,]?\s*" + _NEEDS + r"(?P<what>.+)$")
_SHORT_CONDITIONAL = re.compile(r"^(?P<cond>[^，,；;。：:的]{1,12}?)" + _NEEDS + r"(?P<what>.+)$")
_PREFIX = re.compile(r"^(?P<cond>[^：:，,（(《]{2,12})[：:](?=\s*[①《（(\S])")
_FALLBACK = re.compile(r"[，,]?[^，,；;。]*?(?:无法|不能)提供[^，,；;。]*?的*[，,]?\s*(?:应|需|则)?(?:提供|填写)[^，,；;。]*承诺书")
_SEAL = re.compile(r"加盖[^，。；;]*?(?:公章|公项|印章)|盖章")
_COMMITMENT = re.compile(r"承诺书")


def _tidy(text):
    return text.strip().strip("，,；;。.、：: ")


def _sub_items(text):
    parts = re.split(f"[{CIRCLED}]", text)
    return parts[0], [_tidy(p) for p in parts[1:] if _tidy(p)]


def material_from_text(text, number=None):
    """One ParsedMaterial from a material entry (without its list number)."""
    published = text.strip()
    body = published
    when = ""
    prefix = _PREFIX.match(body)
    if prefix and has_condition(prefix.group("cond")) and not _SEAL.search(prefix.group("cond")):
        when = condition_label(prefix.group("cond"))
        body = body[prefix.end():]
    commitment = bool(_COMMITMENT.search(body))
    fallback = _FALLBACK.search(body)
    if fallback:
        body = body[: fallback.start()]
    if not when:
        conditional = _CONDITIONAL.match(body)
        short = _SHORT_CONDITIONAL.match(body)
        if conditional:
            when, body = condition_label(conditional.group("cond")), conditional.group("what")
        elif short and has_condition(short.group("cond")):
            when, body = condition_label(short.group("cond")), short.group("what")
    head, subs = _sub_items(body)
    name = _tidy(head) or "、".join(subs)
    return ParsedMaterial(
        name=name or _tidy(published),
        when=when,
        sub_items=subs,
        seal_required=bool(_SEAL.search(published)),
        commitment_fallback=commitment,
        text=published,
    )


def parse_materials(lines):
    """(materials, notes): the 申请材料 list, and `备注：` lines a guide embeds in it (003)."""
    materials, notes, content = [], [], []
    seal_all = False
    for line in lines:
        stripped = line.strip()
        note = re.match(r"^备注\s*[：:]\s*(.*)$", stripped)
        if note:
            notes.append(note.group(1).strip())
        elif re.match(r"^[（(]?以上[^）)]*加盖", stripped):
            seal_all = True
        else:
            content.append(line)
    for number, text in split_entries(content):
        if squeeze(text).strip("。") in ("无", "无需提供", "无需材料") or not _tidy(text):
            continue
        if re.search(r"无需[^，。]*办理", text) and number is None:  # 免申即享: nothing to hand in
            continue
        materials.append(material_from_text(text, number))
    if seal_all:
        for material in materials:
            material.seal_required = True
    return materials, notes


_SECOND_RULE = re.compile(r"[，,](?=[^，,；;。]{1,20}?的\s*(?:需要|需|应)?提供)")


def _overlaps(a, b, size=4):
    return any(a[i:i + size] in b for i in range(len(a) - size + 1))


def materials_from_notes(notes, existing=()):
    """Conditional materials that 备注 rules state as `…的，需提供…`, each with its `when`.
    A rule `…不能提供X的，提供个人承诺书` marks X (here or in `existing`) as having that fallback."""
    found = []
    for note in notes:
        note = re.sub(r"^\s*\d+\s*[.．、]\s*", "", note.strip())
        head, *circled = re.split(f"(?=[{CIRCLED}])", note)
        if circled and re.search(_NEEDS + r"\s*$", head) and not head.rstrip().endswith(("：", ":")):
            clauses = [note]  # 意外伤害就医的应提供①…；②…: one material with sub-items
        else:
            clauses = [c for part in [head, *circled] for c in re.split(r"[；;。]", part.lstrip(CIRCLED))]
            # 门诊就医的提供诊断证明，住院就医的提供出院记录: two rules in one sentence
            clauses = [p for c in clauses for p in re.split(_SECOND_RULE, c)]
        last = None
        for clause in (c.strip() for c in clauses if c.strip()):
            match = _CONDITIONAL.match(clause) or _SHORT_CONDITIONAL.match(clause)
            if not match or not _tidy(match.group("what")) or "以下" in match.group("what"):
                continue
            cond, what = match.group("cond"), match.group("what")
            if re.search(r"(?:无法|不能)提供", cond) and _COMMITMENT.search(what):
                targets = [last] if last is not None else [m for m in existing if _overlaps(m.name, cond)]
                for target in targets:
                    target.commitment_fallback = True
                continue
            material = material_from_text(clause)
            if not material.when:
                continue
            material.seal_required = bool(_SEAL.search(what))
            found.append(material)
            last = material
    return found


# --- stages --------------------------------------------------------------------------------------

STAGE_WORDS = ["申请", "受理", "审核", "审批", "复核", "评估", "公示", "拨付", "支付", "办结", "反馈", "核实"]
_LABEL = re.compile(r"^([\u4e00-\u9fff]{1,8})\s*[：:]\s*")
_SPACED = re.compile(r"^([\u4e00-\u9fff]{2,8})(?:\s+|[，,])(?=\S)")


def stage_from_text(text):
    label = _LABEL.match(text)
    if label:
        return ParsedStage(label.group(1), text[label.end():].strip())
    spaced = _SPACED.match(text)
    if spaced and (text[spaced.end() - 1].isspace() or spaced.group(1) in STAGE_WORDS):
        return ParsedStage(spaced.group(1), text[spaced.end():].strip())
    verbs = re.sub(r"申请(?:人|材料|资料|书|表)", "", text)  # 申请人 names a party, not the step
    hits = [(verbs.find(word), word) for word in STAGE_WORDS if word in verbs]
    hits = hits or [(text.find(word), word) for word in STAGE_WORDS if word in text]
    return ParsedStage(min(hits)[1] if hits else "办理", text.strip())


def parse_stages(lines):
    """Ordered 办理流程 steps, named by their label (申请：…) or, failing one, by their first verb."""
    return [stage_from_text(text) for _, text in split_entries(lines)]
