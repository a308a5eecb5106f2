"""The handlers of the four maternity items: prenatal-payment, maternity-medical-payment,
family-planning-payment (the medical costs, computed by the policy engine, paid to the insured's
bank account) and maternity-allowance (the leave days × the daily rate of the employer's average
wage, paid to the employer's account, R58). They are usually opened together by one bundle
(bundles.submit, R52); each case keeps its own receipt, limit, amount and rating.

The guides' special cases are read from the case data and the frozen item (the importer keeps
each conditional material with its condition): 门诊 diagnosis or 住院 discharge record (R57),
the termination contract within 280 calendar days of leaving the job (R55), the uninsured spouse
of a male employee with a 承诺书 (R56), no medical records for the allowance when the costs were
settled online (R59), the birth-service certificate from data sharing, else the applicant, else a
承诺书 (R53), the restriction to insured women where the guide in force says so (R61)."""
import datetime
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from yibao.cases.interface import Action, DomainCheckFailed, Handler, register, with_materials
from yibao.catalog.models import ServiceItem
from yibao.claims.exceptions import AmountNotTyped
from yibao.claims.handlers import InvoiceData, settled_order
from yibao.core.money import MoneyError, yuan
from yibao.enrollment.models import Employer, Enrollment, Person, Scheme, Sex
from yibao.maternity import actions, queries
from yibao.maternity.allowance import BIRTH, MISCARRIAGE
from yibao.maternity.exceptions import MaterialCondition, NotEligible
from yibao.maternity.models import ALLOWANCE
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind
from yibao.people.models import ApplicantKind

AFTER_LEAVING = 280  # R55: calendar days (天, not 工作日)
SHARED, OWN, PROMISE = "数据共享", "申请人提供", "个人承诺书"
MAX_WAGE = Decimal("1000000")


class Facts(BaseModel):
    """The birth facts every item of a bundle shares."""

    event: Literal[BIRTH, MISCARRIAGE] = Field(BIRTH, title="生育情形")
    event_date: datetime.date = Field(title="分娩（流产）日期")
    difficult_birth: bool = Field(False, title="难产")
    babies: int = Field(1, ge=1, le=6, title="婴儿数", description="多胞胎填写婴儿数")
    pregnancy_months: int | None = Field(None, ge=1, le=10, title="流产时怀孕月数")
    care: Literal["门诊", "住院"] = Field("住院", title="就医方式", description="门诊就医提供诊断证明，住院就医提供出院记录")
    sealed: bool = Field(True, title="票据、费用清单、诊断证明/出院记录已加盖医疗机构鲜章")
    left_job_on: datetime.date | None = Field(None, title="离职日期", description="已离职的填写")
    spouse_uninsured: bool = Field(False, title="男职工配偶未参加基本医疗保险")
    birth_certificate: Literal[SHARED, OWN, PROMISE] = Field(
        SHARED, title="生育服务证", description="经办机构通过数据共享获取；无法获取的由申请人提供，无法提供的填写个人承诺书")
    settled_online: bool = Field(False, title="相关医疗费用已联网结算")
    non_budget_staff: bool = Field(False, title="财政供养单位的非财政供养人员")

    @model_validator(mode="after")
    def _facts(self):
        today = timezone.localdate()
        if self.event_date > today or self.event_date < today - datetime.timedelta(days=3 * 366):
            raise ValueError(f"分娩（流产）日期{self.event_date}不正确（不得晚于今天，不得早于三年前）")
        if self.event == MISCARRIAGE:
            if self.pregnancy_months is None:
                raise ValueError("流产的须填写怀孕月数")
            if self.babies != 1 or self.difficult_birth:
                raise ValueError("流产不适用难产、多胞胎")
        if self.left_job_on and self.left_job_on > today:
            raise ValueError("离职日期不得晚于今天")
        return self


class CostData(Facts):
    invoices: list[InvoiceData] = Field(title="就诊票据", min_length=1, max_length=20)
    bank_name: str = Field(title="开户银行", min_length=2, max_length=100)
    account_no: str = Field(title="参保人银行账号", min_length=8, max_length=40)

    @model_validator(mode="after")
    def _invoices(self):
        numbers = [i.invoice_no for i in self.invoices]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"票据号{'、'.join(repeated)}在本次申请中重复填写")
        try:
            self.account_no = clean_account(AccountKind.BANK, self.account_no)
        except InvalidPayee as exc:
            raise ValueError(exc.message) from None
        return self


