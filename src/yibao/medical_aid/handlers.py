"""The handlers of the medical-aid items.

aid-contribution-subsidy (资助参保, R62/R63): in a region whose guide says 免申即享, the batch
(medical_aid.batch) opens the case as the system from a recipient list; where the guide has people
apply at the window, a clerk files it. Either way the case is one Grant (one per person and year, a
database constraint, taken at submission), the amount is the category's parameter over the year's
personal contribution, and it is paid to the person's 社会保障卡 financial account.

aid-reimbursement (R64–R67): the settlement statements after basic insurance, 大病保险 and (004)
supplementary insurance; each statement aided once (a constraint); a person not yet recognised files
the 委托授权书 and the case waits at review for the external determination (R65); the amount is
computed by the aid policy and explained statement by statement; paid to the 社会保障卡 account.
"""
import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from yibao.cases.interface import Action, DomainCheckFailed, Handler, register
from yibao.claims.handlers import settled_order
from yibao.contributions.models import ResidentContribution
from yibao.core.models import Channel
from yibao.enrollment.models import OPEN_STATUSES, Enrollment, Person, Scheme
from yibao.entitlements.handlers import insured
from yibao.medical_aid import actions
from yibao.medical_aid.models import AidClaim, Category, Grant, Source
from yibao.medical_aid.parameters import parameters_for, subsidy
from yibao.medical_aid.policy import explanation_table
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind
from yibao.people.models import ApplicantKind

MAX_AMOUNT = Decimal("10000000")


def _card(value):
    try:
        return clean_account(AccountKind.SOCIAL_SECURITY_CARD, value)
    except InvalidPayee as exc:
        raise ValueError(exc.message) from None


class AlreadyGranted(DomainCheckFailed):
    code = "aid_already_granted"


class NotEligible(DomainCheckFailed):
    code = "aid_not_eligible"


# ---------------------------------------------------------------- 资助参保


class SubsidyData(BaseModel):
    year: int = Field(title="资助年度", ge=2000, le=2100)
    category: Category = Field(title="救助类别")
    source: Source = Field(title="名单来源（认定部门）")
    list: str = Field("", title="名单所属期", max_length=20)
    amount: str = Field("", title="资助金额（元）", description="由系统按资助参数计算", max_length=20)
    basis: str = Field("", title="计算依据", max_length=300)
    card_account: str = Field(title="社会保障卡金融账号", max_length=40)
    card_bank: str = Field(title="社会保障卡开户银行", min_length=2, max_length=100)
    batch: int | None = Field(None, title="免申即享批次")

    _account = field_validator("card_account")(_card)


def grant_amount(case, person):
    """(amount, basis) of the subsidy for the case's year and category, from the registers."""
    data = case.data
    contribution = ResidentContribution.objects.filter(person=person, year=data["year"]).first()
    if contribution is None or not contribution.paid_in_full:
        raise NotEligible(f"{person}未全额缴纳{data['year']}年度城乡居民医保个人缴费，不能享受资助参保补贴")
    parameters = parameters_for(case.region, data["year"]).get(data["category"])
    if parameters is None:
        raise NotEligible(f"{Category(data['category']).label}未设置资助参数，请在后台设置")
    return subsidy(parameters, contribution.due)


class ContributionSubsidy(Handler):
    label = "医疗救助资助参保（免申即享）"
    schema = SubsidyData
    has_effect = True
    pays = True

    def materials(self, entries, case):
        # 免申即享: the list and the registers are the material; nobody hands anything in
        return [] if case.channel == Channel.SYSTEM else entries

    def _person(self, case):
        person = Person.objects.filter(id_number=case.applicant.id_number).first()
        enrolled = person and Enrollment.objects.filter(person=person, scheme=Scheme.RESIDENT,
                                                        status__in=OPEN_STATUSES).exists()
        if not enrolled:
            raise NotEligible("资助参保补贴面向参加城乡居民基本医疗保险的救助对象", field="applicant")
        return person

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.RESUBMIT):
            if case.applicant.kind != ApplicantKind.PERSON:
                raise NotEligible("资助参保补贴以救助对象本人为申请人", field="applicant")
            person = self._person(case)
            if case.channel != Channel.SYSTEM and actions.recognition(person, case.data["year"]) is None:
                raise NotEligible(f"{person}尚未认定为{case.data['year']}年医疗救助对象（以民政、乡村振兴、残联名单或认定文书为准）",
                                  field="category")
        elif action == Action.COMPLETE:
            settled_order(case)

    def on_submit(self, case, actor):
        """The Grant, taken here so the constraint (one per person and year) refuses a second case."""
        if Grant.objects.filter(case=case).exists():
            return
        person = self._person(case)
        amount, basis = grant_amount(case, person)
        data = case.data
        try:
            with transaction.atomic():
                Grant.objects.create(person=person, region=case.region, year=data["year"], category=data["category"],
                                     source=data["source"], amount=amount, basis=basis, case=case,
                                     batch_id=data.get("batch") if case.channel == Channel.SYSTEM else None)
        except IntegrityError:
            holder = Grant.objects.filter(person=person, year=data["year"]).select_related("case").first()
            where = f"（办件{holder.case.receipt_no}）" if holder and holder.case_id else ""
            raise AlreadyGranted(f"{person}{data['year']}年度已享受资助参保补贴{where}，不能重复资助",
                                 field="year", case=holder.case.receipt_no if holder and holder.case_id else "") from None
        # the case shows what the registers gave, never a figure typed at the window
        case.data = {**data, "amount": str(amount), "basis": basis,
                     "batch": data.get("batch") if case.channel == Channel.SYSTEM else None}
        case.save(update_fields=["data"])

    def amount(self, case):
        grant = Grant.objects.filter(case=case).first()
        return grant.amount if grant else None

    def payee(self, case):
        data = case.data
        return {"payee_name": case.applicant.name, "account_kind": AccountKind.SOCIAL_SECURITY_CARD,
                "account_no": data["card_account"], "bank_name": data["card_bank"],
                "purpose": f"{data['year']}年度医疗救助资助参保补贴（{case.receipt_no}）"}

    def on_complete(self, case, actor):
        order = settled_order(case)
        grant = Grant.objects.get(case=case)
        return {"effect": True, "paid": str(order.amount), "order": order.order_no, "year": grant.year,
                "category": grant.get_category_display(),
                "summary": f"{grant.year}年度资助参保补贴{grant.amount}元（{grant.basis}），"
                           f"已于支付指令{order.order_no}划入社会保障卡金融账户"}


