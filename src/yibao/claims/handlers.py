"""The handlers of the manual reimbursement items: outpatient-reimbursement and inpatient-reimbursement.

Each declares its case data (visits as invoices with their lines), adjusts the materials to the
case (emergency, accident with or without a third party, the itemised-invoice waiver), reserves
the invoice numbers at submission, computes the amount with the policy engine (the reviewers
confirm it or admit less of a line with a reason), requires 初审, 复核 and 财务复核 by different
people, pays through a payment order to the account the guide allows, and at 办结 records the
paid order beside the claim.
"""
import datetime
import re
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field, field_validator, model_validator

from yibao.cases.interface import Action, DomainCheckFailed, Handler, register, with_materials
from yibao.catalog.models import ServiceItem
from yibao.claims import actions, queries
from yibao.claims.exceptions import AmountNotTyped, MaterialCondition
from yibao.core.money import MoneyError, yuan
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind, OrderState
from yibao.payments.queries import order_for_case
from yibao.people.models import ApplicantKind
from yibao.remote_care.models import PROVINCES

LEVEL = Literal["", "一级", "二级", "三级"]
OWN_BANK, CARD, UNIT = "本人银行账户", "社会保障卡", "单位银行账户"
NO_ACCIDENT, NO_THIRD_PARTY, THIRD_PARTY = "否", "无第三方责任", "有第三方责任"
MAX_LINE = Decimal("10000000")
SPLIT = re.compile(r"[,，\t|｜]+|\s{2,}")


def _parse_line(text):
    """One line of text: 项目,类别,数量,单价,金额 (commas, tabs or ｜ separate)."""
    parts = [p.strip() for p in SPLIT.split(text.strip()) if p.strip()]
    if len(parts) != 5:
        raise ValueError(f"费用明细“{text[:30]}”应写作“项目,类别(甲/乙/丙),数量,单价,金额”")
    return dict(zip(("item", "category", "quantity", "price", "amount"), parts))


class LineData(BaseModel):
    item: str = Field(title="项目名称", min_length=1, max_length=100)
    category: Literal["甲", "乙", "丙"] = Field(title="目录类别")
    quantity: Decimal = Field(title="数量", gt=0, le=Decimal("100000"), decimal_places=3)
    price: Decimal = Field(title="单价（元）", ge=0, le=MAX_LINE, decimal_places=4)
    amount: Decimal = Field(title="金额（元）", ge=0, le=MAX_LINE, decimal_places=2)

    @model_validator(mode="after")
    def _amount_is_quantity_times_price(self):
        if abs(self.quantity * self.price - self.amount) > Decimal("0.01"):
            raise ValueError(f"“{self.item}”的金额{self.amount}应等于数量×单价（{self.quantity}×{self.price}）")
        return self


class InvoiceData(BaseModel):
    invoice_no: str = Field(title="票据号码", min_length=4, max_length=60)
    electronic: bool = Field(False, title="电子发票", description="纸质发票不勾选")
    provider_name: str = Field(title="就诊医药机构", min_length=2, max_length=200)
    provider_code: str = Field("", max_length=12, title="定点医药机构编码",
                               description="本地定点医药机构：级别以定点医药机构登记簿为准（按编码，未填按名称）")
    provider_level: LEVEL = Field("", title="医疗机构级别",
                                                description="登记簿中没有该机构时（如异地医院）按机构申报填写")
    care_date: datetime.date = Field(title="就诊（入院）日期")
    discharge_date: datetime.date | None = Field(None, title="出院日期", description="住院填写")
    diagnosis: str = Field(title="诊断", min_length=1, max_length=200)
    disease_code: str = Field("", title="已认定病种编码", max_length=30,
                              description="门诊慢特病、两病、单行支付药品病种的门诊费用填写")
    remote: bool = Field(False, title="异地就医")
    care_province: Literal[("",) + PROVINCES] = Field("", title="就医地（省）", description="异地就医填写")
    care_city: str = Field("", max_length=40, title="就医地（市、州）", description="异地就医填写")
    filing_no: str = Field("", title="异地就医备案号", max_length=48,
                           description="可不填：是否备案以异地就医备案登记为准（就诊日、就医地）")
    itemised: bool = Field(False, title="票据已列明药品规格、数量、单价和金额等明细")
    lines: list[LineData] = Field(title="费用明细", min_length=1, max_length=500,
                                  description="每行一项：项目,类别(甲/乙/丙),数量,单价,金额")

    @field_validator("invoice_no")
    @classmethod
    def _number(cls, value):
        value = "".join(value.split()).upper()
        if not re.fullmatch(r"[0-9A-Z\-]{4,60}", value):
            raise ValueError("票据号码应为字母、数字或短横线")
        return value

    @field_validator("lines", mode="before")
    @classmethod
    def _lines(cls, value):
        if isinstance(value, str):
            value = [v for v in value.splitlines() if v.strip()]
        if isinstance(value, list):
            return [_parse_line(v) if isinstance(v, str) else v for v in value]
        return value

    @model_validator(mode="after")
    def _dates(self):
        if self.remote and not self.care_province:
            raise ValueError(f"票据{self.invoice_no}为异地就医，请填写就医地（省）")
        today = timezone.localdate()
        if self.care_date > today or self.care_date.year < 2000:
            raise ValueError(f"就诊日期{self.care_date}不正确")
        if self.discharge_date and not self.care_date <= self.discharge_date <= today:
            raise ValueError("出院日期应在入院日期之后且不晚于今天")
        return self


