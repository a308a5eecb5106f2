"""Every change of the provider register, an agreement and a settlement: one function per verb.

Each runs in one transaction, locks what it changes (select_for_update, ordered by pk), checks the
move against machines.AGREEMENTS or machines.SETTLEMENTS, appends its event row and an audit entry
(core.audit: who, when, what, channel). The designation, change, suspension, resumption and
remote-settlement cases call these from their handlers; the agreement's review steps (evaluation,
publicity, negotiation, signing) and the settlement's answer, re-review and approval are called by
the workbench, the portal and the API after they authorise.
"""
import datetime
import hashlib
import json
import sys
from array import array
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yibao.cases.interface import item_in_force, open_case_as_system
from yibao.core.audit import acting_user, record
from yibao.core.masking import mask_bank_account
from yibao.people import policy
from yibao.people.models import Role
from yibao.providers import audit as rules
from yibao.providers import queries
from yibao.providers.claims_file import read_lines
from yibao.providers.exceptions import (
    AgreementExists,
    AgreementStepRefused,
    ClaimPeriodInvalid,
    InvalidInput,
    NoParameters,
    NotTheProvidersAccount,
    SettlementStepRefused,
)
from yibao.providers.machines import AGREEMENTS, SETTLEMENTS
from yibao.providers.models import (
    LIVE_STATES,
    Agreement,
    AgreementAction,
    AgreementEvent,
    AgreementState,
    ClaimKeys,
    ClaimSubmission,
    DepositRelease,
    FlaggedLine,
    Provider,
    SettlementAction,
    SettlementEvent,
    ReleaseState,
    SettlementState,
    Verdict,
)
from yibao.workdays.calendar import due_date

A = AgreementAction
SA = SettlementAction
FEN = Decimal("0.01")
# The fields of the register a change case may alter; the major ones (令第2号/第3号) need the
# approving document and are due within 30 working days of its date.
CHANGEABLE = ("name", "legal_representative", "principal", "address", "bank_name", "bank_account", "level",
              "ownership", "kind", "licence_kind", "licence_no", "business_licence_no")
# The changeable fields by their Chinese names (forms accept either: 名称=新名称).
PROVIDER_FIELDS = {"name": "机构名称", "legal_representative": "法定代表人", "principal": "主要负责人",
                   "address": "注册地址", "bank_name": "开户银行", "bank_account": "银行账号", "level": "医院等级",
                   "ownership": "经营性质", "kind": "机构类别", "licence_kind": "许可证照", "licence_no": "许可证照号码",
                   "business_licence_no": "营业执照"}
MAJOR = ("name", "legal_representative", "principal", "address", "bank_name", "bank_account", "level",
         "ownership", "kind")
MASKED = ("bank_account",)


def _fen(cents):
    return (Decimal(cents) / 100).quantize(FEN)


def _shown(field, value):
    return mask_bank_account(value) if field in MASKED else value


# ---------------------------------------------------------------- agreements


def _lock_agreement(agreement):
    return Agreement.objects.select_for_update().select_related("provider").get(pk=agreement.pk)


def _step(agreement, action, actor, channel, *, case=None, on=None, comment="", payload=None, fields=()):
    """Move `agreement` (locked) by `action`, save `fields` with the state, append the event and the
    audit entry. Returns the agreement."""
    before = agreement.state
    agreement.state = AGREEMENTS.move(before, action)
    agreement.save(update_fields=["state", "updated_at", *fields])
    AgreementEvent.objects.create(agreement=agreement, action=action, from_state=before, to_state=agreement.state,
                                  on=on or timezone.localdate(), actor=acting_user(actor), channel=channel, case=case,
                                  comment=(comment or "")[:500], payload=payload or {})
    record(actor=acting_user(actor), channel=channel, action=A(action).label, obj=agreement,
           summary=f"{agreement.provider}：{AgreementState(before).label}→{agreement.get_state_display()}"
                   f"{'，' + comment if comment else ''}",
           changes={"state": [before, agreement.state], **(payload or {})})
    return agreement


def _staff(actor, region_id, verb="review"):
    """The acting staff member may take the agreement's review steps in this region (审核 role)."""
    policy.check(actor, verb, region_id=region_id)


def _head(actor, region_id):
    """The head of the agency (负责人): a supervisor of the region (or the admin role)."""
    profile = policy.staff_profile(actor)
    if profile is None or (Role.ADMIN not in profile.roles and (
            profile.region_id != region_id or Role.SUPERVISOR not in profile.roles)):
        raise policy.NotAllowed("只有本地区经办机构负责人（主管）可以核准结算")


