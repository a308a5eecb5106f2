"""Two overlapping filings of one person at the same moment (two windows, or the portal and a
window): the person's row lock lets one through and refuses the other. Real transactions in two
threads, on PostgreSQL."""
import datetime

import pytest
from django.db import connection
from django.utils import timezone

from tests import domain_support as ds
from tests.concurrency import race
from yibao.core.models import Channel
from yibao.remote_care import actions
from yibao.remote_care.exceptions import FilingOverlap
from yibao.remote_care.models import Filing

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL"),
]


@pytest.mark.parametrize("round_no", range(3))
def test_two_overlapping_filings_at_once_one_wins(round_no, shipped_regions):
    actions.ensure_sample_parameters()
    region = shipped_regions["dazhou"]
    _, person = ds.insured(region, name="赵六", since=datetime.date(2015, 1, 1))
    today = timezone.localdate()

    def file(province, city):
        request = actions.Request(kind="resident", province=province, city=city, start_on=today, basis="proof")
        return lambda: actions.file_filing(person, region, request, actor=None, channel=Channel.WINDOW)

    results = race(file("海南省", "三亚市"), file("广东省", "深圳市"))
    filings = [r for r in results if isinstance(r, Filing)]
    refused = [r for r in results if isinstance(r, FilingOverlap)]
    assert len(filings) == 1 and len(refused) == 1, results
    assert Filing.objects.filter(person=person).count() == 1
