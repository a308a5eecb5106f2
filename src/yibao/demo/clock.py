"""The demo's clock: the system's today set back to a past day, so that cases made through the
real actions get their dates (submission, acceptance, computed deadlines, 办结) from that day,
exactly as if staff had acted then. Nothing is typed: a deadline is what the engine computes.

Patches django.utils.timezone.now/localdate (what every action reads) and the model fields
whose default is timezone.now (a default keeps the function it was given at import)."""
import contextlib
import datetime

from django.apps import apps
from django.utils import timezone
from django.utils.timezone import localtime as _localtime

_REAL_NOW = timezone.now
_REAL_LOCALDATE = timezone.localdate


def _defaulted_fields():
    return [f for model in apps.get_models() for f in model._meta.concrete_fields if f.default is _REAL_NOW]


@contextlib.contextmanager
def on(day, hour=10):
    """Within the block the system's today is `day` (from `hour`:00 local time on; the clock
    runs on from there, so steps taken in the block keep their order)."""
    start = _REAL_NOW()
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))

    def now():
        return moment + (_REAL_NOW() - start)

    def localdate(value=None, timezone=None):
        return _localtime(value or now(), timezone).date()

    fields = _defaulted_fields()
    timezone.now, timezone.localdate = now, localdate
    for f in fields:
        f.default = now
        f.__dict__.pop("_get_default", None)
    try:
        yield day
    finally:
        timezone.now, timezone.localdate = _REAL_NOW, _REAL_LOCALDATE
        for f in fields:
            f.default = _REAL_NOW
            f.__dict__.pop("_get_default", None)