def register_application(case, particulars, actor, channel):
    """At 受理 of a designation case: the provider's particulars into the register (new, or the
    register row brought up to date) and its agreement opened as 已申请. Refused when the provider
    has a live agreement already."""
    code = case.applicant.id_number
    with transaction.atomic():
        provider = Provider.objects.select_for_update().filter(code=code).first()
        fields = {k: particulars[k] or "" for k in CHANGEABLE if k in particulars}
        if provider is None:
            provider = Provider.objects.create(code=code, region=case.region, account=case.applicant, **fields)
        else:
            if provider.agreements.filter(state__in=LIVE_STATES).exists():
                raise AgreementExists(f"{provider.name}已有进行中或有效的定点协议，不能重复申请")
            for k, v in fields.items():
                setattr(provider, k, v)
            provider.region, provider.account = case.region, case.applicant
            provider.save()
        try:
            with transaction.atomic():
                agreement = Agreement.objects.create(provider=provider, region=case.region, case=case)
        except IntegrityError:
            raise AgreementExists(f"{provider.name}已有进行中或有效的定点协议，不能重复申请") from None
        AgreementEvent.objects.create(agreement=agreement, action=A.APPLY, to_state=agreement.state,
                                      actor=acting_user(actor), channel=channel, case=case,
                                      comment=f"受理{case.receipt_no}")
        record(actor=acting_user(actor), channel=channel, action=A.APPLY.label, obj=agreement,
               summary=f"{provider}申请定点（{case.receipt_no}）", changes={"state": ["", agreement.state]})
    return agreement


def agreement_for_case(case):
    return Agreement.objects.filter(case=case).select_related("provider").first()


def start_evaluation(case, actor, channel):
    """At 审核 of a designation case: the evaluation begins."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement_for_case(case))
        return _step(agreement, A.EVALUATE, actor, channel, case=case, comment="组织专家评估")


def record_evaluation(agreement, actor, *, channel, panel, onsite_on, score, passed, opinion, publicised_on=None):
    """The expert panel's evaluation with its on-site visit (R69). Passed: the result is publicised
    from `publicised_on` (the day it went up on the website, today by default) for the policy's
    number of working days. Failed: the application is rejected (the case is then denied)."""
    panel = [p.strip() for p in (panel or []) if p and p.strip()]
    if len(panel) < 3:
        raise InvalidInput("评估专家组至少3人，请填写专家姓名", field="panel")
    today = timezone.localdate()
    if onsite_on is None or onsite_on > today:
        raise InvalidInput("请填写已完成的现场评估日期（不晚于今天）", field="onsite_on")
    if score is None or not 0 <= score <= 100:
        raise InvalidInput("评估得分应在0至100之间", field="score")
    if not (opinion or "").strip():
        raise InvalidInput("请填写评估意见", field="opinion")
    publicised_on = publicised_on or today
    if passed and not onsite_on <= publicised_on <= today:
        raise InvalidInput("公示开始日期应在现场评估之后、不晚于今天", field="publicised_on")
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        _staff(actor, agreement.region_id)
        params = queries.parameters(agreement.region, today)
        if params is None:
            raise NoParameters(f"{agreement.region.name}未设置定点结算参数（公示期）")
        agreement.evaluation = {"panel": panel, "onsite_on": onsite_on.isoformat(), "score": score,
                                "passed": bool(passed), "opinion": opinion.strip()[:500]}
        payload = {"evaluation": agreement.evaluation}
        if not passed:
            agreement.ended_on, agreement.end_reason = today, f"评估未通过：{opinion.strip()[:200]}"
            return _step(agreement, A.REJECT, actor, channel, case=agreement.case, payload=payload,
                         comment=agreement.end_reason, fields=["evaluation", "ended_on", "end_reason"])
        agreement.publicity_from = publicised_on
        agreement.publicity_until = due_date(publicised_on, params.publicity_days).date
        payload["publicity"] = [publicised_on.isoformat(), agreement.publicity_until.isoformat()]
        return _step(agreement, A.PASS, actor, channel, case=agreement.case, payload=payload,
                     comment=f"评估得分{score}，公示至{agreement.publicity_until}",
                     fields=["evaluation", "publicity_from", "publicity_until"])


def record_objection(agreement, actor, *, channel, text, upheld, finding=""):
    """An objection raised during the publicity, with the office's finding; one upheld ends the
    application."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput("请填写异议内容", field="text")
    if upheld and not (finding or "").strip():
        raise InvalidInput("异议成立的，请填写核查结论", field="finding")
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        _staff(actor, agreement.region_id)
        payload = {"objection": text[:300], "upheld": bool(upheld), "finding": (finding or "").strip()[:300]}
        if agreement.state == AgreementState.PUBLICISED and timezone.localdate() > agreement.publicity_until:
            raise AgreementStepRefused(f"公示已于{agreement.publicity_until}期满，不再受理异议")
        if upheld:
            agreement.ended_on, agreement.end_reason = timezone.localdate(), f"公示异议成立：{finding.strip()[:200]}"
            return _step(agreement, A.REJECT, actor, channel, case=agreement.case, payload=payload,
                         comment=agreement.end_reason, fields=["ended_on", "end_reason"])
        return _step(agreement, A.OBJECT, actor, channel, case=agreement.case, payload=payload,
                     comment="异议不成立" + (f"：{finding.strip()[:200]}" if finding else ""))


