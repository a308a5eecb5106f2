"""Fixtures for the account items on the shipped guides: staff of each region (a clerk, a
reviewer and three payers: maker, checker, cashier), insured persons with an account, and
helpers that take a case through the engine's actions."""
import datetime
from types import SimpleNamespace

import pytest

from tests.cases import factories as cf
from tests.enrollment import factories as ef
from yibao.accounts import actions as accounts
from yibao.cases import actions
from yibao.cases.checklist import Conditions, applies
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Scheme
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case
from yibao.people.models import Applicant, ApplicantKind, IdType

W = Channel.WINDOW
CARD = "6222021234567890128"  # passes the Luhn check
SSC_CARD = "6217996500001234565"


@pytest.fixture
def regions(seeded_catalog):
    return {r.code: r for r in Region.objects.filter(is_template=False)}


@pytest.fixture
def dazhou(regions):
    return regions["dazhou"]


@pytest.fixture
def panzhihua(regions):
    return regions["panzhihua"]


@pytest.fixture
def staff(regions):
    def team(region):
        return SimpleNamespace(clerk=cf.staff(region, "clerk"), reviewer=cf.staff(region, "reviewer"),
                               maker=cf.staff(region, "payer"), checker=cf.staff(region, "payer"),
                               cashier=cf.staff(region, "payer"))

    return {code: team(r) for code, r in regions.items()}


def applicant_for(person):
    return Applicant.objects.create(user=cf.user(), kind=ApplicantKind.PERSON, id_type=IdType.RESIDENT_ID,
                                    id_number=person.id_number, name=person.name, phone="13800000000")


@pytest.fixture
def insured():
    """insured(region, balance=...): a person enrolled in the employee scheme of `region` (as a
    flexible worker), with a public account and `balance` on their personal account."""

    def _insured(region, *, balance="3456.78", name="张三", scheme=Scheme.EMPLOYEE):
        person = ef.person(region, name=name)
        registers.enrol(person, scheme, region=region, on=datetime.date(2015, 3, 1), actor=None,
                        channel=Channel.SYSTEM)
        if balance:
            accounts.credit(person, region, balance, on=datetime.date(2025, 12, 31), reference="历史余额",
                            actor=None, channel=Channel.SYSTEM)
        return SimpleNamespace(person=person, applicant=applicant_for(person))

    return _insured


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, ..., extra=[keys]): filed at the window by the region's
    clerk with every material the catalogue lists for the conditions, plus `extra`."""

    def _submit(region, code, applicant, *, materials=None, extra=(), **kw):
        item = item_in_force(region, code)
        if materials is None:
            conditions = Conditions.parse(kw.get("conditions"))
            materials = {str(m.ordinal): "document" for m in item.materials.all() if applies(m.when, conditions)}
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