class ClaimData(BaseModel):
    invoices: list[InvoiceData] = Field(title="就诊票据", min_length=1, max_length=20)
    emergency: bool = Field(False, title="急诊")
    accident: Literal[NO_ACCIDENT, NO_THIRD_PARTY, THIRD_PARTY] = Field(NO_ACCIDENT, title="意外伤害",
                                                                      description="是否意外伤害就医及有无第三方责任")
    sealed: bool = Field(True, title="票据、费用清单、处方底单已加盖医药机构鲜章")
    unsealed_commitment: bool = Field(False, title="未盖鲜章的已填写个人承诺书")
    payout: Literal[OWN_BANK, CARD, UNIT] = Field(OWN_BANK, title="报销款划入")
    bank_name: str = Field(title="开户银行", min_length=2, max_length=100)
    account_no: str = Field(title="收款账号", min_length=8, max_length=40)
    account_holder: str = Field("", title="收款账户户名", max_length=200,
                                description="须为参保人员本人（划入单位银行账户的，为代办单位）；不填即为其名称")

    @model_validator(mode="after")
    def _one_claim_per_invoice(self):
        numbers = [i.invoice_no for i in self.invoices]
        repeated = sorted({n for n in numbers if numbers.count(n) > 1})
        if repeated:
            raise ValueError(f"票据号{'、'.join(repeated)}在本次申请中重复填写")
        kind = {OWN_BANK: AccountKind.BANK, CARD: AccountKind.SOCIAL_SECURITY_CARD, UNIT: AccountKind.EMPLOYER}
        try:
            self.account_no = clean_account(kind[self.payout], self.account_no)
        except InvalidPayee as exc:
            raise ValueError(exc.message) from None
        return self


def _stage_text(case):
    return "".join(s.get("text", "") + s.get("name", "") for s in case.snapshot.get("stages", []))


def _notes(case):
    item = ServiceItem.objects.filter(pk=case.snapshot.get("item_id")).only("notes").first()
    return "".join(item.notes or []) if item else ""


def _same(given, computed):
    try:
        return yuan(given) == computed
    except MoneyError:
        return False


def settled_order(case):
    order = order_for_case(case)
    if order is None or order.state != OrderState.PAID:
        state = order.get_state_display() if order else "未生成"
        raise DomainCheckFailed(f"支付指令{state}，须支付成功后方可办结", order=order.order_no if order else "")
    return order


