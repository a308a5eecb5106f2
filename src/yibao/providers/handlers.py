"""The handlers of the eight provider items: four register the agreement's life (designation,
change, suspension, resumption), one opens direct settlement for remote care, two settle a
period's claims and pay them. Each declares its case data, checks the register before each step
and writes it at 办结 through actions.py."""
import datetime
from typing import Literal

from django.db import models
from django.utils import timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from yibao.cases.interface import Action, Handler, register
from yibao.core.models import Channel
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind
from yibao.people.models import ApplicantKind
from yibao.providers import actions, queries
from yibao.providers.exceptions import (
    AgreementExists,
    AgreementStepRefused,
    EvidenceRequired,
    InvalidLicence,
    NotTheProvidersAccount,
    ProviderNotFound,
    PublicProviderMayNotSuspend,
    SettlementStepRefused,
)
from yibao.providers.models import (
    LICENCES_FOR,
    MEDICAL_KINDS,
    AgreementState,
    ClaimSubmission,
    DepositRelease,
    HospitalLevel,
    LicenceKind,
    Ownership,
    Provider,
    ProviderKind,
    ReleaseState,
    SettlementState,
)
from yibao.workdays.calendar import due_date

ENDING = (Action.DENY, Action.REFUSE, Action.WITHDRAW)
CHANGE_WINDOW = 30  # working days from the approving decision (R72, 令第2号第二十九条)


def _employer_account(value):
    try:
        return clean_account(AccountKind.EMPLOYER, value)
    except InvalidPayee as exc:
        raise ValueError(exc.message) from None


class DesignationData(BaseModel):
    name: str = Field(title="机构名称", min_length=2, max_length=200)
    kind: ProviderKind = Field(title="机构类别")
    level: HospitalLevel | None = Field(None, title="医院等级", description="医疗机构填写")
    ownership: Ownership | None = Field(None, title="经营性质", description="医疗机构填写：公立或民营")
    licence_kind: LicenceKind = Field(title="许可证照", description="中医诊所可提供《中医诊所备案证》")
    licence_no: str = Field(title="许可证照号码", min_length=4, max_length=60)
    business_licence_no: str = Field("", title="营业执照（统一社会信用代码）", max_length=30)
    legal_representative: str = Field(title="法定代表人", min_length=2, max_length=60)
    principal: str = Field("", title="主要负责人", max_length=60)
    address: str = Field(title="注册地址", min_length=4, max_length=300)
    bank_name: str = Field(title="开户银行", min_length=2, max_length=100)
    bank_account: str = Field(title="银行账号", max_length=40)
    sealed: bool = Field(False, title="以上办理资料均已加盖单位公章")

    _bank = field_validator("bank_account")(_employer_account)

    @model_validator(mode="after")
    def _consistent(self):
        if not self.sealed:
            raise ValueError("办理资料均需加盖单位公章，请确认后勾选")
        if self.licence_kind not in LICENCES_FOR[self.kind]:
            allowed = "或".join(LicenceKind(k).label for k in LICENCES_FOR[self.kind])
            raise ValueError(f"{ProviderKind(self.kind).label}应提供{allowed}")
        if self.kind in MEDICAL_KINDS:
            if not self.level or not self.ownership:
                raise ValueError("医疗机构须填写医院等级和经营性质（公立/民营）")
        elif self.level or self.ownership:
            raise ValueError("零售药店不填写医院等级和经营性质")
        elif not self.business_licence_no:
            raise ValueError("零售药店须提供营业执照（统一社会信用代码）")
        return self


def provider_account(case):
    if case.applicant.kind != ApplicantKind.PROVIDER:
        raise NotTheProvidersAccount("该事项须由定点医药机构以机构账户（定点医药机构编码）申请")
    return case.applicant.id_number


def registered(case):
    """The register row of the applying provider; ProviderNotFound if it is not registered."""
    code = provider_account(case)
    provider = Provider.objects.filter(code=code).select_related("region").first()
    if provider is None:
        raise ProviderNotFound(f"未找到定点医药机构{code}的登记信息，请先申请定点")
    if provider.region_id != case.region_id:
        raise NotTheProvidersAccount(f"{provider.name}属{provider.region.name}管理，请向该地区经办机构申请")
    return provider


