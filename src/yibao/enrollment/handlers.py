"""The seven registration items: their case data, the materials that apply, the refusals, and
the effect of 办结 on the registers (through enrollment/actions.py).

The sub-type of a case (新参保, 注销登记, 增加, 终止 ...) is the engine's Conditions.sub_type: the
catalogue's conditional materials are matched on it. The applicant kind (在职职工 / 灵活就业人员)
is Conditions.applicant_kind. Register checks run at submission (so a hopeless case is refused at
once), at acceptance, approval and 办结 (the registers may have moved meanwhile); the actions
check again under their row locks.
"""
import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from yibao.cases.interface import Action, Conditions, Handler, materials_when, register, with_materials
from yibao.core.numbers import is_digits
from yibao.enrollment import actions, sheets
from yibao.enrollment.exceptions import (
    AlreadyEnrolled,
    EmployerAlreadyRegistered,
    EmployerHasActiveEmployees,
    EmployerNotFound,
    EvidenceRequired,
    IdentityMismatch,
    NotEnrolled,
    NothingToChange,
    NotTheApplicantsRecord,
    PersonNotFound,
    SubTypeNotOffered,
)
from yibao.enrollment.guide_rules import (
    accepted_id_types,
    canonical_sub_type,
    employer_key_fields,
    offered_sub_types,
    person_key_fields,
)
from yibao.enrollment.lookup import person_record
from yibao.enrollment.machines import EMPLOYERS, PERSONS
from yibao.enrollment.models import (
    OPEN_STATUSES,
    ChangeKind,
    CollectionAgency,
    Employer,
    EmployerKind,
    EmployerStatus,
    Enrollment,
    Person,
    PersonStatus,
    Scheme,
    SharedDeath,
)
from yibao.people.identity import InvalidIdentity, InvalidPhone, validate_id, validate_phone
from yibao.people.models import ApplicantKind, IdType

CHECKED = {Action.SUBMIT, Action.RESUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE}
EMPLOYED, FLEXIBLE = "在职职工", "灵活就业人员"
EVIDENCE_WORDS = ("关键信息",)
DEATH, EMIGRATION = "死亡", "出国定居"


def _choice(enum, value):
    """Accept a choice by its value or by its Chinese label."""
    for v, label in enum.choices:
        if value in (v, label):
            return v
    raise ValueError(f"应为：{'、'.join(enum.labels)}")


def _bank_digits(value):
    value = value.replace(" ", "")
    if value and not is_digits(value):
        raise ValueError("银行账号应为数字")
    return value


# A bank account as keyed in: spaces dropped, then digits only (or empty).
BankAccount = Annotated[str, AfterValidator(_bank_digits)]


# ---------------------------------------------------------------- case data


class EmployerData(BaseModel):
    uscc: str
    name: str = Field(min_length=1, max_length=200)
    kind: str
    legal_representative: str = Field(min_length=1, max_length=100)
    bank_name: str = ""
    bank_account: BankAccount = ""
    collection_agency: str = CollectionAgency.MEDICAL
    phone: str = ""
    address: str = ""

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, v):
        try:
            return validate_id(IdType.USCC, v)
        except InvalidIdentity as exc:
            raise ValueError(str(exc)) from None

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        return _choice(EmployerKind, v)

    @field_validator("collection_agency")
    @classmethod
    def _agency(cls, v):
        return _choice(CollectionAgency, v)


class Successor(EmployerData):
    employees: list[str] = []  # 证件号码 of the employees who go to this unit

    @field_validator("employees")
    @classmethod
    def _ids(cls, v):
        return [x.strip().upper() for x in v if x.strip()]


class UnitEnrollmentData(BaseModel):
    employer: EmployerData | None = None  # 新参保: the unit's particulars
    successors: list[Successor] = []  # 拆分/分立: the new units
    merge_from: list[str] = []  # 合并: USCCs of the units that join the applicant
    effective_on: datetime.date | None = None
    reason: str = ""