def end_publicity(agreement, actor, *, channel):
    """The publicity period is over with no objection upheld: negotiation begins."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        _staff(actor, agreement.region_id)
        AGREEMENTS.move(agreement.state, A.NEGOTIATE)
        if agreement.publicity_until and timezone.localdate() <= agreement.publicity_until:
            raise AgreementStepRefused(f"公示期至{agreement.publicity_until}，期满后方可进入协商谈判",
                                       publicity_until=agreement.publicity_until.isoformat())
        return _step(agreement, A.NEGOTIATE, actor, channel, case=agreement.case, comment="公示期满无成立异议")


def sign_agreement(agreement, actor, *, channel, starts_on, signed_on=None, notes=""):
    """The negotiated agreement signed (R69): its period from `starts_on` for the policy's years.
    It comes into force when the designation case is completed."""
    today = timezone.localdate()
    signed_on = signed_on or today
    if signed_on > today:
        raise InvalidInput("签订日期不能晚于今天", field="signed_on")
    if starts_on is None or starts_on < signed_on:
        raise InvalidInput("协议起始日期不能早于签订日期", field="starts_on")
    with transaction.atomic():
        agreement = _lock_agreement(agreement)
        _staff(actor, agreement.region_id)
        if agreement.signed_on:
            raise AgreementStepRefused(f"协议已于{agreement.signed_on}签订")
        params = queries.parameters(agreement.region, today)
        if params is None:
            raise NoParameters(f"{agreement.region.name}未设置定点结算参数（协议期）")
        agreement.signed_on, agreement.starts_on = signed_on, starts_on
        agreement.ends_on = starts_on.replace(year=starts_on.year + params.agreement_years) - datetime.timedelta(days=1)
        return _step(agreement, A.SIGN, actor, channel, case=agreement.case,
                     payload={"period": [starts_on.isoformat(), agreement.ends_on.isoformat()]},
                     comment=f"签订医保服务协议，协议期{starts_on}至{agreement.ends_on}{'；' + notes if notes else ''}",
                     fields=["signed_on", "starts_on", "ends_on"])


def activate(case, actor, channel):
    """办结 of a designation case: the signed agreement comes into force (on its start date)."""
    with transaction.atomic():
        agreement = _lock_agreement(agreement_for_case(case))
        if not agreement.signed_on:
            raise AgreementStepRefused("协议尚未签订，不能办结")
        return _step(agreement, A.ACTIVATE, actor, channel, case=case, on=max(agreement.starts_on, timezone.localdate()),
                     comment=f"纳入定点管理，协议期{agreement.starts_on}至{agreement.ends_on}")


def reject_application(case, actor, channel, reason):
    """A designation case denied, refused or withdrawn: its agreement (if opened) is rejected."""
    with transaction.atomic():
        agreement = agreement_for_case(case)
        if agreement is None:
            return None
        agreement = _lock_agreement(agreement)
        if agreement.state in (AgreementState.REJECTED,):
            return agreement
        agreement.ended_on, agreement.end_reason = timezone.localdate(), reason[:300]
        return _step(agreement, A.REJECT, actor, channel, case=case, comment=reason,
                     fields=["ended_on", "end_reason"])


def live_agreement_locked(provider):
    agreement = queries.live_agreement(provider)
    return _lock_agreement(agreement) if agreement else None


def change_particulars(provider, changes, actor, channel, *, case=None, late=False, evidence=""):
    """信息变更: the register's fields changed (before and after recorded, the bank account masked)."""
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        agreement = live_agreement_locked(provider)
        if agreement is None or agreement.state not in (AgreementState.IN_FORCE, AgreementState.SUSPENDED):
            raise AgreementStepRefused(f"{provider.name}无有效的定点协议，不能办理信息变更")
        diff = {}
        for field, value in changes.items():
            if field not in CHANGEABLE:
                continue
            old = getattr(provider, field)
            if old != value:
                diff[field] = [_shown(field, old), _shown(field, value)]
                setattr(provider, field, value)
        if not diff:
            raise AgreementStepRefused("变更内容与登记信息相同，无需变更")
        provider.save()
        _step(agreement, A.CHANGE, actor, channel, case=case,
              payload={"changes": diff, "late": late, "evidence": evidence[:200]},
              comment=("逾期申请（超过批准之日起30个工作日）；" if late else "") + "变更" + "、".join(
                  Provider._meta.get_field(f).verbose_name for f in diff))
        return provider, diff


def open_remote(provider, scopes, actor, channel, *, case=None):
    """开通异地就医直接结算 (R75): 省内 and/or 跨省 on the agreement in force."""
    with transaction.atomic():
        agreement = live_agreement_locked(provider)
        if agreement is None or agreement.state != AgreementState.IN_FORCE:
            raise AgreementStepRefused(f"{provider.name}的定点协议不在履行中，不能开通异地就医直接结算")
        new = [s for s in scopes if not (agreement.scope_provincial if s == "省内" else agreement.scope_national)]
        if not new:
            raise AgreementStepRefused(f"{provider.name}已开通{'、'.join(scopes)}异地就医直接结算")
        agreement.scope_provincial = agreement.scope_provincial or "省内" in new
        agreement.scope_national = agreement.scope_national or "跨省" in new
        return _step(agreement, A.OPEN_REMOTE, actor, channel, case=case, payload={"opened": new},
                     comment=f"开通{'、'.join(new)}异地就医直接结算",
                     fields=["scope_provincial", "scope_national"])