def live(provider, *states):
    agreement = queries.live_agreement(provider)
    if agreement is None or (states and agreement.state not in states):
        shown = agreement.get_state_display() if agreement else "无有效协议"
        raise AgreementStepRefused(f"{provider.name}的定点协议当前为“{shown}”，不能办理该事项", state=shown)
    return agreement


class Designation(Handler):
    """医疗机构 / 零售药店申请定点协议管理: 受理 registers the application, 审核 runs the evaluation,
    the publicity and the negotiation (actions.record_evaluation ... sign_agreement), 办结 puts
    the signed agreement in force."""

    schema = DesignationData
    has_effect = True
    pays = False

    def __init__(self, label, medical):
        self.label = label
        self.medical = medical

    def check(self, case, action, actor):
        if action == Action.SUBMIT:
            code = provider_account(case)
            data = DesignationData.model_validate(case.data)
            if self.medical != (data.kind in MEDICAL_KINDS) or code[0] != ("H" if self.medical else "P"):
                raise InvalidLicence("医疗机构（编码H开头）申请医疗机构定点，零售药店（编码P开头）申请零售药店定点")
            provider = Provider.objects.filter(code=code).first()
            if provider is not None and queries.live_agreement(provider) is not None:
                raise AgreementExists(f"{provider.name}已有进行中或有效的定点协议，不能重复申请")
        elif action == Action.ACCEPT:
            actions.register_application(case, DesignationData.model_validate(case.data).model_dump(), actor,
                                         case.channel)
        elif action == Action.START_REVIEW:
            actions.start_evaluation(case, actor, case.channel)
        elif action == Action.APPROVE:
            agreement = actions.agreement_for_case(case)
            if agreement is None or agreement.state != AgreementState.NEGOTIATING or not agreement.signed_on:
                shown = agreement.get_state_display() if agreement else "未受理"
                raise AgreementStepRefused(f"须经评估、公示、协商谈判并签订协议后方可审核通过（协议当前为“{shown}”）")
        elif action in ENDING:
            actions.reject_application(case, actor, case.channel, f"办件{Action(action).label}")

    def on_complete(self, case, actor):
        agreement = actions.activate(case, actor, case.channel)
        return {"effect": True, "provider": agreement.provider.code, "agreement": agreement.get_state_display(),
                "period": [agreement.starts_on.isoformat(), agreement.ends_on.isoformat()]}


class InfoChangeData(BaseModel):
    changes: dict[str, str] = Field(title="变更事项", description="字段 -> 变更后内容：name 名称、legal_representative "
                                    "法定代表人、principal 主要负责人、address 注册地址、bank_name 开户银行、bank_account 银行账号、"
                                    "level 医院等级、ownership 经营性质、kind 机构类别、licence_kind/licence_no 许可证照、"
                                    "business_licence_no 营业执照")
    approved_on: datetime.date | None = Field(None, title="有关部门批准变更日期", description="重要信息变更须填写")
    evidence: str = Field("", title="批准文件（文号）", max_length=200, description="重要信息变更须提供")
    filed_late: bool = Field(False, title="逾期申请", description="系统计算：超过批准之日起30个工作日")

    @field_validator("changes")
    @classmethod
    def _known(cls, value):
        unknown = [k for k in value if k not in actions.CHANGEABLE]
        if unknown:
            raise ValueError(f"不能变更的字段：{'、'.join(unknown)}")
        if not value:
            raise ValueError("请填写变更事项")
        cleaned = {k: (v or "").strip() for k, v in value.items()}
        if any(not v for v in cleaned.values()):
            raise ValueError("变更后内容不能为空")
        if "bank_account" in cleaned:
            cleaned["bank_account"] = _employer_account(cleaned["bank_account"])
        for field, choices in (("kind", ProviderKind), ("level", HospitalLevel), ("ownership", Ownership),
                               ("licence_kind", LicenceKind)):
            if field in cleaned and cleaned[field] not in choices.values:
                raise ValueError(f"{field}应为{'/'.join(choices.values)}")
        return cleaned

    @model_validator(mode="after")
    def _evidence(self):
        major = [k for k in self.changes if k in actions.MAJOR]
        if major and (self.approved_on is None or not self.evidence.strip()):
            raise ValueError("重要信息变更须填写有关部门批准日期和批准文件")
        if self.approved_on and self.approved_on > timezone.localdate():
            raise ValueError("批准日期不能晚于今天")
        return self