class PersonData(BaseModel):
    id_type: str = IdType.RESIDENT_ID
    id_number: str
    name: str = Field(min_length=1, max_length=100)
    sex: Literal["M", "F"] | None = None
    birth_date: datetime.date | None = None
    phone: str = ""

    @field_validator("id_type")
    @classmethod
    def _id_type(cls, v):
        return _choice(IdType, v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v):
        try:
            return validate_phone(v) if v.strip() else ""
        except InvalidPhone as exc:
            raise ValueError(str(exc)) from None

    @model_validator(mode="after")
    def _identity(self):
        try:
            checked = actions.person_particulars(self.id_type, self.id_number, name=self.name, sex=self.sex,
                                                 birth_date=self.birth_date)
        except (InvalidIdentity, IdentityMismatch) as exc:
            raise ValueError(getattr(exc, "message", str(exc))) from None
        self.id_number, self.sex, self.birth_date = checked["id_number"], checked["sex"], checked["birth_date"]
        return self

    def particulars(self):
        return {"id_type": self.id_type, "id_number": self.id_number, "name": self.name.strip(), "sex": self.sex,
                "birth_date": self.birth_date}


class SheetContent(BaseModel):
    file_name: str = Field("", max_length=255)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    # [row number, {column: text}] as read from the uploaded sheet (sheets.import_sheet)
    rows: list[tuple[int, dict[Literal[tuple(sheets.COLUMNS)], str]]] = Field(min_length=1)


class SheetData(BaseModel):
    """An employer's 增减 sheet filed as one case: its rows are the case's data."""

    sheet: SheetContent


class EnrollmentData(BaseModel):
    person: PersonData
    effective_on: datetime.date | None = None
    reason: str = ""  # 终止: 死亡 / 出国定居 / ...


class InfoChangeData(BaseModel):
    id_number: str = ""  # whose record (a unit names its employee); empty: the applicant's own
    changes: dict[str, str]
    evidence: str = ""  # where the guide lists no evidence material: what the clerk checked


class PhoneChangeData(BaseModel):
    phone: str

    @field_validator("phone")
    @classmethod
    def _phone(cls, v):
        try:
            return validate_phone(v)
        except InvalidPhone as exc:
            raise ValueError(str(exc)) from None


# ---------------------------------------------------------------- shared helpers


def _conditions(case):
    return Conditions.parse(case.conditions)


def _on(case):
    given = case.data.get("effective_on")
    return datetime.date.fromisoformat(given) if given else actions.today()


def _sub_type(case, *, default=""):
    """The case's canonical sub-type, refused when the region's guide does not offer it."""
    word = _conditions(case).sub_type or default
    sub_type = canonical_sub_type(case.item_code, word)
    offered = offered_sub_types(case.item, case.item_code)
    if not sub_type or sub_type not in offered:
        raise SubTypeNotOffered(f"请选择办理类型：{'、'.join(offered)}", offered=offered, given=word)
    return sub_type


def applicant_employer(case, *, statuses=(EmployerStatus.ACTIVE,)):
    """The registered unit whose account applies."""
    applicant = case.applicant
    if applicant.kind != ApplicantKind.EMPLOYER:
        raise NotTheApplicantsRecord("该业务须由参保单位申请（以统一社会信用代码登录）")
    employer = Employer.objects.filter(uscc=applicant.id_number).first()
    if employer is None:
        raise EmployerNotFound(f"统一社会信用代码{applicant.id_number}尚未办理单位参保登记")
    if employer.status not in statuses:
        raise EmployerNotFound(f"{employer.name}当前为“{employer.get_status_display()}”，不能办理该业务")
    return employer


def _person(id_number):
    person = person_record((id_number or "").strip().upper())
    if person is None:
        raise PersonNotFound("未找到该参保人员的登记信息")
    return person


def own_person(case, id_number=""):
    """The person a personal item is about: the applicant's own record, or (for a unit) one of
    its employees."""
    applicant = case.applicant
    if applicant.kind == ApplicantKind.EMPLOYER:
        employer = applicant_employer(case)
        person = _person(id_number)
        if not Enrollment.objects.filter(person=person, employer=employer, status__in=OPEN_STATUSES).exists():
            raise NotTheApplicantsRecord(f"{person}不是{employer.name}的在册职工")
        return person
    if id_number and id_number.strip().upper() != applicant.id_number:
        raise NotTheApplicantsRecord("只能办理本人的参保信息业务；代他人办理请以代理人身份申请")
    return _person(applicant.id_number)


def _supplied_evidence(case, words):
    """The names of the evidence materials supplied with the case, or the clerk's note."""
    names = [m["name"] for m in materials_when(case, words) if case.materials.get(m["key"])]
    return "、".join(names) or (case.data.get("evidence") or "").strip()


class RegisterHandler(Handler):
    has_effect = True

    def check(self, case, action, actor):
        if action in CHECKED:
            self.check_registers(case)

    def check_registers(self, case):
        """Refuse with a named exception when the registers do not allow the case."""


