"""Fixtures for the account items on the shipped guides (built on tests/domain_support.py): staff of
each region (a clerk, a reviewer and three payers: maker, checker, cashier), insured persons with
an account, and helpers that take a case through the engine's actions."""
import datetime
from types import SimpleNamespace

import pytest

from tests import domain_support as ds
from tests.domain_support import CARD, SSC_CARD, dazhou, panzhihua, shipped_regions  # noqa: F401 (fixtures)
from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.core.models import Channel
from yibao.enrollment.models import Scheme
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.models import ApplicantKind

W = Channel.WINDOW


@pytest.fixture
def regions(shipped_regions):
    # The account items need no policy parameters: the shipped regions as they are.
    return shipped_regions


@pytest.fixture
def staff(regions):
    return {code: ds.team(r) for code, r in regions.items()}


def applicant_for(person):
    return ds.account(ApplicantKind.PERSON, person.id_number, person.name)


@pytest.fixture
def insured():
    """insured(region, balance=...): a person enrolled in the employee scheme of `region` (as a
    flexible worker), with a public account and `balance` on their personal account."""

    def _insured(region, *, balance="3456.78", name="张三", scheme=Scheme.EMPLOYEE):
        applicant, person = ds.insured(region, name=name, balance=balance, scheme=scheme,
                                       since=datetime.date(2015, 3, 1))
        return SimpleNamespace(person=person, applicant=applicant)

    return _insured


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, ..., extra=[keys]): filed at the window by the region's
    clerk with every material the catalogue lists for the conditions, plus `extra`."""

    def _submit(region, code, applicant, *, materials=None, extra=(), **kw):
        item = item_in_force(region, code)
        if materials is None:
            materials = ds.catalogue_materials(item, kw.get("conditions"))
        materials = {**({k: "document" for k in materials} if isinstance(materials, list) else materials),
                     **{k: "document" for k in extra}}
        return actions.submit_case(item=item, applicant=applicant, actor=staff[region.code].clerk, channel=W,
                                   materials=materials, **kw)

    return _submit


@pytest.fixture
def approve(staff):
    def _approve(case):
        team = staff[case.region.code]
        actions.accept_case(case, team.clerk, channel=W)
        actions.start_review(case, team.reviewer, channel=W)
        return actions.approve_case(case, team.reviewer, channel=W)

    return _approve


@pytest.fixture
def pay(staff):
    """拨付 by the maker (the order is generated), checked and confirmed paid by two others."""

    def _pay(case):
        team = staff[case.region.code]
        case = actions.pay_case(case, team.maker, channel=W)
        order = payments.approve_order(order_for_case(case), team.checker, channel=W)
        payments.mark_paid(order, team.cashier, channel=W, bank_reference=f"BANK-{case.pk}")
        return case

    return _pay


@pytest.fixture
def complete(staff):
    def _complete(case):
        case = actions.complete_case(case, staff[case.region.code].clerk, channel=W)
        return case, case.events.last().payload["effect"]

    return _complete
