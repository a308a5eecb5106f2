"""Fixtures for the reimbursement items on the shipped guides (built on tests/domain_support.py):
each region's team with a second reviewer (初审 and 复核 are different people), insured persons,
claim data with invoices and lines, and helpers that take a claim through 初审, 复核, 财务复核, 拨付."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.domain_support import CARD, dazhou, panzhihua, shipped_regions  # noqa: F401 (fixtures)
from yibao.cases import actions
from yibao.cases.snapshot import item_in_force
from yibao.claims import actions as claims
from yibao.core.models import Channel
from yibao.enrollment.models import Scheme
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case

W = Channel.WINDOW
OUT, IN = "outpatient-reimbursement", "inpatient-reimbursement"


def sample_data():
    """The sample parameters and disease list the migrations ship (again: a transactional test's
    flush empties every table)."""
    from importlib import import_module

    from django.apps import apps

    import_module("yibao.claims.migrations.0002_sample_parameters").forwards(apps, None)
    import_module("yibao.entitlements.migrations.0002_sample_diseases").forwards(apps, None)


@pytest.fixture
def regions(shipped_regions):
    sample_data()
    return shipped_regions


@pytest.fixture
def staff(regions):
    teams = {}
    for code, region in regions.items():
        team = ds.team(region)
        team.second = cf.staff(region, "reviewer")  # 复核
        teams[code] = team
    return teams


@pytest.fixture
def insured():
    def _insured(region, *, scheme=Scheme.RESIDENT, name="张三"):
        applicant, person = ds.insured(region, name=name, scheme=scheme, since=datetime.date(2015, 3, 1))
        return SimpleNamespace(person=person, applicant=applicant)

    return _insured


def line(item="阿莫西林胶囊", category="甲", quantity="2", price="150.00", amount=None):
    if amount is None:
        amount = str((Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01")))
    return {"item": item, "category": category, "quantity": quantity, "price": price, "amount": amount}


def invoice(number="FP20260001", *, lines=None, level="二级", care_date="2026-03-02", **kw):
    return {"invoice_no": number, "provider_name": "达州市中心医院", "provider_level": level,
            "care_date": care_date, "diagnosis": "上呼吸道感染",
            "lines": lines if lines is not None else [line()], **kw}


def claim_data(*invoices, **kw):
    return {"invoices": list(invoices) or [invoice()], "bank_name": "中国工商银行达州分行", "account_no": CARD, **kw}


@pytest.fixture
def submit(staff):
    def _submit(region, code, applicant, *, data, extra=(), **kw):
        item = item_in_force(region, code)
        materials = {k: "document" for k in ds.catalogue_materials(item, kw.get("conditions"))}
        materials.update({k: "document" for k in extra})
        return actions.submit_case(item=item, applicant=applicant, actor=staff[region.code].clerk, channel=W,
                                   materials=materials, data=data, **kw)

    return _submit


@pytest.fixture
def review(staff):
    """受理, 审核, 初审 (with `adjustments`) by the reviewer, 复核 (审核通过) by the second reviewer."""

    def _review(case, adjustments=()):
        team = staff[case.region.code]
        actions.accept_case(case, team.clerk, channel=W)
        actions.start_review(case, team.reviewer, channel=W)
        claims.first_review(case, team.reviewer, channel=W, adjustments=list(adjustments))
        return actions.approve_case(case, team.second, channel=W)

    return _review


@pytest.fixture
def pay_and_complete(staff):
    """财务复核 and 拨付 by the maker, the order checked and confirmed paid by two others, 办结."""

    def _pay(case):
        team = staff[case.region.code]
        claims.finance_check(case, team.maker, channel=W)
        case = actions.pay_case(case, team.maker, channel=W)
        order = payments.approve_order(order_for_case(case), team.checker, channel=W)
        payments.mark_paid(order, team.cashier, channel=W, bank_reference=f"BANK-{case.pk}")
        case = actions.complete_case(case, team.clerk, channel=W)
        return case, order

    return _pay
