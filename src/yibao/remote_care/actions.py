"""Changes to the filing register, one function per verb, each atomic, with the person's row
locked (one person's filings are decided one at a time, so two overlapping filings cannot both
pass the overlap check), its event appended and its audit entry written.

- check_filing: every rule a new filing must pass, before anything is written (handlers call it
  at submission, acceptance, approval and 办结; file_filing calls it again under the lock).
- file_filing, change_filing, cancel_filing, expire_filings.
"""
import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yibao.cases.interface import prefix_for
from yibao.core.audit import acting_user, record
from yibao.core.models import Channel
from yibao.enrollment.models import Person
from yibao.remote_care import queries
from yibao.remote_care.exceptions import (
    BackdateNotAllowed,
    FilingError,
    FilingLocked,
    FilingOverlap,
    NoBasis,
    ParametersMissing,
    TraumaCrossProvince,
    ValidityBelowFloor,
)
from yibao.remote_care.machines import FILINGS
from yibao.remote_care.models import (
    CLASS_OF,
    HOME_PROVINCE,
    NATIONAL_FLOOR_MONTHS,
    PROVINCES,
    Basis,
    Coordination,
    Filing,
    FilingAction,
    FilingClass,
    FilingEvent,
    FilingKind,
    FilingStatus,
    RemoteCareParameters,
    add_months,
)
from yibao.remote_care.notices import tell_insured
from yibao.remote_care.signals import send_on_commit

ONE_DAY = datetime.timedelta(days=1)
AHEAD_DAYS = 366
SAMPLE_FROM = datetime.date(2020, 1, 1)  # a filing may start up to a year ahead (a move already planned), not further


@dataclass
class Request:
    """What a filing is asked for with (from a case's data, or a command)."""

    kind: str
    province: str
    city: str
    start_on: datetime.date
    basis: str | None = None  # Basis value; None: neither proof nor commitment given
    basis_note: str = ""
    trauma: bool = False
    admitted_on: datetime.date | None = None  # 补办: back to this admission
    discharge_settled: bool = False  # the admission's discharge settlement is already done
    end_on: datetime.date | None = None  # temporary: an earlier end than the region's period, not below the floor
    referring_provider: str = ""
    submitted_by_provider: str = ""
    applied_on: datetime.date | None = None  # the application's date: a start before it is a 补办


@dataclass
class Terms:
    """What check_filing decides: the class, scope and dates the filing will have."""

    filing_class: str
    cross_province: bool
    end_on: datetime.date | None
    locked_until: datetime.date | None


def _case_ref(case):
    return f"{case.receipt_no} " if case is not None else ""


def _overlapping(person, filing_class, start, end, exclude=None):
    found = Filing.objects.filter(person=person, filing_class=filing_class).filter(
        Q(end_on=None) | Q(end_on__gte=start), Q(ended_on=None) | Q(ended_on__gt=start))
    if end is not None:
        found = found.filter(start_on__lte=end)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("start_on").first()


def check_filing(person, region, request, *, today=None, replacing=None):
    """The Terms of a new filing, or the named refusal: the place, the trauma rule (R34), the basis
    (R36), 补办 (back to an admission, before its discharge settlement), the temporary validity
    (the region's period, never below the national floor) and no overlap within the same class."""
    today = request.applied_on or today or timezone.localdate()
    kind = FilingKind(request.kind)
    filing_class = CLASS_OF[kind]
    if request.province not in PROVINCES:
        raise FilingError(f"就医地省份“{request.province}”不正确", field="province")
    city = (request.city or "").strip()
    if not city:
        raise FilingError("请填写就医地（市、州）", field="city")
    cross = request.province != HOME_PROVINCE
    if request.trauma and cross and kind != FilingKind.REFERRAL:
        raise TraumaCrossProvince("外伤暂不能跨省直接结算，不能办理跨省异地就医备案；省内异地就医外伤可填写"
                                  "《四川省省内异地就医外伤入院登记表》办理", field="trauma")
    if filing_class == FilingClass.LONG_TERM:
        if request.basis not in Basis.values:
            raise NoBasis(f"{kind.label}备案须提供证明材料或《基本医疗保险异地就医备案个人承诺书》", field="basis")
    elif request.basis == Basis.COMMITMENT:
        raise NoBasis(f"{kind.label}备案不能以个人承诺代替证明材料", field="basis")
    start = request.start_on
    if start > today + datetime.timedelta(days=AHEAD_DAYS):
        raise FilingError(f"备案开始日期不能晚于{AHEAD_DAYS}天以后", field="start_on")
    if start < today:
        if request.admitted_on is None or request.admitted_on != start:
            raise BackdateNotAllowed("备案开始日期早于今天的，须为补办：开始日期应为本次入院日期", field="start_on")
        if request.discharge_settled:
            raise BackdateNotAllowed("本次住院已完成出院结算，不能再补办备案；已全额自付的费用可按参保地规定申请手工（零星）报销",
                                     field="discharge_settled")
    params = queries.parameters(region, start)
    end = locked = None
    if filing_class == FilingClass.TEMPORARY:
        if params is None:
            raise ParametersMissing(f"{region.name}尚未设置异地就医备案参数，请联系系统管理员")
        months = max(params.temporary_months, NATIONAL_FLOOR_MONTHS)
        end = add_months(start, months) - ONE_DAY
        if request.end_on is not None:
            floor = add_months(start, NATIONAL_FLOOR_MONTHS) - ONE_DAY
            if request.end_on < floor:
                raise ValidityBelowFloor(f"临时外出就医人员备案有效期不得少于{NATIONAL_FLOOR_MONTHS}个月（至少至{floor:%Y-%m-%d}）",
                                         field="end_on", floor=floor.isoformat())
            end = min(end, request.end_on)
    elif request.basis == Basis.COMMITMENT and params is not None and params.commitment_lock_months:
        locked = add_months(start, params.commitment_lock_months)
    clash = _overlapping(person, filing_class, start, end, exclude=replacing)
    if clash is not None:
        raise FilingOverlap(f"已有{FilingClass(filing_class).label}备案{clash.number}（{clash.validity_text()}）与申请期间重叠，"
                            "请先变更或取消原备案", filing=clash.number)
    return Terms(filing_class=filing_class, cross_province=cross, end_on=end, locked_until=locked)


