"""yibao.core.sqlite: write transactions on one SQLite file queue on a lock file, in order, and the
lock goes with the transaction however it ends."""
import sqlite3
import threading
import time

import pytest
from django.db.utils import ConnectionHandler, OperationalError

from yibao.core.sqlite.base import DatabaseWrapper

# Not the test database, but tests/conftest.py's session copy of the seeded rows needs it made.
pytestmark = pytest.mark.django_db


@pytest.fixture
def open_wrapper(tmp_path):
    """A function making a new connection (a DatabaseWrapper of our backend) to one SQLite file."""
    made = []
    settings = ConnectionHandler({"default": {"ENGINE": "yibao.core.sqlite", "NAME": str(tmp_path / "q.sqlite3"),
                                              "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20}}}).settings["default"]

    def make():
        wrapper = DatabaseWrapper(settings, alias="q")
        wrapper.ensure_connection()
        made.append(wrapper)
        return wrapper

    first = make()
    first.cursor().execute("CREATE TABLE t (who TEXT, at REAL)")
    yield make
    for wrapper in made:
        try:
            wrapper.close()
        except Exception:  # noqa: BLE001 - another thread's connection; the test is over
            pass


def _begin(wrapper):
    wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)  # what atomic() does


def _end(wrapper, how):
    getattr(wrapper, how)()
    wrapper.set_autocommit(True)


@pytest.mark.parametrize("how", ["commit", "rollback", "close"])
def test_a_second_writer_waits_for_the_first_and_goes_the_moment_it_ends(open_wrapper, how):
    first = open_wrapper()
    _begin(first)
    first.cursor().execute("INSERT INTO t VALUES ('first', 0)")
    began = []

    def second():
        other = open_wrapper()
        _begin(other)  # waits here, on the lock file, not in SQLite's sleeping retries
        began.append(time.perf_counter())
        other.cursor().execute("INSERT INTO t VALUES ('second', 0)")
        _end(other, "commit")

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.3)
    assert began == []  # still queued behind the first
    ended = time.perf_counter()
    if how == "close":
        first.close()
    else:
        _end(first, how)
    thread.join(10)
    assert began and began[0] - ended < 0.2  # woken by the release, not by a timer
    reader = open_wrapper()
    rows = [r[0] for r in reader.cursor().execute("SELECT who FROM t ORDER BY rowid").fetchall()]
    assert rows == (["first", "second"] if how == "commit" else ["second"])


def test_a_begin_that_fails_leaves_the_queue(open_wrapper, tmp_path):
    """A writer outside the queue (another program) holds SQLite's lock past an impatient
    connection's timeout: its BEGIN fails after it took the lock file, and gives it back."""
    outsider = sqlite3.connect(tmp_path / "q.sqlite3", isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    impatient = open_wrapper()
    impatient.connection.execute("PRAGMA busy_timeout = 100")
    with pytest.raises(OperationalError):
        _begin(impatient)
    outsider.execute("ROLLBACK")
    done = []

    def other():
        wrapper = open_wrapper()
        _begin(wrapper)
        wrapper.cursor().execute("INSERT INTO t VALUES ('other', 0)")
        _end(wrapper, "commit")
        done.append(True)

    thread = threading.Thread(target=other, daemon=True)
    thread.start()
    thread.join(5)
    assert done == [True]