# ---------------------------------------------------------------- unit-enrollment


class UnitEnrollment(RegisterHandler):
    label = "单位参保登记"
    schema = UnitEnrollmentData

    def check_registers(self, case):
        sub_type = _sub_type(case, default="新参保")
        data = UnitEnrollmentData.model_validate(case.data)
        if sub_type == "新参保":
            if case.applicant.kind != ApplicantKind.EMPLOYER:
                raise NotTheApplicantsRecord("单位参保登记须由参保单位申请（以统一社会信用代码登录）")
            if data.employer is None:
                raise IdentityMismatch("请填写单位参保登记信息")
            if data.employer.uscc != case.applicant.id_number:
                raise IdentityMismatch("登记表中的统一社会信用代码与申请单位不一致")
            existing = Employer.objects.filter(uscc=data.employer.uscc).first()
            if existing is not None and not EMPLOYERS.allows(existing.status, "register"):
                raise EmployerAlreadyRegistered(f"{existing.name}已办理参保登记，无需重复登记")
            return
        if sub_type == "暂停参保":
            applicant_employer(case)
            return
        employer = applicant_employer(case, statuses=(EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED))
        if sub_type == "注销登记":
            employees = actions.open_enrollments_of(employer).count()
            if employees:
                raise EmployerHasActiveEmployees(
                    f"{employer.name}尚有{employees}名在册职工，请先为其办理减少或终止后再注销", employees=employees)
        elif sub_type in ("拆分", "分立"):
            if len(data.successors) < (2 if sub_type == "分立" else 1):
                raise IdentityMismatch(f"请填写{sub_type}后的单位（分立至少两个）")
            taken = Employer.objects.filter(uscc__in=[s.uscc for s in data.successors]).values_list("uscc", flat=True)
            if taken:
                raise EmployerAlreadyRegistered(f"统一社会信用代码已登记：{'、'.join(taken)}")
        elif sub_type == "合并":
            if not data.merge_from:
                raise IdentityMismatch("请填写并入本单位的单位统一社会信用代码")
            found = {e.uscc for e in Employer.objects.filter(uscc__in=data.merge_from, status=EmployerStatus.ACTIVE)}
            missing = sorted(set(data.merge_from) - found)
            if missing or employer.uscc in found:
                raise EmployerNotFound(f"以下单位未正常参保或不能并入本单位：{'、'.join(missing or [employer.uscc])}")

    def on_complete(self, case, actor):
        sub_type = _sub_type(case, default="新参保")
        data = UnitEnrollmentData.model_validate(case.data)
        on, ch = _on(case), case.channel
        if sub_type == "新参保":
            employer = actions.register_employer(region=case.region, data=data.employer.model_dump(), on=on,
                                                 actor=actor, channel=ch, case=case)
            return {"effect": True, "employer": employer.uscc, "status": employer.status, "sub_type": sub_type}
        employer = applicant_employer(case, statuses=(EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED))
        if sub_type == "暂停参保":
            actions.suspend_employer(employer, on=on, reason=data.reason, actor=actor, channel=ch, case=case)
        elif sub_type == "注销登记":
            actions.cancel_employer(employer, on=on, reason=data.reason, actor=actor, channel=ch, case=case)
        elif sub_type in ("拆分", "分立"):
            made, moved = actions.split_employer(employer, successors=[s.model_dump() for s in data.successors], on=on,
                                                 actor=actor, channel=ch, case=case, divide=sub_type == "分立")
            return {"effect": True, "employer": employer.uscc, "sub_type": sub_type,
                    "successors": [e.uscc for e in made], "employees_moved": moved}
        elif sub_type == "合并":
            sources = list(Employer.objects.filter(uscc__in=data.merge_from))
            _, moved = actions.merge_employers(employer, sources=sources, on=on, actor=actor, channel=ch, case=case)
            return {"effect": True, "employer": employer.uscc, "sub_type": sub_type, "merged": data.merge_from,
                    "employees_moved": moved}
        employer.refresh_from_db()
        return {"effect": True, "employer": employer.uscc, "status": employer.status, "sub_type": sub_type}


# ---------------------------------------------------------------- employee-enrollment


KINDS = {"减少": ChangeKind.REDUCE, "暂停": ChangeKind.SUSPEND, "中断": ChangeKind.INTERRUPT,
         "终止": ChangeKind.TERMINATE, "恢复": ChangeKind.RESUME, "在职转退休": ChangeKind.RETIRE}