class Reimbursement(Handler):
    """门诊/住院费用手工（零星）报销."""

    schema = ClaimData
    has_effect = True
    pays = True

    def materials(self, entries, case):
        data = case.data
        entries = with_materials(entries, case, ("急诊",), bool(data.get("emergency")))
        accident = data.get("accident", NO_ACCIDENT)
        entries = with_materials(entries, case, ("意外伤害",), accident != NO_ACCIDENT)
        entries = with_materials(entries, case, ("第三方责任",), accident != NO_ACCIDENT)
        if accident == NO_THIRD_PARTY:  # R46: the 承诺书 of no third party, not the police papers
            entries = [e for e in entries if not ("第三方责任" in e.when and "无第三方" not in e.name)]
        elif accident == THIRD_PARTY:  # police or court papers (or, failing them, a 承诺书)
            entries = [e for e in entries if "无第三方" not in e.name]
        entries = with_materials(entries, case, ("生育", "使用限制药品"), False)
        invoices = data.get("invoices") or []
        if invoices and all(i.get("itemised") for i in invoices) and "可不提供费用清单" in _notes(case):
            entries = [e for e in entries if "费用清单" not in e.name]  # R48
        return entries

    def _payout_allowed(self, case):
        data = case.data
        stages = _stage_text(case)
        if data.get("payout") == UNIT:
            if case.agent is None or case.agent.kind != ApplicantKind.EMPLOYER:
                raise InvalidPayee("划入单位银行账户仅限参保单位代办的报销", field="payout")
            if "单位代办" not in stages:
                raise InvalidPayee(f"{case.region.name}办事指南规定报销费用划入参保人银行账户", field="payout")
        if data.get("payout") == CARD and "社保卡" not in stages and "社会保障卡" not in stages:
            raise InvalidPayee(f"{case.region.name}办事指南规定报销费用划入银行账户，请选择本人银行账户", field="payout")

    def _seals(self, case):
        data = case.data
        needs_seal = any(m.get("seal_required") for m in case.snapshot.get("materials", [])) or "鲜章" in _notes(case)
        if needs_seal and not data.get("sealed", True) and not data.get("unsealed_commitment"):
            raise MaterialCondition("医药机构收费票据、费用清单、处方底单需加盖医药机构印章，未盖鲜章的需填写个人承诺书",
                                    field="unsealed_commitment")

    def check(self, case, action, actor):
        if action in (Action.SUBMIT, Action.RESUBMIT):
            if case.applicant.kind != ApplicantKind.PERSON:
                raise DomainCheckFailed("报销须以参保人员为申请人；单位代办的，以代理人身份申请", field="applicant")
            person, _ = actions.insured(case)
            self._payout_allowed(case)
            self.check_payee(case, self.payee(case)["payee_name"])  # said at 申请, not discovered at 拨付
            queries.visits(case, person)  # every provider's level known (register or declared)
        elif action in (Action.ACCEPT, Action.START_REVIEW):
            self._seals(case)
        elif action == Action.APPROVE:
            # 复核 is the engine's 审核通过: the amount is fixed here, with the acting reviewer known
            # (approved_amount, called next in the same transaction, only reads it)
            actions.fix_amount(case, actor, case.channel)
        elif action == Action.PAY:
            actions.check_payable(case, actor)
        elif action == Action.COMPLETE:
            settled_order(case)

    def on_submit(self, case, actor):
        actions.open_claim(case)

    def approved_amount(self, case, given):
        computed = self.amount(case)
        if computed is not None and given not in (None, "") and not _same(given, computed):
            raise AmountNotTyped(f"报销金额由政策核算为{computed}元，不能直接填写；如需调整请在初审中逐项核减并注明理由",
                                 field="amount", computed=str(computed))
        return super().approved_amount(case, None)

    def amount(self, case):
        claim = queries.claim_of(case)
        return claim.payable if claim and claim.fixed else None

    def payee_names(self, case):
        # the guide's 单位代办 pays the unit that applied; otherwise the insured person
        return [case.agent.name] if case.data.get("payout") == UNIT and case.agent else [case.applicant.name]

    def payee(self, case):
        data = case.data
        if data["payout"] == UNIT:
            name, kind = case.agent.name, AccountKind.EMPLOYER
        else:
            name = case.applicant.name
            kind = AccountKind.SOCIAL_SECURITY_CARD if data["payout"] == CARD else AccountKind.BANK
        return {"payee_name": (data.get("account_holder") or "").strip() or name, "account_kind": kind, "account_no": data["account_no"],
                "bank_name": data["bank_name"], "purpose": f"{self.label}（{case.receipt_no}）"}

    def on_complete(self, case, actor):
        order = settled_order(case)
        claim = queries.claim_of(case)
        totals = claim.explanation.get("totals", {})
        return {"effect": True, "paid": str(order.amount), "order": order.order_no,
                "invoices": [i["invoice_no"] for i in case.data.get("invoices", [])],
                "summary": f"医疗费用{totals.get('amount')}元，按政策核算支付{claim.payable}元，"
                           f"已于支付指令{order.order_no}划入{case.data.get('payout')}",
                "table": explanation_table(claim.explanation)}


def explanation_table(explanation):
    """The 核算明细 as a table (title, headers, rows) for the result notice and plain screens."""
    headers = ["明细", "项目", "类别", "金额", "不予支付", "乙类自付", "起付线", "支付比例", "封顶余额", "应付"]
    rows = [[r["ref"], r["item"], r["category"], r["amount"], r["excluded"], r["self_paid"], r["deductible"],
             f"{Decimal(r['ratio']) * 100:.0f}%", r["cap_left"], r["payable"]] for r in explanation.get("lines", [])]
    totals = explanation.get("totals", {})
    rows.append(["合计", "", "", totals.get("amount", ""), totals.get("excluded", ""), totals.get("self_paid", ""),
                 totals.get("deductible", ""), "", "", totals.get("payable", "")])
    notes = [f"{r['ref']}：{r['excluded_reason']}" for r in explanation.get("lines", []) if r.get("excluded_reason")]
    notes += [f"{r['ref']}：{r['ratio_note']}" for r in explanation.get("lines", [])[:1]]
    if explanation.get("sample"):
        notes.append("所用政策参数为示例参数（非正式政策）")
    return {"title": "核算明细", "headers": headers, "rows": rows, "notes": notes}


class OutpatientReimbursement(Reimbursement):
    label = "门诊费用报销"


class InpatientReimbursement(Reimbursement):
    label = "住院费用报销"


def register_all():
    register("outpatient-reimbursement", OutpatientReimbursement())
    register("inpatient-reimbursement", InpatientReimbursement())
