"""The registers' database constraints: they hold whatever the code above them does."""
import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.enrollment import factories as f
from yibao.enrollment.models import Enrollment, EnrollmentStatus, FieldChange, Scheme

D = datetime.date(2025, 1, 1)


def test_two_open_enrolments_of_one_person_in_one_scheme_are_refused_by_the_database(region):
    person = f.person(region)
    Enrollment.objects.create(person=person, scheme=Scheme.EMPLOYEE, region=region, start_on=D)
    for status in (EnrollmentStatus.ACTIVE, EnrollmentStatus.SUSPENDED, EnrollmentStatus.RETIRED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrollment.objects.create(person=person, scheme=Scheme.EMPLOYEE, region=region, start_on=D, status=status)
    # Ended enrolments are history: any number of them, and one open one in the other scheme.
    Enrollment.objects.create(person=person, scheme=Scheme.EMPLOYEE, region=region, start_on=D,
                              status=EnrollmentStatus.ENDED, end_on=D)
    Enrollment.objects.create(person=person, scheme=Scheme.RESIDENT, region=region, start_on=D)
    assert Enrollment.objects.filter(person=person).count() == 3


def test_a_resident_enrolment_has_no_employer(region):
    employer = f.employer(region)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(person=f.person(region), scheme=Scheme.RESIDENT, employer=employer, region=region,
                                  start_on=D)


def test_a_key_field_change_without_evidence_is_refused_by_the_database(region):
    person = f.person(region)
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldChange.objects.create(person=person, field="name", label="姓名", old_value="甲", new_value="乙", key=True,
                                   channel="window")
    FieldChange.objects.create(person=person, field="name", label="姓名", key=True, evidence="户口簿", channel="window")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_enrolments_of_one_person_leave_exactly_one(on_postgres):
    """Two sessions enrol the same person at once, through two employers: the index decides."""
    if not on_postgres:
        pytest.skip("concurrent transactions need PostgreSQL")
    from tests.cases import factories as cf
    from tests.concurrency import race
    from yibao.enrollment import actions
    from yibao.enrollment.exceptions import AlreadyEnrolled

    region = cf.region()
    person = f.person(region)
    employers = [f.employer(region), f.employer(region)]

    def enrol(employer):
        return lambda: actions.enrol(person, Scheme.EMPLOYEE, employer=employer, region=region, on=D, actor=None,
                                     channel="system")

    results = race(*[enrol(e) for e in employers])
    outcomes = sorted("refused" if isinstance(r, AlreadyEnrolled) else repr(r) if isinstance(r, Exception)
                      else "enrolled" for r in results)
    assert outcomes == ["enrolled", "refused"]
    assert Enrollment.objects.filter(person=person, status="active").count() == 1