def suspend(provider, actor, channel, *, reason, on=None, case=None):
    """暂停/中止 the agreement in force. The second suspension in one agreement period ends it
    instead (令第2号: grounds for termination). Returns the agreement."""
    with transaction.atomic():
        agreement = live_agreement_locked(provider)
        if agreement is None:
            raise AgreementStepRefused(f"{provider.name}无有效的定点协议")
        if case is None:
            _staff(actor, agreement.region_id)
        word = queries.suspension_word(agreement.region)
        AGREEMENTS.move(agreement.state, A.SUSPEND, message=f"协议当前为“{agreement.get_state_display()}”，不能{word}")
        on = on or timezone.localdate()
        if agreement.suspensions >= 1:
            agreement.ended_on = on
            agreement.end_reason = f"一个协议期内第二次{word}，解除协议（原因：{reason}）"[:300]
            return _step(agreement, A.TERMINATE, actor, channel, case=case, on=on, comment=agreement.end_reason,
                         payload={"second_suspension": True}, fields=["ended_on", "end_reason"])
        agreement.suspensions += 1
        return _step(agreement, A.SUSPEND, actor, channel, case=case, on=on, comment=f"{word}协议：{reason}",
                     payload={"word": word}, fields=["suspensions"])


def resume(provider, actor, channel, *, case=None, licence=None):
    """恢复: back in force from a suspension, the agreement not expired; new licence data recorded."""
    with transaction.atomic():
        agreement = live_agreement_locked(provider)
        if agreement is None:
            raise AgreementStepRefused(f"{provider.name}无有效的定点协议")
        word = queries.suspension_word(agreement.region)
        AGREEMENTS.move(agreement.state, A.RESUME, message=f"只有{word}中的协议可以恢复（当前为“{agreement.get_state_display()}”）")
        today = timezone.localdate()
        if agreement.ends_on and agreement.ends_on < today:
            raise AgreementStepRefused(f"协议已于{agreement.ends_on}到期，不能恢复，请重新申请定点")
        payload = {}
        if licence:
            p = Provider.objects.select_for_update().get(pk=provider.pk)
            payload["licence"] = {k: [getattr(p, k), v] for k, v in licence.items() if getattr(p, k) != v}
            for k, v in licence.items():
                setattr(p, k, v)
            p.save()
        return _step(agreement, A.RESUME, actor, channel, case=case, payload=payload, comment="恢复协议管理")


def terminate(provider, actor, channel, *, reason, case=None):
    with transaction.atomic():
        agreement = live_agreement_locked(provider)
        if agreement is None:
            raise AgreementStepRefused(f"{provider.name}无有效的定点协议")
        if case is None:
            _staff(actor, agreement.region_id)
        AGREEMENTS.move(agreement.state, A.TERMINATE)
        agreement.ended_on, agreement.end_reason = timezone.localdate(), reason[:300]
        return _step(agreement, A.TERMINATE, actor, channel, case=case, comment=f"解除协议：{reason}",
                     fields=["ended_on", "end_reason"])


