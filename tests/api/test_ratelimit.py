"""api.ratelimit: rate limits counted in memory, written in batches, shared by every process
through the RateCounter rows. Exact within one process; across processes within the bound its
docstring states."""
import hashlib
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.concurrency import race
from yibao.api import ratelimit
from yibao.api.errors import Throttled
from yibao.api.models import RateCounter

ROOT = Path(__file__).resolve().parents[2]


def _hash(scope, key):
    return hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()


def _admitted(calls, scope="track-ip", key="1.2.3.4", limit=5):
    out = []
    for _ in range(calls):
        try:
            out.append(ratelimit.count_request(scope, key, limit=limit))
        except Throttled as exc:
            out.append(("429", exc.retry_after))
    return out


@pytest.mark.django_db
def test_counted_in_memory_exactly_and_written_once_a_batch(settings):
    settings.YIBAO_RATE_FLUSH_REQUESTS, settings.YIBAO_RATE_FLUSH_SECONDS = 4, 3600
    with CaptureQueriesContext(connection) as captured:
        counts = _admitted(4)
    assert counts == [1, 2, 3, 4] and len(captured) == 0  # no database work per request
    with CaptureQueriesContext(connection) as captured:
        assert _admitted(1) == [5]  # a batch pending: written (old windows pruned) before this one counts
    assert sum(q["sql"].startswith("INSERT") and "api_ratecounter" in q["sql"] for q in captured.captured_queries) == 1
    assert list(RateCounter.objects.values_list("scope", "key", "count")) == [("track-ip", _hash("track-ip", "1.2.3.4"), 4)]
    over = _admitted(2)
    assert [o[0] for o in over] == ["429", "429"] and all(1 <= o[1] <= 60 for o in over)  # refused ones count too
    assert ratelimit.flush() == 1 and RateCounter.objects.get().count == 7
    assert ratelimit.flush() == 0  # nothing pending: no statement


@pytest.mark.django_db
def test_several_keys_are_one_request_and_any_over_its_limit_refuses(settings):
    settings.YIBAO_RATE_FLUSH_REQUESTS = 1000
    keys = [("track-ip", "1.2.3.4"), ("track-receipt", "R-1")]
    assert [ratelimit.count_requests(keys, limit=3) for _ in range(2)] == [1, 2]
    assert ratelimit.count_requests([("track-ip", "5.6.7.8"), ("track-receipt", "R-1")], limit=3) == 3
    with pytest.raises(Throttled):  # the receipt number's fourth, though this address's second
        ratelimit.count_requests([("track-ip", "5.6.7.8"), ("track-receipt", "R-1")], limit=3)
    ratelimit.flush()
    rows = dict(RateCounter.objects.values_list("key", "count"))
    assert rows == {_hash("track-ip", "1.2.3.4"): 2, _hash("track-ip", "5.6.7.8"): 2, _hash("track-receipt", "R-1"): 4}


@pytest.mark.django_db
def test_what_other_processes_wrote_counts_from_the_next_write_on(settings):
    """Another process's counts are rows in the table: this process sees them when it writes its own."""
    settings.YIBAO_RATE_FLUSH_REQUESTS, settings.YIBAO_RATE_FLUSH_SECONDS = 3, 3600
    window = timezone.now().replace(second=0, microsecond=0)
    RateCounter.objects.create(scope="track-ip", key=_hash("track-ip", "1.2.3.4"), window=window, count=4)
    counts = _admitted(4, limit=5)
    # not yet seen: 1, 2, 3; the fourth finds a batch pending, writes it and is decided on 4 + 3 + 1
    assert counts[:3] == [1, 2, 3] and counts[3][0] == "429"
    ratelimit.flush()
    assert RateCounter.objects.get().count == 8


@pytest.mark.django_db
def test_a_request_finishing_writes_counts_older_than_the_seconds(settings, client):
    settings.YIBAO_RATE_FLUSH_REQUESTS, settings.YIBAO_RATE_FLUSH_SECONDS = 1000, 3600
    _admitted(2)
    client.get("/api/health")
    assert not RateCounter.objects.exists()  # younger than the seconds: still pending
    settings.YIBAO_RATE_FLUSH_SECONDS = 0
    client.get("/api/health")
    assert RateCounter.objects.get().count == 2


