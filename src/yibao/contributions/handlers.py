"""The contribution, query and credential items: their case data, the materials that apply,
the refusals, and the effect of 办结 on the registers.

- flexible-contribution (即时办结): 出具缴费通知单 for the months applied for, at the rate and
  within the base bounds of the region's parameters.
- contribution-base (3 working days): the unit declares each employee's base (case data, or an
  Excel sheet read by base_sheet.rows_from_sheet); 办结 核定应缴纳的医保费数额. Units whose
  contributions 人社 collects are refused with the guide's own words (R24).
- lump-sum-contribution (5 working days): years short × base × rate → 缴费通知单; R22 on the
  退休审批资料, as the region's guide has it.
- unit-info-query, person-info-query (no 审核): the record, masked where the full value is not
  needed; the PDF is documents.record_pdf.
- insurance-certificate: a 参保凭证 with a verification code; e-credential: no materials, 系统
  自动识别.

Checks run at submission, acceptance, approval and 办结 (RegisterHandler); the actions check
again under their locks.
"""
import datetime
import re

from django.utils import timezone
from pydantic import BaseModel, Field, field_validator

from yibao.cases.interface import COMMITMENT, DomainCheckFailed, register
from yibao.contributions import actions as contribution_actions
from yibao.contributions import credential_actions
from yibao.contributions.exceptions import (
    CollectedByHRSS,
    InvalidPeriod,
    LumpSumOutstanding,
    NotFlexibleWorker,
    RetirementApprovalRequired,
)
from yibao.contributions.models import years_text
from yibao.contributions.queries import open_lump_sum_notice, person_record, unit_record
from yibao.core.audit import acting_user, record
from yibao.core.money import MoneyError, yuan
from yibao.enrollment import actions
from yibao.enrollment.exceptions import NotEnrolled
from yibao.enrollment.handlers import BankAccount, RegisterHandler, applicant_employer, own_person
from yibao.enrollment.models import CollectionAgency, EmployerStatus, EnrollmentStatus, Scheme
from yibao.enrollment.parameters import month_start, parameters_for

