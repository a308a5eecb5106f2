"""Template helpers of the workbench: masking, due dates, the unread count."""
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from yibao.cases.models import Notification
from yibao.core.masking import mask_id_number, mask_name, mask_phone

register = template.Library()


@register.filter
def masked_name(value):
    return mask_name(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def local_time(iso_text):
    """An ISO datetime stored in JSON (a snapshot's frozen_at), as local time to the minute."""
    try:
        value = datetime.fromisoformat(iso_text)
    except (TypeError, ValueError):
        return iso_text or "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else iso_text


@register.filter
def percent(value):
    return "—" if value is None else f"{value:.0%}"


@register.simple_tag
def due_date(day, provisional):
    """A due date, marked 暂定 when the calendar of its year is not published yet."""
    if day is None:
        return "—"
    if provisional:
        return format_html('{} <span class="badge badge-note" title="{}">暂定</span>', day.isoformat(),
                           "该年度法定节假日安排尚未发布，期限按双休日暂算，发布后自动重算")
    return day.isoformat()


@register.filter
def days_left(value):
    if value is None:
        return "—"
    if value < 0:
        return f"逾期{-value}个工作日"
    return "今日到期" if value == 0 else f"剩{value}个工作日"


@register.simple_tag
def unread_count(user):
    return Notification.objects.filter(recipient=user, read_at=None).count()