def expire_agreements(on, actor=None, channel="command"):
    """Agreements whose period ended before `on` and were not renewed: 已到期. Returns how many."""
    ids = list(Agreement.objects.filter(state__in=(AgreementState.IN_FORCE, AgreementState.SUSPENDED),
                                        ends_on__lt=on).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().select_related("provider").get(pk=pk)
            if agreement.state in (AgreementState.IN_FORCE, AgreementState.SUSPENDED) and agreement.ends_on < on:
                agreement.ended_on, agreement.end_reason = agreement.ends_on, "协议期满未续签"
                _step(agreement, A.EXPIRE, actor, channel, on=agreement.ends_on + datetime.timedelta(days=1),
                      comment="协议期满未续签", fields=["ended_on", "end_reason"])
    return len(ids)


# ---------------------------------------------------------------- settlement


def _lock_submission(submission):
    return (ClaimSubmission.objects.select_for_update(of=("self",)).select_related("provider", "case")
            .get(pk=submission.pk))


def _settle_step(submission, action, actor, channel, *, comment="", payload=None, fields=()):
    before = submission.state
    submission.state = SETTLEMENTS.move(before, action)
    submission.save(update_fields=["state", "updated_at", *fields])
    SettlementEvent.objects.create(submission=submission, action=action, from_state=before, to_state=submission.state,
                                   actor=acting_user(actor), channel=channel, comment=(comment or "")[:500],
                                   payload=payload or {})
    record(actor=acting_user(actor), channel=channel, action=SA(action).label, obj=submission,
           summary=f"{submission}：{SettlementState(before).label}→{submission.get_state_display()}"
                   f"{'，' + comment if comment else ''}", changes={"state": [before, submission.state], **(payload or {})})
    return submission


def claim_window(region, period, today):
    """(first, last, due) of a claim period, or ClaimPeriodInvalid: a past month (a quarter-end
    month where the region settles quarterly), submitted on or before its due day."""
    try:
        year, month = (int(p) for p in period.split("-"))
        first = datetime.date(year, month, 1)
    except (ValueError, AttributeError):
        raise InvalidInput("结算期格式应为YYYY-MM", field="period") from None
    params = queries.parameters(region, today)
    if params is None:
        raise NoParameters(f"{region.name}未设置定点结算参数")
    _, last = rules.period_bounds(f"{year:04d}-{month:02d}")
    if params.quarterly:
        if month % 3:
            raise ClaimPeriodInvalid(f"{region.name}按季度结算，结算期应为季度末月（3、6、9、12月）", field="period")
        first = datetime.date(year, month - 2, 1)
    if last >= today:
        raise ClaimPeriodInvalid(f"{period}尚未结束，不能申报结算", field="period")
    due = datetime.date(year + (month == 12), month % 12 + 1, params.claim_due_day)
    if today > due:
        raise ClaimPeriodInvalid(f"{period}的结算申报须于{due:%Y年%m月%d日}前提交，已逾期，请与经办机构联系",
                                 field="period", due=due.isoformat())
    return first, last, due, params


def submit_claims(provider, period, stream, filename, actor, *, channel, open_case):
    """申报结算: read and audit the claim file of `period` (the preliminary result), store the
    submission with its flagged lines and open the settlement case through `open_case(item_code,
    data)` (the engine's submission, as the provider). The file is read before the transaction; a
    file with a bad line is refused whole and nothing is stored."""
    today = timezone.localdate()
    user = acting_user(actor)
    applicant = getattr(user, "applicant", None) if user else None
    if applicant is None or applicant.id_number != provider.code:
        raise NotTheProvidersAccount("只能以本机构账户申报本机构的结算费用")
    first, last, due, params = claim_window(provider.region, period, today)
    if not provider.agreements.filter(state__in=(AgreementState.IN_FORCE, AgreementState.SUSPENDED,
                                                 AgreementState.TERMINATED, AgreementState.EXPIRED)).exists():
        raise AgreementStepRefused(f"{provider.name}未签订定点协议，不能申报结算")
    digest = hashlib.sha256()

    class Hashed:
        def read(self, n=-1):
            chunk = stream.read(n)
            digest.update(chunk)
            return chunk

        def seek(self, *a):  # openpyxl reads a zip: it seeks, so the digest is taken separately
            return stream.seek(*a)

        def tell(self):
            return stream.tell()

    reader = Hashed() if not filename.lower().endswith(".xlsx") else stream
    ceiling = int(params.line_ceiling * 100)
    result = rules.audit(read_lines(reader, filename), first=first, last=last,
                         suspended_days=queries.suspended_days(provider.pk, first, last), line_ceiling=ceiling,
                         filed=rules.filings(*rules.place_of(provider.region)), earlier=earlier_claims(provider.pk))
    if filename.lower().endswith(".xlsx"):
        stream.seek(0)
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    if result.lines == 0:
        return declare_none(provider, period, actor, channel=channel, filename=filename, digest=digest.hexdigest(),
                            params=params)
    code = "hospital-settlement" if provider.is_medical else "pharmacy-settlement"
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = ClaimSubmission.objects.create(
                    provider=provider, region=provider.region, period=period, filename=(filename or "")[:200],
                    digest=digest.hexdigest(), lines=result.lines, total_amount=_fen(result.total_amount),
                    claimed=_fen(result.claimed), rejected_preliminary=_fen(result.rejected),
                    by_rule={k: {"lines": v["lines"], "amount": str(_fen(v["amount"]))} for k, v in result.by_rule.items()},
                    submitted_by=user, parameters_label=params.label)
        except IntegrityError:
            raise ClaimPeriodInvalid(f"{provider.name}{period}的结算已申报，不能重复申报", field="period") from None
        store_flagged(submission, result.flagged, result.notes)
        store_keys(submission, first, last, result.keys)
        SettlementEvent.objects.create(
            submission=submission, action=SA.SUBMIT, to_state=submission.state, actor=user, channel=channel,
            comment=f"{result.lines}条明细，初审拒付{len(result.flagged)}条",
            payload={"claimed": str(submission.claimed), "rejected": str(submission.rejected_preliminary)})
        case = open_case(code, {"period": period, "submission": submission.pk})
        submission.case = case
        submission.save(update_fields=["case", "updated_at"])
        record(actor=user, channel=channel, action=SA.SUBMIT.label, obj=submission,
               summary=f"{submission} {result.lines}条，申报{submission.claimed}元，初审拒付{submission.rejected_preliminary}元",
               changes={"case": case.receipt_no, "digest": submission.digest})
    return submission


def declare_none(provider, period, actor, *, channel, filename="", digest="", params=None):
    """零申报: a month without claims (the file has its header and no line). The period is recorded
    as settled at 0.00 with nothing to pay and no case to open, so the month is not "missing" and a
    second file for it is refused like any repeat."""
    user = acting_user(actor)
    if params is None:
        _, _, _, params = claim_window(provider.region, period, timezone.localdate())
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = ClaimSubmission.objects.create(
                    provider=provider, region=provider.region, period=period, filename=(filename or "")[:200],
                    digest=digest or hashlib.sha256(b"").hexdigest(), lines=0, state=SettlementState.SETTLED,
                    rejected_final=Decimal("0.00"), approved=Decimal("0.00"), deposit=Decimal("0.00"),
                    payable=Decimal("0.00"), deposit_rate=params.deposit_rate, submitted_by=user,
                    parameters_label=params.label)
        except IntegrityError:
            raise ClaimPeriodInvalid(f"{provider.name}{period}的结算已申报，不能重复申报", field="period") from None
        SettlementEvent.objects.create(submission=submission, action=SA.DECLARE_NONE, to_state=submission.state,
                                       actor=user, channel=channel, comment=f"{period}无医保费用，零申报")
        record(actor=user, channel=channel, action=SA.DECLARE_NONE.label, obj=submission,
               summary=f"{submission} 零申报（无医保费用，无需拨付）", changes={"state": ["", submission.state]})
    return submission


def store_keys(submission, first, last, keys):
    """The fingerprints of the period's lines, for the later periods' duplicate rule."""
    packed = array("Q", keys)
    if sys.byteorder == "big":
        packed.byteswap()
    ClaimKeys.objects.create(submission=submission, first=first, last=last, count=len(packed), keys=packed.tobytes())


def earlier_claims(provider_id):
    """earlier(keys, since) -> {key: period} for the audit: which of `keys` (lines dated before the
    period being audited, on or after `since`) a live earlier submission of the provider holds."""

    def earlier(keys, since):
        wanted, found = set(keys), {}
        rows = (ClaimKeys.objects.filter(submission__provider_id=provider_id, last__gte=since)
                .exclude(submission__state=SettlementState.VOID).order_by("first")
                .values_list("keys", "submission__period"))
        for blob, period in rows:
            packed = array("Q")
            packed.frombytes(bytes(blob))
            if sys.byteorder == "big":
                packed.byteswap()
            for key in wanted.intersection(packed):
                found.setdefault(key, period)
        return found

    return earlier


def store_flagged(submission, flagged, notes=None):
    """The flagged lines of an audit ([(Line, [rule codes])], with {line_no: note}) as rows of
    `submission`: one INSERT per batch of plain tuples (a province's month may flag hundreds of thousands)."""
    notes = notes or {}
    meta = FlaggedLine._meta
    columns = ["submission_id", "line_no", "patient_id", "patient_name", "visit_no", "visit_on", "item_code",
               "item_name", "catalogue_class", "amount", "fund_share", "rules", "verdict", "answer", "review_note", "note"]
    quote = connection.ops.quote_name
    names = ", ".join(quote(meta.get_field("submission" if c == "submission_id" else c).column) for c in columns)
    sql = (f"INSERT INTO {quote(meta.db_table)} ({names}) "
           f"VALUES ({', '.join('%s::jsonb' if c == 'rules' and connection.vendor == 'postgresql' else '%s' for c in columns)})")
    rejected = Verdict.REJECTED.value
    rows = [(submission.pk, line.line_no, line.patient_id, line.patient_name, line.visit_no, line.visit_on,
             line.item_code, line.item_name, line.catalogue_class, _fen(line.amount), _fen(line.fund_share),
             json.dumps(faults), rejected, "", "", notes.get(line.line_no, "")[:300]) for line, faults in flagged]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start:start + 5000])