# ---------------------------------------------------------------- 医疗救助报销


def _money(value):
    value = Decimal(str(value))
    if value < 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise ValueError("金额应为0到1000万元之间、至多两位小数")
    return value


class StatementData(BaseModel):
    number: str = Field(title="结算单号", min_length=4, max_length=60)
    settled_on: datetime.date = Field(title="结算日期")
    provider_name: str = Field(title="定点医疗机构", min_length=2, max_length=200)
    total: Decimal = Field(title="医疗总费用（元）")
    in_scope: Decimal = Field(title="政策范围内费用（元）")
    basic: Decimal = Field(title="基本医保支付（元）")
    critical: Decimal = Field(Decimal("0"), title="大病保险支付（元）")
    supplementary: Decimal = Field(Decimal("0"), title="补充医疗保险支付（元）", description="有补充医疗保险的填写")

    _amounts = field_validator("total", "in_scope", "basic", "critical", "supplementary")(_money)

    @field_validator("number")
    @classmethod
    def _number(cls, value):
        value = "".join(value.split()).upper()
        if not value.replace("-", "").isalnum() or not value.isascii():
            raise ValueError("结算单号应为字母、数字或短横线")
        return value

    @model_validator(mode="after")
    def _consistent(self):
        if self.settled_on > timezone.localdate() or self.settled_on.year < 2000:
            raise ValueError(f"结算日期{self.settled_on}不正确")
        if self.in_scope > self.total:
            raise ValueError(f"结算单{self.number}的政策范围内费用大于医疗总费用")
        if self.basic + self.critical + self.supplementary > self.in_scope:
            raise ValueError(f"结算单{self.number}的各项保险支付合计大于政策范围内费用")
        return self


class AidClaimData(BaseModel):
    statements: list[StatementData] = Field(title="结算单", min_length=1, max_length=20,
                                            description="基本医保、大病保险（及补充医疗保险）报销后的结算单")
    authorisation: bool = Field(False, title="已提供《个人家庭经济状况核查委托授权书》",
                                description="符合救助条件但尚未认定的填写，由相关部门认定后报销")
    card_account: str = Field(title="社会保障卡金融账号", max_length=40)
    card_bank: str = Field(title="社会保障卡开户银行", min_length=2, max_length=100)

    _account = field_validator("card_account")(_card)

    @model_validator(mode="after")
    def _once(self):
        numbers = [s.number for s in self.statements]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"结算单号{'、'.join(repeated)}在本次申请中重复填写")
        return self


class AidReimbursement(Handler):
    label = "医疗救助对象手工（零星）报销"
    schema = AidClaimData
    has_effect = True
    pays = True

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.RESUBMIT):
            if case.applicant.kind != ApplicantKind.PERSON:
                raise NotEligible("医疗救助报销以救助对象本人为申请人；代办的，以代理人身份申请", field="applicant")
            person, _ = insured(case, purpose="申请医疗救助报销", error=NotEligible)
            year = min(datetime.date.fromisoformat(str(s["settled_on"])) for s in case.data["statements"]).year
            if actions.recognition(person, year) is None and not case.data.get("authorisation"):
                raise NotEligible(f"{person}尚未认定为{year}年医疗救助对象：请提供《个人家庭经济状况核查委托授权书》，"
                                  "由相关部门认定后进行报销", field="authorisation")
        elif action == Action.APPROVE:
            actions.fix_amount(case)
        elif action in (Action.REFUSE, Action.WITHDRAW, Action.DENY):
            actions.release_statements(case)
        elif action == Action.COMPLETE:
            settled_order(case)

    def on_submit(self, case, actor):
        person, _ = insured(case, purpose="申请医疗救助报销", error=NotEligible)
        actions.open_claim(case, person)

    def amount(self, case):
        claim = AidClaim.objects.filter(case=case, fixed=True).first()
        return claim.payable if claim else None

    def payee(self, case):
        data = case.data
        return {"payee_name": case.applicant.name, "account_kind": AccountKind.SOCIAL_SECURITY_CARD,
                "account_no": data["card_account"], "bank_name": data["card_bank"],
                "purpose": f"医疗救助报销（{case.receipt_no}）"}

    def on_complete(self, case, actor):
        order = settled_order(case)
        claim = AidClaim.objects.get(case=case)
        totals = claim.explanation.get("totals", {})
        return {"effect": True, "paid": str(order.amount), "order": order.order_no,
                "statements": [s["number"] for s in case.data.get("statements", [])],
                "summary": f"经基本医保、大病保险报销后个人负担{totals.get('remaining')}元，按{claim.get_category_display()}"
                           f"救助政策核算医疗救助{claim.payable}元，已于支付指令{order.order_no}划入社会保障卡金融账户",
                "table": explanation_table(claim.explanation)}


def register_all():
    register("aid-contribution-subsidy", ContributionSubsidy())
    register("aid-reimbursement", AidReimbursement())
