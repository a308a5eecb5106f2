"""Races for tests on PostgreSQL: calls that start at the same moment in threads, each thread with
its own database connection and so its own real transaction."""
import threading

from django.db import connections


def race(*calls):
    """Run the calls at the same moment in threads; returns what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
