"""How catalogue facts read on the public site: time limits and telephone numbers.

Pure functions over model rows and strings; no queries, no HTML.
"""
import re

INSTANT = "即时办结"
UNSTATED = "本指南未载明"

# The importer's keys for the fields a guide leaves empty (ServiceItem.missing_fields).
FIELD_LABELS = {
    "name": "事项名称",
    "service_objects": "服务对象",
    "acceptance_unit": "受理单位",
    "channels": "办理渠道",
    "materials": "申请材料",
    "time_limits": "办理时限",
    "stages": "办理流程",
    "query": "办理进度查询",
    "evaluation": "服务评价渠道",
    "supervision": "监督电话",
    "notes": "备注",
}


def field_label(key):
    return FIELD_LABELS.get(key, key)


def limit_label(working_days):
    """0 working days is how the catalogue stores 即时办结."""
    return INSTANT if working_days == 0 else f"{working_days}个工作日"


def time_limit_summary(limits):
    """One line for an item's TimeLimit rows, e.g. 即时办结, 20个工作日,
    在职职工3个工作日、灵活就业人员即时办结. Empty when the guide gives no rule."""
    parts = []
    for limit in limits:
        label = limit_label(limit.working_days)
        parts.append(f"{limit.when}{label}" if limit.when else label)
    return "、".join(dict.fromkeys(parts))  # a rule repeated in the text is shown once


# A landline with its area code (0818-2380236), a mobile, or a 123xx government hotline.
_PHONE = re.compile(r"(?<![\d-])(0\d{2,3}\s?[-－—]\s?(?:\d{7,8}|123\d{2})|1[3-9]\d{9}|123\d{2})(?!\d)")
# Inside a phone field a bare local number (5336529) may follow one that has the area code.
_LOCAL = re.compile(r"(?<![\d-])(\d{7,8})(?!\d)")


def _dial(number, area_code=""):
    digits = re.sub(r"\D", "", number)
    if len(digits) in (7, 8) and area_code:
        digits = re.sub(r"\D", "", area_code) + digits
    return "tel:" + digits


def phone_parts(text, area_code=""):
    """Split free text into [(text, tel_href_or_None)] so a template can link every phone number.
    `area_code` given means the text is a phone field: bare local numbers get it (the last area
    code seen in the text wins, then the region's)."""
    if not text:
        return []
    pattern = re.compile(f"{_PHONE.pattern}|{_LOCAL.pattern}") if area_code else _PHONE
    parts, pos, current_area = [], 0, area_code
    for match in pattern.finditer(text):
        number = match.group(0)
        if match.start() > pos:
            parts.append((text[pos : match.start()], None))
        if number.startswith("0"):
            current_area = re.split(r"\s?[-－—]", number)[0]
        parts.append((number, _dial(number, current_area)))
        pos = match.end()
    if pos < len(text):
        parts.append((text[pos:], None))
    return parts
