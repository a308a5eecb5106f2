"""The administrator's schedule: days that differ from the package calendar, and years loaded."""
from django.core.exceptions import ValidationError
from django.db import models

# The years a schedule may name: a typo such as 2207 would otherwise declare a far year covered
# (and stretch the calendar's index over centuries).
MIN_YEAR, MAX_YEAR = 2000, 2099


def validate_year(year):
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(f"年份超出范围（{MIN_YEAR}–{MAX_YEAR}）：{year}")


def validate_calendar_date(value):
    validate_year(value.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "休息日"  # a day off, whatever the weekday
    WORKDAY = "workday", "工作日"  # a working day, whatever the weekday (调休上班)


class CalendarDay(models.Model):
    """One day whose status the administrator sets; it beats the chinese-calendar package."""

    date = models.DateField("日期", unique=True, validators=[validate_calendar_date])
    kind = models.CharField("类别", max_length=8, choices=DayKind.choices)
    name = models.CharField("名称", max_length=64, blank=True, help_text="如：元旦、春节调休")
    note = models.CharField("备注", max_length=200, blank=True)
    source = models.CharField("来源", max_length=200, blank=True, help_text="载入的文件，或“后台录入”")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    # Part of the calendar's version key (with the row count): an edit anywhere moves it.
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class YearStatus(models.TextChoices):
    LOADED = "loaded", "已载入"  # the year's schedule is complete: deadlines in it are exact
    MISSING = "missing", "缺失"  # a deadline needed the year before its schedule was loaded


class CalendarYear(models.Model):
    """A year's schedule as the administrator declared it, beyond (or on top of) the package.

    A MISSING row is the once-per-year warning that deadlines in the year are provisional;
    the unique year makes that warning race-free.
    """

    year = models.PositiveSmallIntegerField("年份", unique=True, validators=[validate_year])
    status = models.CharField("状态", max_length=8, choices=YearStatus.choices)
    source = models.CharField("来源", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        ordering = ["year"]

    def __str__(self):
        return f"{self.year}年 {self.get_status_display()}"
