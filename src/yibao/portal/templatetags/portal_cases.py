"""Template helpers of the public case pages."""
from datetime import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def local_time(value):
    """An ISO timestamp (as the progress query gives them) in local time, to the minute."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")