EMPLOYEE = Scheme.EMPLOYEE
FLEXIBLE = "灵活就业人员"
RETIREMENT_WORD = "退休审批"
HRSS_NOTE_WORD = "人社部门征收"
HRSS_DEFAULT = "由人社部门征收的单位按照人社部门相关规定办理"
ANY_EMPLOYER_STATUS = tuple(EmployerStatus.values)
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(text):
    found = MONTH.match((text or "").strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise ValueError("月份格式应为 YYYY-MM，如 2026-01")
    return f"{int(found[1]):04d}-{int(found[2]):02d}"


def _as_month(text):
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _money(value):
    if value in ("", None):
        return ""
    try:
        return str(yuan(value))
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


def _submitted_on(case):
    return timezone.localdate(case.submitted_at)


# ---------------------------------------------------------------- case data


class FlexibleContributionData(BaseModel):
    from_month: str = Field(title="费款所属期起", description="格式 YYYY-MM，如 2026-01")
    to_month: str = Field(title="费款所属期止", description="格式 YYYY-MM")
    base: str | int = Field(default="", title="月缴费基数（元）", description="不填则按缴费基数下限")
    # 参保人银行账户信息 (R25), for the bank that collects
    bank_name: str = Field(default="", title="开户银行")
    bank_account: BankAccount = Field(default="", title="银行账号")

    @field_validator("from_month", "to_month")
    @classmethod
    def _months(cls, v):
        return _month(v)

    @field_validator("base")
    @classmethod
    def _base(cls, v):
        return _money(v)


class BaseRow(BaseModel):
    row: int | None = None  # the Excel row it came from (base_sheet.rows_from_sheet)
    id_number: str = Field(min_length=1, max_length=32, title="证件号码")
    name: str = Field(default="", title="姓名")
    base: str | int = Field(title="月缴费基数（元）")

    @field_validator("base")
    @classmethod
    def _base(cls, v):
        if not str(v).strip():
            raise ValueError("请填写缴费基数")
        return _money(v)


class ContributionBaseData(BaseModel):
    year: int = Field(ge=2000, le=2100, title="申报年度")
    from_month: int = Field(default=1, ge=1, le=12, title="起始月份")
    rows: list[BaseRow] = Field(min_length=1, title="职工缴费基数",
                                description='如 [{"id_number": "证件号码", "name": "姓名", "base": "5000"}]；'
                                            "也可上传缴费基数申报表（Excel）")


class LumpSumData(BaseModel):
    early_retirement: bool = Field(default=False, title="未达到法定退休年龄的提前退休人员")
    retirement_approval: str = Field(default="", max_length=200, title="退休审批资料（审批部门及文号）")


class NoData(BaseModel):
    """Items whose application carries nothing but the applicant's identity."""


# ---------------------------------------------------------------- 灵活就业人员缴费


class FlexibleContribution(RegisterHandler):
    label = "灵活就业人员缴纳职工医疗保险费"
    schema = FlexibleContributionData

    def _quote(self, case):
        person = own_person(case)
        enrollment = actions.open_enrollment(person, EMPLOYEE)
        if enrollment is None or enrollment.employer_id is not None:
            raise NotFlexibleWorker(f"{person}未以灵活就业人员身份参加职工基本医疗保险，请先办理职工参保登记")
        if enrollment.status != EnrollmentStatus.ACTIVE:
            raise NotFlexibleWorker(f"{person}的职工医保参保关系为“{enrollment.get_status_display()}”，请先办理恢复")
        first, last = _as_month(case.data["from_month"]), _as_month(case.data["to_month"])
        if first < month_start(enrollment.start_on):
            raise InvalidPeriod(f"缴费月份不能早于参保月份{enrollment.start_on:%Y年%m月}")
        if last.year > _submitted_on(case).year:
            raise InvalidPeriod("只能缴纳本年度及以前月份的医保费")
        base = yuan(case.data["base"]) if case.data.get("base") else None
        lines = contribution_actions.flexible_quote(person, region=case.region, first=first, last=last, base=base,
                                                    known_at=case.submitted_at)
        return person, first, last, base, lines

    def check_registers(self, case):
        self._quote(case)

    def on_complete(self, case, actor):
        person, first, last, base, _ = self._quote(case)
        notice = contribution_actions.issue_flexible_notice(
            person, region=case.region, first=first, last=last, base=base, today=actions.today(), actor=actor,
            channel=case.channel, case=case, known_at=case.submitted_at)
        return {"effect": True, "notice": notice.number, "total": str(notice.total), "due_on": notice.due_on.isoformat(),
                "parameters_label": notice.parameters_label,
                "summary": f"已出具缴费通知单{notice.number}：{first:%Y年%m月}至{last:%Y年%m月}"
                           f"共{len(notice.items)}个月，应缴{notice.total}元，请于{notice.due_on:%Y年%m月%d日}前缴纳"
                           + (f"（{notice.parameters_label}）" if notice.parameters_label else "")}


# ---------------------------------------------------------------- 缴费基数申报


def hrss_wording(item):
    """R24 in the guide's own words (达州's 备注), else the same rule in plain words."""
    notes = [str(n) for n in (item.notes or [])] if item is not None else []
    note = next((n for n in notes if HRSS_NOTE_WORD in n), HRSS_DEFAULT)
    return re.sub(r"^\s*\d+\s*[.、．]\s*", "", note).strip().rstrip("。")


class ContributionBaseDeclaration(RegisterHandler):
    label = "参保单位缴费基数申报"
    schema = ContributionBaseData

    def _quote(self, case):
        employer = applicant_employer(case)
        if employer.collection_agency == CollectionAgency.HRSS:
            raise CollectedByHRSS(f"{employer.name}的医保费由人社部门征收：{hrss_wording(case.item)}")
        data = case.data
        return employer, contribution_actions.declaration_quote(
            employer, region=case.region, year=data["year"], from_month=data["from_month"], rows=data["rows"],
            known_at=case.submitted_at)

    def check_registers(self, case):
        self._quote(case)

    def on_complete(self, case, actor):
        employer, _ = self._quote(case)
        data = case.data
        bases, notices = contribution_actions.declare_bases(
            employer, region=case.region, year=data["year"], from_month=data["from_month"], rows=data["rows"],
            today=actions.today(), actor=actor, channel=case.channel, case=case, known_at=case.submitted_at)
        total = sum((n.total for n in notices), yuan(0))
        label = next((n.parameters_label for n in notices if n.parameters_label), "")
        assessed = (f"核定{notices[0].period_from:%Y年%m月}至{notices[-1].period_to:%Y年%m月}应缴医保费{total}元"
                    f"（缴费通知单{len(notices)}份）" if notices else "以后各月按月核定")
        return {"effect": True, "year": data["year"], "persons": len(bases), "notices": [n.number for n in notices],
                "total": str(total), "parameters_label": label,
                "summary": f"已登记{data['year']}年度{len(bases)}名职工的缴费基数，{assessed}"
                           + (f"（{label}）" if label else "")}


# ---------------------------------------------------------------- 趸缴


def _age(birth, on):
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class LumpSumContribution(RegisterHandler):
    label = "职工基本医疗保险费趸缴"
    schema = LumpSumData

    def _facts(self, case):
        """(person, the enrolment, at statutory age?, a flexible worker?)"""
        person = own_person(case)
        enrollment = actions.open_enrollment(person, EMPLOYEE)
        if enrollment is None:
            raise NotEnrolled(f"{person}未参加职工基本医疗保险，不能办理趸缴")
        on = _submitted_on(case)
        params = parameters_for(case.region, EMPLOYEE, on, known_at=case.submitted_at)
        return person, on, _age(person.birth_date, on) >= params.retirement_age(person.sex), enrollment.employer_id is None

    @staticmethod
    def _approval_materials(case):
        return [m for m in case.snapshot.get("materials", []) if RETIREMENT_WORD in m["name"]]

    def materials(self, entries, case):
        # R22 (达州, 松潘): a 承诺书 may stand in for the 退休审批资料 only for a flexible worker at
        # statutory retirement age.
        try:
            _, _, of_age, flexible = self._facts(case)
        except DomainCheckFailed:  # no register facts yet: the check refuses the case with its reason
            of_age = flexible = False
        for entry in entries:
            if RETIREMENT_WORD in entry.name:
                entry.commitment_allowed = entry.commitment_allowed and of_age and flexible
        return entries

    def check_registers(self, case):
        person, on, of_age, flexible = self._facts(case)
        data = case.data
        if not of_age and not data.get("early_retirement"):
            raise RetirementApprovalRequired(f"{person}未达到法定退休年龄；提前退休人员请注明并提供退休审批资料")
        published = self._approval_materials(case)
        for m in published:
            if (case.materials.get(m["key"]) or {}).get("by") == COMMITMENT and not (of_age and flexible):
                raise RetirementApprovalRequired(
                    "只有达到法定退休年龄、不能提供退休审批资料的灵活就业人员，方可以个人承诺书代替退休审批资料")
        if not published and not of_age and not data.get("retirement_approval", "").strip():
            # 攀枝花 (R22): only early retirees bring the approval; its guide lists no such material.
            raise RetirementApprovalRequired("未达到法定退休年龄的提前退休人员需提供相关审批部门出具的退休审批资料"
                                             "（请填写审批部门及文号）")
        if open_lump_sum_notice(person) is not None:
            raise LumpSumOutstanding(f"{person}尚有未缴清的趸缴通知单，请先缴费后再申请")
        contribution_actions.lump_sum_quote(person, region=case.region, on=on, known_at=case.submitted_at)

    def on_complete(self, case, actor):
        person, on, _, _ = self._facts(case)
        notice = contribution_actions.issue_lump_sum_notice(
            person, region=case.region, on=on, today=actions.today(), actor=actor, channel=case.channel, case=case,
            known_at=case.submitted_at)
        item = notice.items[0]
        return {"effect": True, "notice": notice.number, "total": str(notice.total), "months": item["months_short"],
                "due_on": notice.due_on.isoformat(), "parameters_label": notice.parameters_label,
                "summary": f"核定趸缴{years_text(item['months_short'])}，应缴医保费{notice.total}元，"
                           f"已出具缴费通知单{notice.number}，请于{notice.due_on:%Y年%m月%d日}前缴纳"
                           + (f"（{notice.parameters_label}）" if notice.parameters_label else "")}


# ---------------------------------------------------------------- queries


def _record_read(case, actor, obj, what):
    # A read of personal data is kept on record like a change: who saw whose record, and why.
    record(actor=acting_user(actor), channel=case.channel,
           action=what, obj=obj, summary=f"{case.receipt_no} {obj}")


class UnitInfoQuery(RegisterHandler):
    label = "参保单位参保信息查询"
    schema = NoData

    def check_registers(self, case):
        applicant_employer(case, statuses=ANY_EMPLOYER_STATUS)

    def on_complete(self, case, actor):
        employer = applicant_employer(case, statuses=ANY_EMPLOYER_STATUS)
        result = unit_record(employer)
        _record_read(case, actor, employer, "查询单位参保信息")
        result.pop("roster")  # the case keeps the facts; the roster is read live (documents.record_pdf)
        return {"effect": True, "record": result,
                "summary": f"已提供{employer.name}的参保信息：{result['employer']['status']}，"
                           f"在册职工{result['employees_open']}人，待缴通知单{len(result['unpaid_notices'])}份"}


class PersonInfoQuery(RegisterHandler):
    label = "参保人员参保信息查询"
    schema = NoData

    def check_registers(self, case):
        own_person(case)

    def on_complete(self, case, actor):
        person = own_person(case)
        result = person_record(person)
        _record_read(case, actor, person, "查询参保人员参保信息")
        open_ = [f"{e['scheme']}（{e['status']}）" for e in result["enrollments"] if e["open"]]
        return {"effect": True, "record": result,
                "summary": f"已提供参保信息：{'、'.join(open_) or '当前无有效参保关系'}；"
                           f"累计缴费{result['contributions']['text']}"}


# ---------------------------------------------------------------- credentials


class InsuranceCertificate(RegisterHandler):
    label = "出具《参保凭证》"
    schema = NoData

    def check_registers(self, case):
        person = own_person(case)
        if not person.enrollments.exists():
            raise NotEnrolled(f"未查询到{person}的参保记录，不能出具参保凭证")

    def on_complete(self, case, actor):
        certificate = credential_actions.issue_certificate(own_person(case), region=case.region, actor=actor,
                                                           channel=case.channel, case=case)
        return {"effect": True, "certificate": certificate.number, "verify_code": certificate.verify_code,
                "summary": f"已出具《参保凭证》{certificate.number}，核验码{certificate.verify_code}"}


class ECredentialClaim(RegisterHandler):
    """No materials, no 审核 (R80: 系统自动识别)."""

    label = "医保电子凭证申领"
    schema = NoData

    def check_registers(self, case):
        credential_actions.check_e_credential(own_person(case))

    def on_complete(self, case, actor):
        credential = credential_actions.grant_e_credential(own_person(case), region=case.region, actor=actor,
                                                           channel=case.channel, case=case)
        return {"effect": True, "credential": credential.masked_number,
                "summary": f"医保电子凭证已激活（{credential.masked_number}）"}


HANDLERS = {
    "flexible-contribution": FlexibleContribution(),
    "contribution-base": ContributionBaseDeclaration(),
    "lump-sum-contribution": LumpSumContribution(),
    "unit-info-query": UnitInfoQuery(),
    "person-info-query": PersonInfoQuery(),
    "insurance-certificate": InsuranceCertificate(),
    "e-credential": ECredentialClaim(),
}


def register_all():
    for code, handler in HANDLERS.items():
        register(code, handler)
