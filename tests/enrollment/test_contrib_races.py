"""Two demands for the same months, or two 趸缴 notices, at the same moment: one is issued, the
other is refused. Real transactions in two threads on PostgreSQL."""
import datetime

import pytest
from django.db import connection

from tests.cases import factories as cf
from tests.concurrency import race
from tests.enrollment import factories as f
from yibao.core.models import Channel
from yibao.enrollment import actions
from yibao.contributions.actions import issue_flexible_notice, load_sample_parameters
from yibao.contributions.exceptions import MonthsAlreadyAssessed
from yibao.contributions.models import Assessment, PaymentNotice
from yibao.enrollment.models import Scheme

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
S = Channel.SYSTEM


@pytest.mark.parametrize("round_no", range(3))
def test_the_same_months_are_demanded_once(round_no):
    region = cf.region()
    load_sample_parameters(regions=[region])
    person = f.person(region)
    actions.enrol(person, Scheme.EMPLOYEE, region=region, on=datetime.date(2020, 1, 1), actor=None, channel=S)
    today = actions.today()

    def demand(first, last):
        return lambda: issue_flexible_notice(person, region=region, first=datetime.date(today.year, first, 1),
                                             last=datetime.date(today.year, last, 1), today=today, actor=None,
                                             channel=S)

    results = race(demand(1, 3), demand(3, 4))
    issued = [r for r in results if isinstance(r, PaymentNotice)]
    refused = [r for r in results if isinstance(r, MonthsAlreadyAssessed)]
    assert (len(issued), len(refused)) == (1, 1), results
    assert Assessment.objects.filter(person=person).count() == len(issued[0].items)
