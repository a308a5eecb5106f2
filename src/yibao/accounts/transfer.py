"""基本医疗保险关系转移接续 (relation-transfer) between regions.

Out side: the person applies where they are insured (情形“关系转出”). On 办结 the out side issues
the 《参保人员基本医疗保险信息表》 (TransferSheet), moves the account balance out and ends the
enrolment. A target inside the deployment receives the sheet at once: the system opens and
accepts a 关系转入 case in its queue. A target outside it gets the sheet as a JSON file
(`yibao transfer export`); a sheet from outside comes in with `yibao transfer import`.
In side: on 办结 the enrolment starts there and the balance is credited.

Each side has its own limit: 转出 counts from acceptance, 转入 from receipt of the sheet (the case
is accepted the day it arrives); where the guide splits the limit (攀枝花: 10 / 5 working days)
the case's 情形 picks the part, elsewhere the item's limit applies.
"""
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from yibao.accounts import actions
from yibao.accounts.actions import TRANSFER_IN
from yibao.accounts.exceptions import TransferError
from yibao.accounts.handlers import CHECKED_BEFORE, insured_person
from yibao.accounts.models import TransferSheet
from yibao.cases.interface import Action, Handler, InvalidCaseData, ItemNotAvailable, item_in_force, register
from yibao.catalog.models import Region
from yibao.enrollment import actions as registers
from yibao.enrollment.exceptions import EmployerNotActive, NotEnrolled
from yibao.enrollment.models import Employer, EmployerStatus, Person, Scheme

TRANSFER_OUT = "关系转出"


class RelationTransferData(BaseModel):
    id_number: str = Field("", title="参保人员证件号码", max_length=32, description="本人申请可不填")
    scheme: Literal["employee", "resident"] = Field("employee", title="险种",
                                                    description="employee 职工医保；resident 城乡居民医保")
    to_region: str = Field("", title="转入地（本系统内的统筹地区）", max_length=60, description="地区名称或代码")
    to_outside: str = Field("", title="转入地（本系统以外）", max_length=120,
                            description="转往本系统以外地区时填写其名称，信息表以文件方式交换")
    employer_uscc: str = Field("", title="转入地参保单位统一社会信用代码", max_length=18,
                               description="到转入地单位就业的填写，转入后以在职职工身份参保；不填则为灵活就业人员")
    sheet_no: str = Field("", title="信息表编号", max_length=60, description="转入办件由系统填写")

    @model_validator(mode="after")
    def _one_target(self):
        targets = [v for v in (self.to_region, self.to_outside, self.sheet_no) if v.strip()]
        if len(targets) != 1:
            raise ValueError("请填写转入地：本系统内地区或本系统以外地区，二者选一")
        return self

    @property
    def incoming(self):
        return bool(self.sheet_no.strip())


def _target(case, data):
    """(Region or None, name) of the in side of an out case."""
    if data.to_outside.strip():
        name = data.to_outside.strip()
        if Region.objects.filter(name=name, is_template=False).exists():
            raise TransferError(f"{name}在本系统内，请选择本系统内的转入地")
        return None, name
    wanted = data.to_region.strip()
    region = Region.objects.filter(is_template=False).filter(code=wanted).first() or \
        Region.objects.filter(is_template=False, name=wanted).first()
    if region is None:
        raise TransferError(f"本系统内没有统筹地区“{wanted}”；转往本系统以外地区请填写“转入地（本系统以外）”")
    if region.pk == case.region_id:
        raise TransferError("转入地与转出地相同，无需办理转移接续")
    try:
        item_in_force(region, "relation-transfer")
    except ItemNotAvailable:
        raise TransferError(f"{region.name}现行办事指南中没有转移接续事项，无法接收") from None
    return region, region.name


def in_employer(region, data):
    """The in region's employer the person joins (None: a flexible worker, or a resident)."""
    uscc = data.employer_uscc.strip().upper()
    if not uscc:
        return None
    if data.scheme != Scheme.EMPLOYEE:
        raise TransferError("城乡居民医保转移接续不涉及参保单位")
    employer = Employer.objects.filter(uscc=uscc, region=region).first() if region is not None else None
    if employer is None or employer.status != EmployerStatus.ACTIVE:
        raise EmployerNotActive(f"转入地没有统一社会信用代码为{uscc}的正常参保单位")
    return employer