def _death_shared(case):
    number = (case.data.get("person") or {}).get("id_number", "")
    return SharedDeath.objects.filter(id_number=number).first()


class _SheetSchema(Handler):
    schema = SheetData


# A suspended unit may still reduce (the sheet's 增加 rows are refused by the employer's machine).
SHEET_STATUSES = (EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED)
SHEET_SCHEMA = _SheetSchema()  # validates a sheet case's data with the engine's error shape


def is_sheet(case):
    return "sheet" in (case.data or {})


class EmployeeEnrollment(RegisterHandler):
    label = "职工参保登记"
    schema = EnrollmentData

    def displayed(self, case):
        if not is_sheet(case):
            return super().displayed(case)
        # The rows are checked against the registers at every step; staff see what the sheet holds
        # (the rows themselves, in full, are the unit's roster business, not the case page's).
        sheet = case.data["sheet"]
        adds = sum(1 for _, cells in sheet["rows"] if sheets.KIND_WORDS.get(cells.get("业务类型", "")) == sheets.ADD)
        return None, {"职工增减表": sheet["file_name"] or "（未命名）", "行数": str(len(sheet["rows"])),
                      "增加": f"{adds}人", "减少": f"{len(sheet['rows']) - adds}人"}

    def validate_data(self, data, conditions):
        # One person's 增加/减少…, or an employer's 增减 sheet (every row one person).
        if isinstance(data, dict) and "sheet" in data:
            return SHEET_SCHEMA.validate_data(data, conditions)
        return super().validate_data(data, conditions)

    def materials(self, entries, case):
        # R19: for a death the agency cannot confirm through data sharing, the guide's 死亡证明
        # (or a 个人承诺书 in its place) is due; when sharing confirms it, it is not asked for.
        is_death = _conditions(case).sub_type == "终止" and case.data.get("reason") == DEATH
        return with_materials(entries, case, (DEATH,), is_death and _death_shared(case) is None)

    def _kind(self, case):
        kind = _conditions(case).applicant_kind
        if kind not in (EMPLOYED, FLEXIBLE):
            raise IdentityMismatch(f"请选择参保人员类别：{EMPLOYED}或{FLEXIBLE}")
        return kind

    def _employer(self, case, kind, sub_type):
        if kind == FLEXIBLE:
            return None
        statuses = (EmployerStatus.ACTIVE,) if sub_type in ("增加", "恢复") else (
            EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED)
        return applicant_employer(case, statuses=statuses)

    def check_registers(self, case):
        if is_sheet(case):  # every row against the registers as they stand (SheetInvalid names each)
            sheets.check_case_sheet(case, applicant_employer(case, statuses=SHEET_STATUSES))
            return
        sub_type, kind = _sub_type(case, default="增加"), self._kind(case)
        data = EnrollmentData.model_validate(case.data)
        if data.person.id_type not in accepted_id_types(case.item):
            raise IdentityMismatch(f"{case.region.name}办事指南所列有效身份证件不含{IdType(data.person.id_type).label}")
        employer = self._employer(case, kind, sub_type)
        relative = sub_type == "终止" and data.reason == DEATH
        if employer is None and not relative and data.person.id_number != case.applicant.id_number:
            raise NotTheApplicantsRecord("灵活就业人员参保登记须由本人申请（或委托代理人代为申请）")
        person = Person.objects.filter(id_number=data.person.id_number).first()
        current = actions.open_enrollment(person, Scheme.EMPLOYEE) if person else None
        if sub_type == "增加":
            if current is not None:
                raise actions.already_enrolled(person, current)
            if person is not None and not PERSONS.allows(person.status, "enrol"):
                raise IdentityMismatch(f"{person}登记为“{person.get_status_display()}”，不能参保")
            return
        if current is None:
            raise NotEnrolled(f"{data.person.name}未参加职工基本医疗保险或参保关系已终止")
        if employer is not None and current.employer_id != employer.pk:
            raise NotEnrolled(f"{person}不是{employer.name}的在册职工")
        if employer is None and current.employer_id and not relative:
            raise NotEnrolled(f"{person}以在职职工身份参保，请由参保单位办理")

    def on_complete(self, case, actor):
        if is_sheet(case):  # all rows or none, in the completion's transaction
            sheet = sheets.apply_case_sheet(case, applicant_employer(case, statuses=SHEET_STATUSES), actor)
            return {"effect": True, "sheet": sheet.pk, "rows": sheet.rows, "enrolled": sheet.enrolled,
                    "reduced": sheet.reduced, "file_name": sheet.file_name}
        sub_type, kind = _sub_type(case, default="增加"), self._kind(case)
        data = EnrollmentData.model_validate(case.data)
        employer = self._employer(case, kind, sub_type)
        on, ch = _on(case), case.channel
        if sub_type == "增加":
            person = actions.ensure_person(case.region, data.person.particulars(), phone=data.person.phone,
                                           actor=actor, channel=ch, case=case)
            enrollment = actions.enrol(person, Scheme.EMPLOYEE, employer=employer, region=case.region, on=on,
                                       actor=actor, channel=ch, case=case, reason=data.reason)
            return {"effect": True, "person": person.masked_id, "sub_type": sub_type, "category": kind,
                    "enrollment": enrollment.pk, "status": enrollment.status}
        person = _person(data.person.id_number)
        if sub_type == "终止" and data.reason in (DEATH, EMIGRATION):
            shared = _death_shared(case) if data.reason == DEATH else None
            status = PersonStatus.DECEASED if data.reason == DEATH else PersonStatus.EMIGRATED
            _, ended = actions.record_death_or_emigration(person, status, on=shared.died_on if shared else on,
                                                          actor=actor, channel=ch, case=case)
            return {"effect": True, "person": person.masked_id, "sub_type": sub_type, "reason": data.reason,
                    "ended": ended, "death_confirmed_by": shared.source if shared else "申请人提供"}
        enrollment = actions.change_enrollment(person, Scheme.EMPLOYEE, KINDS[sub_type], on=on, reason=data.reason,
                                               employer=employer, actor=actor, channel=ch, case=case)
        return {"effect": True, "person": person.masked_id, "sub_type": sub_type, "status": enrollment.status}


