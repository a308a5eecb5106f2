"""Domain data shared by the register items' tests: over the API (tests/api/domain_support.py),
through the workbench (tests/workbench/domain/), and the domains' own (tests/accounts/conftest.py,
tests/enrollment/conftest.py build on it): the shipped guides with their sample parameters,
a team of staff per region (clerk, reviewer and three payers: maker, checker, cashier), applicant
accounts, and insured persons and units written through the domains' own actions.

Import the fixtures by name into a conftest or test module (with `# noqa: F401`)."""
import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tests.cases import factories as cf
from tests.enrollment import factories as ef
from yibao.accounts import actions as accounts
from yibao.cases.checklist import Conditions, applies
from yibao.cases.snapshot import item_in_force
from yibao.catalog.models import ItemChannel, Region
from yibao.catalog.office_refs import region_office_names
from yibao.core.models import Channel
from yibao.contributions.actions import load_sample_parameters
from yibao.enrollment import actions as registers
from yibao.enrollment.models import Scheme
from yibao.people.models import Applicant, ApplicantKind, IdType
from yibao.remote_care import actions as remote_care

CARD = "6222021234567890128"  # passes the Luhn check
SSC_CARD = "6217996500001234565"
SINCE = datetime.date(2020, 1, 1)


def offered_online(region, code):
    """Setup for the tests of a domain's rules over HTTP: the item in force also lists an online
    channel. Many guides offer an item at the window only, and filing such an item online is
    refused (tests/api/test_agency_rules.py tests that)."""
    item = item_in_force(region, code)
    if not item.channels.filter(online=True).exists():
        last = item.channels.order_by("-ordinal").values_list("ordinal", flat=True).first() or 0
        ItemChannel.objects.create(item=item, ordinal=last + 1, code="online", name="网上办事大厅", online=True)
    return item


@pytest.fixture
def shipped_regions(seeded_catalog):
    """The regions of the shipped guides, without policy parameters."""
    return {r.code: r for r in Region.objects.filter(is_template=False)}


@pytest.fixture
def regions(shipped_regions):
    """The shipped regions with the sample policy parameters (a conftest may override this name to
    go without them)."""
    load_sample_parameters(actor=None, channel=Channel.SYSTEM)
    return shipped_regions


@pytest.fixture
def dazhou(regions):
    return regions["dazhou"]


@pytest.fixture
def panzhihua(regions):
    return regions["panzhihua"]


def team(region):
    """A clerk, a reviewer and three payers (maker, checker, cashier) of `region`, each at the first
    office the region's guide lists: offices are references, not free text."""
    offices = region_office_names(region.pk)
    office = offices[0] if offices else ""  # a region whose guide lists no office takes any name
    return SimpleNamespace(**{name: cf.staff(region, role, office=office) for name, role in (
        ("clerk", "clerk"), ("reviewer", "reviewer"), ("maker", "payer"), ("checker", "payer"),
        ("cashier", "payer"))})


@pytest.fixture
def teams(regions):
    return {code: team(regions[code]) for code in ("dazhou", "panzhihua")}


def catalogue_materials(item, conditions=None):
    """The ordinals of the materials the item's catalogue entry lists for these conditions."""
    parsed = Conditions.parse(conditions)
    return [str(m.ordinal) for m in item.materials.all() if applies(m.when, parsed)]


def account(kind, id_number, name="张三"):
    id_type = IdType.USCC if kind == ApplicantKind.EMPLOYER else IdType.RESIDENT_ID
    return Applicant.objects.create(user=cf.user(), kind=kind, id_type=id_type, id_number=id_number, name=name,
                                    phone="13800000000")


def person_account(id_number=None, name="张三"):
    return account(ApplicantKind.PERSON, id_number or ef.id_number(), name)


def unit_account(uscc=None, name="达州市测试有限公司"):
    return account(ApplicantKind.EMPLOYER, uscc or ef.uscc_code(), name)


def registered_unit(region, name="达州市测试有限公司"):
    """(account, employer): a unit registered in `region`."""
    unit = unit_account(name=name)
    return unit, ef.employer(region, uscc=unit.id_number, name=unit.name)


def insured(region, *, name="张三", balance="", born=datetime.date(1990, 1, 1), id_number=None,
            scheme=Scheme.EMPLOYEE, employer=None, since=SINCE):
    """(account, person): a person enrolled in `region` (a flexible worker unless `employer`), with
    `balance` on the personal account; written through the domains' actions."""
    me = person_account(id_number or ef.id_number(born=born), name)
    person = ef.person(region, id_number=me.id_number, name=name, birth_date=born)
    registers.enrol(person, scheme, employer=employer, region=region, on=since, actor=None, channel=Channel.SYSTEM)
    if balance:
        accounts.credit(person, region, balance, on=datetime.date(2025, 12, 31), reference="历史余额", actor=None,
                        channel=Channel.SYSTEM)
    return me, person


def long_term_filing(person, region, *, province="海南省", city="三亚市", kind="retiree", basis="proof"):
    """A long-term remote-care filing of `person` from `region`, starting today, written through the
    filing register's own action (as 办结 of remote-retiree writes it)."""
    remote_care.ensure_sample_parameters()
    request = remote_care.Request(kind=kind, province=province, city=city, start_on=timezone.localdate(), basis=basis)
    return remote_care.file_filing(person, region, request, actor=None, channel=Channel.WINDOW)
