"""`yibao calendar load FILE | due START DAYS | status`: the statutory calendar from the shell."""
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yibao.core.models import Channel
from yibao.workdays import calendar
from yibao.workdays.actions import load_schedule
from yibao.workdays.calendar import PACKAGE_YEARS, CalendarError
from yibao.workdays.models import CalendarDay, CalendarYear, YearStatus
from yibao.workdays.schedule import ScheduleFormatError, parse_schedule


def _date(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为YYYY-MM-DD：{value}") from None


def _years(years):
    """2004–2026, 2028 for a sorted list of years."""
    runs, out = [], []
    for y in sorted(years):
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    for a, b in runs:
        out.append(str(a) if a == b else f"{a}–{b}")
    return "、".join(out) or "无"


def provisional_note(years):
    return "（暂定：" + "、".join(f"{y}年" for y in years) + "节假日安排未载入）"


class Command(BaseCommand):
    help = "法定工作日日历：载入节假日安排、计算办理期限、查看状态"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser("load", help="载入节假日安排文件（每行：日期 holiday|workday [名称]）")
        load.add_argument("file")
        load.add_argument("--replace", action="store_true", help="文件即该年全部安排：删除同年其他已录入的日期")
        due = sub.add_parser("due", help="计算期限：START 起第 DAYS 个工作日")
        due.add_argument("start")
        due.add_argument("days", type=int)
        sub.add_parser("status", help="已覆盖的年份与管理员录入的日期")

    def handle(self, *args, subcommand, **options):
        getattr(self, f"handle_{subcommand}")(**options)

    def handle_load(self, file, replace, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件 {path}：{exc}") from exc
        try:
            entries = parse_schedule(text, source=path.name)
        except ScheduleFormatError as exc:
            raise CommandError(str(exc)) from exc
        report = load_schedule(entries, source=path.name, channel=Channel.COMMAND, replace=replace)
        for year, changes in report.items():
            self.stdout.write(
                f"{year}年：新增{len(changes['added'])}天，修改{len(changes['changed'])}天，"
                f"删除{len(changes['removed'])}天；该年已载入"
            )

    def handle_due(self, start, days, **options):
        start = _date(start)
        try:
            due = calendar.due_date(start, days)
        except CalendarError as exc:
            raise CommandError(str(exc)) from exc
        line = due.date.isoformat()
        if due.provisional:
            line += provisional_note(calendar.current().missing_years(start, due.date))
        self.stdout.write(line)

    def handle_status(self, **options):
        loaded = set(CalendarYear.objects.filter(status=YearStatus.LOADED).values_list("year", flat=True))
        missing = CalendarYear.objects.filter(status=YearStatus.MISSING).values_list("year", flat=True)
        self.stdout.write(f"已覆盖年份：{_years(calendar.covered_years())}")
        self.stdout.write(f"  chinese-calendar 包：{_years(PACKAGE_YEARS)}")
        self.stdout.write(f"  管理员载入：{_years(loaded)}")
        self.stdout.write(f"曾按周末暂定计算的缺失年份：{_years(missing)}")
        days = list(CalendarDay.objects.order_by("date"))
        self.stdout.write(f"管理员录入的日期：{len(days)}天")
        for day in days:
            self.stdout.write(f"  {day.date} {day.get_kind_display()} {day.name}（{day.source}）".rstrip())