class AllowanceData(Facts):
    insured_id_number: str = Field(title="生育职工身份证号码", min_length=15, max_length=18)
    declared_average_wage: Decimal | None = Field(None, title="上年度职工月平均工资（元）", gt=0, le=MAX_WAGE,
                                                  decimal_places=2, description="缴费基数登记中没有时填写")
    wage_evidence: bool = Field(False, title="已提供上年度工资证明")
    bank_name: str = Field("", title="单位开户银行", max_length=100, description="单位登记信息中没有账户时填写")
    account_no: str = Field("", title="单位银行账号", max_length=40)

    @field_validator("insured_id_number")
    @classmethod
    def _id(cls, value):
        return value.strip().upper()

    @model_validator(mode="after")
    def _account(self):
        if self.account_no:
            try:
                self.account_no = clean_account(AccountKind.EMPLOYER, self.account_no)
            except InvalidPayee as exc:
                raise ValueError(exc.message) from None
        if self.declared_average_wage is not None and not self.wage_evidence:
            raise ValueError("申报上年度职工月平均工资的须提供工资证明")
        return self


def women_only(case):
    """R61: the template's service objects (…参保女职工) restrict the item to insured women."""
    return "女职工" in (case.snapshot.get("service_objects") or "")


def _notes(case):
    item = ServiceItem.objects.filter(pk=case.snapshot.get("item_id")).only("notes").first()
    return "".join(item.notes or []) if item else ""


def _employee_enrolment(person, *, employer=None, on=None):
    """The person's employee enrolment (open, or ended within 280 days when she left the job)."""
    rows = Enrollment.objects.filter(person=person, scheme=Scheme.EMPLOYEE).order_by("-start_on")
    if employer is not None:
        rows = rows.filter(employer=employer)
    for row in rows:
        if row.is_open or (row.end_on and row.end_on >= (on or timezone.localdate()) - datetime.timedelta(AFTER_LEAVING)):
            return row
    return None


def _within_280(case):
    left = case.data.get("left_job_on")
    if not left:
        return False
    return (case.submitted_at.date() if case.submitted_at else timezone.localdate()) - \
        datetime.date.fromisoformat(left) <= datetime.timedelta(days=AFTER_LEAVING)


class Maternity(Handler):
    has_effect = True
    pays = True

    def materials(self, entries, case):
        data = case.data
        outpatient = data.get("care") == "门诊"
        specific = any(w in (m.get("when") or "") for m in case.snapshot.get("materials", []) for w in ("门诊就医", "住院就医"))
        entries = with_materials(entries, case, ("门诊就医",), outpatient)  # R57
        entries = with_materials(entries, case, ("住院就医",), not outpatient)
        if specific:  # the combined entry is what the two conditional ones say separately
            entries = [e for e in entries if not ("诊断证明" in e.name and "出院记录" in e.name)]
        entries = with_materials(entries, case, ("未盖鲜章",), not data.get("sealed", True))
        entries = with_materials(entries, case, ("离职后280天内",), _within_280(case))  # R55
        entries = with_materials(entries, case, ("男职工配偶未参保",), bool(data.get("spouse_uninsured")))  # R56
        entries = with_materials(entries, case, ("财政供养人员",), bool(data.get("non_budget_staff")))  # R60
        # R53: the birth-service certificate (生育服务证, 生殖服务登记卡, 结婚证): shared → not asked for
        birth = data.get("event") == BIRTH and data.get("birth_certificate") != SHARED
        entries = with_materials(entries, case, ("生育",), birth)
        if data.get("birth_certificate") == SHARED:
            entries = [e for e in entries if not ("如无法通过其他部门获得" in e.name)]
        if case.item_code == ALLOWANCE and data.get("settled_online") and "联网结算" in _notes(case):  # R59
            entries = [e for e in entries if "病历" not in e.name]
        return entries

    # ---- who may claim

    def _person(self, case):
        raise NotImplementedError

    def _insured_woman_or_spouse(self, case, person):
        if women_only(case) and person.sex != Sex.FEMALE:  # R61
            raise NotEligible(f"{case.region.name}办事指南规定服务对象为生育保险参保女职工", field="applicant")
        if person.sex != Sex.FEMALE and not case.data.get("spouse_uninsured"):
            raise NotEligible("男职工申请生育保险待遇的，限配偶未参加基本医疗保险的情形（须填写个人承诺书）",
                              field="spouse_uninsured")

    def _conditions(self, case):
        data = case.data
        if data.get("birth_certificate") == SHARED and data.get("event") == BIRTH:
            if queries.shared_birth_certificate(self._person(case)[0].id_number) is None:
                raise MaterialCondition("未能通过数据共享获取生育服务证，请由申请人提供，无法提供的填写个人承诺书",
                                        field="birth_certificate")
        if data.get("left_job_on") and not _within_280(case) and case.item_code != ALLOWANCE:
            raise NotEligible(f"离职已超过{AFTER_LEAVING}天，不能申请生育保险待遇", field="left_job_on")

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.RESUBMIT):
            person, employer = self._person(case)
            self._conditions(case)
        elif action == Action.APPROVE:
            actions.fix_amount(case, actor, case.channel)
        elif action == Action.COMPLETE:
            settled_order(case)

    def on_submit(self, case, actor):
        person, employer = self._person(case)
        actions.open_claim(case, person, employer)

    def approved_amount(self, case, given):
        computed = self.amount(case)
        if computed is not None and given not in (None, ""):
            try:
                same = yuan(given) == computed
            except MoneyError:
                same = False
            if not same:
                raise AmountNotTyped(f"金额由政策核算为{computed}元，不能直接填写", field="amount", computed=str(computed))
        return super().approved_amount(case, None)

    def amount(self, case):
        claim = queries.claim_of(case)
        return claim.payable if claim and claim.fixed else None

    def on_complete(self, case, actor):
        order = settled_order(case)
        claim = queries.claim_of(case)
        return {"effect": True, "paid": str(order.amount), "order": order.order_no,
                "summary": f"{self.label}按政策核算{claim.payable}元，已于支付指令{order.order_no}划入{self.paid_to}",
                "table": queries.table_of(claim.explanation)}