def answer_lines(submission, answers, actor, *, channel):
    """The provider's line-by-line answer to the preliminary result (R78): {line_no: ("accept"|
    "dispute", reason)}; a dispute needs its reason. Answers may be changed until the re-review."""
    user = acting_user(actor)
    with transaction.atomic():
        submission = _lock_submission(submission)
        applicant = getattr(user, "applicant", None) if user else None
        if applicant is None or applicant.id_number != submission.provider.code:
            raise NotTheProvidersAccount("只能由本机构对初审结果反馈意见")
        SETTLEMENTS.move(submission.state, SA.ANSWER)
        lines = {f.line_no: f for f in FlaggedLine.objects.select_for_update().filter(
            submission=submission, line_no__in=[int(n) for n in answers]).order_by("pk")}
        changed = []
        for n, (kind, reason) in answers.items():
            line = lines.get(int(n))
            if line is None:
                raise SettlementStepRefused(f"第{n}行不是初审拒付明细", field="line_no", line=n)
            reason = (reason or "").strip()
            if kind == "dispute" and not reason:
                raise InvalidInput(f"第{n}行有异议的，请说明理由", field="reason", line=n)
            if kind not in ("accept", "dispute"):
                raise InvalidInput(f"第{n}行的反馈应为认可或有异议", field="kind", line=n)
            line.verdict = Verdict.DISPUTED if kind == "dispute" else Verdict.ACCEPTED
            line.answer = reason[:500]
            changed.append(line)
        FlaggedLine.objects.bulk_update(changed, ["verdict", "answer"])
        disputed = sum(1 for line in changed if line.verdict == Verdict.DISPUTED)
        return _settle_step(submission, SA.ANSWER, actor, channel,
                            comment=f"反馈{len(changed)}条，其中有异议{disputed}条",
                            payload={"answered": len(changed), "disputed": disputed})


