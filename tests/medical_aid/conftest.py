"""Fixtures for medical aid on the shipped guides (built on tests/domain_support.py): each region's
team, residents enrolled with the year's contribution paid (or not), recipient lists as offices
send them (CSV, xlsx), and the payment path (orders made, checked, paid through a bank return file)."""
import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from openpyxl import Workbook

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.domain_support import SSC_CARD, shipped_regions  # noqa: F401 (fixtures)
from tests.enrollment import factories as ef
from yibao.contributions.models import ResidentContribution
from yibao.core.models import Channel
from yibao.enrollment.models import Scheme

W = Channel.WINDOW
YEAR = 2026
DUE = Decimal("380.00")
HEADER = ["序号", "姓名", "身份证号码", "救助类别", "社会保障卡金融账号", "开户银行"]


def sample_data():
    """The sample parameters the migrations ship (again: a transactional test's flush empties them)."""
    from importlib import import_module

    from django.apps import apps

    import_module("yibao.medical_aid.migrations.0002_sample_parameters").forwards(apps, None)
    import_module("yibao.claims.migrations.0002_sample_parameters").forwards(apps, None)


@pytest.fixture
def regions(shipped_regions):
    sample_data()
    return shipped_regions


@pytest.fixture
def staff(regions):
    teams = {}
    for code, region in regions.items():
        team = ds.team(region)
        team.second = cf.staff(region, "reviewer")
        teams[code] = team
    return teams


def resident(region, name="张三", *, paid=DUE, due=DUE, year=YEAR, enrolled=True):
    """(account, person): a resident of `region` enrolled in the resident scheme, with the year's
    contribution `paid` of `due` (None: no contribution recorded)."""
    if enrolled:
        applicant, person = ds.insured(region, name=name, scheme=Scheme.RESIDENT, since=datetime.date(2015, 1, 1))
    else:
        applicant = ds.person_account(name=name)
        person = ef.person(region, id_number=applicant.id_number, name=name)
    if paid is not None:
        ResidentContribution.objects.create(person=person, region=region, year=year, due=due, paid=paid,
                                            paid_on=datetime.date(year - 1, 12, 1), reference=f"SW-{person.pk}")
    return SimpleNamespace(applicant=applicant, person=person)


def csv_bytes(rows, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n, row in enumerate(rows, start=1):
        writer.writerow([n, *row])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n, row in enumerate(rows, start=1):
        sheet.append([n, *row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def row(person, category="特困人员", card=SSC_CARD, name=None):
    return [name or person.name, person.id_number, category, card, "攀枝花市农村商业银行"]