def filed_late(approved_on, filed_on):
    """Filed more than 30 working days after the approving decision (R72)."""
    return approved_on is not None and filed_on > due_date(approved_on, CHANGE_WINDOW).date


class InfoChange(Handler):
    """定点医药机构信息变更: a late one is accepted and flagged (R72)."""

    label = "定点医药机构信息变更"
    schema = InfoChangeData
    has_effect = True
    pays = False

    def validate_data(self, data, conditions):
        data = super().validate_data(data, conditions)
        approved_on = datetime.date.fromisoformat(data["approved_on"]) if data.get("approved_on") else None
        data["filed_late"] = filed_late(approved_on, timezone.localdate())
        return data

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE):
            data = InfoChangeData.model_validate(case.data)
            provider = registered(case)
            live(provider, AgreementState.IN_FORCE, AgreementState.SUSPENDED)
            if "licence_kind" in data.changes:
                kind = data.changes.get("kind", provider.kind)
                if data.changes["licence_kind"] not in LICENCES_FOR[kind]:
                    raise InvalidLicence(f"{ProviderKind(kind).label}不能以{LicenceKind(data.changes['licence_kind']).label}登记")
            if not any(getattr(provider, k) != v for k, v in data.changes.items()):
                raise EvidenceRequired("变更内容与登记信息相同，无需变更")

    def on_complete(self, case, actor):
        data = InfoChangeData.model_validate(case.data)
        provider, diff = actions.change_particulars(registered(case), data.changes, actor, case.channel, case=case,
                                                    late=data.filed_late, evidence=data.evidence)
        return {"effect": True, "provider": provider.code, "changed": sorted(diff), "late": data.filed_late}


class Request(models.TextChoices):
    SUSPEND = "suspend", "暂停（中止）协议"
    TERMINATE = "terminate", "终止（解除）协议"


class SuspensionData(BaseModel):
    request: Request = Field(title="申请事项")
    reason: str = Field(title="原因", min_length=2, max_length=300)


class Suspension(Handler):
    """定点医药机构申请中止/暂停/终止协议管理: a public hospital may not ask (令第2号); the second
    suspension in one period ends the agreement instead."""

    label = "定点医药机构申请暂停（中止）或终止协议"
    schema = SuspensionData
    has_effect = True
    pays = False

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE):
            data = SuspensionData.model_validate(case.data)
            provider = registered(case)
            if provider.ownership == Ownership.PUBLIC:
                raise PublicProviderMayNotSuspend("公立医疗机构不得申请中止（暂停）或解除医保协议")
            if data.request == "suspend":
                live(provider, AgreementState.IN_FORCE)
            else:
                live(provider, AgreementState.IN_FORCE, AgreementState.SUSPENDED)

    def on_complete(self, case, actor):
        data = SuspensionData.model_validate(case.data)
        provider = registered(case)
        if data.request == "suspend":
            agreement = actions.suspend(provider, actor, case.channel, reason=data.reason, case=case)
        else:
            agreement = actions.terminate(provider, actor, case.channel, reason=data.reason, case=case)
        return {"effect": True, "provider": provider.code, "agreement": agreement.get_state_display(),
                "word": queries.suspension_word(case.region)}


class ResumptionData(BaseModel):
    licence_changed: bool = Field(False, title="暂停（中止）期间证照信息发生变更")
    licence_kind: LicenceKind | None = Field(None, title="变更后的许可证照")
    licence_no: str = Field("", title="变更后的许可证照号码", max_length=60)
    business_licence_no: str = Field("", title="变更后的营业执照（零售药店）", max_length=30)

    @model_validator(mode="after")
    def _licence(self):
        if self.licence_changed and not (self.licence_kind and self.licence_no.strip()):
            raise ValueError("证照信息发生变更的，须提供变更后的许可证照（正、副本）及其号码")
        return self