def re_review(submission, decisions, actor, *, channel):
    """复审 (R78): each disputed line upheld or restored ({line_no: ("uphold"|"restore", note)}); the
    result is fixed: approved = claimed - rejected, the deposit held back at the policy's rate."""
    with transaction.atomic():
        submission = _lock_submission(submission)
        _staff(actor, submission.region_id)
        SETTLEMENTS.move(submission.state, SA.REVIEW)
        if submission.case is None or submission.case.state != "under_review":
            raise SettlementStepRefused("结算办件进入审核后方可复审")
        flagged = list(FlaggedLine.objects.select_for_update().filter(submission=submission).order_by("pk"))
        by_no = {f.line_no: f for f in flagged}
        for n in decisions:
            if int(n) not in by_no:
                raise SettlementStepRefused(f"第{n}行不是初审拒付明细", field="line_no", line=n)
        undecided = [f.line_no for f in flagged if f.verdict == Verdict.DISPUTED and str(f.line_no) not in
                     {str(k) for k in decisions}]
        if undecided:
            raise SettlementStepRefused(f"以下有异议的明细尚未复审：第{'、'.join(map(str, undecided[:20]))}行",
                                        lines=undecided[:100])
        for n, (kind, note) in decisions.items():
            line = by_no[int(n)]
            if kind not in ("uphold", "restore"):
                raise InvalidInput(f"第{n}行的复审结论应为维持拒付或予以支付", field="kind", line=n)
            note = (note or "").strip()
            if not note:
                raise InvalidInput(f"第{n}行请填写复审意见", field="note", line=n)
            line.verdict = Verdict.RESTORED if kind == "restore" else Verdict.UPHELD
            line.review_note = note[:500]
        FlaggedLine.objects.bulk_update(flagged, ["verdict", "review_note"])
        params = queries.parameters(submission.region, timezone.localdate())
        if params is None:
            raise NoParameters(f"{submission.region.name}未设置定点结算参数（质量保证金比例）")
        rejected = sum((f.fund_share for f in flagged if f.verdict != Verdict.RESTORED), Decimal("0.00"))
        submission.rejected_final = rejected
        submission.approved = (submission.claimed - rejected).quantize(FEN)
        submission.deposit_rate = params.deposit_rate
        submission.deposit = (submission.approved * params.deposit_rate).quantize(FEN, rounding=ROUND_HALF_UP)
        submission.payable = submission.approved - submission.deposit
        submission.parameters_label = params.label
        restored = sum(1 for f in flagged if f.verdict == Verdict.RESTORED)
        return _settle_step(submission, SA.REVIEW, actor, channel,
                            comment=f"复审：予以支付{restored}条；核定{submission.approved}元，预留保证金{submission.deposit}元，"
                                    f"应拨付{submission.payable}元",
                            payload={"approved": str(submission.approved), "deposit": str(submission.deposit),
                                     "payable": str(submission.payable), "restored": restored},
                            fields=["rejected_final", "approved", "deposit", "payable", "deposit_rate",
                                    "parameters_label"])


def approve_settlement(submission, actor, *, channel, comment=""):
    """负责人核准 (R76): the head approves the re-reviewed result; the case's 审核通过 follows."""
    with transaction.atomic():
        submission = _lock_submission(submission)
        _head(actor, submission.region_id)
        SETTLEMENTS.move(submission.state, SA.APPROVE)
        user = acting_user(actor)
        reviewers = set(submission.events.filter(action=SA.REVIEW).values_list("actor_id", flat=True))
        if user is None or user.pk in reviewers:
            # separation of duties: whoever fixed the result may not approve it, whatever their rights
            raise policy.NotAllowed("复审人员不得核准本次结算，请由其他负责人核准")
        submission.approved_by = acting_user(actor)
        return _settle_step(submission, SA.APPROVE, actor, channel, comment=comment or f"核准{submission.approved}元",
                            fields=["approved_by"])


def settle(case, actor, channel):
    """办结 of a settlement case: the submission is settled (its order was paid)."""
    submission = ClaimSubmission.objects.select_for_update().get(case=case)
    return _settle_step(submission, SA.SETTLE, actor, channel, comment=f"已拨付{submission.payable}元")


