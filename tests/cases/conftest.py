import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from yibao.cases import actions
from yibao.core.models import Channel

# The engine's tests use real item codes as plain items: every code runs on GenericHandler whatever
# handlers the domain apps register (the domains test their own).
generic_handlers = generic_handlers_for()


@pytest.fixture
def city(db):
    return f.region()


@pytest.fixture
def clerk(city):
    return f.staff(city, "clerk")


@pytest.fixture
def reviewer(city):
    return f.staff(city, "reviewer")


@pytest.fixture
def payer(city):
    return f.staff(city, "payer")


@pytest.fixture
def supervisor(city):
    return f.staff(city, "supervisor")


@pytest.fixture
def person(db):
    return f.applicant()


@pytest.fixture
def submit(person):
    """submit(item, **kw): a case filed by `person` at the window (or as kw say)."""

    def _submit(item, *, applicant=None, actor=None, channel=Channel.WINDOW, materials="all", **kw):
        applicant = applicant or person
        if materials == "all":
            materials = [m.ordinal for m in item.materials.all() if not m.when]
        return actions.submit_case(
            item=item, applicant=applicant, actor=actor or applicant.user, channel=channel, office="市本级",
            materials=materials, **kw,
        )

    return _submit
