"""The personal-account ledger: the balance is the sum of the entries, never a stored number."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.cases import factories as cf
from tests.enrollment import factories as ef
from yibao.accounts import actions
from yibao.accounts.exceptions import InsufficientBalance, NoBalance
from yibao.accounts.models import AccountEntry, EntryKind, PersonalAccount
from yibao.cases.exceptions import ImmutableRecord
from yibao.core.models import Channel

S = Channel.SYSTEM
DAY = datetime.date(2026, 1, 5)


@pytest.fixture
def person(db):
    return ef.person(cf.region())


def test_the_balance_is_the_sum_of_the_entries(person):
    region = person.region
    actions.credit(person, region, "100.10", on=DAY, actor=None, channel=S)
    actions.credit(person, region, Decimal("250.25"), on=DAY, actor=None, channel=S)
    entry, balance = actions.debit(person, region, EntryKind.WITHDRAWAL, "50.35", on=DAY, actor=None, channel=S)
    assert (entry.amount, balance) == (Decimal("-50.35"), Decimal("300.00"))
    account = PersonalAccount.objects.get(person=person, region=region)
    amounts = list(account.entries.values_list("amount", flat=True))
    assert account.balance() == sum(amounts) == Decimal("300.00")
    assert PersonalAccount.objects.with_balance().get(pk=account.pk).balance == Decimal("300.00")
    other = ef.person(region)
    actions.open_account(other, region, on=DAY, actor=None, channel=S)
    assert PersonalAccount.objects.with_balance().get(person=other).balance == Decimal("0.00")


def test_a_debit_never_takes_the_balance_below_zero(person):
    region = person.region
    with pytest.raises(NoBalance):
        actions.debit(person, region, EntryKind.WITHDRAWAL, "1", on=DAY, actor=None, channel=S)
    actions.credit(person, region, "10", on=DAY, actor=None, channel=S)
    with pytest.raises(InsufficientBalance, match="不足"):
        actions.debit(person, region, EntryKind.TRANSFER, "10.01", on=DAY, actor=None, channel=S)
    with pytest.raises(InsufficientBalance):
        actions.debit(person, region, EntryKind.CREDIT, "1", on=DAY, actor=None, channel=S)
    with pytest.raises(InsufficientBalance):
        actions.credit(person, region, "-5", on=DAY, actor=None, channel=S)


def test_entries_are_never_changed_and_a_reversal_corrects(person):
    region = person.region
    entry, _ = actions.credit(person, region, "80", on=DAY, actor=None, channel=S)
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(ImmutableRecord):
        AccountEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    reversal, balance = actions.reverse(entry, on=DAY, reason="重复划入", actor=None, channel=S)
    assert (reversal.kind, reversal.amount, reversal.reference, balance) == ("reversal", Decimal("-80.00"),
                                                                             f"冲正#{entry.pk}", Decimal("0.00"))


def test_the_database_refuses_an_entry_whose_sign_contradicts_its_kind(person):
    account = actions.open_account(person, person.region, on=DAY, actor=None, channel=S)
    for kind, amount in ((EntryKind.CREDIT, "-1"), (EntryKind.WITHDRAWAL, "1"), (EntryKind.TRANSFER, "0"),
                         (EntryKind.REVERSAL, "0")):
        with pytest.raises(IntegrityError), transaction.atomic():
            AccountEntry.objects.create(account=account, kind=kind, amount=Decimal(amount), on=DAY, channel=S)


def test_one_account_per_person_and_region(person):
    first = actions.open_account(person, person.region, on=DAY, actor=None, channel=S)
    assert actions.open_account(person, person.region, on=DAY, actor=None, channel=S) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonalAccount.objects.create(person=person, region=person.region, opened_on=DAY)


def test_statement_lists_each_account_with_its_balance_and_latest_entries(person, django_assert_max_num_queries):
    from yibao.accounts.queries import statement

    region, other = person.region, cf.region("elsewhere", "别处市", "519800")
    actions.credit(person, region, "100", on=DAY, reference="2026-01", actor=None, channel=S)
    actions.debit(person, region, EntryKind.WITHDRAWAL, "40", on=datetime.date(2026, 2, 1), actor=None, channel=S)
    actions.credit(person, other, "7.5", on=DAY, actor=None, channel=S)
    with django_assert_max_num_queries(3):
        rows = statement(person)
    by_region = {r["region_code"]: r for r in rows}
    assert by_region["testcity"]["balance"] == "60.00" and by_region["elsewhere"]["balance"] == "7.50"
    assert [(e["kind"], e["amount"]) for e in by_region["testcity"]["entries"]] == [("支取", "-40.00"),
                                                                                  ("划入", "100.00")]
    assert [r["region_code"] for r in statement(person, region=other)] == ["elsewhere"]