# ---------------------------------------------------------------- resident-enrollment


class ResidentEnrollment(RegisterHandler):
    label = "城乡居民参保登记"
    schema = EnrollmentData

    def check_registers(self, case):
        sub_type = _sub_type(case, default="新参保")
        data = EnrollmentData.model_validate(case.data)
        if data.person.id_type not in accepted_id_types(case.item):
            raise IdentityMismatch(f"{case.region.name}办事指南所列有效身份证件不含{IdType(data.person.id_type).label}")
        if case.applicant.kind != ApplicantKind.PERSON:
            raise NotTheApplicantsRecord("城乡居民参保登记由本人或其家庭成员申请")
        person = Person.objects.filter(id_number=data.person.id_number).first()
        current = actions.open_enrollment(person, Scheme.RESIDENT) if person else None
        if sub_type == "新参保":
            if current is not None:
                raise actions.already_enrolled(person, current)
            employee = actions.open_enrollment(person, Scheme.EMPLOYEE) if person else None
            if employee is not None:
                raise AlreadyEnrolled(f"{person}已参加职工基本医疗保险，城乡居民医保面向未参加职工医保的城乡居民")
        elif current is None:
            raise NotEnrolled(f"{data.person.name}未参加城乡居民基本医疗保险或参保关系已终止")

    def on_complete(self, case, actor):
        sub_type = _sub_type(case, default="新参保")
        data = EnrollmentData.model_validate(case.data)
        on, ch = _on(case), case.channel
        if sub_type == "新参保":
            person = actions.ensure_person(case.region, data.person.particulars(), phone=data.person.phone,
                                           actor=actor, channel=ch, case=case)
            enrollment = actions.enrol(person, Scheme.RESIDENT, region=case.region, on=on, actor=actor, channel=ch,
                                       case=case)
        else:
            person = _person(data.person.id_number)
            enrollment = actions.change_enrollment(person, Scheme.RESIDENT, KINDS[sub_type], on=on,
                                                   reason=data.reason, actor=actor, channel=ch, case=case)
        return {"effect": True, "person": person.masked_id, "sub_type": sub_type, "status": enrollment.status}


# ---------------------------------------------------------------- information changes