def _number(region, today):
    return f"{prefix_for(region)}-BA-{today:%Y%m%d}-{secrets.token_hex(5).upper()}"


def _event(filing, action, on, *, note, case, actor, channel):
    FilingEvent.objects.create(filing=filing, action=action, on=on, note=note[:300], case=case,
                               actor=acting_user(actor), channel=channel)
    record(actor=acting_user(actor), channel=channel, action=f"异地就医备案{FilingAction(action).label}", obj=filing,
           summary=f"{_case_ref(case)}{filing} {note}"[:500])
    tell_insured(filing, action, case=case, note=note)
    send_on_commit(filing, action)


def _lock_person(person):
    return Person.objects.select_for_update().get(pk=person.pk)


def _create(person, region, request, terms, *, case, actor, channel, today, note):
    filing = Filing.objects.create(
        number=_number(region, today), person=person, region=region, kind=request.kind,
        filing_class=terms.filing_class, province=request.province, city=request.city.strip()[:40],
        cross_province=terms.cross_province, start_on=request.start_on, end_on=terms.end_on,
        basis=request.basis or Basis.PROOF, basis_note=request.basis_note[:200], locked_until=terms.locked_until,
        trauma=request.trauma, admitted_on=request.admitted_on, referring_provider=request.referring_provider[:200],
        submitted_by_provider=request.submitted_by_provider[:200], case=case)
    _event(filing, FilingAction.FILE, request.start_on, note=note, case=case, actor=actor, channel=channel)
    return filing


def file_filing(person, region, request, *, actor, channel, case=None):
    """备案: a new filing on the register (with its 备案凭证 code). Returns the Filing."""
    today = timezone.localdate()
    with transaction.atomic():
        person = _lock_person(person)
        terms = check_filing(person, region, request, today=today)
        note = "补办（追溯至入院日期）" if request.start_on < (request.applied_on or today) else ""
        if request.submitted_by_provider:
            note = f"{note} 由{request.submitted_by_provider}代为申报".strip()
        return _create(person, region, request, terms, case=case, actor=actor, channel=channel, today=today,
                       note=note)


def check_change(filing, action, on):
    """May `filing` be changed or cancelled (`action`) with effect from `on`? Its status must allow
    it, and a commitment filing's lock period must have passed."""
    FILINGS.move(filing.status, action, message=f"备案{filing.number}{filing.get_status_display()}，不能"
                                                 f"{FilingAction(action).label}")
    if filing.locked_until and on < filing.locked_until:
        raise FilingLocked(f"以个人承诺方式办理的备案{filing.number}在{filing.locked_until:%Y-%m-%d}前不能"
                           f"{FilingAction(action).label}", filing=filing.number,
                           locked_until=filing.locked_until.isoformat())


def _locked_filing(filing):
    Person.objects.select_for_update().get(pk=filing.person_id)  # person before filing: the order file_filing uses
    return Filing.objects.select_for_update().select_related("person", "region").get(pk=filing.pk)


