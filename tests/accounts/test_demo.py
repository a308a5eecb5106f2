"""The demo person is insured in 达州 with a balance, so that a new user can take an account
withdrawal to 办结 with the printed accounts alone; ensured once."""
from decimal import Decimal

from yibao.accounts.demo import DEMO_BALANCE, ensure_demo_insured
from yibao.accounts.queries import balance_of
from yibao.enrollment.models import Person
from yibao.people.demo import ensure_demo_accounts


def test_the_demo_person_can_withdraw(seeded_catalog):
    ensure_demo_accounts()
    line = ensure_demo_insured()
    again = ensure_demo_insured()
    person = Person.objects.get(id_number="511702199003071238")
    assert balance_of(person, person.region) == DEMO_BALANCE == Decimal("2345.67")
    assert line == again and "演示数据" in line and str(DEMO_BALANCE) in line
    assert person.enrollments.filter(status="active").count() == 1
