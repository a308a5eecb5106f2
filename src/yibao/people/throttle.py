"""Login throttling: after YIBAO_LOGIN_MAX_FAILURES failures for one identifier (or
YIBAO_LOGIN_IP_MAX_FAILURES, much looser, from one IP: a busy window's hall shares one address)
within YIBAO_LOGIN_LOCK_MINUTES, further attempts are refused for YIBAO_LOGIN_LOCK_MINUTES after
the last of them. Registrations are limited per IP too. Read from LoginAttempt rows, so every
process sees the same lock; rows older than YIBAO_LOGIN_ATTEMPT_DAYS are pruned."""
from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from yibao.people.models import LoginAttempt, LoginOutcome


def identifier_key(identifier):
    """Attempts on 'abc', ' ABC ' and 'Abc' count together."""
    return (identifier or "").strip().upper()[:150]


def client_ip(request):
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client says unless a trusted proxy sets it.
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def _lock_end(failure_times, now, limit):
    """When the lock set off by these failure times (ascending) ends, or None if not locked."""
    window = timedelta(minutes=settings.YIBAO_LOGIN_LOCK_MINUTES)
    end = None
    for i in range(limit - 1, len(failure_times)):
        if failure_times[i] - failure_times[i - limit + 1] <= window and failure_times[i] + window > now:
            end = failure_times[i] + window
    return end


def locked_until(identifier, ip, now=None):
    """The end of the lock on this identifier or IP, or None if neither is locked."""
    now = now or timezone.now()
    # Failures older than two windows can no longer hold a lock.
    since = now - 2 * timedelta(minutes=settings.YIBAO_LOGIN_LOCK_MINUTES)
    recent = LoginAttempt.objects.filter(at__gt=since, at__lte=now)
    ends = []

    key = identifier_key(identifier)
    if key:
        # A successful login clears the identifier's earlier failures (not the IP's: one good
        # account must not reset a guesser's count).
        last_success = recent.filter(identifier=key, outcome=LoginOutcome.SUCCESS).aggregate(at=Max("at"))["at"]
        failures = recent.filter(identifier=key, outcome=LoginOutcome.FAILURE)
        if last_success:
            failures = failures.filter(at__gt=last_success)
        ends.append(_lock_end(list(failures.order_by("at").values_list("at", flat=True)), now,
                              settings.YIBAO_LOGIN_MAX_FAILURES))
    if ip:
        failures = recent.filter(ip=ip, outcome=LoginOutcome.FAILURE)
        ends.append(_lock_end(list(failures.order_by("at").values_list("at", flat=True)), now,
                              settings.YIBAO_LOGIN_IP_MAX_FAILURES))
    ends = [e for e in ends if e]
    return max(ends) if ends else None


def registrations_exhausted(ip, now=None):
    """True when this IP has tried YIBAO_REGISTER_LIMIT registrations within the window."""
    if not ip:
        return False
    now = now or timezone.now()
    since = now - timedelta(minutes=settings.YIBAO_REGISTER_MINUTES)
    tried = LoginAttempt.objects.filter(ip=ip, outcome=LoginOutcome.REGISTER, at__gt=since, at__lte=now).count()
    return tried >= settings.YIBAO_REGISTER_LIMIT


def prune(now=None):
    """Delete attempts older than YIBAO_LOGIN_ATTEMPT_DAYS (never fewer than two lock windows)."""
    now = now or timezone.now()
    keep = max(timedelta(days=settings.YIBAO_LOGIN_ATTEMPT_DAYS),
               2 * timedelta(minutes=max(settings.YIBAO_LOGIN_LOCK_MINUTES, settings.YIBAO_REGISTER_MINUTES)))
    return LoginAttempt.objects.filter(at__lt=now - keep).delete()[0]