def _out_enrollment(case, person, scheme):
    current = registers.open_enrollment(person, scheme)
    if current is None or current.region_id != case.region_id:
        raise NotEnrolled(f"{person}未在{case.region.name}参加{Scheme(scheme).label}，无法转出")
    return current


def _splits_by_phase(case):
    return any(TRANSFER_OUT in (r.get("when") or "") for r in case.snapshot.get("time_limits", []))


class RelationTransfer(Handler):
    """基本医疗保险关系转移接续: one handler for the out and the in case."""

    label = "基本医疗保险关系转移接续"
    schema = RelationTransferData
    has_effect = True

    def _data(self, case):
        return RelationTransferData.model_validate(case.data)

    def materials(self, entries, case):
        # The in case's material is the 信息表 itself, sent by the out side.
        return [] if self._data(case).incoming else entries

    def check(self, case, action, actor):
        data = self._data(case)
        sub_type = (case.conditions or {}).get("sub_type", "")
        if data.incoming:
            if action == Action.SUBMIT and (actor is not None or sub_type != TRANSFER_IN):
                raise InvalidCaseData("关系转入办件由系统依据转出地的《参保人员基本医疗保险信息表》生成，请在转出地申请转出")
            if action in (Action.APPROVE, Action.COMPLETE):
                self._not_enrolled(case, data)
            return
        if action == Action.SUBMIT and sub_type != TRANSFER_OUT and (sub_type or _splits_by_phase(case)):
            raise InvalidCaseData(f"请在办理情形中选择“{TRANSFER_OUT}”（转入由系统依据信息表办理）", field="sub_type")
        if action in CHECKED_BEFORE or action == Action.COMPLETE:
            person = insured_person(case, data.id_number)
            _out_enrollment(case, person, data.scheme)
            in_employer(_target(case, data)[0], data)

    def _not_enrolled(self, case, data):
        person = Person.objects.filter(id_number=data.id_number).first()
        current = registers.open_enrollment(person, data.scheme) if person else None
        if current is not None:
            raise registers.already_enrolled(person, current)

    def on_complete(self, case, actor):
        data = self._data(case)
        if data.incoming:
            return self._complete_in(case, data, actor)
        person = insured_person(case, data.id_number)
        enrollment = _out_enrollment(case, person, data.scheme)
        region, name = _target(case, data)
        sheet = actions.issue_transfer_sheet(case, person, enrollment, to_region=region, to_name=name, actor=actor)
        in_case = (actions.receive_transfer_sheet(sheet, region, employer_uscc=data.employer_uscc)
                   if region is not None else None)
        return {"effect": True, "direction": TRANSFER_OUT, "person": person.masked_id, "sheet": sheet.sheet_no,
                "to": name, "months": sheet.months, "account_balance": str(sheet.account_balance),
                "in_case": in_case.receipt_no if in_case else None,
                "in_due": in_case.due_date.isoformat() if in_case and in_case.due_date else None,
                "export": None if in_case else f"yibao transfer export {case.receipt_no}"}

    def _complete_in(self, case, data, actor):
        sheet = TransferSheet.objects.get(sheet_no=data.sheet_no)
        particulars = registers.person_particulars(sheet.id_type, sheet.id_number, name=sheet.name, sex=sheet.sex,
                                                   birth_date=sheet.birth_date)
        person = registers.ensure_person(case.region, particulars, phone=sheet.phone, actor=actor,
                                         channel=case.channel, case=case)
        enrollment, balance = actions.carry_over(case, sheet, person, employer=in_employer(case.region, data),
                                                 actor=actor)
        return {"effect": True, "direction": TRANSFER_IN, "person": person.masked_id, "sheet": sheet.sheet_no,
                "from": sheet.from_region_name, "enrollment": enrollment.pk, "months": sheet.months,
                "account_balance": str(balance) if balance is not None else "0.00"}


def register_all():
    register("relation-transfer", RelationTransfer())
