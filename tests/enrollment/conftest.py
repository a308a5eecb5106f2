"""Fixtures for the registration items: the shipped guides, staff of each region, accounts of
units and persons, and `run` that takes a case through the engine's actions to 办结."""
import pytest

from tests.cases import factories as cf
from tests.enrollment import factories as f
from yibao.cases import actions
from yibao.cases.checklist import Conditions, applies
from yibao.cases.snapshot import has_review, item_in_force
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.people.models import Applicant, ApplicantKind, IdType

W = Channel.WINDOW


@pytest.fixture
def region(db):
    return cf.region()


@pytest.fixture
def guides(seeded_catalog):
    return {r.code: r for r in Region.objects.filter(is_template=False)}


@pytest.fixture
def dazhou(guides):
    return guides["dazhou"]


@pytest.fixture
def panzhihua(guides):
    return guides["panzhihua"]


@pytest.fixture
def staff(guides):
    """One clerk-reviewer per region (the roles do not matter here; the engine tests them)."""
    return {code: cf.staff(r, "clerk", "reviewer") for code, r in guides.items()}


def account(kind, id_number, name="张三"):
    id_type = IdType.USCC if kind == ApplicantKind.EMPLOYER else IdType.RESIDENT_ID
    return Applicant.objects.create(user=cf.user(), kind=kind, id_type=id_type, id_number=id_number, name=name,
                                    phone="13800000000")


@pytest.fixture
def unit_account(db):
    return lambda uscc=None, name="达州市测试有限公司": account(ApplicantKind.EMPLOYER, uscc or f.uscc_code(), name)


@pytest.fixture
def person_account(db):
    return lambda id_number=None, name="张三": account(ApplicantKind.PERSON, id_number or f.id_number(), name)


@pytest.fixture
def submit(staff):
    """submit(region, code, applicant, conditions=..., data=..., materials=None): a case filed at
    the window by the region's clerk; by default every material the catalogue lists for the case's
    conditions is handed in (not those the handler adds from the case data)."""

    def _submit(region, code, applicant, *, materials=None, **kw):
        item = item_in_force(region, code)
        if materials is None:
            conditions = Conditions.parse(kw.get("conditions"))
            materials = [str(m.ordinal) for m in item.materials.all() if applies(m.when, conditions)]
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
