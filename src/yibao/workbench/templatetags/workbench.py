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


# The words of the handlers' completion summaries (their `effect` dicts), for the case page.
EFFECT_LABELS = {
    "person": "参保人员", "employer": "参保单位", "sub_type": "办理类型", "status": "登记状态", "category": "人员类别",
    "enrollment": "参保关系", "successors": "新单位", "merged": "并入单位", "employees_moved": "转移职工人数",
    "changed": "已变更", "key": "其中关键信息", "phone": "联系电话", "reason": "原因", "ended": "已终止",
    "death_confirmed_by": "死亡信息来源", "notice": "缴费通知单", "notices": "缴费通知单", "total": "金额（元）",
    "due_on": "缴款期限", "months": "月数", "year": "年度", "persons": "人数", "parameters_label": "政策参数",
    "certificate": "参保凭证编号", "verify_code": "核验码", "credential": "医保电子凭证", "withdrawn": "支取金额（元）",
    "transferred": "划转金额（元）", "balance": "个人账户余额（元）", "order": "支付指令", "direction": "方向",
    "sheet": "信息表编号", "to": "转入地", "from": "转出地", "account_balance": "个人账户转移金额（元）",
    "in_case": "转入地办件", "in_due": "转入地办结期限", "export": "信息表导出命令", "note": "说明",
}
EFFECT_SKIP = {"effect", "summary", "record", "handler"}


@register.filter
def effect_rows(effect):
    """[(label, text)] of a completion effect, leaving out what the page shows elsewhere."""
    rows = []
    for key, value in (effect or {}).items():
        if key in EFFECT_SKIP or value in (None, "", [], {}):
            continue
        if isinstance(value, (list, tuple)):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "；".join(f"{k}：{v}" for k, v in value.items())
        rows.append((EFFECT_LABELS.get(key, key), value))
    return rows


@register.inclusion_tag("core/_demo_mark.html")
def demo_mark():
    """The 演示数据 banner, shown on every page while the demo (yibao demo load) is loaded."""
    from yibao.demo.models import DemoLoad

    return {"demo": DemoLoad.objects.exists()}
