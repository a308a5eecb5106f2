"""Every change to the personal accounts, the filings they depend on and the transfer sheets.

Each runs in one transaction and locks the account row before it writes an entry, so two
debits can never both see the same balance. Handlers call these from their hooks (inside the
engine's transaction); commands and other domains (contributions crediting an account) call
them directly.
"""
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.accounts.exceptions import InsufficientBalance, InvalidSheet, NoBalance
from yibao.accounts.models import ZERO, AccountEntry, EntryKind, PersonalAccount, RemoteFilingRef, TransferSheet
from yibao.accounts.sheet_file import SheetFile
from yibao.cases.interface import item_in_force, open_case_as_system
from yibao.contributions.models import ContributionPeriod, PeriodSource, contribution_summary
from yibao.core.audit import acting_user, record
from yibao.core.models import Channel
from yibao.core.money import yuan
from yibao.enrollment import actions as registers
from yibao.enrollment.models import ChangeKind
from yibao.people.actions import register_applicant
from yibao.people.identity import InvalidIdentity, InvalidPhone
from yibao.people.models import Applicant, ApplicantKind

TRANSFER_IN = "关系转入"

K = EntryKind


def _case_ref(case):
    return f"{case.receipt_no} " if case is not None else ""


def open_account(person, region, *, on, actor, channel):
    """The person's account in `region`, opened if it does not exist yet."""
    account = PersonalAccount.objects.filter(person=person, region=region).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            account = PersonalAccount.objects.create(person=person, region=region, opened_on=on)
    except IntegrityError:  # opened concurrently
        return PersonalAccount.objects.get(person=person, region=region)
    record(actor=acting_user(actor), channel=channel, action="建立个人账户", obj=account, summary=str(account))
    return account


def _locked(person, region):
    account = PersonalAccount.objects.select_for_update().filter(person=person, region=region).first()
    if account is None:
        raise NoBalance(f"{person}在{region.name}没有个人账户")
    return account


def _post(account, kind, amount, *, on, case, reference, note, actor, channel):
    entry = AccountEntry.objects.create(account=account, kind=kind, amount=amount, on=on, case=case,
                                        reference=(reference or "")[:100], note=(note or "")[:200],
                                        actor=acting_user(actor), channel=channel)
    balance = account.balance()
    record(actor=acting_user(actor), channel=channel, action=f"个人账户{K(kind).label}", obj=account,
           summary=f"{_case_ref(case)}{account} {K(kind).label} {amount}元，余额{balance}元",
           changes={"entry": entry.pk, "amount": str(amount), "balance": str(balance), "reference": reference})
    return entry, balance


def credit(person, region, amount, *, on, reference="", note="", actor, channel, case=None):
    """划入: contributions or a transfer received; opens the account if need be."""
    amount = yuan(amount)
    if amount <= 0:
        raise InsufficientBalance("划入金额须大于0")
    with transaction.atomic():
        open_account(person, region, on=on, actor=actor, channel=channel)
        account = _locked(person, region)
        return _post(account, K.CREDIT, amount, on=on, case=case, reference=reference, note=note, actor=actor,
                     channel=channel)


def debit(person, region, kind, amount, *, on, reference="", note="", actor, channel, case=None):
    """支取 or 划转 of `amount` (positive); refused when the balance is short."""
    if kind not in (K.WITHDRAWAL, K.TRANSFER):
        raise InsufficientBalance(f"不能以“{K(kind).label}”支出")
    amount = yuan(amount)
    with transaction.atomic():
        account = _locked(person, region)
        balance = account.balance()
        if amount <= 0 or amount > balance:
            raise InsufficientBalance(f"个人账户余额{balance}元，不足{K(kind).label}{amount}元",
                                      balance=str(balance), amount=str(amount))
        return _post(account, kind, -amount, on=on, case=case, reference=reference, note=note, actor=actor,
                     channel=channel)


def reverse(entry, *, on, reason, actor, channel):
    """冲正: an entry of the opposite amount, pointing at the one it corrects."""
    reason = (reason or "").strip()
    if not reason:
        raise InsufficientBalance("冲正须说明原因")
    with transaction.atomic():
        account = PersonalAccount.objects.select_for_update().get(pk=entry.account_id)
        if account.balance() - entry.amount < 0:
            raise InsufficientBalance("冲正后个人账户余额将为负数，不能冲正")
        return _post(account, K.REVERSAL, -entry.amount, on=on, case=entry.case, reference=f"冲正#{entry.pk}",
                     note=reason, actor=actor, channel=channel)


def record_remote_filing(person, region, *, kind, cross_province, destination, reference, valid_from,
                         valid_until=None, actor, channel, case=None):
    """A long-term remote-care filing (what the future remote_care app will write on 办结)."""
    with transaction.atomic():
        filing = RemoteFilingRef.objects.create(
            person=person, region=region, kind=kind, cross_province=cross_province, destination=destination[:100],
            reference=reference[:60], valid_from=valid_from, valid_until=valid_until, case=case)
        record(actor=acting_user(actor), channel=channel, action="异地长期备案", obj=filing,
               summary=f"{_case_ref(case)}{filing}")
    return filing


def end_remote_filing(filing, *, on, actor, channel):
    """取消备案 from `on`."""
    with transaction.atomic():
        filing = RemoteFilingRef.objects.select_for_update().get(pk=filing.pk)
        filing.ended_on = on
        filing.save(update_fields=["ended_on"])
        record(actor=acting_user(actor), channel=channel, action="取消异地备案", obj=filing, summary=f"{filing} 自{on}起取消")
    return filing


# ---------------------------------------------------------------- 转移接续


