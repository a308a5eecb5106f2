from django.contrib import admin, messages
from django.utils import timezone

from yibao.core.admin import AuditedAdmin
from yibao.workdays import calendar
from yibao.workdays.models import CalendarDay, CalendarYear, YearStatus
from yibao.workdays.signals import send_calendar_changed_on_commit

WEEKDAYS = "一二三四五六日"


def missing_years():
    """Years whose deadlines are provisional and matter now: those a deadline already needed,
    and this year and the next when not covered (the schedule is published each autumn)."""
    covered = calendar.covered_years()
    needed = set(CalendarYear.objects.filter(status=YearStatus.MISSING).values_list("year", flat=True))
    this_year = timezone.localdate().year
    return sorted(y for y in needed | {this_year, this_year + 1} if y not in covered)


class CalendarAdmin(AuditedAdmin):
    """Audited, and every edit tells the case engine which years changed."""

    def changelist_view(self, request, extra_context=None):
        for year in missing_years():
            messages.warning(
                request,
                f"{year}年节假日安排未载入：该年的办理期限暂按周末计算（暂定）。"
                f"请按国务院办公厅通知录入，或用 `yibao calendar load 文件` 载入。",
            )
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        old = type(obj).objects.get(pk=obj.pk) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        send_calendar_changed_on_commit({self.year_of(obj)} | ({self.year_of(old)} if old else set()))

    def delete_model(self, request, obj):
        year = self.year_of(obj)
        super().delete_model(request, obj)
        send_calendar_changed_on_commit({year})


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    list_display = ["date", "weekday", "kind", "name", "source", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name", "note", "source"]
    fields = ["date", "kind", "name", "note", "source"]

    @admin.display(description="星期")
    def weekday(self, obj):
        return "星期" + WEEKDAYS[obj.date.weekday()]

    @staticmethod
    def year_of(obj):
        return obj.date.year

    def save_model(self, request, obj, form, change):
        obj.source = obj.source or "后台录入"
        super().save_model(request, obj, form, change)


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    list_display = ["year", "status", "source", "note", "updated_at"]
    list_filter = ["status"]
    fields = ["year", "status", "source", "note"]

    @staticmethod
    def year_of(obj):
        return obj.year
