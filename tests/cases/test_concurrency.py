"""Two staff acting on one case at once: one succeeds, the other gets a clear conflict.
Real transactions in two threads, on PostgreSQL (SQLite's in-memory test database is not shared
between threads)."""
from datetime import date

import pytest
from django.db import connection

from tests.cases import factories as f
from tests.concurrency import race
from yibao.cases import actions
from yibao.cases.exceptions import ConcurrentUpdate, InvalidTransition
from yibao.cases.models import Case
from yibao.cases.receipts import next_receipt_no
from yibao.core.models import Channel

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def setup_case():
    city = f.region()
    person = f.applicant()
    item = f.item(city, "unit-enrollment")
    case = actions.submit_case(item=item, applicant=person, actor=person.user, channel=Channel.WINDOW,
                               office="市本级", materials=[1])
    return case, f.staff(city, "clerk"), f.staff(city, "clerk")


@pytest.mark.parametrize("round_no", range(3))
def test_concurrent_accepts_one_wins_the_other_conflicts(round_no):
    case, first, second = setup_case()
    results = race(
        lambda: actions.accept_case(case.pk, first, channel=Channel.WINDOW),
        lambda: actions.accept_case(case.pk, second, channel=Channel.WINDOW),
    )
    won = [r for r in results if isinstance(r, Case)]
    lost = [r for r in results if not isinstance(r, Case)]
    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], InvalidTransition) and "已受理" in lost[0].message
    case.refresh_from_db()
    assert case.state == "accepted" and case.version == 2
    assert case.events.filter(action="accept").count() == 1
    assert case.notices.count() == 1


def test_accept_against_refuse_with_versions():
    case, clerk, other = setup_case()
    results = race(
        lambda: actions.accept_case(case.pk, clerk, channel=Channel.WINDOW, expected_version=1),
        lambda: actions.refuse_case(case.pk, other, channel=Channel.WINDOW, reason="重复申请", expected_version=1),
    )
    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, ConcurrentUpdate) for r in results) == 1
    case.refresh_from_db()
    assert case.events.count() == 2 and case.state in ("accepted", "refused")


def test_concurrent_receipt_numbers_are_unique():
    city = f.region()
    day = date(2026, 11, 26)
    results = race(*[(lambda: next_receipt_no(city, day)) for _ in range(6)])
    assert all(isinstance(r, str) for r in results), results
    assert sorted(int(r.split("-")[2]) for r in results) == [1, 2, 3, 4, 5, 6]