class Resumption(Handler):
    """定点医药机构申请恢复协议管理: only from a suspension, the agreement not expired (R74)."""

    label = "定点医药机构申请恢复协议"
    schema = ResumptionData
    has_effect = True
    pays = False

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE):
            data = ResumptionData.model_validate(case.data)
            provider = registered(case)
            word = queries.suspension_word(case.region)
            agreement = queries.live_agreement(provider)
            if agreement is None or agreement.state != AgreementState.SUSPENDED:
                shown = agreement.get_state_display() if agreement else "无有效协议"
                raise AgreementStepRefused(f"只有{word}协议管理的定点医药机构可以申请恢复（当前为“{shown}”）")
            if data.licence_changed and data.licence_kind not in LICENCES_FOR[provider.kind]:
                raise InvalidLicence(f"{provider.get_kind_display()}应提供"
                                     f"{'或'.join(LicenceKind(k).label for k in LICENCES_FOR[provider.kind])}")
            if data.licence_changed and provider.kind == ProviderKind.PHARMACY and not data.business_licence_no:
                raise InvalidLicence("零售药店证照变更的，须提供药品经营许可证和营业执照")

    def on_complete(self, case, actor):
        data = ResumptionData.model_validate(case.data)
        licence = None
        if data.licence_changed:
            licence = {"licence_kind": data.licence_kind, "licence_no": data.licence_no.strip()}
            if data.business_licence_no:
                licence["business_licence_no"] = data.business_licence_no.strip()
        provider = registered(case)
        agreement = actions.resume(provider, actor, case.channel, case=case, licence=licence)
        return {"effect": True, "provider": provider.code, "agreement": agreement.get_state_display(),
                "licence_changed": data.licence_changed}


class RemoteData(BaseModel):
    scopes: list[Literal["省内", "跨省"]] = Field(title="开通范围", description="省内异地就医、跨省异地就医（可多选）")

    @field_validator("scopes")
    @classmethod
    def _some(cls, value):
        if not value:
            raise ValueError("请选择开通省内或跨省异地就医直接结算")
        return sorted(set(value), key=["省内", "跨省"].index)


class RemoteSettlement(Handler):
    """定点医药机构开通异地就医直接结算业务 (R75)."""

    label = "开通异地就医直接结算"
    schema = RemoteData
    has_effect = True
    pays = False

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE):
            data = RemoteData.model_validate(case.data)
            agreement = live(registered(case), AgreementState.IN_FORCE)
            opened = set(agreement.scopes)
            if set(data.scopes) <= opened:
                raise AgreementStepRefused(f"已开通{'、'.join(data.scopes)}异地就医直接结算，无需重复申请")

    def on_complete(self, case, actor):
        data = RemoteData.model_validate(case.data)
        agreement = actions.open_remote(registered(case), data.scopes, actor, case.channel, case=case)
        return {"effect": True, "provider": agreement.provider.code, "scopes": agreement.scopes}


