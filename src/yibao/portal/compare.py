"""The same item side by side across guides: the rows shown, and which cells depart from the others.

A cell "differs" when its value is not the one most guides give (on a tie, every cell differs).
A material is "only here" when no other guide in the table asks for it, judged by meaning
(catalog.materials: the same document worded differently is the same material); the materials
row marks that per material instead of per cell. Empty cells (the guide
says nothing) and absent items (未列入) take no part in either judgement.
"""
from collections import Counter
from dataclasses import dataclass, field

# The catalogue's own comparison key for published wording (drops brackets, punctuation, spaces).
from yibao.catalog.codes import title_key as comparable
from yibao.catalog.materials import same_material
from yibao.portal.display import time_limit_summary

ROWS = [
    ("name", "事项名称"),
    ("service_objects", "服务对象"),
    ("channels", "办理渠道"),
    ("materials", "申请材料"),
    ("time_limit", "办理时限"),
    ("stages", "办理流程"),
    ("notes", "备注"),
]


@dataclass
class Entry:
    text: str
    detail: str = ""  # shown after the text, with its own punctuation
    only_here: bool = False


@dataclass
class Cell:
    listed: bool  # False: this guide does not list the item (未列入)
    text: str = ""
    entries: list = field(default_factory=list)
    key: object = None  # what is compared; None for an empty cell
    differs: bool = False

    @property
    def empty(self):
        return self.listed and self.key is None


def note_text(note):
    """A 备注 entry as text, whether the importer stored a string or a small dict."""
    if isinstance(note, dict):
        return str(note.get("text") or note.get("message") or "")
    return str(note)


def _cell(row, item):
    if item is None:
        return Cell(listed=False)
    if row == "name":
        return Cell(True, text=item.display_title, key=comparable(item.display_title))
    if row == "service_objects":
        text = item.service_objects.strip()
        return Cell(True, text=text, key=comparable(text) or None)
    if row == "channels":
        channels = list(item.channels.all())
        if channels:
            entries = [Entry(c.name, "（线上）" if c.online else "") for c in channels]
            return Cell(True, entries=entries, key=frozenset(c.code for c in channels))
        text = item.channels_text.strip()
        return Cell(True, text=text, key=comparable(text) or None)
    if row == "materials":
        materials = list(item.materials.all())
        if materials:
            entries = [Entry(m.name, f"（适用：{m.when}）" if m.when else "") for m in materials]
            return Cell(True, entries=entries, key=frozenset(comparable(m.name) for m in materials))
        text = item.materials_text.strip()
        return Cell(True, text=text, key=comparable(text) or None)
    if row == "time_limit":
        text = time_limit_summary(item.time_limits.all()) or item.time_limit_text.strip()
        return Cell(True, text=text, key=text or None)
    if row == "stages":
        stages = list(item.stages.all())
        if stages:
            entries = [Entry(s.name, f"：{s.text}" if s.text else "") for s in stages]
            return Cell(True, entries=entries, key=tuple(comparable(s.name) for s in stages))
        text = item.stages_text.strip()
        return Cell(True, text=text, key=comparable(text) or None)
    if row == "notes":
        notes = [t for t in (note_text(n).strip() for n in item.notes or []) if t]
        return Cell(True, entries=[Entry(n) for n in notes], key=tuple(comparable(n) for n in notes) or None)
    raise ValueError(row)


def _mark_differences(cells):
    counted = Counter(c.key for c in cells if c.key is not None)
    if len(counted) < 2:
        return
    top = max(counted.values())
    tie = list(counted.values()).count(top) > 1
    for cell in cells:
        if cell.key is not None and (tie or counted[cell.key] < top):
            cell.differs = True


def _mark_only_here(cells):
    keyed = [c for c in cells if c.entries and isinstance(c.key, frozenset)]
    if len(keyed) < 2:
        return  # "only here" means something only beside another guide's list
    for cell in keyed:
        elsewhere = [e.text for c in keyed if c is not cell for e in c.entries]
        for entry in cell.entries:
            entry.only_here = not any(same_material(entry.text, other) for other in elsewhere)


def build_rows(items):
    """`items`: one per column, the item or None. Returns [(label, [Cell])] in ROWS order."""
    rows = []
    for row, label in ROWS:
        cells = [_cell(row, item) for item in items]
        if row == "materials":
            # Material lists almost never match word for word; what differs is marked per material.
            _mark_only_here(cells)
        else:
            _mark_differences(cells)
        rows.append((label, cells))
    return rows
