"""Reading a holiday schedule file: one date a line, e.g. `2027-02-07 workday 春节调休`.

Format: `YYYY-MM-DD KIND [NAME]`, KIND one of holiday/假日/休 (a day off) or workday/班/上班
(a working day); `#` starts a comment; blank lines are skipped. Any bad line refuses the whole
file, naming the file and the line.
"""
from dataclasses import dataclass
from datetime import date

from yibao.workdays.models import MAX_YEAR, MIN_YEAR, DayKind

KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "假日": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
}


class ScheduleFormatError(ValueError):
    def __init__(self, source, line_no, message):
        self.source, self.line_no = source, line_no
        where = f"{source} 第{line_no}行" if line_no else source
        super().__init__(f"{where}：{message}")


@dataclass(frozen=True)
class ScheduleEntry:
    date: date
    kind: str  # DayKind
    name: str
    line_no: int


def parse_schedule(text, source):
    """The entries of a schedule file, in file order. Raises ScheduleFormatError."""
    entries, seen = [], {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split(None, 2)
        if len(fields) < 2:
            raise ScheduleFormatError(source, line_no, f"应为“日期 类别 [名称]”，如“2027-01-01 holiday 元旦”：{raw.strip()}")
        try:
            day = date.fromisoformat(fields[0])
        except ValueError:
            raise ScheduleFormatError(source, line_no, f"日期格式应为YYYY-MM-DD：{fields[0]}") from None
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ScheduleFormatError(source, line_no, f"年份超出范围（{MIN_YEAR}–{MAX_YEAR}）：{fields[0]}")
        kind = KIND_WORDS.get(fields[1].lower())
        if kind is None:
            words = "、".join(KIND_WORDS)
            raise ScheduleFormatError(source, line_no, f"类别应为{words}之一：{fields[1]}")
        if day in seen:
            raise ScheduleFormatError(source, line_no, f"日期{day}重复（已见第{seen[day]}行）")
        seen[day] = line_no
        entries.append(ScheduleEntry(day, kind, fields[2].strip() if len(fields) > 2 else "", line_no))
    if not entries:
        raise ScheduleFormatError(source, None, "文件中没有任何日期")
    return entries