class SettlementData(BaseModel):
    period: str = Field(title="结算期", pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    submission: int | None = Field(None, title="结算申报编号", ge=1, description="在“费用结算申报”页面上传结算清单后生成")
    release: int | None = Field(None, title="质量保证金返还编号", ge=1, description="由经办机构办理年度保证金返还时生成")

    @model_validator(mode="after")
    def _one(self):
        if (self.submission is None) == (self.release is None):
            raise ValueError("请在“费用结算申报”页面上传结算清单（结算申报编号）")
        return self


class Settlement(Handler):
    """基本医疗保险定点医疗机构 / 零售药店费用结算: the claim file is audited on upload (the
    preliminary result), the provider answers, the re-review fixes the result, the head approves,
    the approved amount less the quality deposit is paid to the provider's account (R77)."""

    schema = SettlementData
    has_effect = True
    pays = True  # the approved amount less the deposit is paid through a payment order (R77)

    def __init__(self, label, medical):
        self.label = label
        self.medical = medical

    def materials(self, entries, case):
        # a deposit release is the agency's own decision (the year's assessment): nothing to file
        if (case.data or {}).get("release"):
            return []
        return entries

    def release(self, case):
        """The deposit release a system-opened case pays, or None for a month's settlement."""
        data = SettlementData.model_validate(case.data)
        if data.release is None:
            return None
        found = DepositRelease.objects.select_related("provider").filter(pk=data.release).first()
        if found is None or found.provider.code != provider_account(case) or found.case_id not in (None, case.pk):
            raise SettlementStepRefused("未找到本机构的质量保证金返还记录")
        return found

    def submission(self, case, *, lock=False):
        data = SettlementData.model_validate(case.data)
        rows = ClaimSubmission.objects.select_related("provider")
        if lock:
            rows = rows.select_for_update()
        found = rows.filter(pk=data.submission, period=data.period).first()
        if found is None or found.provider.code != provider_account(case):
            raise SettlementStepRefused("未找到本机构该期的结算申报，请在“费用结算申报”页面上传结算清单")
        if found.case_id not in (None, case.pk) or (case.pk is None and found.case_id is not None):
            raise SettlementStepRefused("该结算申报已有办件，不能重复申请")
        if found.provider.is_medical != self.medical:
            raise SettlementStepRefused("医疗机构申请医疗机构费用结算，零售药店申请零售药店费用结算")
        return found

    def check(self, case, action, actor):
        release = self.release(case)
        if release is not None:
            if action == Action.SUBMIT and case.channel != Channel.SYSTEM:
                raise SettlementStepRefused("质量保证金返还由经办机构办理，不能自行申请")
            if action == Action.APPROVE and release.state != ReleaseState.PENDING:
                raise SettlementStepRefused(f"保证金返还当前为“{release.get_state_display()}”")
            if action in ENDING:
                actions.end_release(case, actor, case.channel, paid=False)
            return
        if action == Action.SUBMIT:
            self.submission(case)
        elif action == Action.APPROVE:
            found = self.submission(case)
            if found.state != SettlementState.APPROVED:
                raise SettlementStepRefused(f"结算须经复审并由负责人核准后方可审核通过（当前为“{found.get_state_display()}”）")
            if not found.payable:
                raise SettlementStepRefused("本期核定应拨付金额为0元，无需拨付：请以“审核不通过”办结，"
                                            "结算记为0元", payable="0.00")
        elif action == Action.DENY and self.submission(case).state == SettlementState.APPROVED \
                and not self.submission(case).payable:
            actions.settle_at_zero(case, actor, case.channel)  # nothing to pay: the month is settled at 0.00
        elif action in ENDING:
            actions.void_submission(case, actor, case.channel, f"办件{Action(action).label}")

    def amount(self, case):
        release = self.release(case)
        if release is not None:
            return release.released
        found = self.submission(case)
        if found.payable is None:
            raise SettlementStepRefused("结算尚未复审，无核定金额")
        return found.payable

    def payee_names(self, case):
        return [self.payee(case)["payee_name"]]  # the designated provider's own account (month or release)

    def payee(self, case):
        release = self.release(case)
        provider = release.provider if release is not None else self.submission(case).provider
        purpose = (f"{release.year}年度质量保证金返还" if release is not None
                   else f"{SettlementData.model_validate(case.data).period}医保费用结算")
        return {"payee_name": provider.name, "account_kind": AccountKind.EMPLOYER, "account_no": provider.bank_account,
                "bank_name": provider.bank_name, "purpose": purpose}

    def on_complete(self, case, actor):
        release = self.release(case)
        if release is not None:
            release = actions.end_release(case, actor, case.channel, paid=True)
            return {"effect": True, "provider": release.provider.code, "deposit_release": release.year,
                    "held": str(release.held), "paid": str(release.released), "withheld": str(release.withheld)}
        submission = actions.settle(case, actor, case.channel)
        return {"effect": True, "provider": submission.provider.code, "period": submission.period,
                "approved": str(submission.approved), "deposit": str(submission.deposit),
                "paid": str(submission.payable)}


HANDLERS = {
    "hospital-designation": Designation("医疗机构申请定点协议管理", medical=True),
    "pharmacy-designation": Designation("零售药店申请定点协议管理", medical=False),
    "provider-info-change": InfoChange(),
    "provider-suspension": Suspension(),
    "provider-resumption": Resumption(),
    "provider-remote-settlement": RemoteSettlement(),
    "hospital-settlement": Settlement("定点医疗机构费用结算", medical=True),
    "pharmacy-settlement": Settlement("定点零售药店费用结算", medical=False),
}


def register_all():
    for code, handler in HANDLERS.items():
        register(code, handler)

