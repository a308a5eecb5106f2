"""Reading accounts and parameters; the remote-care filing the 划转 needs (asked of remote_care)."""
from yibao.accounts.models import ZERO, AccountParameters, PersonalAccount
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


def statement(person, region=None, limit=50):
    """The person's accounts with their balance and latest entries, for a record on screen, a PDF
    or the API: [{"region", "balance", "entries": [{"on", "kind", "amount", "reference", "note"}]}]."""
    accounts = PersonalAccount.objects.with_balance().filter(person=person).select_related("region")
    if region is not None:
        accounts = accounts.filter(region=region)
    return [
        {"region": a.region.name, "region_code": a.region.code, "opened_on": a.opened_on.isoformat(),
         "balance": str(yuan(a.balance)),
         "entries": [{"on": e.on.isoformat(), "kind": e.get_kind_display(), "amount": str(e.amount),
                      "reference": e.reference, "note": e.note}
                     for e in a.entries.order_by("-on", "-id")[:limit]]}
        for a in accounts
    ]