def change_filing(filing, request, *, actor, channel, case=None):
    """变更: the old filing ends the day the new one starts (request.start_on, not before today)."""
    today = timezone.localdate()
    with transaction.atomic():
        filing = _locked_filing(filing)
        if CLASS_OF[FilingKind(request.kind)] != filing.filing_class:
            raise FilingError(f"备案{filing.number}为{filing.get_filing_class_display()}备案，不能变更为"
                              f"{FilingKind(request.kind).label}备案", filing=filing.number)
        if request.start_on < today:
            raise FilingError("变更自今天或以后的日期起生效", field="start_on")
        check_change(filing, FilingAction.CHANGE, request.start_on)
        terms = check_filing(filing.person, filing.region, request, today=today, replacing=filing)
        filing.status = FilingStatus.CHANGED
        filing.ended_on = max(request.start_on, filing.start_on)
        new = _create(filing.person, filing.region, request, terms, case=case, actor=actor, channel=channel,
                      today=today, note=f"由备案{filing.number}变更")
        filing.replaced_by = new
        filing.save(update_fields=["status", "ended_on", "replaced_by"])
        _event(filing, FilingAction.CHANGE, filing.ended_on, note=f"变更为{new.number}（{new.place}）", case=case,
               actor=actor, channel=channel)
        return new


def cancel_filing(filing, *, on=None, actor, channel, case=None, reason=""):
    """取消备案 from `on` (today by default; not in the past)."""
    today = timezone.localdate()
    on = on or today
    with transaction.atomic():
        filing = _locked_filing(filing)
        if on < today:
            raise FilingError("取消备案自今天或以后的日期起生效", field="on")
        check_change(filing, FilingAction.CANCEL, on)
        filing.status = FilingStatus.CANCELLED
        filing.ended_on = max(on, filing.start_on)
        filing.save(update_fields=["status", "ended_on"])
        _event(filing, FilingAction.CANCEL, filing.ended_on, note=reason or "申请取消备案", case=case, actor=actor,
               channel=channel)
        return filing


def expire_filings(today=None, *, actor=None, channel=Channel.SYSTEM):
    """Mark the temporary filings whose end date has passed as expired. Returns how many. (Their
    validity ends with end_on whether or not this has run: the sweep only updates the status.)"""
    today = today or timezone.localdate()
    count = 0
    ids = list(Filing.objects.filter(status=FilingStatus.VALID, end_on__lt=today).order_by("pk")
               .values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        with transaction.atomic():
            for filing in Filing.objects.select_for_update().filter(pk__in=ids[start:start + 500],
                                                                     status=FilingStatus.VALID).order_by("pk"):
                filing.status = FILINGS.move(filing.status, FilingAction.EXPIRE)
                filing.save(update_fields=["status"])
                FilingEvent.objects.create(filing=filing, action=FilingAction.EXPIRE, on=filing.end_on,
                                           note="临时备案有效期届满", actor=acting_user(actor), channel=channel)
                tell_insured(filing, FilingAction.EXPIRE)
                send_on_commit(filing, FilingAction.EXPIRE)
                count += 1
    if count:
        record(actor=acting_user(actor), channel=channel, action="异地就医备案到期",
               object_type="remote_care.filing", summary=f"{count}件临时备案有效期届满，标记为已过期")
    return count


def record_coordination(case, *, person, filing, provider, source, problem, answer, actor):
    """直接结算问题协调 at 办结: the ticket with the answer fed back."""
    with transaction.atomic():
        row = Coordination.objects.create(case=case, person=person, filing=filing, provider=provider[:200],
                                          source=source, problem=problem, answer=answer,
                                          fed_back_on=timezone.localdate(), actor=acting_user(actor))
        record(actor=acting_user(actor), channel=case.channel, action="异地就医直接结算问题协调", obj=row,
               summary=f"{_case_ref(case)}{row.get_source_display()}反映，已反馈")
    return row


SAMPLE_BASIS = ("示例参数：国家规定临时外出就医人员备案有效期原则上不少于6个月；个人承诺备案限制变更、取消的期限由参保地规定"
                "（常见6个月，未经确认）。指南均未规定（R40），请按本地政策设置")


def ensure_sample_parameters(*, actor=None, channel=Channel.SYSTEM):
    """The sample default for every region (6 months; a commitment filing locked for 6 months),
    labelled 示例参数; an existing default of that date is left as it is. Returns the row."""
    with transaction.atomic():
        params, created = RemoteCareParameters.objects.get_or_create(
            region=None, effective_from=SAMPLE_FROM,
            defaults={"temporary_months": NATIONAL_FLOOR_MONTHS, "commitment_lock_months": 6, "sample": True,
                      "basis": SAMPLE_BASIS})
        if created:
            record(actor=acting_user(actor), channel=channel, action="异地就医备案示例参数", obj=params,
                   summary=str(params))
    return params
