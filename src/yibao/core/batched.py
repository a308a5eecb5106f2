"""Rows a process keeps in memory and writes in batches (the API's call log, its rate counts): when
a request finishes and they are due, and when the process exits."""
import atexit
import logging

from django.core.signals import request_finished
from django.db import DatabaseError


def write_in_batches(*, due, flush, what):
    """Call `flush()` after every request for which `due()` is true, and at the process's exit. A
    failed write is logged (under the module of `flush`, as "<what>写入失败") and does not fail
    the request; what is left is for `flush` to keep or drop."""
    log = logging.getLogger(flush.__module__)

    def on_request_finished(**kwargs):
        if due():
            try:
                flush()
            except DatabaseError:
                log.exception(f"{what}写入失败")

    def at_exit():
        try:
            flush()
        except Exception:  # noqa: BLE001 - the interpreter is going away; say so and go
            log.exception(f"{what}在进程退出时写入失败")

    request_finished.connect(on_request_finished, weak=False, dispatch_uid=f"{flush.__module__}-flush")
    atexit.register(at_exit)