class MaternityCost(Maternity):
    """产前检查费 / 生育医疗费 / 计划生育医疗费: the insured (or a male employee for his uninsured
    spouse) claims; the policy engine computes; paid to the insured's bank account."""

    schema = CostData
    paid_to = "参保人银行账户"

    def _person(self, case):
        if case.applicant.kind != ApplicantKind.PERSON:
            raise NotEligible("生育医疗费用以参保职工为申请人；单位可作为代办人一并提交", field="applicant")
        person = Person.objects.filter(id_number=case.applicant.id_number).first()
        enrolment = _employee_enrolment(person) if person else None
        if enrolment is None:
            raise NotEligible("申请人没有有效的职工基本医疗保险（生育保险）参保关系", field="applicant")
        if not enrolment.is_open:
            if not case.data.get("left_job_on"):
                raise NotEligible("参保关系已终止；离职后280天内申请的，请填写离职日期并提供解除劳动合同书",
                                  field="left_job_on")
        if case.agent is not None and case.agent.kind == ApplicantKind.EMPLOYER and (
                enrolment.employer is None or enrolment.employer.uscc != case.agent.id_number):
            raise NotEligible("代办单位不是该职工的参保单位", field="agent")
        self._insured_woman_or_spouse(case, person)
        return person, enrolment.employer

    def payee(self, case):
        data = case.data
        return {"payee_name": case.applicant.name, "account_kind": AccountKind.BANK, "account_no": data["account_no"],
                "bank_name": data["bank_name"], "purpose": f"{self.label}（{case.receipt_no}）"}


class MaternityAllowance(Maternity):
    """生育津贴: the employer applies (R58) for its insured employee; paid to the employer's account."""

    schema = AllowanceData
    label = "生育津贴支付"
    paid_to = "参保单位银行账户"

    def _person(self, case):
        if case.applicant.kind != ApplicantKind.EMPLOYER:
            raise NotEligible("生育津贴由参保单位申请", field="applicant")
        employer = Employer.objects.filter(uscc=case.applicant.id_number).first()
        if employer is None:
            raise NotEligible("申请单位未办理参保登记", field="applicant")
        person = Person.objects.filter(id_number=case.data["insured_id_number"]).first()
        on = datetime.date.fromisoformat(case.data["event_date"])
        if person is None or _employee_enrolment(person, employer=employer, on=on) is None:
            raise NotEligible("该职工在申请单位没有职工基本医疗保险（生育保险）参保关系", field="insured_id_number")
        if person.sex != Sex.FEMALE:
            raise NotEligible("生育津贴按女职工的产假计发", field="insured_id_number")
        if women_only(case):
            self._insured_woman_or_spouse(case, person)
        if case.agent is not None and case.agent.id_number != person.id_number:
            raise NotEligible("生育津贴只能由参保单位或生育职工本人一并提交", field="agent")
        return person, employer

    def payee(self, case):
        claim = queries.claim_of(case)
        employer = claim.employer
        account, bank = employer.bank_account, employer.bank_name
        if not account:
            account, bank = case.data.get("account_no"), case.data.get("bank_name")
        if not account or not bank:
            raise InvalidPayee("参保单位登记信息中没有银行账户，请在申请中填写单位开户银行和账号", field="account_no")
        return {"payee_name": employer.name, "account_kind": AccountKind.EMPLOYER, "account_no": account,
                "bank_name": bank, "purpose": f"{self.label}（{case.receipt_no}）"}


class PrenatalPayment(MaternityCost):
    label = "产前检查费支付"


class MaternityMedicalPayment(MaternityCost):
    label = "生育医疗费支付"


class FamilyPlanningPayment(MaternityCost):
    label = "计划生育医疗费支付"


def register_all():
    register("prenatal-payment", PrenatalPayment())
    register("maternity-medical-payment", MaternityMedicalPayment())
    register("family-planning-payment", FamilyPlanningPayment())
    register(ALLOWANCE, MaternityAllowance())


__all__ = ["AllowanceData", "CostData", "Facts", "DomainCheckFailed"]
