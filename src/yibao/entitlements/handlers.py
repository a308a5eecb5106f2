"""The handlers of the recognition items: chronic-disease (门诊慢特病), two-diseases (两病) and
special-drugs (单行支付药品、高值药品). Each declares its case data, lists the disease's own
documents under 病历资料, checks the disease list and the hospital-level rule the guide states
(R43), requires the expert review (R04) before 审核通过, and at 办结 writes the register.
"""
import datetime
import re
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field, field_validator

from yibao.cases.interface import Action, DomainCheckFailed, Handler, register
from yibao.entitlements import actions, facts, queries
from yibao.entitlements.models import DiseaseKind, ExpertOpinion, ExpertReview
from yibao.enrollment.models import OPEN_STATUSES, Enrollment, Person
from yibao.people.models import ApplicantKind

LEVEL_RANK = {"一级": 1, "二级": 2, "三级": 3}
STATED_LEVEL = re.compile(r"([一二三])级及以上")


class RecognitionData(BaseModel):
    disease_code: str = Field(title="申请认定病种编码", min_length=1, max_length=30,
                              description="见本地区认定病种目录")
    provider_name: str = Field(title="病历资料出具（认定）医疗机构", min_length=2, max_length=200)
    provider_code: str = Field("", max_length=12, title="定点医药机构编码",
                               description="本地定点医疗机构可只填编码或名称：级别、性质以定点医药机构登记簿为准")
    provider_level: Literal["", "一级", "二级", "三级"] = Field(
        "", title="医疗机构级别", description="登记簿中没有该机构时（如外地医院）按机构申报填写")
    provider_public: bool = Field(False, title="公立医疗机构", description="登记簿中没有该机构时填写")
    diagnosed_on: datetime.date = Field(title="确诊日期")
    diagnosis: str = Field(title="诊断", min_length=1, max_length=200)

    @field_validator("disease_code")
    @classmethod
    def _code(cls, value):
        return value.strip().upper()

    @field_validator("diagnosed_on")
    @classmethod
    def _not_future(cls, value):
        if value > timezone.localdate() or value.year < 1950:
            raise ValueError("确诊日期不正确")
        return value


class NotEligible(DomainCheckFailed):
    code = "not_eligible"


def insured(case, *, purpose="申请待遇认定", error=None):
    """(person, scheme) a recognition or a claim is about: the applicant's record and open enrolment
    (the case's region's first); `error` (a DomainCheckFailed class) says why not, for `purpose`."""
    error = error or NotEligible
    person = Person.objects.filter(id_number=case.applicant.id_number).first()
    if person is None:
        raise error(f"未找到申请人的参保登记信息，不能{purpose}")
    enrolments = list(Enrollment.objects.filter(person=person, status__in=OPEN_STATUSES).order_by("id"))
    if not enrolments:
        raise error(f"{person}无有效参保关系，不能{purpose}")
    own = [e for e in enrolments if e.region_id == case.region_id] or enrolments
    return person, own[0].scheme


def stated_rule(case):
    """(minimum level, public only, the guide's wording) where the frozen item's materials state the
    hospital rule (R43: 二级及以上协议定点（公立）医疗机构的病历资料), else (0, False, "")."""
    for m in case.snapshot.get("materials", []):
        found = STATED_LEVEL.search(m.get("name", ""))
        if found:
            level = {"一": 1, "二": 2, "三": 3}[found.group(1)]
            return level, "公立" in m["name"], m["name"]
    return 0, False, ""


