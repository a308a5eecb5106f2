import pytest

from tests.cases import factories as f
from tests.handlers import generic_handlers_for
from yibao.cases import actions
from yibao.core.models import Channel

W = Channel.WINDOW
# These tests are about the payments core: their item (prenatal-payment) runs on the generic
# handler, whose payer names the account, even now that the maternity app registers its own.
generic_handlers = generic_handlers_for("prenatal-payment")
CARD = "6222021234567890128"  # passes the Luhn check


@pytest.fixture
def city(db):
    return f.region()


@pytest.fixture
def payers(city):
    """maker, checker, cashier: three payers of the region."""
    return [f.staff(city, "payer") for _ in range(3)]


def approved_case(city, amount="1200.50"):
    """A payment item's case of `city`, approved for `amount`."""
    person = f.applicant()
    clerk, reviewer = f.staff(city, "clerk"), f.staff(city, "reviewer")
    item = f.item(city, "prenatal-payment", stages=f.PAYMENT)
    case = actions.submit_case(item=item, applicant=person, actor=person.user, channel=W, office="市本级",
                               materials=[1])
    actions.accept_case(case, clerk, channel=W)
    actions.start_review(case, reviewer, channel=W)
    return actions.approve_case(case, reviewer, channel=W, amount=amount)


@pytest.fixture
def case(city):
    return approved_case(city)
