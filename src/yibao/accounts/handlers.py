"""The handlers of the account items: account-withdrawal, account-transfer (and relation-transfer
in transfer.py). Each declares its case data, adjusts the materials to the case, checks the
registers before each step, starts the payment order at 拨付 and writes the ledger at 办结.
"""
import datetime
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field, field_validator

from yibao.accounts import actions, queries
from yibao.accounts.exceptions import NoBalance, NoRemoteFiling, PaymentNotSettled, ReasonNotOffered
from yibao.accounts.models import EntryKind
from yibao.cases.interface import Action, Handler, register, with_materials
from yibao.enrollment import actions as registers
from yibao.enrollment.exceptions import NotTheApplicantsRecord, PersonNotFound
from yibao.enrollment.machines import PERSONS
from yibao.enrollment.models import ChangeKind, Person, PersonStatus, Scheme, SharedDeath
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind, OrderState
from yibao.payments.queries import order_for_case
from yibao.people.models import ApplicantKind

EMIGRATION, DEATH, ABANDON = "出国（境）定居", "死亡", "主动放弃"
RELOCATED, MOVED_OUT = "异地安置", "转出统筹范围"
REASONS = (EMIGRATION, DEATH, ABANDON, RELOCATED, MOVED_OUT)
OVER_THRESHOLD = (RELOCATED, MOVED_OUT)  # template guide (003): only a balance over the threshold
CHECKED_BEFORE = (Action.SUBMIT, Action.ACCEPT, Action.START_REVIEW, Action.APPROVE)


def _card(kind):
    def check(value):
        try:
            return clean_account(kind, value)
        except InvalidPayee as exc:
            raise ValueError(exc.message) from None

    return check


class WithdrawalData(BaseModel):
    reason: Literal[REASONS] = Field(title="支取原因")
    id_number: str = Field("", title="参保人员证件号码", max_length=32,
                           description="本人申请可不填；参保人员死亡的，由继承人（代表人）申请并填写其证件号码")
    died_on: datetime.date | None = Field(None, title="死亡日期", description="因死亡支取时填写")
    bank_name: str = Field(title="开户银行", min_length=2, max_length=100)
    bank_account: str = Field(title="收款银行卡号", description="申请人本人的银行借记卡", max_length=40)
    account_holder: str = Field("", title="收款账户户名", max_length=100,
                                description="须为申请人本人（参保人员死亡的，为继承人本人）；不填即为申请人姓名")

    _bank = field_validator("bank_account")(_card(AccountKind.BANK))


class TransferData(BaseModel):
    id_number: str = Field("", title="参保人员证件号码", max_length=32, description="本人申请可不填")
    card_bank_name: str = Field(title="社会保障卡开户银行", min_length=2, max_length=100)
    card_account: str = Field(title="社会保障卡金融账户账号", max_length=40)
    account_holder: str = Field("", title="收款账户户名", max_length=100, description="须为参保人员本人；不填即为本人姓名")

    _card = field_validator("card_account")(_card(AccountKind.SOCIAL_SECURITY_CARD))


def insured_person(case, id_number, *, relative=False):
    """The insured person the case is about: the applicant's own record, or (relative=True, a
    death) someone else's, applied for by the heir."""
    applicant = case.applicant
    if applicant.kind != ApplicantKind.PERSON:
        raise NotTheApplicantsRecord("个人账户业务须由参保人员本人（或其继承人、代理人）申请")
    number = (id_number or "").strip().upper() or applicant.id_number
    if relative and number == applicant.id_number:
        raise NotTheApplicantsRecord("参保人员死亡的，由继承人（代表人）申请，请填写参保人员的证件号码")
    if not relative and number != applicant.id_number:
        raise NotTheApplicantsRecord("只能办理本人的个人账户业务；代他人办理请以代理人身份申请")
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        raise PersonNotFound("未找到该参保人员的登记信息")
    return person


def positive_balance(person, region):
    balance = queries.balance_of(person, region)
    if balance <= 0:
        raise NoBalance(f"{person}在{region.name}的个人账户无余额，不能办理", balance=str(balance))
    return balance


def settled_order(case):
    order = order_for_case(case)
    if order is None or order.state != OrderState.PAID:
        state = order.get_state_display() if order else "未生成"
        raise PaymentNotSettled(f"支付指令{state}，须支付成功后方可办结", order=order.order_no if order else "")
    return order


