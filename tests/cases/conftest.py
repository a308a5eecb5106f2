import pytest

from tests.cases import factories as f
from yibao.cases import actions, handlers
from yibao.core.models import Channel


@pytest.fixture(autouse=True)
def generic_handlers():
    """The engine's tests use real item codes as plain items: they run on GenericHandler whatever
    handlers the domain apps register (the domains test their own)."""
    saved = {r["code"]: handlers.handler_for(r["code"]) for r in handlers.status() if r["handler"] != "GenericHandler"}
    for code in saved:
        handlers.unregister(code)
    yield
    for code, handler in saved.items():
        handlers.register(code, handler)


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
