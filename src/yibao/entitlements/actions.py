"""Changes to entitlements, each one action: draw an expert for a recognition case (R04), record
the expert's opinion, recognise (write the register at 办结), revoke."""
import calendar
import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from yibao.cases.interface import CaseState, DomainCheckFailed, notify
from yibao.core.audit import acting_user, record
from yibao.entitlements.models import (
    Entitlement,
    EntitlementHistory,
    EntitlementStatus,
    Expert,
    ExpertOpinion,
    ExpertReview,
    ReviewMode,
)
from yibao.people import policy as staff_policy
from yibao.people.models import Applicant, ApplicantKind


class EntitlementError(DomainCheckFailed):
    code = "entitlement_error"


class NoExpert(EntitlementError):
    code = "no_expert"


class ExpertReviewMissing(EntitlementError):
    code = "expert_review_missing"


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def assign_expert(case, actor, *, mode, channel, rng=None):
    """抽取专家: draw one active expert of the case's region at random, for a review in `mode`
    (one of the four the template names). A case under review only; drawn once."""
    if mode not in ReviewMode.values:
        raise EntitlementError(f"审核方式应为{'、'.join(ReviewMode.labels)}之一", field="mode")
    with transaction.atomic():
        case.refresh_from_db(fields=["state"])
        if case.state != CaseState.UNDER_REVIEW:
            raise EntitlementError(f"办件当前状态为“{case.get_state_display()}”，审核中方可抽取专家")
        staff_policy.check(actor, "approve", region_id=case.region_id)
        if ExpertReview.objects.select_for_update().filter(case=case).exists():
            raise EntitlementError("该办件已抽取专家")
        pool = list(Expert.objects.filter(region_id=case.region_id, active=True).order_by("pk"))
        if not pool:
            raise NoExpert(f"{case.region.name}医疗专家库中没有在库专家，请先在后台维护专家库")
        expert = (rng or secrets.SystemRandom()).choice(pool)
        review = ExpertReview.objects.create(case=case, expert=expert, mode=mode, assigned_by=actor)
        record(actor=acting_user(actor), channel=channel, action="抽取审核专家", obj=review,
               summary=f"{case.receipt_no} 抽取专家{expert.name}（{review.get_mode_display()}）")
    return review


def record_opinion(case, actor, *, opinion, text="", channel):
    """The expert's opinion on the case, entered by the reviewer."""
    if opinion not in (ExpertOpinion.AGREE, ExpertOpinion.DISAGREE):
        raise EntitlementError("专家意见应为同意认定或不同意认定", field="opinion")
    if opinion == ExpertOpinion.DISAGREE and not (text or "").strip():
        raise EntitlementError("不同意认定的，须填写专家意见说明", field="text")
    with transaction.atomic():
        review = ExpertReview.objects.select_for_update().filter(case=case).first()
        if review is None:
            raise ExpertReviewMissing("请先抽取审核专家")
        staff_policy.check(actor, "approve", region_id=case.region_id)
        if review.opinion != ExpertOpinion.PENDING:
            raise EntitlementError("专家意见已录入，不能更改")
        review.opinion, review.opinion_text = opinion, (text or "").strip()[:500]
        review.recorded_at, review.recorded_by = timezone.now(), actor
        review.save(update_fields=["opinion", "opinion_text", "recorded_at", "recorded_by"])
        record(actor=acting_user(actor), channel=channel, action="录入专家意见", obj=review,
               summary=f"{case.receipt_no} {review.expert.name}：{review.get_opinion_display()}",
               changes={"opinion": [ExpertOpinion.PENDING, opinion]})
    return review


def recognise(case, person, scheme, disease, provider, actor, *, on=None):
    """Write the register at 办结 (inside the engine's transaction): the recognition runs from
    `on` for the disease's validity; an earlier active one of the same disease is superseded.
    `provider`: facts.ProviderFacts of the recognising hospital."""
    on = on or timezone.localdate()
    previous = Entitlement.objects.select_for_update().filter(
        person=person, disease_code=disease.code, status=EntitlementStatus.ACTIVE).first()
    if previous is not None:
        previous.status = EntitlementStatus.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
        EntitlementHistory.objects.create(entitlement=previous, action="续认定", status=previous.status,
                                          note=f"由办件{case.receipt_no}重新认定", case=case,
                                          actor=acting_user(actor), channel=case.channel)
    entitlement = Entitlement.objects.create(
        person=person, region=case.region, scheme=scheme, kind=disease.kind, disease=disease,
        disease_code=disease.code, valid_from=on, valid_to=add_months(on, disease.validity_months) - datetime.timedelta(1),
        provider_name=provider.name[:200], provider_code=provider.code, provider_level=provider.level,
        case=case)
    EntitlementHistory.objects.create(entitlement=entitlement, action="认定", status=entitlement.status,
                                      note=f"{disease.name}，有效期至{entitlement.valid_to}", case=case,
                                      actor=acting_user(actor), channel=case.channel)
    record(actor=acting_user(actor), channel=case.channel, action="待遇认定登记", obj=entitlement,
           summary=f"{person} {disease.name} {entitlement.valid_from}至{entitlement.valid_to}")
    return entitlement


def revoke(entitlement, actor, *, reason, channel):
    """撤销 a recognition before its end (e.g. found on fraudulent records), with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise EntitlementError("撤销待遇认定须注明理由", field="reason")
    with transaction.atomic():
        entitlement = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
        staff_policy.check(actor, "approve", region_id=entitlement.region_id)
        if entitlement.status != EntitlementStatus.ACTIVE:
            raise EntitlementError(f"该认定当前为“{entitlement.get_status_display()}”，不能撤销")
        entitlement.status = EntitlementStatus.REVOKED
        entitlement.save(update_fields=["status", "updated_at"])
        EntitlementHistory.objects.create(entitlement=entitlement, action="撤销", status=entitlement.status,
                                          note=reason[:300], actor=acting_user(actor), channel=channel)
        record(actor=acting_user(actor), channel=channel, action="撤销待遇认定", obj=entitlement, summary=reason[:200],
               changes={"status": [EntitlementStatus.ACTIVE, EntitlementStatus.REVOKED]})
        accounts = [a.user for a in Applicant.objects.filter(kind=ApplicantKind.PERSON,
                                                              id_number=entitlement.person.id_number)]
        notify(accounts, entitlement.case, "entitlement_revoked",
               f"您的{entitlement.disease.name}待遇认定（{entitlement.valid_from}至{entitlement.valid_to}）已被撤销：{reason}")
    return entitlement
