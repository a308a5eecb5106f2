"""Login throttling: after YIBAO_LOGIN_MAX_FAILURES failures for one identifier (or from one IP)
within YIBAO_LOGIN_LOCK_MINUTES, further attempts are refused for YIBAO_LOGIN_LOCK_MINUTES after
the last of them. Read from LoginAttempt rows, so every process sees the same lock."""
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


def _lock_end(failure_times, now):
    """When the lock set off by these failure times (ascending) ends, or None if not locked."""
    limit = settings.YIBAO_LOGIN_MAX_FAILURES
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
        ends.append(_lock_end(list(failures.order_by("at").values_list("at", flat=True)), now))
    if ip:
        failures = recent.filter(ip=ip, outcome=LoginOutcome.FAILURE)
        ends.append(_lock_end(list(failures.order_by("at").values_list("at", flat=True)), now))
    ends = [e for e in ends if e]
    return max(ends) if ends else None
