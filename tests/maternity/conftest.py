"""Fixtures for the maternity items on the shipped guides (built on tests/domain_support.py): the
sample maternity parameters, each region's team, a demo-like employer with an insured woman
employee (her contribution base of last year in the register), invoices, and helpers that take
a case through review, 拨付 (three payers) and 办结."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests import domain_support as ds
from tests.enrollment import factories as ef
from tests.domain_support import CARD, shipped_regions  # noqa: F401 (fixtures)
from yibao.cases import actions
from yibao.contributions.models import ContributionBase
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Scheme
from yibao.maternity import bundles
from yibao.maternity.models import SharedBirthCertificate
from yibao.payments import actions as payments
from yibao.payments.queries import order_for_case

W = Channel.WINDOW
UNIT_ACCOUNT = "6222020200112233445"
TODAY = timezone.localdate()
BIRTH_DAY = TODAY - datetime.timedelta(days=30)


def sample_data():
    """The sample parameters the migrations ship (again: a transactional test's flush empties them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("yibao.maternity.migrations.0002_sample_parameters").forwards(apps, None)
    import_module("yibao.claims.migrations.0002_sample_parameters").forwards(apps, None)


@pytest.fixture
def regions(shipped_regions):
    sample_data()
    return shipped_regions


@pytest.fixture
def staff(regions):
    return {code: ds.team(region) for code, region in regions.items()}


def id_of(sex, born=datetime.date(1994, 5, 6)):
    """A valid ID number of a woman ("F") or a man ("M")."""
    while True:
        number = ef.id_number(born=born)
        if (int(number[16]) % 2 == 0) == (sex == "F"):
            return number


@pytest.fixture
def family():
    """family(region) → an employer (account, register row with its bank account, last year's bases
    of two employees: 6000 and 8000, average 7000) and its insured woman employee."""

    def _family(region, *, sex="F", wage=True, shared_certificate=True, name="王丽"):
        unit, employer = ds.registered_unit(region, name=f"{region.name}生育测试有限公司")
        employer.bank_name, employer.bank_account = "中国建设银行", UNIT_ACCOUNT
        employer.save(update_fields=["bank_name", "bank_account"])
        me, person = ds.insured(region, name=name, id_number=id_of(sex), employer=employer,
                                since=datetime.date(2019, 1, 1))
        if wage:
            _, colleague = ds.insured(region, name="同事", employer=employer, since=datetime.date(2019, 1, 1))
            for who, base in ((person, "6000"), (colleague, "8000")):
                ContributionBase.objects.create(employer=employer, person=who, year=BIRTH_DAY.year - 1, base=Decimal(base))
        if shared_certificate:
            SharedBirthCertificate.objects.create(id_number=person.id_number, number="SC2026000123",
                                                  issued_on=BIRTH_DAY - datetime.timedelta(days=200), source="卫生健康委")
        return SimpleNamespace(unit=unit, employer=employer, me=me, person=person)

    return _family


def line(item="产检B超", category="甲", quantity="1", price="300.00"):
    amount = str((Decimal(quantity) * Decimal(price)).quantize(Decimal("0.01")))
    return {"item": item, "category": category, "quantity": quantity, "price": price, "amount": amount}


def invoice(number, *lines, level="二级", care_date=None):
    return {"invoice_no": number, "provider_name": "市妇幼保健院", "provider_level": level,
            "care_date": (care_date or BIRTH_DAY).isoformat(), "diagnosis": "妊娠", "lines": list(lines) or [line()]}


def cost(*invoices):
    return {"invoices": list(invoices), "bank_name": "中国工商银行", "account_no": CARD}


def facts(**kw):
    return {"event": "分娩", "event_date": BIRTH_DAY.isoformat(), **kw}


# the materials handed in once for the whole bundle (names as the guides print them)
DAZHOU_MATERIALS = {"医保电子凭证或有效身份证件或社保卡": "document", "医院收费票据": "document", "费用清单": "document",
                    "诊断证明": "document", "病历资料": "document", "参保人银行账户信息": "document"}
PANZHIHUA_MATERIALS = {"有效身份证件或医保电子凭证或社会保障卡": "document", "医院收费票据": "document",
                       "费用清单": "document", "诊断证明（门诊）/出院记录（住院）": "document", "出院记录": "document",
                       "诊断证明": "document", "参保人银行账户信息": "document"}


@pytest.fixture
def open_bundle(staff):
    """At the window (the clerk files for the applicant, as the guides without an online channel ask)."""

    def _open(region, fam, items, *, facts_=None, costs=None, allowance=None, materials=None, actor=None):
        return bundles.submit(region=region, items=items, person=fam.me, employer=fam.unit, facts=facts_ or facts(),
                              costs=costs, allowance=allowance,
                              materials=DAZHOU_MATERIALS if materials is None else materials,
                              actor=actor or staff[region.code].clerk, channel=W)

    return _open


@pytest.fixture
def finish(staff):
    """受理 (clerk), 审核 and 审核通过 (reviewer), 拨付 (maker), order approved (checker) and paid
    (cashier), 办结 (clerk). Returns (case, order)."""

    def _finish(case):
        team = staff[case.region.code]
        case = actions.accept_case(case, team.clerk, channel=W)
        case = actions.start_review(case, team.reviewer, channel=W)
        case = actions.approve_case(case, team.reviewer, channel=W)
        case = actions.pay_case(case, team.maker, channel=W)
        order = payments.approve_order(order_for_case(case), team.checker, channel=W)
        payments.mark_paid(order, team.cashier, channel=W, bank_reference=f"BANK-{case.pk}")
        case = actions.complete_case(case, team.clerk, channel=W)
        return case, order

    return _finish


@pytest.fixture
def enrol():
    def _enrol(person, employer, region):
        return registers.enrol(person, Scheme.EMPLOYEE, employer=employer, region=region, on=datetime.date(2019, 1, 1),
                               actor=None, channel=W)

    return _enrol
