"""The API's call log (ApiCall), written in batches for reads.

Every authenticated call is recorded. A call that may change something (any method but GET and
HEAD) is written by the end of its request at the latest, together with whatever reads are
pending; an action that opens its own transaction may write it there (`flush()` inside it: a
submission's call is committed with the case, one write transaction instead of two). A read is
kept in this process's buffer and written with the next write, or when the request finishes and
the buffer holds YIBAO_API_LOG_BATCH calls or its oldest call is YIBAO_API_LOG_SECONDS old, and
at process exit: one INSERT of many rows instead of one per read. What a killed process (not
one that exits) loses is its unwritten reads, at most a batch or those seconds' worth, and the
call being served (whose change, if it committed, has its audit entry).
"""
import threading
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.utils import timezone

from yibao.api.models import ApiCall, ApiClient
from yibao.core.batched import write_in_batches

READS = frozenset({"GET", "HEAD"})

_lock = threading.Lock()
_pending = []  # calls not yet written: tuples of _COLUMNS' values
_oldest = 0.0  # time.monotonic() of the first pending row
_changes = 0  # pending calls that may change something: written when their request finishes


def record(request, *, client, user, via, read=None):
    """Log one call. read: the call changes nothing (default: by its method)."""
    global _oldest, _changes
    # A row's values, not an ApiCall instance: most are written in a batch a moment later.
    call = (timezone.now(), getattr(client, "pk", None), getattr(user, "pk", None), via, request.method[:8],
            request.path[:300])
    if read is None:
        read = request.method in READS
    with _lock:
        if not _pending:
            _oldest = time.monotonic()
        _pending.append(call)
        _changes += not read


def due():
    return bool(_pending) and (_changes > 0 or len(_pending) >= settings.YIBAO_API_LOG_BATCH
                               or time.monotonic() - _oldest >= settings.YIBAO_API_LOG_SECONDS)


def flush(known_users=frozenset(), known_clients=frozenset()):
    """Write every pending call (one INSERT; in the caller's transaction if one is open); returns
    how many. known_*: ids known to exist (read with this request's token a moment ago)."""
    global _changes
    with _lock:
        calls = _pending[:]
        del _pending[:]
        _changes = 0
    if not calls:
        return 0
    # A client or account deleted since the call: keep the call, without the link (one query
    # per batch; the foreign keys are only checked at commit, too late to mend one row).
    users = {c[_USER] for c in calls if c[_USER] is not None}
    clients = {c[_CLIENT] for c in calls if c[_CLIENT] is not None}
    unsure = users - set(known_users)
    if unsure:
        users -= unsure - set(get_user_model().objects.filter(pk__in=unsure).values_list("pk", flat=True))
    unsure = clients - set(known_clients)
    if unsure:
        clients -= unsure - set(ApiClient.objects.filter(pk__in=unsure).values_list("pk", flat=True))
    for i, (at, client_id, user_id, *rest) in enumerate(calls):
        if (user_id is not None and user_id not in users) or (client_id is not None and client_id not in clients):
            calls[i] = (at, client_id if client_id in clients else None, user_id if user_id in users else None, *rest)
    _insert(calls)
    return len(calls)


_COLUMNS = ("at", "client_id", "user_id", "via", "method", "path")  # a pending call's values, in this order
_CLIENT, _USER = 1, 2


def _insert(calls):
    """One executemany of the rows (the ORM's bulk_create would compile the same INSERT anew
    every time: most of a one-row write's cost). Its own transaction, as bulk_create's was."""
    db = connections[ApiCall.objects.db]
    table = db.ops.quote_name(ApiCall._meta.db_table)
    at = ApiCall._meta.get_field("at")
    rows = [(at.get_db_prep_save(c[0], db), *c[1:]) for c in calls]
    with transaction.atomic(using=db.alias, savepoint=False), db.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({', '.join(_COLUMNS)}) VALUES ({', '.join(['%s'] * len(_COLUMNS))})",
                           rows)


def discard():
    """Forget the pending calls (tests: the rows they name were rolled back)."""
    global _changes
    with _lock:
        del _pending[:]
        _changes = 0


write_in_batches(due=due, flush=flush, what="接口调用记录")
