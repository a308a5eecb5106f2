"""Fixtures for the registration items (built on tests/domain_support.py): the shipped guides
(without policy parameters: the contribution tests load them, contrib_support.py), staff of each
region, accounts of units and persons, and `run` that takes a case through the engine's actions to
办结."""
import pytest

from tests import domain_support as ds
from tests.cases import factories as cf
from tests.domain_support import dazhou, panzhihua, shipped_regions  # noqa: F401 (fixtures)
from yibao.cases import actions
from yibao.cases.snapshot import has_review, item_in_force
from yibao.core.models import Channel

W = Channel.WINDOW


@pytest.fixture
def region(db):
    return cf.region()


@pytest.fixture
def regions(shipped_regions):
    return shipped_regions


@pytest.fixture
def guides(regions):
    return regions


@pytest.fixture
def staff(guides):
    """One clerk-reviewer per region (the roles do not matter here; the engine tests them)."""
    return {code: cf.staff(r, "clerk", "reviewer") for code, r in guides.items()}


@pytest.fixture
def unit_account(db):
    return ds.unit_account


@pytest.fixture
def person_account(db):
    return ds.person_account


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, conditions=..., data=..., materials=None): a case filed at
    the window by the region's clerk; by default every material the catalogue lists for the case's
    conditions is handed in (not those the handler adds from the case data)."""

    def _submit(region, code, applicant, *, materials=None, **kw):
        item = item_in_force(region, code)
        if materials is None:
            materials = ds.catalogue_materials(item, kw.get("conditions"))
        return actions.submit_case(item=item, applicant=applicant, actor=staff[region.code], channel=W,
                                   materials=materials, **kw)

    return _submit


@pytest.fixture
def reviewers(guides):
    """A second member of staff per region: 经办与审核分离 keeps whoever filed or accepted a case
    from deciding it."""
    return {code: cf.staff(r, "reviewer") for code, r in guides.items()}


@pytest.fixture
def run(staff, reviewers):
    """Take a submitted case through 受理, 审核 and 办结; returns it with its completion event's effect."""

    def _run(case):
        clerk = staff[case.region.code]
        case = actions.accept_case(case, clerk, channel=W)
        if has_review(case.snapshot):
            actions.start_review(case, reviewers[case.region.code], channel=W)
            actions.approve_case(case, reviewers[case.region.code], channel=W)
        case = actions.complete_case(case, clerk, channel=W)
        return case, case.events.last().payload["effect"]

    return _run