def release_deposit(provider, year, score, actor, *, channel):
    """质量保证金返还 after the year's assessment (年度考核): the deposits held back from the
    provider's settled months of `year` are paid back, in full at or above the parameters' score,
    else in proportion to it; the rest is withheld for good. The payment goes through a settlement
    case opened by the system on the provider's account (审核, 拨付 and 办结 as every payment). Each
    month's deposit is released once: the submissions are tied to the release (a constraint holds
    one live release per provider and year)."""
    today = timezone.localdate()
    try:
        year = int(year)
        score = Decimal(str(score)).quantize(FEN)
    except (TypeError, ValueError, ArithmeticError):
        raise InvalidInput("考核年度应为年份，考核得分应为0至100的数字", field="score") from None
    if not 2000 <= year < today.year:
        raise InvalidInput("考核年度须为已结束的年度", field="year")
    if not Decimal("0") <= score <= Decimal("100"):
        raise InvalidInput("年度考核得分应在0至100之间", field="score")
    with transaction.atomic():
        provider = Provider.objects.select_for_update(of=("self",)).select_related("region", "account").get(pk=provider.pk)
        _staff(actor, provider.region_id)
        params = queries.parameters(provider.region, today)
        if params is None:
            raise NoParameters(f"{provider.region.name}未设置定点结算参数（保证金返还）")
        of_year = ClaimSubmission.objects.select_for_update().filter(provider=provider, period__startswith=f"{year:04d}-")
        open_ones = [s.period for s in of_year if s.state not in (SettlementState.SETTLED, SettlementState.VOID)]
        if open_ones:
            raise SettlementStepRefused(f"{year}年度尚有未办结的结算（{'、'.join(sorted(open_ones))}），办结后再返还保证金")
        months = [s for s in of_year.order_by("pk") if s.state == SettlementState.SETTLED and s.deposit
                  and s.deposit_release_id is None]
        held = sum((s.deposit for s in months), Decimal("0.00"))
        if not held:
            raise SettlementStepRefused(f"{provider.name}{year}年度没有待返还的质量保证金")
        full = score >= params.release_score
        released = held if full else (held * score / 100).quantize(FEN, rounding=ROUND_HALF_UP)
        try:
            with transaction.atomic():
                release = DepositRelease.objects.create(
                    provider=provider, region=provider.region, year=year, score=score, held=held, released=released,
                    withheld=held - released, created_by=acting_user(actor), parameters_label=params.label,
                    state=ReleaseState.PENDING if released else ReleaseState.SETTLED)
        except IntegrityError:
            raise SettlementStepRefused(f"{provider.name}{year}年度的质量保证金已办理返还") from None
        ClaimSubmission.objects.filter(pk__in=[s.pk for s in months]).update(deposit_release=release)
        rule = "全额返还" if full else f"低于{params.release_score}分，按得分比例返还"
        if released:
            if provider.account is None:
                raise SettlementStepRefused(f"{provider.name}没有登录账户，不能办理返还")
            code = "hospital-settlement" if provider.is_medical else "pharmacy-settlement"
            release.case = open_case_as_system(
                item_in_force(provider.region, code), provider.account,
                data={"period": f"{year:04d}-12", "release": release.pk},
                comment=f"{year}年度质量保证金返还{released}元（考核{score}分，{rule}）")
            release.save(update_fields=["case"])
        record(actor=acting_user(actor), channel=channel, action="质量保证金返还", obj=release,
               summary=f"{release}：预留{held}元，考核{score}分，{rule}，返还{released}元，不予返还{release.withheld}元",
               changes={"held": str(held), "released": str(released), "withheld": str(release.withheld),
                        "months": [s.period for s in months], "case": release.case.receipt_no if release.case else ""})
    return release


def end_release(case, actor, channel, *, paid):
    """A release case completed (paid: 已返还) or ended without payment (the deposits are held again)."""
    release = DepositRelease.objects.select_for_update().filter(case=case).first()
    if release is None or release.state != ReleaseState.PENDING:
        return release
    release.state = ReleaseState.SETTLED if paid else ReleaseState.VOID
    release.save(update_fields=["state"])
    if not paid:
        release.submissions.update(deposit_release=None)
    record(actor=acting_user(actor), channel=channel, action="质量保证金返还" + ("办结" if paid else "作废"), obj=release,
           summary=f"{release}：{'已返还' + str(release.released) + '元' if paid else '办件未通过，保证金继续预留'}",
           changes={"state": [ReleaseState.PENDING, release.state]})
    return release


def settle_at_zero(case, actor, channel):
    """The approved result pays nothing (every line rejected, or the deposit takes it all): the
    month is settled at 0.00 while its case is closed without payment (审核不通过 with that reason)."""
    submission = ClaimSubmission.objects.select_for_update().get(case=case)
    if submission.payable:
        raise SettlementStepRefused("本期有应拨付金额，须拨付后办结")
    return _settle_step(submission, SA.SETTLE, actor, channel, comment="核定应拨付0元，无需拨付")


def void_submission(case, actor, channel, reason):
    submission = ClaimSubmission.objects.select_for_update().filter(case=case).first()
    if submission is None or submission.state in (SettlementState.VOID, SettlementState.SETTLED):
        return submission
    return _settle_step(submission, SA.VOID, actor, channel, comment=reason)