@pytest.mark.django_db
def test_old_windows_are_pruned_in_batches_when_the_process_writes(settings, monkeypatch):
    settings.YIBAO_RATE_FLUSH_REQUESTS = 1000
    now = timezone.now()
    RateCounter.objects.bulk_create(
        RateCounter(scope="track-ip", key=f"{n:064d}", window=now - timedelta(days=2, minutes=n)) for n in range(25))
    kept = RateCounter.objects.create(scope="track-ip", key="k" * 64, window=now - timedelta(hours=1))
    monkeypatch.setattr(ratelimit, "PRUNE_BATCH", 10)
    assert _admitted(1) == [1]
    assert RateCounter.objects.count() == 26  # nothing per request
    ratelimit.flush()
    assert list(RateCounter.objects.filter(window__lt=now - timedelta(days=1))) == []
    assert RateCounter.objects.filter(pk=kept.pk).exists()
    _admitted(1)
    with CaptureQueriesContext(connection) as captured:  # the same minute again: the upsert, no prune
        ratelimit.flush()
    assert len(captured) == 1


@pytest.mark.django_db
def test_a_failed_write_keeps_the_counts_for_the_next(settings):
    settings.YIBAO_RATE_FLUSH_REQUESTS = 1000
    _admitted(2)
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:  # the table away for a moment (inside the test's transaction)
        cursor.execute(f"ALTER TABLE {table} RENAME TO ratecounter_away")
    with pytest.raises(DatabaseError), transaction.atomic():  # the error rolled back to a savepoint
        ratelimit.flush()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE ratecounter_away RENAME TO {table}")
    assert _admitted(1) == [3]  # still counted
    ratelimit.flush()
    assert RateCounter.objects.get().count == 3


# ---------------------------------------------------------------- PostgreSQL: threads and processes

ON_POSTGRES = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True),
               pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")]


def _on_postgres(test):
    for mark in ON_POSTGRES:
        test = mark(test)
    return test


@_on_postgres
@pytest.mark.parametrize("round_no", range(2))
def test_threads_of_one_process_hold_the_limit_exactly_and_lose_no_count(round_no, settings):
    settings.YIBAO_RATE_FLUSH_REQUESTS = 7  # every thread writes now and then, racing the others

    def calls():
        return _admitted(25, limit=100)

    results = race(*[calls] * 8)
    assert not [r for r in results if isinstance(r, Exception)], results
    admitted = [c for r in results for c in r if not isinstance(c, tuple)]
    assert sorted(admitted) == list(range(1, 101))  # each count given once, exactly the limit let through
    ratelimit.flush()
    assert RateCounter.objects.get().count == 200


def _process(url, calls, limit, batch):
    """Another server process: a Python of its own counting `calls` requests of one key."""
    script = ("import django\ndjango.setup()\n"
              "from yibao.api import ratelimit\nfrom yibao.api.errors import Throttled\n"
              "admitted = 0\n"
              f"for _ in range({calls}):\n"
              "    try:\n"
              f"        ratelimit.count_request('track-receipt', 'R-1', limit={limit})\n"
              "        admitted += 1\n"
              "    except Throttled:\n"
              "        pass\n"
              "print(admitted)\n")  # what is still pending is written at exit
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yibao.settings", "DATABASE_URL": url,
           "YIBAO_RATE_FLUSH_REQUESTS": str(batch), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)


@_on_postgres
def test_server_processes_share_the_limit_within_the_stated_bound():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    limit, batch, calls, processes = 20, 5, 40, 3
    running = [_process(url, calls, limit, batch) for _ in range(processes)]
    admitted = [int(p.communicate(timeout=120)[0].strip()) for p in running]
    assert all(p.returncode == 0 for p in running)
    # limit + (P − 1) × min(limit, batch): what the others counted unseen since they last wrote
    assert limit <= sum(admitted) <= limit + (processes - 1) * min(limit, batch), admitted
    assert RateCounter.objects.get().count == processes * calls  # every count written, the last at exit