class Recognition(Handler):
    schema = RecognitionData
    has_effect = True
    pays = False
    kind = None  # DiseaseKind value (the item code)

    def _disease(self, case, scheme):
        data = case.data
        disease = queries.disease(case.region, scheme, data["disease_code"], timezone.localdate(), kind=self.kind)
        if disease is None:
            names = "、".join(f"{d.name}（{d.code}）" for d in queries.diseases(
                case.region, scheme, timezone.localdate(), kind=self.kind)) or "无"
            raise NotEligible(f"病种编码{data['disease_code']}不在{case.region.name}的{self.label}病种目录中；可申请：{names}",
                              field="disease_code")
        return disease

    def eligible(self, case):
        if case.applicant.kind != ApplicantKind.PERSON:
            raise NotEligible("待遇认定须以参保人员为申请人", field="applicant")
        person, scheme = insured(case)
        if self.kind == DiseaseKind.TWO_DISEASES and scheme != "resident":
            raise NotEligible("“两病”门诊用药待遇认定限城乡居民医保参保人员", field="applicant")
        disease = self._disease(case, scheme)
        stated_level, stated_public, wording = stated_rule(case)
        need = max(stated_level, LEVEL_RANK.get(disease.min_level, 0))
        found = self.provider(case, require_level=bool(need))
        if need and LEVEL_RANK.get(found.level, 0) < need:
            rule = wording or f"病历资料须由{disease.min_level}及以上医疗机构出具"
            raise NotEligible(f"{rule}（{found.source}）", field="provider_level", rule=rule)
        if need and found.designated is False:
            rule = wording or "病历资料须由协议定点医疗机构出具"
            raise NotEligible(f"{rule}（{found.source}）", field="provider_code", rule=rule)
        if (stated_public or disease.public_only) and not found.public:
            rule = wording or "病历资料须由公立医疗机构出具"
            raise NotEligible(f"{rule}（{found.source}）", field="provider_public", rule=rule)
        sites = queries.recognition_sites(case.region, self.kind, timezone.localdate())
        if sites and found.code not in {s.provider.code for s in sites}:
            names = "、".join(s.provider.name for s in sites)
            raise NotEligible(f"{self.label}须在{case.region.name}医疗保障部门确定的认定医疗机构办理（{names}）；"
                              f"{found.name}不在名单中", field="provider_code", sites=[s.provider.code for s in sites])
        current = queries.covering(person, disease.code, timezone.localdate())
        if current is not None and (current.valid_to - timezone.localdate()).days > 90:
            raise NotEligible(f"已认定{disease.name}，待遇期至{current.valid_to}，到期前3个月内方可重新认定",
                              field="disease_code")
        return person, scheme, disease

    def provider(self, case, *, require_level=False):
        """The records' hospital as the register knows it on the diagnosis date (or as declared;
        a level must then be declared where the guide or the disease sets a minimum)."""
        on = datetime.date.fromisoformat(str(case.data["diagnosed_on"]))
        try:
            return facts.provider_facts(case.data, on, require_level=require_level)
        except facts.UnknownLevel as exc:
            raise NotEligible(str(exc), field="provider_level") from None

    def materials(self, entries, case):
        # 病历资料 lists what the disease asks for (the disease list's documents, R42)
        code = (case.data or {}).get("disease_code")
        disease = None
        for scheme in ("resident", "employee") if code else ():
            disease = disease or queries.disease(case.region, scheme, code, timezone.localdate(), kind=self.kind)
        if disease is not None and disease.documents:
            for entry in entries:
                if "病历资料" in entry.name:
                    entry.sub_items = list(disease.documents)
        return entries

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.RESUBMIT, Action.ACCEPT, Action.START_REVIEW, Action.APPROVE):
            self.eligible(case)
        if action == Action.APPROVE:
            review = ExpertReview.objects.filter(case=case).first()
            if review is None or review.opinion == ExpertOpinion.PENDING:
                raise actions.ExpertReviewMissing("待遇认定须经医疗专家审核：请先抽取专家并录入专家意见")
            if review.opinion != ExpertOpinion.AGREE:
                raise NotEligible(f"专家意见为“{review.get_opinion_display()}”（{review.opinion_text}），应作审核不通过处理")

    def on_complete(self, case, actor):
        person, scheme, disease = self.eligible(case)
        found = self.provider(case)
        entitlement = actions.recognise(case, person, scheme, disease, found, actor)
        return {"effect": True, "entitlement": entitlement.pk, "disease": disease.name,
                "valid_from": entitlement.valid_from.isoformat(), "valid_to": entitlement.valid_to.isoformat(),
                "provider": found.source}


class ChronicDisease(Recognition):
    label = "门诊慢特病病种待遇认定"
    kind = DiseaseKind.CHRONIC


class TwoDiseases(Recognition):
    label = "城乡居民高血压、糖尿病病种待遇认定"
    kind = DiseaseKind.TWO_DISEASES


class SpecialDrugs(Recognition):
    label = "单行支付药品、高值药品支付管理病种待遇认定"
    kind = DiseaseKind.SPECIAL_DRUGS


def register_all():
    register("chronic-disease", ChronicDisease())
    register("two-diseases", TwoDiseases())
    register("special-drugs", SpecialDrugs())
