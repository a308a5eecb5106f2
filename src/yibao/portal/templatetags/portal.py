"""Template helpers of the public site: empty fields, time limits, telephone links, the region chooser."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from yibao.catalog.models import Region
from yibao.portal import display

register = template.Library()


def _unstated():
    return format_html('<span class="unstated">{}</span>', display.UNSTATED)


def _linked(text, area_code=""):
    """Escaped text with every phone number as a tel: link and line breaks kept."""
    html = format_html_join(
        "",
        "{}",
        (
            (format_html('<a class="tel" href="{}">{}</a>', href, part) if href else part,)
            for part, href in display.phone_parts(text, area_code)
        ),
    )
    return mark_safe(html.replace("\n", "<br>"))


@register.simple_tag
def text_or_unstated(value, area_code=""):
    """A published field: its text with phone links, or 本指南未载明 when the guide leaves it empty."""
    value = (value or "").strip()
    return _linked(value, area_code) if value else _unstated()


@register.simple_tag
def phone_list(phones, area_code=""):
    """A list of phone strings (as the guide gives them), each number a tel: link."""
    phones = [p for p in (phones or []) if str(p).strip()]
    if not phones:
        return _unstated()
    return format_html_join("、", "{}", ((_linked(str(p).strip(), area_code),) for p in phones))


@register.filter
def limit_summary(item):
    """The item's 办理时限 in one line: the parsed rules, else the published words."""
    return display.time_limit_summary(item.time_limits.all()) or item.time_limit_text.strip()


@register.filter
def limit_label(working_days):
    return display.limit_label(working_days)


@register.filter
def has_online(item):
    return any(c.online for c in item.channels.all())


@register.simple_tag
def region_options():
    return list(Region.objects.all())


@register.inclusion_tag("core/_demo_mark.html")
def demo_mark():
    """The 演示数据 banner, shown on every page while the demo (yibao demo load) is loaded."""
    from yibao.demo.models import DemoLoad

    return {"demo": DemoLoad.objects.exists()}
