"""Reading the provider register, agreements, parameters and settlements.

`designation(code, on)` is the one question other domains ask (entitlements and reimbursement
take hospital levels from it): is provider `code` designated on `on`, and as what."""
import datetime
from dataclasses import dataclass

from django.utils import timezone

from yibao.cases.interface import ItemNotAvailable, item_in_force

from yibao.providers.models import (
    LIVE_STATES,
    MEDICAL_KINDS,
    Agreement,
    AgreementEvent,
    AgreementState,
    ClaimSubmission,
    Provider,
    SettlementParameters,
)
from yibao.remote_care.exceptions import NotReferringProvider

# The guides' word for a suspension (R73): 松潘/达州 say 暂停, 攀枝花 says 中止. Read from the title
# the region's guide gives the item, so a new edition's wording is followed without code.
DEFAULT_SUSPENSION_WORD = "暂停"


@dataclass(frozen=True)
class Designation:
    code: str
    name: str
    designated: bool  # the agreement was in force on the date
    state: str  # the agreement's state on the date ("" when there was none)
    state_label: str
    kind: str
    kind_label: str
    level: str  # "3", "2", "1", "0" or "" (not a medical institution)
    level_label: str
    ownership: str  # "public", "private" or ""
    ownership_label: str
    scopes: tuple  # ("省内", "跨省") open for direct settlement on the date's agreement
    region: str

    def as_dict(self):
        return {"code": self.code, "name": self.name, "designated": self.designated, "state": self.state,
                "state_label": self.state_label, "kind": self.kind, "kind_label": self.kind_label,
                "level": self.level, "level_label": self.level_label, "ownership": self.ownership,
                "ownership_label": self.ownership_label, "scopes": list(self.scopes), "region": self.region}


def state_on(agreement, on, events=None):
    """The agreement's state at the end of day `on` from its history; "" before it began."""
    rows = events if events is not None else agreement.events.filter(on__lte=on).order_by("on", "at", "id")
    state = ""
    for event in rows:
        if event.on <= on:
            state = event.to_state
    return state


def designation(code, on=None):
    """Provider `code` on date `on` (today by default): designated or not, its level, ownership,
    kind and open direct-settlement scopes. None when no provider has that code."""
    on = on or timezone.localdate()
    provider = Provider.objects.select_related("region").filter(code=(code or "").strip().upper()).first()
    if provider is None:
        return None
    found, state = None, ""
    for agreement in provider.agreements.order_by("-created_at", "-id"):
        state = state_on(agreement, on)
        if state:
            found = agreement
            break
    scopes = tuple(found.scopes) if found is not None and state == AgreementState.IN_FORCE else ()
    return Designation(
        code=provider.code, name=provider.name, designated=state == AgreementState.IN_FORCE, state=state,
        state_label=AgreementState(state).label if state else "未签订协议", kind=provider.kind,
        kind_label=provider.get_kind_display(), level=provider.level, level_label=provider.get_level_display(),
        ownership=provider.ownership, ownership_label=provider.get_ownership_display(), scopes=scopes,
        region=provider.region.code)


def live_agreement(provider):
    """The provider's agreement in progress, in force or suspended; None otherwise."""
    return provider.agreements.filter(state__in=LIVE_STATES).first()


def provider_of_account(applicant):
    """The register row of a provider login (people.Applicant of kind provider); None if not registered."""
    return Provider.objects.filter(code=applicant.id_number).select_related("region").first()


def public_list(region, *, kind=None):
    """The designated providers of `region` in force today, for the public list (portal and API)."""
    rows = (Agreement.objects.filter(region=region, state=AgreementState.IN_FORCE)
            .select_related("provider").order_by("provider__kind", "provider__level", "provider__code"))
    if kind:
        rows = rows.filter(provider__kind=kind)
    return [
        {"code": a.provider.code, "name": a.provider.name, "kind": a.provider.kind,
         "kind_label": a.provider.get_kind_display(), "level": a.provider.level,
         "level_label": a.provider.get_level_display() if a.provider.level else "",
         "ownership": a.provider.ownership,
         "ownership_label": a.provider.get_ownership_display() if a.provider.ownership else "",
         "address": a.provider.address, "scopes": a.scopes,
         "starts_on": a.starts_on.isoformat() if a.starts_on else None,
         "ends_on": a.ends_on.isoformat() if a.ends_on else None}
        for a in rows
    ]


def parameters(region, on):
    """The settlement parameters in force on `on` for `region`: its own, else every region's; None."""
    versions = SettlementParameters.objects.filter(effective_from__lte=on).order_by("-effective_from")
    return versions.filter(region=region).first() or versions.filter(region=None).first()


def suspension_word(region):
    """暂停 or 中止, as the region's guide words the suspension item (R73)."""
    try:
        title = item_in_force(region, "provider-suspension").title
    except ItemNotAvailable:
        return DEFAULT_SUSPENSION_WORD
    return "中止" if "中止" in title else DEFAULT_SUSPENSION_WORD


def suspended_days(provider_id, first, last):
    """The days in [first, last] on which the provider's agreement was not in force (suspended,
    ended, or not yet begun), as a set of dates, for the audit rule "provider suspended"."""
    in_force = set()
    for agreement in Agreement.objects.filter(provider_id=provider_id):
        events = list(AgreementEvent.objects.filter(agreement=agreement, on__lte=last).order_by("on", "at", "id"))
        state = state_on(agreement, first - datetime.timedelta(days=1), events)
        by_day = {}
        for e in events:
            if e.on >= first:
                by_day[e.on] = e.to_state  # the day's last move wins
        day = first
        while day <= last:
            state = by_day.get(day, state)
            if state == AgreementState.IN_FORCE:
                in_force.add(day)
            day += datetime.timedelta(days=1)
    out, day = set(), first
    while day <= last:
        if day not in in_force:
            out.add(day)
        day += datetime.timedelta(days=1)
    return out


def submissions_of(provider):
    return ClaimSubmission.objects.filter(provider=provider).select_related("case").order_by("-period", "-id")


def referring_provider(applicant):
    """The designated provider a provider login speaks for (R39: 定点医疗机构出具转诊意见并上传),
    as "code name" from the provider register: a medical institution designated today. Anything
    else the register says of it is refused with what it says."""
    designated = designation(applicant.id_number) if provider_of_account(applicant) is not None else None
    if designated is None:
        raise NotReferringProvider(f"{applicant.name}（{applicant.id_number}）不在定点医药机构登记簿中，"
                                   "不能代为申报转诊备案")
    if designated.kind not in MEDICAL_KINDS or not designated.designated:
        state = designated.kind_label if designated.kind not in MEDICAL_KINDS else designated.state_label
        raise NotReferringProvider(f"只有协议履行中的定点医疗机构可代为申报转诊备案；{designated.name}当前为“{state}”")
    return f"{designated.code} {designated.name}"
