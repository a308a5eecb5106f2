"""Shared setup for the contribution, query and credential tests: the sample parameters on the
shipped guides' regions, and register rows written through the registers' own actions."""
import datetime

import pytest

from tests.enrollment import factories as f
from yibao.core.models import Channel
from yibao.enrollment import actions
from yibao.contributions.actions import SAMPLE_VALUES, load_sample_parameters
from yibao.enrollment.models import Scheme

SYSTEM = Channel.SYSTEM
SINCE = datetime.date(2020, 1, 1)


@pytest.fixture
def sample_parameters(guides):
    return {p.region.code: p for p in load_sample_parameters()}


@pytest.fixture
def today():
    return actions.today()


def flexible_worker(region, account, *, born=datetime.date(1990, 1, 1), since=SINCE, **kw):
    """The person of `account`, enrolled in the employee scheme as a flexible worker."""
    person = f.person(region, id_number=account.id_number, birth_date=born, name=account.name, **kw)
    actions.enrol(person, Scheme.EMPLOYEE, region=region, on=since, actor=None, channel=SYSTEM)
    return person


def employee(region, employer, *, since=SINCE, **kw):
    person = f.person(region, **kw)
    actions.enrol(person, Scheme.EMPLOYEE, employer=employer, region=region, on=since, actor=None, channel=SYSTEM)
    return person


def sample(field):
    return SAMPLE_VALUES[field]
