"""Two regions with staff of every role, items written through the real guide store, and a
helper to file a case as the applicant would. Pages are driven with the Django test client."""
import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from tests.workbench.guide import INSTANT, PAYMENT_ITEM, THREE_DAY, save_test_guide
from yibao.cases import actions
from yibao.core.models import Channel

W = Channel.WINDOW


@pytest.fixture(autouse=True)
def cheap_argon2(settings):
    # Window registration hashes a password; production costs would make every test slow.
    settings.PASSWORD_HASHERS = ["tests.people.hashers.CheapArgon2PasswordHasher"]


# The workbench knows no domain: its pages are tested on the engine's rules.
generic_handlers = generic_handlers_for(THREE_DAY, PAYMENT_ITEM, INSTANT)


@pytest.fixture
def dazhou(db):
    return f.region("dazhou", "达州市", "511700")


@pytest.fixture
def songpan(db):
    return f.region("songpan", "松潘县", "513224")


@pytest.fixture
def guide_items(dazhou):
    return save_test_guide(dazhou)


@pytest.fixture
def three_day(guide_items):
    """3 working days, with review; materials: 申报表, 工资明细 (a 承诺书 may replace it), 委托 (agents only)."""
    return guide_items[THREE_DAY]


@pytest.fixture
def payment(guide_items):
    return guide_items[PAYMENT_ITEM]


@pytest.fixture
def instant(guide_items):
    return guide_items[INSTANT]


@pytest.fixture
def staff(dazhou):
    """staff(role, ...): a 达州 staff member at 市本级 with these roles."""
    return lambda *roles, office="市本级": f.staff(dazhou, *roles, office=office)


@pytest.fixture
def clerk(staff):
    return staff("clerk")


@pytest.fixture
def reviewer(staff):
    return staff("reviewer")


@pytest.fixture
def payer(staff):
    return staff("payer")


@pytest.fixture
def supervisor(staff):
    return staff("supervisor")


@pytest.fixture
def person(dazhou):
    return f.applicant("王小明", id_number="511702199003071238", region=dazhou)


@pytest.fixture
def submit(person):
    """submit(item, materials=[keys] or "all", applicant=..., **kw): a case the applicant filed online."""

    def _submit(item, *, materials="all", applicant=None, channel=Channel.PORTAL, office="市本级", **kw):
        applicant = applicant or person
        if materials == "all":
            materials = [m.ordinal for m in item.materials.all() if not m.when]
        return actions.submit_case(item=item, applicant=applicant, actor=applicant.user, channel=channel,
                                   office=office, materials=materials, **kw)

    return _submit


@pytest.fixture
def as_user(client):
    """as_user(user): the test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