def issue_transfer_sheet(case, person, enrollment, *, to_region, to_name, actor):
    """关系转出 on 办结: certify the person's contribution time and account balance in the
    《参保人员基本医疗保险信息表》, move the balance out of the account (划转) and end the enrolment.
    Returns the sheet; receive_transfer_sheet then puts it in the in side's queue."""
    today = timezone.localdate()
    with transaction.atomic():
        summary = contribution_summary(person, enrollment.scheme)
        account = PersonalAccount.objects.select_for_update().filter(person=person, region=case.region).first()
        balance = account.balance() if account else ZERO
        sheet_no = f"XXB-{case.receipt_no}"
        if balance > 0:
            _post(account, K.TRANSFER, -balance, on=today, case=case, reference=sheet_no,
                  note=f"关系转出至{to_name}", actor=actor, channel=case.channel)
        registers.change_enrollment(person, enrollment.scheme, ChangeKind.TERMINATE, on=today,
                                    reason=f"关系转出至{to_name}"[:200], actor=actor, channel=case.channel, case=case)
        sheet = TransferSheet.objects.create(
            sheet_no=sheet_no, out_case=case, from_region=case.region, from_region_name=case.region.name,
            to_region=to_region, to_region_name=to_name, id_type=person.id_type, id_number=person.id_number,
            name=person.name, sex=person.sex, birth_date=person.birth_date, phone=person.phone,
            scheme=enrollment.scheme, insured_from=enrollment.start_on, insured_until=today,
            periods=[{"source": source, "months": months} for source, months in summary["by_source"].items()],
            account_balance=balance, issued_on=today)
        record(actor=acting_user(actor), channel=case.channel, action="出具参保人员基本医疗保险信息表", obj=sheet,
               summary=f"{case.receipt_no} {sheet.sheet_no} {person} {case.region.name}→{to_name}，"
                       f"缴费{summary['text']}，个人账户{balance}元")
    return sheet


def receive_transfer_sheet(sheet, region, *, employer_uscc="", comment=""):
    """The in side receives a 信息表: the system opens the 关系转入 case in `region` and accepts
    it on receipt (the sheet is its material), so the in side's limit counts from today."""
    item = item_in_force(region, "relation-transfer")
    applicant = Applicant.objects.filter(id_number=sheet.id_number).first()
    if applicant is None:
        applicant = _applicant_for(sheet, region)
    return open_case_as_system(
        item, applicant, conditions={"sub_type": TRANSFER_IN},
        data={"id_number": sheet.id_number, "scheme": sheet.scheme, "sheet_no": sheet.sheet_no,
              "employer_uscc": employer_uscc},
        comment=comment or f"收到{sheet.from_region_name}出具的《参保人员基本医疗保险信息表》{sheet.sheet_no}",
        accept_comment="以《参保人员基本医疗保险信息表》受理，转入时限自收到之日起计算")


def _applicant_for(sheet, region):
    """A public account for a person arriving from outside the deployment: the system opens it
    with a password nobody knows; the person sets one at a window (or by the reset procedure)."""
    try:
        return register_applicant(ApplicantKind.PERSON, sheet.id_type, sheet.id_number, sheet.name, sheet.phone,
                                  secrets.token_urlsafe(24), region, actor=None, channel=Channel.SYSTEM)
    except (InvalidIdentity, InvalidPhone, ValueError) as exc:
        raise InvalidSheet(f"信息表中的人员信息不完整，无法建立申请人账户：{exc}") from None


def import_transfer_sheet(content, region, *, actor, channel):
    """`yibao transfer import`: a 信息表 from a region outside the deployment, received by `region`.
    Returns the 关系转入 case opened for it."""
    sheet_file = SheetFile.read(content)
    with transaction.atomic():
        try:
            with transaction.atomic():
                fields = sheet_file.fields()
                fields["to_region_name"] = region.name
                sheet = TransferSheet.objects.create(**fields, to_region=region, imported=True)
        except IntegrityError:
            raise InvalidSheet(f"信息表{sheet_file.sheet_no}已导入，不能重复导入") from None
        record(actor=acting_user(actor), channel=channel, action="导入参保人员基本医疗保险信息表", obj=sheet,
               summary=f"{sheet.sheet_no} {sheet.from_region_name}→{region.name}")
        return receive_transfer_sheet(sheet, region)


def carry_over(case, sheet, person, *, employer=None, actor):
    """关系转入 on 办结: the in enrolment starts, the balance is credited, and the contribution time
    of a sheet from outside the deployment is recorded (inside it, the register already holds it)."""
    today = timezone.localdate()
    with transaction.atomic():
        enrollment = registers.enrol(person, sheet.scheme, employer=employer, region=case.region, on=today,
                                     actor=actor, channel=case.channel, case=case,
                                     reason=f"关系转入（{sheet.sheet_no}）")
        registers.move_person(person, case.region, actor=actor, channel=case.channel, case=case)
        if sheet.imported:
            ContributionPeriod.objects.bulk_create(
                ContributionPeriod(person=person, scheme=sheet.scheme, region=case.region,
                                   source=PeriodSource.TRANSFER_IN, months=int(p["months"]),
                                   origin=f"{sheet.from_region_name}：{p.get('source', '')}"[:200], case=case,
                                   actor=acting_user(actor))
                for p in sheet.periods if int(p.get("months", 0)) > 0)
        balance = None
        if sheet.account_balance > 0:
            _, balance = credit(person, case.region, sheet.account_balance, on=today, reference=sheet.sheet_no,
                                note=f"关系转入（{sheet.from_region_name}）", actor=actor, channel=case.channel,
                                case=case)
    return enrollment, balance
