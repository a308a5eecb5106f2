"""The person's record read through compiled queries (contributions.queries, accounts.statement,
remote_care.current_filings): the same answer as the ORM's own reads gave, for a person with a
history in every part of the record; every read on an index."""
import datetime

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.domain_support import long_term_filing
from tests.enrollment import factories as f
from tests.enrollment.contrib_support import flexible_worker, sample_parameters, today  # noqa: F401
from yibao.accounts import actions as accounts
from yibao.accounts.models import PersonalAccount
from yibao.accounts.queries import ACCOUNTS, _latest_entries, statement
from yibao.contributions import actions as contributions
from yibao.contributions.models import (
    Assessment,
    AssessmentState,
    CredentialStatus,
    ECredential,
    NoticeState,
    PaymentNotice,
    PeriodSource,
    contribution_summary,
)
from yibao.contributions.queries import (
    CONSTANTS,
    READS,
    _enrollment,
    _notice,
    enrollments_of,
    person_record,
    record_subject,
)
from yibao.core.masking import mask_id_number, mask_phone
from yibao.core.money import yuan
from yibao.core.models import Channel
from yibao.enrollment import actions as registers
from yibao.enrollment.models import EnrollmentChange, Person, Scheme
from yibao.remote_care import queries as remote_care
from yibao.remote_care.models import Filing

pytestmark = pytest.mark.django_db
SYSTEM = Channel.SYSTEM


def _orm_record(person):
    """The record as the ORM's own reads built it before they were compiled: the reference."""
    person = Person.objects.select_related("region").get(pk=person.pk)
    enrollments = (person.enrollments.select_related("employer", "region").order_by("-start_on", "-id")
                   .prefetch_related(Prefetch("changes", queryset=EnrollmentChange.objects.order_by("on", "id"))))
    for e in enrollments:
        e.history = [{"kind": c.get_kind_display(), "on": c.on.isoformat(), "from": c.get_from_status_display(),
                      "to": c.get_to_status_display(), "reason": c.reason} for c in e.changes.all()]
    recent = (Assessment.objects.filter(person=person).exclude(state=AssessmentState.CANCELLED)
              .select_related("employer").order_by("-month")[:12])
    credential = person.e_credentials.filter(status=CredentialStatus.ACTIVE).first()
    on = timezone.localdate()
    filings = Filing.objects.filter(remote_care.covering(on), person=person).select_related("region").order_by("-start_on")
    return {
        "kind": "person",
        "person": {"name": person.name, "id_type": person.get_id_type_display(),
                   "id_number": mask_id_number(person.id_number), "sex": person.get_sex_display(),
                   "birth_date": person.birth_date.isoformat(), "phone": mask_phone(person.phone),
                   "status": person.get_status_display(), "region": person.region.name},
        "enrollments": [_enrollment(e) for e in enrollments],
        "contributions": contribution_summary(person),
        "recent_assessments": [
            {"month": a.month.strftime("%Y-%m"), "payer": a.employer.name if a.employer_id else "灵活就业人员",
             "base": str(a.base), "amount": str(a.amount), "personal_amount": str(a.personal_amount),
             "state": a.get_state_display()} for a in recent],
        "unpaid_notices": [_notice(n) for n in PaymentNotice.objects.filter(person=person, state=NoticeState.ISSUED)
                           .order_by("due_on", "id")],
        "e_credential": {"number": credential.masked_number, "activated_at": credential.activated_at.isoformat()}
        if credential else None,
        "remote_care": [f"{f.scope}{f.get_kind_display()}备案 {f.place}（{f.number}，{f.validity_text()}）"
                        for f in filings],
    }


def _orm_statement(person, limit):
    return [
        {"region": a.region.name, "region_code": a.region.code, "opened_on": a.opened_on.isoformat(),
         "balance": str(yuan(a.balance)),
         "entries": [{"on": e.on.isoformat(), "kind": e.get_kind_display(), "amount": str(e.amount),
                      "reference": e.reference, "note": e.note} for e in a.entries.order_by("-on", "-id")[:limit]]}
        # the order the grouped query gave (by account), said here
        for a in PersonalAccount.objects.with_balance().filter(person=person).select_related("region").order_by("pk")
    ]