class AccountWithdrawal(Handler):
    """参保人员个人账户（资金）一次性支取."""

    label = "个人账户一次性支取"
    schema = WithdrawalData
    has_effect = True
    pays = True

    def _data(self, case):
        return WithdrawalData.model_validate(case.data)

    def materials(self, entries, case):
        # Which of 死亡 / 主动放弃's materials apply follows the reason in the case data, not ticks.
        reason = case.data.get("reason")
        entries = with_materials(entries, case, (DEATH,), reason == DEATH)
        return with_materials(entries, case, (ABANDON,), reason == ABANDON)

    def eligible(self, case):
        """(person, balance) when the withdrawal may go ahead; the named refusal otherwise."""
        data = self._data(case)
        person = insured_person(case, data.id_number, relative=data.reason == DEATH)
        balance = positive_balance(person, case.region)
        if data.reason in OVER_THRESHOLD:
            params = queries.parameters(case.region, timezone.localdate())
            threshold = params.withdrawal_threshold if params else None
            if threshold is None:
                raise ReasonNotOffered(f"{case.region.name}未规定{data.reason}人员个人账户一次性支取")
            if balance <= threshold:
                raise ReasonNotOffered(f"{data.reason}人员个人账户余额超过{threshold}元方可一次性支取，"
                                       f"现余额{balance}元", threshold=str(threshold), balance=str(balance))
        if data.reason == ABANDON and not PERSONS.allows(person.status, "abandon"):
            raise ReasonNotOffered(f"{person}登记为“{person.get_status_display()}”，不能以主动放弃为由支取")
        return person, balance

    def check(self, case, action, actor):
        if action in CHECKED_BEFORE:
            self.eligible(case)
            self.check_payee(case, self.payee(case)["payee_name"])  # said at 申请, not discovered at 拨付
        elif action == Action.COMPLETE:
            settled_order(case)

    def amount(self, case):
        return self.eligible(case)[1]  # the whole balance as it stands at approval

    def payee(self, case):
        data = self._data(case)
        return {"payee_name": data.account_holder.strip() or case.applicant.name, "account_kind": AccountKind.BANK,
                "account_no": data.bank_account,
                "bank_name": data.bank_name, "purpose": f"个人账户一次性支取（{data.reason}）"}

    def on_complete(self, case, actor):
        data = self._data(case)
        order = settled_order(case)
        person = insured_person(case, data.id_number, relative=data.reason == DEATH)
        today = timezone.localdate()
        _, balance = actions.debit(person, case.region, EntryKind.WITHDRAWAL, order.amount, on=today,
                                   reference=order.order_no, note=f"一次性支取（{data.reason}）", actor=actor,
                                   channel=case.channel, case=case)
        effect = {"effect": True, "person": person.masked_id, "reason": data.reason, "withdrawn": str(order.amount),
                  "balance": str(balance), "order": order.order_no, "enrollment": self._end(case, person, data, today,
                                                                                          actor)}
        return effect

    def _end(self, case, person, data, today, actor):
        """End the employee enrolment as the reason requires; what was ended."""
        if data.reason in (DEATH, EMIGRATION):
            status = PersonStatus.DECEASED if data.reason == DEATH else PersonStatus.EMIGRATED
            if not PERSONS.allows(person.status, status):
                return []  # already recorded (by 职工参保登记 终止, or data sharing)
            shared = SharedDeath.objects.filter(id_number=person.id_number).first() if data.reason == DEATH else None
            on = shared.died_on if shared else data.died_on or today
            return registers.record_death_or_emigration(person, status, on=on, actor=actor, channel=case.channel,
                                                        case=case)[1]
        current = registers.open_enrollment(person, Scheme.EMPLOYEE)
        if data.reason in (ABANDON, MOVED_OUT) and current is not None and current.region_id == case.region_id:
            registers.change_enrollment(person, Scheme.EMPLOYEE, ChangeKind.TERMINATE, on=today, reason=data.reason,
                                        actor=actor, channel=case.channel, case=case)
            return [Scheme.EMPLOYEE.label]
        return []  # 异地安置: the person stays insured here


class AccountTransfer(Handler):
    """跨省异地长期备案人员个人账户资金划转: to the person's own 社会保障卡金融账户 only."""

    label = "个人账户资金划转（跨省异地长期备案）"
    schema = TransferData
    has_effect = True
    pays = True

    def _data(self, case):
        return TransferData.model_validate(case.data)

    def eligible(self, case):
        person = insured_person(case, self._data(case).id_number)
        filing = queries.long_term_filing(person, case.region, timezone.localdate())
        if filing is None:
            raise NoRemoteFiling(f"{person}未办理跨省异地长期备案（或备案已失效），不能办理个人账户资金划转")
        return person, positive_balance(person, case.region)

    def check(self, case, action, actor):
        if action in CHECKED_BEFORE:
            self.eligible(case)
            self.check_payee(case, self.payee(case)["payee_name"])
        elif action == Action.COMPLETE:
            settled_order(case)

    def amount(self, case):
        return self.eligible(case)[1]

    def payee_names(self, case):
        return [insured_person(case, self._data(case).id_number).name]  # the insured's own card

    def payee(self, case):
        data = self._data(case)
        person = insured_person(case, data.id_number)
        return {"payee_name": data.account_holder.strip() or person.name, "account_kind": AccountKind.SOCIAL_SECURITY_CARD,
                "account_no": data.card_account, "bank_name": data.card_bank_name,
                "purpose": "个人账户资金划转至本人社会保障卡金融账户"}

    def on_complete(self, case, actor):
        order = settled_order(case)
        person = insured_person(case, self._data(case).id_number)
        _, balance = actions.debit(person, case.region, EntryKind.TRANSFER, order.amount, on=timezone.localdate(),
                                   reference=order.order_no, note="划转至本人社会保障卡金融账户", actor=actor,
                                   channel=case.channel, case=case)
        return {"effect": True, "person": person.masked_id, "transferred": str(order.amount), "balance": str(balance),
                "order": order.order_no}


def register_all():
    register("account-withdrawal", AccountWithdrawal())
    register("account-transfer", AccountTransfer())
