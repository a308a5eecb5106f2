"""Rate limits shared by every server process, without a database write per request.

Each process counts requests in memory per (scope, key, fixed window): `known`, the window's total
in the database (RateCounter: every process's counts) when this process last wrote its own, and
`pending`, what it has counted since. A request is refused when known + pending, this request
included, is over the limit; refused requests count too. Within one process the count is exact.

The pending counts are added to the RateCounter rows in one upsert, which gives back the rows'
totals: before counting a request when the process has counted YIBAO_RATE_FLUSH_REQUESTS since it
last wrote (that request is decided on the fresh totals), when a request finishes and the oldest
pending count is YIBAO_RATE_FLUSH_SECONDS old, and at process exit (core.batched, as the call log).

What the processes together let through: a process does not see what the others counted since
they last wrote, and each of them admits at most min(limit, YIBAO_RATE_FLUSH_REQUESTS) requests of
one key unseen. So P processes let at most limit + (P − 1) × min(limit, batch) requests of one key
through in one window (a simultaneous burst: with 2 processes and the progress query's limit of
10, 20 in a minute); a burst longer than YIBAO_RATE_FLUSH_SECONDS is seen by every process busy
enough to finish requests meanwhile. A killed process (not one that exits) loses its unwritten counts.

Windows older than a day are pruned (by the indexed window column, in batches) once per window
per process, when the process writes: never a scan or a delete per request.
"""
import hashlib
import threading
import time
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import connections, router, transaction

from yibao.api.errors import Throttled
from yibao.api.models import RateCounter
from yibao.core.batched import write_in_batches


PRUNE_BATCH, PRUNE_BATCHES = 1000, 50
ROWS_PER_STATEMENT = 200  # well under either database's limit of parameters in one statement


class _Counter:
    """One (scope, key, window) as this process knows it."""

    __slots__ = ("known", "pending", "writing", "end")

    def __init__(self, end):
        self.known = 0  # the database's total when this process last wrote (or 0: not written yet)
        self.pending = 0  # counted here since, not yet written
        self.writing = 0  # taken by the write running now (in another thread)
        self.end = end

    @property
    def total(self):
        return self.known + self.writing + self.pending


_lock = threading.Lock()  # the counts
_writing = threading.Lock()  # one write at a time
_counters = {}  # (scope, key hash, window start) -> _Counter
_dirty = {}  # those of them with pending counts
_swept = None  # the minute ended windows were last forgotten
_requests = 0  # requests counted since the last write
_oldest = 0.0  # time.monotonic() of the first of them
_pruned_window = None


def count_request(scope, key, *, limit, seconds=60):
    """Count one request of `scope` for `key` in the current fixed window of `seconds`; Throttled
    once the window holds more than `limit`. The key is kept only as a hash."""
    return count_requests([(scope, key)], limit=limit, seconds=seconds)


def count_requests(keys, *, limit, seconds=60):
    """count_request for several (scope, key) pairs at once. Throttled when any of them is over
    `limit`; returns the highest count."""
    global _requests, _oldest
    if _requests >= int(settings.YIBAO_RATE_FLUSH_REQUESTS):
        flush()  # a batch is pending: this request is decided on the totals the write gives back
    now = time.time()
    start = now // seconds * seconds
    names = [(scope, hashlib.sha256(f"{scope}:{key}".encode()).hexdigest(), start) for scope, key in keys]
    with _lock:  # counted and read together: within the process each count is given once
        if not _requests:
            _oldest = time.monotonic()
        _requests += 1
        count = 0
        for name in names:
            counter = _counters.get(name)
            if counter is None:
                counter = _counters[name] = _Counter(start + seconds)
            counter.pending += 1
            _dirty[name] = counter
            count = max(count, counter.total)
    if count > limit:
        retry_after = max(1, int(start + seconds - now))
        raise Throttled(f"查询过于频繁，请{retry_after}秒后再试", retry_after=retry_after)
    return count


def flush():
    """Write every pending count (one upsert per window, taking the totals back); returns how
    many counters were written. One write at a time per process, so that each total it reads back
    is this process's counts so far plus the others'."""
    global _requests, _swept
    with _writing:
        with _lock:
            now = time.time()
            if now // 60 != _swept:  # once a minute, not over every key at every write
                _swept = now // 60
                for name in [name for name, c in _counters.items() if c.end <= now and not c.pending]:
                    del _counters[name]  # a window gone by: nothing left to decide on it
            taken = [(name, counter, counter.pending) for name, counter in _dirty.items()]
            _dirty.clear()
            for _name, counter, n in taken:
                counter.pending -= n
                counter.writing += n
            _requests = 0
        if not taken:
            return 0
        try:
            totals = _upsert([(name, n) for name, _counter, n in taken])
        except BaseException:
            with _lock:  # counted again with the next write
                for name, counter, n in taken:
                    counter.writing -= n
                    counter.pending += n
                    _dirty[name] = counter
            raise
        with _lock:
            for name, counter, n in taken:
                counter.writing -= n
                counter.known = totals[name]
        _prune(now)
    return len(taken)


def _upsert(rows):
    """Add the counts [((scope, key hash, window start), n)] to their rows; {name: new total}."""
    db = connections[router.db_for_write(RateCounter)]
    table = db.ops.quote_name(RateCounter._meta.db_table)
    totals = {}
    by_window = {}
    for (scope, digest, start), n in rows:
        by_window.setdefault(start, []).append((scope, digest, n))
    with transaction.atomic(using=db.alias, savepoint=False), db.cursor() as cursor:
        for start, counts in by_window.items():
            window = db.ops.adapt_datetimefield_value(datetime.fromtimestamp(start, tz=dt_timezone.utc))
            for first in range(0, len(counts), ROWS_PER_STATEMENT):
                chunk = counts[first:first + ROWS_PER_STATEMENT]
                params = []
                for scope, digest, n in chunk:
                    params += [scope, digest, window, n]
                cursor.execute(
                    f'INSERT INTO {table} ("scope", "key", "window", "count") VALUES '
                    + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                    + f' ON CONFLICT ("scope", "key", "window") DO UPDATE SET "count" = {table}."count" + '
                    + 'EXCLUDED."count" RETURNING "scope", "key", "count"',
                    params,
                )
                for scope, digest, count in cursor.fetchall():
                    totals[(scope, digest, start)] = count
    return totals


def _prune(now):
    """Forget counters older than a day: one batch when this process first writes in a new minute."""
    global _pruned_window
    window = datetime.fromtimestamp(now // 60 * 60, tz=dt_timezone.utc)
    if _pruned_window == window:
        return
    _pruned_window = window
    old = RateCounter.objects.filter(window__lt=window - timedelta(days=1)).order_by("window")
    for _ in range(PRUNE_BATCHES):
        batch = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
        if batch:
            RateCounter.objects.filter(pk__in=batch).delete()
        if len(batch) < PRUNE_BATCH:
            break


def due():
    return bool(_requests) and time.monotonic() - _oldest >= float(settings.YIBAO_RATE_FLUSH_SECONDS)


def discard():
    """Forget every count and total (tests: the rows they stand for were rolled back)."""
    global _requests, _pruned_window
    with _lock:
        _counters.clear()
        _dirty.clear()
        _requests = 0
        _pruned_window = None


write_in_batches(due=due, flush=flush, what="限流计数")