@pytest.fixture
def busy(panzhihua, dazhou, person_account, sample_parameters, today):
    """A person with something in every part of the record, and one with nothing but the register row."""
    person = flexible_worker(panzhihua, person_account(name="钱多事"), phone="13912345678")
    for kind, on in (("suspend", datetime.date(2024, 1, 31)), ("resume", datetime.date(2024, 3, 1))):
        registers.change_enrollment(person, Scheme.EMPLOYEE, kind, on=on, reason="测试", actor=None, channel=SYSTEM)
    registers.enrol(person, Scheme.RESIDENT, region=dazhou, on=datetime.date(2021, 1, 1), actor=None, channel=SYSTEM)
    notices = [contributions.issue_flexible_notice(
        person, region=panzhihua, first=datetime.date(today.year - 1, month, 1),
        last=datetime.date(today.year - 1, month, 1), today=today, actor=None, channel=SYSTEM) for month in (1, 2, 3, 4)]
    contributions.pay_notice(notices[0], paid_on=today, actor=None, channel=SYSTEM)
    contributions.pay_notice(notices[1], paid_on=today, actor=None, channel=SYSTEM)
    contributions.cancel_notice(notices[2], reason="测试", actor=None, channel=SYSTEM)
    for months, source, scheme in ((30, PeriodSource.RECORDED, Scheme.EMPLOYEE), (6, PeriodSource.RECORDED, Scheme.EMPLOYEE),
                                   (14, PeriodSource.TRANSFER_IN, Scheme.EMPLOYEE), (9, PeriodSource.RECORDED, Scheme.RESIDENT)):
        contributions.record_contribution_period(person, months=months, source=source, region=panzhihua, actor=None,
                                                 channel=SYSTEM, scheme=scheme)
    ECredential.objects.create(person=person, region=panzhihua, number="EC" + person.id_number,
                               status=CredentialStatus.REVOKED)
    ECredential.objects.create(person=person, region=panzhihua, number="EC2" + person.id_number)
    long_term_filing(person, panzhihua)
    for day in range(1, 26):  # more than the API's 20 entries
        accounts.credit(person, panzhihua, f"{day}.50", on=datetime.date(2025, 1, day), reference=f"R{day}",
                        actor=None, channel=SYSTEM)
    accounts.credit(person, dazhou, "7.00", on=datetime.date(2025, 2, 1), actor=None, channel=SYSTEM)
    bare = f.person(panzhihua, name="孙无事")
    return person, bare


def test_the_record_is_what_the_orm_reads_gave(busy):
    person, bare = busy
    for who in (person, bare):
        record = person_record(record_subject(id_number=who.id_number))
        assert record == _orm_record(who)
        assert person_record(Person.objects.get(pk=who.pk)) == record  # a Person read elsewhere: read again
        for limit in (20, 50):
            assert statement(who, limit=limit) == _orm_statement(who, limit)
    record = person_record(record_subject(id_number=person.id_number))
    # the data really reached every part (the comparison above is not between two empty records)
    assert [e["scheme_code"] for e in record["enrollments"]] == ["resident", "employee"]
    assert [c["kind"] for c in record["enrollments"][1]["history"]] == ["新增", "暂停", "恢复"]
    assert record["enrollments"][0]["history"][0]["from"] == ""  # a first enrolment comes from no status
    assert record["contributions"]["by_source"] == {"本系统缴费记录": 2, "历史缴费记录": 36, "转移接续转入": 14}
    assert list(record["contributions"]["by_source"]) == list(contribution_summary(person)["by_source"])  # the PDF's order
    assert len(record["recent_assessments"]) == 3 and len(record["unpaid_notices"]) == 1
    assert record["e_credential"]["number"] == mask_id_number("EC2" + person.id_number)
    assert len(record["remote_care"]) == 1
    accounts_ = statement(person, limit=20)
    assert sorted((a["region_code"], len(a["entries"])) for a in accounts_) == [("dazhou", 1), ("panzhihua", 20)]
    assert statement(bare) == [] and record_subject(id_number="110101199003070000") is None


def test_the_record_reads_once_per_part_whatever_the_history(busy):
    person, bare = busy
    counts = []
    for who in (bare, person):
        subject = record_subject(id_number=who.id_number)
        with CaptureQueriesContext(connection) as captured:
            enrollments = enrollments_of(subject)
            person_record(subject, enrollments)
        counts.append(len(captured))
    # enrolments with their history, assessments, notices, remote-care filings (the contribution
    # time came with the person)
    assert counts == [4, 4]
    assert {e.region_id for e in enrollments} == {person.region_id, *(
        r for r in person.enrollments.values_list("region_id", flat=True))}


def _plans(query, params):
    """Each step of the query's plan on this database (the tables are tiny: PostgreSQL is asked
    which index it would use)."""
    _compiler, sql, keys, _converters = query.compiled(connection.alias)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [params[k] for k in keys])
            return [str(row[-1]) for row in cursor.fetchall()]
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, [params[k] for k in keys])
        return [row[0] for row in cursor.fetchall()]


def test_every_read_of_the_record_uses_an_index(busy):
    person, _ = busy
    account = PersonalAccount.objects.filter(person=person).first()
    p = {"person_id": person.pk, "id_number": person.id_number, "pk": person.pk, "account_id": account.pk,
         "on": timezone.localdate(), **CONSTANTS}
    queries = {**READS, "accounts": ACCOUNTS, "entries": _latest_entries(20), "filings": remote_care.CURRENT}
    for name, query in queries.items():
        plan = _plans(query, p)
        if connection.vendor == "sqlite":
            # every table is searched through an index (a scan only of an index, or of a subquery's rows)
            tables = [s for s in plan if s.startswith(("SCAN", "SEARCH")) and "SUBQUERY" not in s.upper().split()[1]]
            assert tables and all("USING" in s and "INDEX" in s or "PRIMARY KEY" in s for s in tables), (name, plan)
        else:
            assert not any("Seq Scan" in s for s in plan) and any("Index" in s for s in plan), (name, plan)
