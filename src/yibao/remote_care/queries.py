"""Reading the filing register. `filing_on` is the question every other part asks (reimbursement,
settlement, account-transfer, providers and partner systems through the API):

    from yibao.remote_care.queries import filing_on
    filing = filing_on(person, on=date, province="海南省", city="三亚市")
    # -> the Filing that covered `person` for care there on `date`, or None

It reads dates only (start, end, the day a change or cancellation took effect), so the answer for
a past date stays what it was, whatever happened to the filing since.
"""
import datetime

from django.db import connections
from django.db.models import Q

from yibao.core.compiled import CompiledQuery
from yibao.remote_care.models import CLASS_OF, FilingClass, FilingKind, RemoteCareParameters
from yibao.remote_care.models import Filing


def covering(on):
    """The filings that covered a date (a Q for Filing)."""
    return (Q(start_on__lte=on) & (Q(end_on=None) | Q(end_on__gte=on))
            & (Q(ended_on=None) | Q(ended_on__gt=on)))


def filing_on(person, on, *, province, city="", region=None):
    """Was `person` (an enrollment.Person) filed for care in `province` (and `city`, if given) on
    `on`, and by which filing? Returns that Filing, or None. A filing for the whole province (no
    city) covers every city of it. `region` narrows to filings made by one insuring region. Where
    two filings cover the place (a long-term one and a temporary one), the latest start wins."""
    found = Filing.objects.filter(covering(on), person=person, province=province)
    if city:
        found = found.filter(Q(city=city) | Q(city=""))
    if region is not None:
        found = found.filter(region=region)
    return found.select_related("region").order_by("-start_on", "-id").first()


def long_term_filing(person, region, on, *, cross_province=True):
    """The person's long-term (安置, 长期居住, 常驻工作) filing from `region` covering `on`,
    cross-province unless told otherwise (what account-transfer requires), or None."""
    return (Filing.objects.filter(covering(on), person=person, region=region, filing_class=FilingClass.LONG_TERM,
                                  cross_province=cross_province)
            .order_by("-start_on", "-id").first())


def filings_of(person):
    """All of a person's filings, newest first (for the person's record)."""
    return list(Filing.objects.filter(person=person).select_related("region").order_by("-start_on", "-id"))


def filings_of_case(case):
    """The filings a case wrote (a filing, or the new one of a change), for the case's pages."""
    return list(Filing.objects.filter(case=case).select_related("region").order_by("id"))


def _current(alias):
    day = datetime.date(1, 1, 2)
    # The sample as the day compiles on this database (SQLite: ISO text), to match it by value.
    sample = {"person_id": -7, "on": connections[alias].ops.adapt_datefield_value(day)}
    filings = Filing.objects.using(alias).filter(covering(day), person_id=sample["person_id"])
    return filings.select_related("region").order_by("-start_on"), sample


# Compiled once per database (core.compiled): a person's record over the API asks it every time.
CURRENT = CompiledQuery(Filing, _current)


def current_filings(person, on):
    return CURRENT.objects(person_id=person.pk, on=on)


def record_lines(person, on):
    """One line per filing covering `on`, for the person's record ("异地就医备案：…"); empty if none."""
    return [f"{f.scope}{f.get_kind_display()}备案 {f.place}（{f.number}，{f.validity_text()}）"
            for f in current_filings(person, on)]


def parameters(region, on):
    """The version of the filing parameters in force on `on` for `region`: its own, else the one
    for every region; None if neither exists."""
    versions = RemoteCareParameters.objects.filter(effective_from__lte=on).order_by("-effective_from", "-id")
    return versions.filter(region=region).first() or versions.filter(region=None).first()


def by_verify_code(code):
    return Filing.objects.select_related("region", "person").filter(verify_code=code).first()


def class_of(kind):
    return CLASS_OF[FilingKind(kind)]
