"""Reading accounts and parameters; the remote-care filing the 划转 needs (asked of remote_care)."""
from django.db.models import Sum

from yibao.accounts.models import ZERO, AccountEntry, AccountParameters, PersonalAccount
from yibao.core.compiled import CompiledQuery
from yibao.core.money import yuan
from yibao.remote_care import queries as remote_care


def account_of(person, region):
    """The person's account in `region`, or None."""
    return PersonalAccount.objects.filter(person=person, region=region).first()


def balance_of(person, region):
    account = account_of(person, region)
    return account.balance() if account else ZERO


def parameters(region, on):
    """The version of the account parameters in force on `on` for `region`: its own, else the
    one for every region; None if neither exists."""
    versions = AccountParameters.objects.filter(effective_from__lte=on).order_by("-effective_from")
    return versions.filter(region=region).first() or versions.filter(region=None).first()


def long_term_filing(person, region, on, *, cross_province=True):
    """The person's long-term remote-care filing from `region` covering `on` (cross-province unless
    told otherwise), or None: the one question the 划转 asks, answered by the filing register."""
    return remote_care.long_term_filing(person, region, on, cross_province=cross_province)


def _accounts(alias):
    # with_balance() without its COALESCE: a compiled query takes no literal (None: no entries yet).
    sample = {"person_id": -7}
    accounts = PersonalAccount.objects.using(alias).annotate(balance=Sum("entries__amount")).select_related("region")
    # The order the grouped query always gave (the model's ordering is not applied to GROUP BY
    # queries; both databases grouped by the account's id), now said.
    return accounts.filter(**sample).order_by("pk"), sample


# The statement's reads, compiled once per database (core.compiled): a person's record over the
# API shows them on every request.
ACCOUNTS = CompiledQuery(PersonalAccount, _accounts)
_ENTRIES = {}  # limit -> the account's latest `limit` entries


def _latest_entries(limit):
    query = _ENTRIES.get(limit)
    if query is None:
        def build(alias):
            sample = {"account_id": -7}
            return AccountEntry.objects.using(alias).filter(**sample).order_by("-on", "-id")[:limit], sample

        query = _ENTRIES.setdefault(limit, CompiledQuery(AccountEntry, build))
    return query


def statement(person, region=None, limit=50):
    """The person's accounts with their balance and latest entries, for a record on screen, a PDF
    or the API: [{"region", "balance", "entries": [{"on", "kind", "amount", "reference", "note"}]}]."""
    accounts = ACCOUNTS.objects(person_id=person.pk)
    if region is not None:  # a person has an account in a few regions at most
        accounts = [a for a in accounts if a.region_id == region.pk]
    entries = _latest_entries(limit)
    return [
        {"region": a.region.name, "region_code": a.region.code, "opened_on": a.opened_on.isoformat(),
         "balance": str(yuan(a.balance if a.balance is not None else ZERO)),
         "entries": [{"on": e.on.isoformat(), "kind": e.get_kind_display(), "amount": str(e.amount),
                      "reference": e.reference, "note": e.note}
                     for e in entries.objects(account_id=a.pk)]}
        for a in accounts
    ]
