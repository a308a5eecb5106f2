"""The 免申即享 batch on PostgreSQL with real transactions: a batch run by the `yibao aid run` command in
a subprocess, killed with SIGKILL midway, then run again, ends with exact totals and nobody granted
or paid twice; two batches over the same lists run at the same moment grant each person once. The
database's constraints (one Grant per person and year, one line per batch and row) say so."""
import datetime
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.concurrency import race
from tests.enrollment import factories as ef
from tests.medical_aid.conftest import DUE, SSC_CARD, YEAR, csv_bytes
from yibao.cases.models import Case
from yibao.contributions.models import ResidentContribution
from yibao.enrollment.models import Enrollment, EnrollmentStatus, Person, Scheme, Sex
from yibao.medical_aid import batch as aid_batch
from yibao.medical_aid import lists
from yibao.medical_aid.models import BatchLine, BatchState, Grant, Outcome, SubsidyBatch

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a shared server"),
]


def residents(region, count, *, unpaid_every=5):
    """`count` residents enrolled and paid in full, but every `unpaid_every`th paid half; in bulk."""
    people = Person.objects.bulk_create(
        Person(region=region, id_number=ef.id_number(born=datetime.date(1960, 1, 1) + datetime.timedelta(days=i)),
               name=f"救助{i:04d}", sex=Sex.MALE, birth_date=datetime.date(1960, 1, 1)) for i in range(count))
    people = list(Person.objects.filter(region=region, name__startswith="救助").order_by("id"))
    Enrollment.objects.bulk_create(Enrollment(person=p, scheme=Scheme.RESIDENT, region=region,
                                              status=EnrollmentStatus.ACTIVE, start_on=datetime.date(2020, 1, 1))
                                   for p in people)
    ResidentContribution.objects.bulk_create(
        ResidentContribution(person=p, region=region, year=YEAR, due=DUE,
                             paid=DUE / 2 if i % unpaid_every == 0 else DUE) for i, p in enumerate(people))
    return people


def the_list(region, people, categories=("特困人员", "低保")):
    rows = [[p.name, p.id_number, categories[i % len(categories)], SSC_CARD, "攀枝花市农村商业银行"]
            for i, p in enumerate(people)]
    rows += rows[:7]  # seven listed twice
    found, _ = lists.store_list(region, source="民政", period="2026", year=YEAR, content=csv_bytes(rows),
                                filename="民政.csv", actor=None)
    return found


def expected(people, categories=("特困人员", "低保")):
    """(count, total) the batch must grant: paid in full; 特困 full (380), 低保 a fixed 240 (示例参数)."""
    amounts = [DUE if i % 2 == 0 else Decimal("240.00") for i in range(len(people)) if i % 5 != 0]
    return len(amounts), sum(amounts, Decimal("0"))


def _env():
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "YIBAO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}


def _command(batch_id):
    yibao = Path(sys.executable).with_name("yibao")
    return [str(yibao), "aid", "run", "--batch", str(batch_id)]


def test_a_batch_killed_midway_and_run_again_ends_with_exact_totals(regions):
    region = regions["panzhihua"]
    people = residents(region, 300)
    found = aid_batch.create_batch(region, YEAR, [the_list(region, people)], actor=None)
    proc = subprocess.Popen(_command(found.pk), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while Grant.objects.filter(batch=found).count() < 40:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "the batch made no progress"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)  # kill -9: no cleanup, a transaction cut in the middle
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    found.refresh_from_db()
    midway = Grant.objects.filter(batch=found).count()
    count, total = expected(people)
    assert found.state == BatchState.RUNNING and 40 <= midway < count  # really cut midway
    # every grant written so far is whole: its case opened and approved, its line written
    assert Case.objects.filter(item_code="aid-contribution-subsidy").count() == midway
    assert BatchLine.objects.filter(batch=found, outcome=Outcome.GRANTED).count() == midway

    rerun = subprocess.run(_command(found.pk), env=_env(), capture_output=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    found.refresh_from_db()
    assert (found.state, found.matched, found.amount, found.done, found.total) == (
        BatchState.DONE, count, total, len(people) + 7, len(people) + 7)
    grants = Grant.objects.filter(year=YEAR)
    assert grants.count() == count and sum(g.amount for g in grants) == total
    assert Case.objects.filter(item_code="aid-contribution-subsidy").count() == count
    assert grants.values("person").distinct().count() == count
    assert BatchLine.objects.filter(batch=found).count() == len(people) + 7
    assert BatchLine.objects.filter(batch=found, outcome=Outcome.DUPLICATE).count() == 7
    assert BatchLine.objects.filter(batch=found, outcome=Outcome.NOT_PAID).count() == len(people) - count

    # and once more, as a new batch: nobody is granted twice
    again = aid_batch.run_batch(aid_batch.create_batch(region, YEAR, list(found.lists.all()), actor=None).pk)
    assert again.matched == 0 and Grant.objects.count() == count


def test_two_batches_over_the_same_list_at_the_same_moment_grant_each_person_once(regions):
    region = regions["panzhihua"]
    people = residents(region, 40)
    recipients = the_list(region, people)
    one = aid_batch.create_batch(region, YEAR, [recipients], actor=None)
    two = aid_batch.create_batch(region, YEAR, [recipients], actor=None)
    results = race(lambda: aid_batch.run_batch(one.pk), lambda: aid_batch.run_batch(two.pk))
    assert all(isinstance(r, SubsidyBatch) for r in results), results
    count, total = expected(people)
    assert Grant.objects.count() == count and sum(g.amount for g in Grant.objects.all()) == total
    granted = BatchLine.objects.filter(outcome=Outcome.GRANTED).count()
    already = BatchLine.objects.filter(outcome=Outcome.ALREADY).count()
    assert granted == count and already == count  # each person granted by one batch, reported by the other
