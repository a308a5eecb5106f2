"""Changes to the calendar: loading a schedule, warning of a missing year."""
import logging

from django.db import transaction

from yibao.core.audit import record
from yibao.core.models import Channel
from yibao.workdays.models import CalendarDay, CalendarYear, YearStatus
from yibao.workdays.signals import send_calendar_changed_on_commit

logger = logging.getLogger(__name__)

MISSING_YEAR_ACTION = "节假日安排缺失"


def load_schedule(entries, *, source, actor=None, channel=Channel.COMMAND, replace=False):
    """Store parsed schedule entries and mark their years loaded (covered). All or nothing.

    Entries add to or change the days already stored; with replace=True the other stored days
    of the same years are deleted, so the file becomes the whole schedule of its years.
    Returns {year: {"added": [...], "changed": [...], "removed": [...]}}.
    """
    years = sorted({e.date.year for e in entries})
    report = {y: {"added": [], "changed": [], "removed": []} for y in years}
    with transaction.atomic():
        stored = {
            d.date: d
            for d in CalendarDay.objects.select_for_update().filter(date__year__in=years).order_by("pk")
        }
        wanted = {e.date for e in entries}
        for entry in entries:
            day = stored.get(entry.date)
            if day is None:
                CalendarDay.objects.create(date=entry.date, kind=entry.kind, name=entry.name, source=source)
                report[entry.date.year]["added"].append(f"{entry.date} {entry.kind} {entry.name}".strip())
            elif (day.kind, day.name) != (entry.kind, entry.name):
                was = f"{day.kind} {day.name}".strip()
                day.kind, day.name, day.source = entry.kind, entry.name, source
                day.save(update_fields=["kind", "name", "source", "updated_at"])
                report[entry.date.year]["changed"].append(f"{entry.date} {was} -> {entry.kind} {entry.name}".strip())
        if replace:
            gone = [d for d in stored.values() if d.date not in wanted]
            for day in gone:
                report[day.date.year]["removed"].append(f"{day.date} {day.kind} {day.name}".strip())
            CalendarDay.objects.filter(pk__in=[d.pk for d in gone]).delete()
        changed_years = set()
        for year in years:
            row, created = CalendarYear.objects.select_for_update().get_or_create(
                year=year, defaults={"status": YearStatus.LOADED, "source": source}
            )
            newly_loaded = created or row.status != YearStatus.LOADED
            if not created:
                row.status, row.source = YearStatus.LOADED, source
                row.save(update_fields=["status", "source", "updated_at"])
            changes = report[year]
            if newly_loaded or any(changes.values()):
                changed_years.add(year)
            counts = "，".join(f"{label}{len(changes[k])}天" for k, label in
                              (("added", "新增"), ("changed", "修改"), ("removed", "删除")))
            record(
                actor=actor,
                channel=channel,
                action="载入节假日安排",
                object_type="workdays.year",
                object_id=year,
                summary=f"{year}年节假日安排（{source}）：{counts}",
                changes=changes,
            )
        send_calendar_changed_on_commit(changed_years)
    return report


def note_missing_year(year):
    """Warn the administrators, once per year, that deadlines in `year` are provisional.

    The unique CalendarYear row is the 'once': a second process finds it and stays silent.
    """
    with transaction.atomic():
        _, created = CalendarYear.objects.get_or_create(
            year=year, defaults={"status": YearStatus.MISSING, "note": "办理期限计算需要该年安排，尚未载入"}
        )
        if not created:
            return False
        logger.warning("%s年节假日安排未载入：该年的办理期限暂按周末计算（暂定），请管理员载入", year)
        record(
            actor=None,
            channel=Channel.SYSTEM,
            action=MISSING_YEAR_ACTION,
            object_type="workdays.year",
            object_id=year,
            summary=f"{year}年节假日安排未载入，该年的办理期限暂按周末计算（暂定）",
        )
    return True