class UnitInfoChange(RegisterHandler):
    label = "单位参保信息变更登记"
    schema = InfoChangeData

    def _key(self, case):
        employer = Employer.objects.filter(uscc=case.applicant.id_number).first()
        fields = employer_key_fields(case.item)
        return [f for f, v in case.data.get("changes", {}).items()
                if employer is not None and f in fields and str(getattr(employer, f, "")) != v]

    def materials(self, entries, case):
        return with_materials(entries, case, EVIDENCE_WORDS, bool(self._key(case)))

    def check_registers(self, case):
        applicant_employer(case, statuses=(EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED))
        unknown = set(case.data["changes"]) - set(actions.EMPLOYER_FIELDS)
        if unknown or not case.data["changes"]:
            raise IdentityMismatch(f"可变更的信息：{'、'.join(actions.EMPLOYER_FIELDS.values())}")
        if self._key(case) and not materials_when(case, EVIDENCE_WORDS) and not case.data.get("evidence"):
            raise EvidenceRequired("变更关键信息须说明已核验的佐证资料")

    def on_complete(self, case, actor):
        employer = applicant_employer(case, statuses=(EmployerStatus.ACTIVE, EmployerStatus.SUSPENDED))
        changes = dict(case.data["changes"])
        for field, enum in (("kind", EmployerKind), ("collection_agency", CollectionAgency)):
            if field in changes:
                changes[field] = _choice(enum, changes[field])
        rows = actions.change_employer(employer, changes, key_fields=employer_key_fields(case.item),
                                       evidence=_supplied_evidence(case, EVIDENCE_WORDS), actor=actor,
                                       channel=case.channel, case=case)
        return {"effect": True, "employer": employer.uscc, "changed": [r.label for r in rows],
                "key": [r.label for r in rows if r.key]}


class PersonInfoChange(RegisterHandler):
    schema = InfoChangeData
    scheme = Scheme.EMPLOYEE

    def _subject(self, case):
        return own_person(case, case.data.get("id_number", ""))

    def _key(self, case):
        person = Person.objects.filter(
            id_number=(case.data.get("id_number") or case.applicant.id_number).strip().upper()).first()
        fields = person_key_fields(case.item)
        return [f for f, v in case.data.get("changes", {}).items()
                if person is not None and f in fields and str(getattr(person, f, "")) != v]

    def materials(self, entries, case):
        return with_materials(entries, case, EVIDENCE_WORDS, bool(self._key(case)))

    def check_registers(self, case):
        person = self._subject(case)
        if actions.open_enrollment(person, self.scheme) is None:
            raise NotEnrolled(f"{person}未参加{Scheme(self.scheme).label}")
        unknown = set(case.data["changes"]) - set(actions.PERSON_FIELDS)
        if unknown or not case.data["changes"]:
            raise IdentityMismatch(f"可变更的信息：{'、'.join(actions.PERSON_FIELDS.values())}")
        if self._key(case) and not materials_when(case, EVIDENCE_WORDS) and not case.data.get("evidence"):
            raise EvidenceRequired("变更关键信息须说明已核验的佐证资料")

    def on_complete(self, case, actor):
        person = self._subject(case)
        changes = dict(case.data["changes"])
        if "birth_date" in changes:
            changes["birth_date"] = datetime.date.fromisoformat(changes["birth_date"])
        rows = actions.change_person(person, changes, key_fields=person_key_fields(case.item),
                                     evidence=_supplied_evidence(case, EVIDENCE_WORDS), actor=actor,
                                     channel=case.channel, case=case)
        return {"effect": True, "person": person.masked_id, "changed": [r.label for r in rows],
                "key": [r.label for r in rows if r.key]}


class EmployeeInfoChange(PersonInfoChange):
    label = "职工参保信息变更登记"
    scheme = Scheme.EMPLOYEE


class ResidentInfoChange(PersonInfoChange):
    label = "城乡居民参保信息变更登记"
    scheme = Scheme.RESIDENT


class PhoneChange(RegisterHandler):
    """No 审核 in the guides: accepted and completed on the spot (run_instant)."""

    label = "参保人员电话号码新增和更改"
    schema = PhoneChangeData

    def check_registers(self, case):
        person = own_person(case)
        if person.phone == case.data["phone"]:
            raise NothingToChange("新号码与登记的号码相同，无需变更")

    def on_complete(self, case, actor):
        person = actions.change_phone(own_person(case), case.data["phone"], actor=actor, channel=case.channel,
                                      case=case)
        return {"effect": True, "person": person.masked_id, "phone": person.masked_phone}


HANDLERS = {
    "unit-enrollment": UnitEnrollment(),
    "employee-enrollment": EmployeeEnrollment(),
    "resident-enrollment": ResidentEnrollment(),
    "unit-info-change": UnitInfoChange(),
    "employee-info-change": EmployeeInfoChange(),
    "resident-info-change": ResidentInfoChange(),
    "phone-change": PhoneChange(),
}


def register_all():
    """Register every enrolment item's handler with the case engine."""
    for code, handler in HANDLERS.items():
        register(code, handler)
