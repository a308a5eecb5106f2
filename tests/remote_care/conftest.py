"""Fixtures for the remote-care items on the shipped guides (built on tests/domain_support.py):
each region's staff, insured persons, a designated provider's login, and helpers that take a case
through the engine's own actions (accept, review where the item's flow has it, complete)."""
import datetime
from types import SimpleNamespace

import pytest

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.domain_support import SSC_CARD, dazhou, panzhihua, shipped_regions  # noqa: F401 (fixtures)
from tests.provider_register import registered_hospital
from yibao.cases import actions
from yibao.cases.snapshot import has_review, item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.remote_care.actions import ensure_sample_parameters
from yibao.people.models import Applicant, ApplicantKind, IdType

W = Channel.WINDOW


@pytest.fixture
def regions(shipped_regions):
    # The filing parameters' sample default (the migration writes it too; a transactional test's
    # flush may have removed it).
    ensure_sample_parameters()
    return shipped_regions


class Teams(dict):
    """A team per region code, made the first time a region (even one a test adds) needs it."""

    def __missing__(self, code):
        self[code] = ds.team(Region.objects.get(code=code))
        return self[code]


@pytest.fixture
def staff(regions):
    return Teams()


@pytest.fixture
def insured():
    def _insured(region, *, name="李四", balance=""):
        applicant, person = ds.insured(region, name=name, balance=balance, since=datetime.date(2015, 3, 1))
        return SimpleNamespace(person=person, applicant=applicant)

    return _insured


@pytest.fixture
def provider(dazhou):
    """A designated provider's public login (keyed on its 定点医药机构编码), on the provider register
    with an agreement in force."""
    account = Applicant.objects.create(user=cf.user(), kind=ApplicantKind.PROVIDER, id_type=IdType.PROVIDER_CODE,
                                       id_number="H51170299999", name="达州市中心医院", phone="0818-2222222")
    registered_hospital(dazhou, account.id_number, account.name, account=account)
    return account


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, data=..., channel=...): with every material the catalogue
    lists for the case, as the region's clerk at the window (or the applicant online)."""

    def _submit(region, code, applicant, *, data, channel=W, materials=None, **kw):
        item = item_in_force(region, code)
        if materials is None:
            materials = {k: "document" for k in ds.catalogue_materials(item, kw.get("conditions"))}
        actor = staff[region.code].clerk if channel == W else applicant.user
        return actions.submit_case(item=item, applicant=applicant, actor=actor, channel=channel,
                                   materials=materials, data=data, **kw)

    return _submit


@pytest.fixture
def finish(staff):
    """Accept, review where the item has a 审核 step, and complete; (case, effect)."""

    def _finish(case, comment=""):
        team = staff[case.region.code]
        case = actions.accept_case(case, team.clerk, channel=W)
        if has_review(case.snapshot):
            actions.start_review(case, team.reviewer, channel=W)
            case = actions.approve_case(case, team.reviewer, channel=W)
        case = actions.complete_case(case, team.clerk, channel=W, comment=comment)
        return case, case.events.last().payload["effect"]

    return _finish


def place(province="海南省", city="三亚市", **more):
    return {"province": province, "city": city, **more}
