"""Django's SQLite backend, with write transactions queued by the operating system.

Several server processes share one SQLite file, and one of them writes at a time. SQLite makes a
writer that finds the file locked sleep and retry (1, 2, 5, 10 … ms) however soon the lock is
freed: with two processes submitting cases, each spent longer asleep at BEGIN than its whole
transaction took, and two processes served fewer submissions than one. Here a write transaction
(BEGIN IMMEDIATE: every atomic block) first takes an exclusive flock on a file beside the
database, and the kernel wakes the next writer the moment the last one commits or rolls back.
SQLite's own locking still decides what is safe (a write outside an atomic block, another
program); the flock only orders the writers that queue on it. A process that dies releases it.

Its cursor also keeps each statement's conversion to sqlite3's placeholders (CursorWrapper).
"""
import fcntl
import os

from django.db.backends.sqlite3 import base

_QMARK = {}  # SQL in Django's "format" style → the same in sqlite3's "qmark" style
_QMARK_MAX = 4096  # statements kept; past it the cache starts again (IN lists of many lengths)


class CursorWrapper(base.SQLiteCursorWrapper):
    """Django's cursor, with each statement's conversion to "?" placeholders (a regular-expression
    pass over the whole SQL, ~10 µs) done once per statement instead of on every execution."""

    def convert_query(self, query, *, param_names=None):
        if param_names is not None:
            return super().convert_query(query, param_names=param_names)
        try:
            return _QMARK[query]
        except KeyError:
            if len(_QMARK) >= _QMARK_MAX:
                _QMARK.clear()
            converted = _QMARK[query] = super().convert_query(query)
            return converted


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd = None
    _queued = False

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=CursorWrapper)

    def _start_transaction_under_autocommit(self):
        if self.transaction_mode == "IMMEDIATE" and not self.is_in_memory_db():
            self._join_queue()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()
            if self._queue_fd is not None:
                os.close(self._queue_fd)
                self._queue_fd = None

    def _join_queue(self):
        if self._queue_fd is None:
            self._queue_fd = os.open(f"{self.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._queue_fd, fcntl.LOCK_EX)
        self._queued = True

    def _leave_queue(self):
        if self._queued:
            self._queued = False
            fcntl.flock(self._queue_fd, fcntl.LOCK_UN)
