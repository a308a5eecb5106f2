"""A process-local cache of what the database says, kept while a version key stays put.

For data that changes rarely and is read on every request (a guide edition's items, the holiday
calendar): the process keeps what it built and checks the version key (one small query) at most
once every `recheck_seconds` (a setting's name), so a change made by another process is seen
within that interval. A change made in this process (`changed()`, from a post_save/post_delete
receiver) drops everything at once, and until that change's transaction ends every read checks
the key again, so a rolled-back change is never kept (the key moves back, and the check sees it).
"""
import threading
import time

from django.conf import settings
from django.db import transaction


class VersionedCache:
    def __init__(self, version_key, recheck_setting):
        self._version_key = version_key  # () -> a comparable value; one small query
        self._recheck_setting = recheck_setting
        self._lock = threading.Lock()
        self._entries = {}
        self._version = None
        self._valid_until = 0.0  # time.monotonic() until which the entries are trusted unchecked
        self._pending = []  # (connection wrapper, on_commit hook) of this process's open changes

    def get(self, key, build):
        """The cached value of `key`, else `build()` (stored under the version read before it;
        None is not stored, so asking for what does not exist never fills the cache)."""
        self._check()
        try:
            return self._entries[key]
        except KeyError:
            pass
        value = build()
        if value is not None:
            with self._lock:
                self._entries[key] = value
        return value

    def _check(self):
        if self._pending:
            self._settle_pending()
        elif time.monotonic() < self._valid_until:
            return
        version = self._version_key()
        with self._lock:
            if version != self._version:
                self._entries = {}
                self._version = version
            # The setting is read here, not per call: a settings lookup costs as much as a cache hit.
            self._valid_until = time.monotonic() + float(getattr(settings, self._recheck_setting))

    def changed(self, using="default"):
        """This process changed the data: forget everything now, and check the key on every read
        until that transaction commits (then once more) or rolls back."""
        with self._lock:
            self._entries = {}
            self._valid_until = 0.0

        def committed():
            self._valid_until = 0.0

        self._pending.append((transaction.get_connection(using), committed))
        transaction.on_commit(committed, using=using, robust=True)

    def _settle_pending(self):
        """Forget the changes whose transaction ended: hooks run (commit) or dropped (rollback)."""
        self._pending[:] = [(c, hook) for c, hook in self._pending
                            if any(entry[1] is hook for entry in c.run_on_commit)]
        self._valid_until = 0.0

    def forget(self, **kwargs):
        """Tables migrated or flushed (tests, `migrate`): check anew and rebuild."""
        with self._lock:
            self._entries = {}
            self._version = None
            self._valid_until = 0.0
