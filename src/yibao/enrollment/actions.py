"""Every change to the enrolment registers, one function per verb.

Each runs in one transaction, locks the rows it changes (select_for_update, ordered by pk),
appends the history row (EnrollmentChange, FieldChange, PersonPhone, EmployerLink) and records
the audit entry with the case and the channel. Handlers call these from on_complete (so they run
inside the engine's transaction); the bulk sheet import and commands call them directly.
"""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.core.audit import acting_user, record
from yibao.core.masking import mask_bank_account, mask_id_number
from yibao.core.numbers import is_digits
from yibao.enrollment.exceptions import (
    AlreadyEnrolled,
    EmployerAlreadyRegistered,
    EmployerHasActiveEmployees,
    EvidenceRequired,
    IdentityMismatch,
    InvalidStatusChange,
    NothingToChange,
    NotEnrolled,
)
from yibao.enrollment.machines import EMPLOYERS, ENROLLMENTS, PERSONS
from yibao.enrollment.models import (
    OPEN_STATUSES,
    ChangeKind,
    Employer,
    EmployerLink,
    EmployerStatus,
    Enrollment,
    EnrollmentChange,
    EnrollmentStatus,
    FieldChange,
    LineageKind,
    Person,
    PersonPhone,
    PersonStatus,
    Scheme,
    SharedDeath,
)
from yibao.people.identity import validate_id, validate_phone

ES = EnrollmentStatus
K = ChangeKind

EMPLOYER_FIELDS = {
    "uscc": "统一社会信用代码", "name": "单位名称", "kind": "单位性质", "legal_representative": "法定代表人",
    "bank_name": "开户银行", "bank_account": "银行账号", "collection_agency": "征收机构", "phone": "联系电话",
    "address": "地址",
}
PERSON_FIELDS = {"name": "姓名", "sex": "性别", "id_type": "证件类型", "id_number": "证件号码", "birth_date": "出生日期"}
MASKED = {"bank_account": mask_bank_account, "id_number": mask_id_number}


def _case_ref(case):
    return f"{case.receipt_no} " if case is not None else ""


def _locked(model, pks):
    return list(model.objects.select_for_update().filter(pk__in=sorted(pks)).order_by("pk"))


def _lock_one(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


# ---------------------------------------------------------------- employers


def register_employer(*, region, data, on, actor, channel, case=None):
    """新参保 of a unit; a suspended unit registering again is restored with its employees."""
    uscc = validate_id("uscc", data["uscc"])
    with transaction.atomic():
        existing = Employer.objects.select_for_update().filter(uscc=uscc).first()
        if existing is not None:
            if not EMPLOYERS.allows(existing.status, "register"):
                raise EmployerAlreadyRegistered(
                    f"统一社会信用代码{uscc}已登记为参保单位（{existing.get_status_display()}）", uscc=uscc)
            return _restore_employer(existing, on, actor, channel, case)
        fields = {k: v for k, v in data.items() if k in EMPLOYER_FIELDS and k != "uscc"}
        try:
            with transaction.atomic():
                employer = Employer.objects.create(region=region, uscc=uscc, registered_on=on, status_on=on, **fields)
        except IntegrityError:
            raise EmployerAlreadyRegistered(f"统一社会信用代码{uscc}已登记为参保单位", uscc=uscc) from None
        record(actor=acting_user(actor), channel=channel, action="单位参保登记", obj=employer,
               summary=f"{_case_ref(case)}{employer.name} 新参保")
    return employer


def _restore_employer(employer, on, actor, channel, case):
    employer.status, employer.status_on = EMPLOYERS.move(employer.status, "register"), on
    employer.save(update_fields=["status", "status_on", "updated_at"])
    suspended = Enrollment.objects.filter(employer=employer, status=ES.SUSPENDED)
    for enrollment in _locked(Enrollment, suspended.values_list("pk", flat=True)):
        _apply(enrollment, K.RESUME, on=on, reason="单位恢复参保", actor=actor, channel=channel, case=case)
    record(actor=acting_user(actor), channel=channel, action="单位恢复参保", obj=employer,
           summary=f"{_case_ref(case)}{employer.name} 恢复参保", changes={"status": ["suspended", "active"]})
    return employer


def suspend_employer(employer, *, on, reason="", actor, channel, case=None):
    """暂停参保: the unit and its contributing employees are suspended."""
    with transaction.atomic():
        employer = _lock_one(employer)
        employer.status = EMPLOYERS.move(
            employer.status, "suspend", message=f"{employer.name}当前为“{employer.get_status_display()}”，不能暂停参保")
        employer.status_on = on
        employer.save(update_fields=["status", "status_on", "updated_at"])
        active = Enrollment.objects.filter(employer=employer, status=ES.ACTIVE)
        for enrollment in _locked(Enrollment, active.values_list("pk", flat=True)):
            _apply(enrollment, K.SUSPEND, on=on, reason="单位暂停参保", actor=actor, channel=channel, case=case)
        record(actor=acting_user(actor), channel=channel, action="单位暂停参保", obj=employer,
               summary=f"{_case_ref(case)}{employer.name} 暂停参保 {reason}".strip(),
               changes={"status": ["active", "suspended"]})
    return employer


def open_enrollments_of(employer):
    return Enrollment.objects.filter(employer=employer, status__in=OPEN_STATUSES)


def cancel_employer(employer, *, on, reason="", actor, channel, case=None):
    """注销登记: only once no employee is enrolled through the unit any more."""
    with transaction.atomic():
        employer = _lock_one(employer)
        EMPLOYERS.move(employer.status, "cancel", message=f"{employer.name}已注销")
        employees = open_enrollments_of(employer).count()
        if employees:
            raise EmployerHasActiveEmployees(
                f"{employer.name}尚有{employees}名在册职工，请先为其办理减少或终止后再注销", employees=employees)
        _end_employer(employer, on)
        record(actor=acting_user(actor), channel=channel, action="单位注销登记", obj=employer,
               summary=f"{_case_ref(case)}{employer.name} 注销登记 {reason}".strip(),
               changes={"status": [employer.status, "cancelled"]})
    return employer


def _end_employer(employer, on):
    employer.status, employer.status_on = EmployerStatus.CANCELLED, on
    employer.save(update_fields=["status", "status_on", "updated_at"])


def _transfer_employees(source, target, id_numbers, *, on, reason, actor, channel, case):
    """Move the open enrolments of `id_numbers` (all when None) from `source` to `target`: 减少 at
    the one, 增加 at the other, the status kept."""
    open_ = open_enrollments_of(source)
    if id_numbers is not None:
        open_ = open_.filter(person__id_number__in=list(id_numbers))
    moved = 0
    for enrollment in _locked(Enrollment, open_.values_list("pk", flat=True)):
        status = enrollment.status
        _apply(enrollment, K.REDUCE, on=on, reason=reason, actor=actor, channel=channel, case=case)
        new = Enrollment.objects.create(person_id=enrollment.person_id, scheme=Scheme.EMPLOYEE, employer=target,
                                        region=target.region, status=status, start_on=on)
        _history(new, K.ENROL, "", on=on, reason=reason, actor=actor, channel=channel, case=case)
        moved += 1
    return moved


def _link(predecessor, successor, kind, on, case):
    EmployerLink.objects.create(predecessor=predecessor, successor=successor, kind=kind, on=on, case=case)


def split_employer(source, *, successors, on, actor, channel, case=None, divide=False):
    """拆分 (the source continues) or 分立 (divide=True: the source is cancelled and every one of
    its employees must go to a successor). `successors`: [{employer data..., "employees": [ID]}]."""
    kind = LineageKind.DIVIDE if divide else LineageKind.SPLIT
    with transaction.atomic():
        source = _lock_one(source)
        EMPLOYERS.move(source.status, "divide" if divide else "split",
                       message=f"{source.name}当前为“{source.get_status_display()}”，不能办理{kind.label}")
        assigned = [n for s in successors for n in s.get("employees", [])]
        if divide:
            left = open_enrollments_of(source).exclude(person__id_number__in=assigned).count()
            if left:
                raise EmployerHasActiveEmployees(
                    f"分立后原单位注销，尚有{left}名在册职工未分配到分立后的单位", employees=left)
        made, moved = [], 0
        for spec in successors:
            data = {k: v for k, v in spec.items() if k != "employees"}
            new = register_employer(region=source.region, data=data, on=on, actor=actor, channel=channel, case=case)
            _link(source, new, kind, on, case)
            moved += _transfer_employees(source, new, spec.get("employees", []), on=on,
                                         reason=f"单位{kind.label}", actor=actor, channel=channel, case=case)
            made.append(new)
        if divide:
            _end_employer(source, on)
        record(actor=acting_user(actor), channel=channel, action=f"单位{kind.label}", obj=source,
               summary=f"{_case_ref(case)}{source.name} {kind.label}为 {'、'.join(e.name for e in made)}",
               changes={"successors": [e.uscc for e in made], "employees_moved": moved})
    return made, moved


def merge_employers(target, *, sources, on, actor, channel, case=None):
    """合并: `sources` join `target`; their employees move to it and they are cancelled."""
    with transaction.atomic():
        locked = _locked(Employer, [target.pk, *(s.pk for s in sources)])
        by_pk = {e.pk: e for e in locked}
        target = by_pk[target.pk]
        for employer in locked:
            EMPLOYERS.move(employer.status, "merge", EmployerStatus.ACTIVE,
                           message=f"{employer.name}当前为“{employer.get_status_display()}”，不能办理合并")
        moved = 0
        for source in (by_pk[s.pk] for s in sources):
            _link(source, target, LineageKind.MERGE, on, case)
            moved += _transfer_employees(source, target, None, on=on, reason="单位合并", actor=actor,
                                         channel=channel, case=case)
            _end_employer(source, on)
        record(actor=acting_user(actor), channel=channel, action="单位合并", obj=target,
               summary=f"{_case_ref(case)}{'、'.join(by_pk[s.pk].name for s in sources)} 并入 {target.name}",
               changes={"merged": [by_pk[s.pk].uscc for s in sources], "employees_moved": moved})
    return target, moved


# ---------------------------------------------------------------- persons


def person_particulars(id_type, id_number, *, name, sex=None, birth_date=None):
    """Validated particulars of a person; for a 身份证-like number sex and birth date come from
    the number and must agree with what was given."""
    number = validate_id(id_type, id_number)
    name = (name or "").strip()
    if not name:
        raise IdentityMismatch("请填写姓名")
    if len(number) == 18 and is_digits(number[:17]) and id_type != "foreigner_pr":
        from_number = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sex_from_number = "M" if int(number[16]) % 2 else "F"
        if birth_date and birth_date != from_number:
            raise IdentityMismatch("出生日期与证件号码不一致")
        if sex and sex != sex_from_number:
            raise IdentityMismatch("性别与证件号码不一致")
        birth_date, sex = from_number, sex_from_number
    if not sex or not birth_date:
        raise IdentityMismatch("该证件号码不含性别和出生日期，请填写")
    return {"id_type": id_type, "id_number": number, "name": name, "sex": sex, "birth_date": birth_date}


def ensure_person(region, particulars, *, phone="", actor, channel, case=None):
    """The registered person with these particulars, registering them if new. A number already
    registered under another name is refused: a change of name is an information change."""
    try:
        person = Person.objects.get(id_number=particulars["id_number"])
    except Person.DoesNotExist:
        try:
            with transaction.atomic():
                person = Person.objects.create(region=region, phone=phone, **particulars)
        except IntegrityError:
            person = Person.objects.get(id_number=particulars["id_number"])
        else:
            if phone:
                PersonPhone.objects.create(person=person, phone=phone, case=case, channel=channel)
            record(actor=acting_user(actor), channel=channel, action="参保人员登记", obj=person,
                   summary=f"{_case_ref(case)}{person}")
            return person
    if person.name != particulars["name"]:
        raise IdentityMismatch(
            f"证件号码{person.masked_id}已登记，姓名与登记信息不一致；如需更正请办理参保信息变更登记")
    return person


def move_person(person, region, *, actor, channel, case=None):
    """The person's 参保地 becomes `region` (关系转入 from another region)."""
    with transaction.atomic():
        person = _lock_one(person)
        if person.region_id == region.pk:
            return person
        before = person.region.name if person.region_id else ""
        person.region = region
        person.save(update_fields=["region", "updated_at"])
        record(actor=acting_user(actor), channel=channel, action="参保地变更", obj=person,
               summary=f"{_case_ref(case)}{person} 参保地变更为{region.name}", changes={"region": [before, region.name]})
    return person


def change_phone(person, phone, *, actor, channel, case=None):
    """参保人员电话号码新增和更改: the old number stays in the history."""
    phone = validate_phone(phone)
    with transaction.atomic():
        person = _lock_one(person)
        if person.phone == phone:
            raise NothingToChange("新号码与登记的号码相同，无需变更")
        before = person.phone
        person.phone = phone
        person.save(update_fields=["phone", "updated_at"])
        PersonPhone.objects.create(person=person, phone=phone, case=case, channel=channel)
        record(actor=acting_user(actor), channel=channel, action="电话号码变更", obj=person,
               summary=f"{_case_ref(case)}{person} {'新增' if not before else '更改'}电话号码",
               changes={"phone": [before[-4:] if before else "", phone[-4:]]})
    return person


def _field_changes(obj, changes, *, labels, key_fields, evidence, actor, channel, case, subject):
    """Apply `changes` ({field: new value}) to `obj`, one FieldChange per changed field; a key
    field needs `evidence` (the names of the supporting materials)."""
    changed = {f: v for f, v in changes.items() if str(getattr(obj, f)) != str(v)}
    if not changed:
        raise NothingToChange("变更后的信息与登记信息相同，无需变更")
    key = [f for f in changed if f in key_fields]
    evidence = (evidence or "").strip()
    if key and not evidence:
        raise EvidenceRequired(
            f"变更{'、'.join(labels[f] for f in key)}等关键信息须提供必要的佐证资料", fields=key)
    rows = []
    for field, value in changed.items():
        old = getattr(obj, field)
        setattr(obj, field, value)
        rows.append(FieldChange(field=field, label=labels[field], old_value=str(old or ""), new_value=str(value or ""),
                                key=field in key, evidence=evidence if field in key else "", case=case,
                                actor=acting_user(actor), channel=channel, **{subject: obj}))
    try:
        with transaction.atomic():
            obj.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise IdentityMismatch("变更后的证件号码（或统一社会信用代码）已被其他登记使用") from None
    FieldChange.objects.bulk_create(rows)
    masked = {f: [MASKED.get(f, str)(str(r.old_value)), MASKED.get(f, str)(str(r.new_value))]
              for f, r in zip(changed, rows)}
    record(actor=acting_user(actor), channel=channel, action="信息变更登记", obj=obj,
           summary=f"{_case_ref(case)}{obj} 变更{'、'.join(labels[f] for f in changed)}", changes=masked)
    return rows


def change_employer(employer, changes, *, key_fields, evidence="", actor, channel, case=None):
    """单位参保信息变更登记."""
    unknown = set(changes) - set(EMPLOYER_FIELDS)
    if unknown:
        raise NothingToChange(f"不能变更的字段：{'、'.join(sorted(unknown))}")
    if "uscc" in changes:
        changes = {**changes, "uscc": validate_id("uscc", changes["uscc"])}
    with transaction.atomic():
        employer = _lock_one(employer)
        EMPLOYERS.move(employer.status, "change", message=f"{employer.name}已注销，不能变更信息")
        return _field_changes(employer, changes, labels=EMPLOYER_FIELDS, key_fields=key_fields, evidence=evidence,
                              actor=actor, channel=channel, case=case, subject="employer")


def change_person(person, changes, *, key_fields, evidence="", actor, channel, case=None):
    """职工 / 城乡居民参保信息变更登记: name, sex, ID and birth date, checked together."""
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise NothingToChange(f"不能变更的字段：{'、'.join(sorted(unknown))}")
    with transaction.atomic():
        person = _lock_one(person)
        merged = {f: changes.get(f, getattr(person, f)) for f in PERSON_FIELDS}
        checked = person_particulars(merged["id_type"], merged["id_number"], name=merged["name"],
                                     sex=merged["sex"], birth_date=merged["birth_date"])
        changes = {f: checked[f] for f in PERSON_FIELDS if str(checked[f]) != str(getattr(person, f))}
        return _field_changes(person, changes, labels=PERSON_FIELDS, key_fields=key_fields, evidence=evidence,
                              actor=actor, channel=channel, case=case, subject="person")


# ---------------------------------------------------------------- enrolments


def _history(enrollment, kind, from_status, *, on, reason, actor, channel, case, sheet=None, sheet_row=None):
    return EnrollmentChange.objects.create(
        enrollment=enrollment, kind=kind, from_status=from_status, to_status=enrollment.status, on=on,
        reason=(reason or "")[:200], case=case, sheet=sheet, sheet_row=sheet_row, actor=acting_user(actor), channel=channel,
    )


def open_enrollment(person, scheme):
    return Enrollment.objects.filter(person=person, scheme=scheme, status__in=OPEN_STATUSES).first()


def enrol(person, scheme, *, employer=None, region, on, actor, channel, case=None, reason=""):
    """新增/增加 (employees, through `employer` or as a flexible worker) or 新参保 (residents)."""
    with transaction.atomic():
        person = _lock_one(person)
        PERSONS.move(person.status, "enrol", message=f"{person}登记为“{person.get_status_display()}”，不能参保")
        if employer is not None:
            employer = _lock_one(employer)
            EMPLOYERS.move(employer.status, "add_employees",
                           message=f"{employer.name}当前为“{employer.get_status_display()}”，不能增加职工")
        current = open_enrollment(person, scheme)
        if current is not None:
            raise already_enrolled(person, current)
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(person=person, scheme=scheme, employer=employer,
                                                       region=region, start_on=on)
        except IntegrityError:  # a concurrent enrolment won the race
            raise already_enrolled(person, open_enrollment(person, scheme)) from None
        _history(enrollment, K.ENROL, "", on=on, reason=reason, actor=actor, channel=channel, case=case)
        record(actor=acting_user(actor), channel=channel, action="参保登记", obj=enrollment,
               summary=f"{_case_ref(case)}{person} {enrollment.get_scheme_display()} {enrollment.category}"
                       f"{'（' + employer.name + '）' if employer else ''} 自{on}起参保")
    return enrollment


def already_enrolled(person, current):
    where = f"（{current.employer.name}）" if current is not None and current.employer_id else ""
    scheme = current.get_scheme_display() if current is not None else "该险种"
    return AlreadyEnrolled(f"{person}已参加{scheme}{where}，不能重复参保", scheme=current.scheme if current else "")


def _apply(enrollment, kind, *, on, reason, actor, channel, case, sheet=None, sheet_row=None):
    """One status step on a locked enrolment, checked against its scheme's machine (machines.py)."""
    target = ENROLLMENTS[enrollment.scheme].move(enrollment.status, kind)
    if on < enrollment.start_on:
        raise InvalidStatusChange(f"变动日期不能早于参保日期{enrollment.start_on}")
    if kind == K.RESUME and enrollment.employer_id:
        EMPLOYERS.move(enrollment.employer.status, "resume_employees",
                       message=f"{enrollment.employer.name}未正常参保，不能恢复其职工的参保")
    from_status = enrollment.status
    enrollment.status = target
    fields = ["status", "updated_at"]
    if target == ES.ENDED:
        enrollment.end_on = on
        fields.append("end_on")
    enrollment.save(update_fields=fields)
    return _history(enrollment, kind, from_status, on=on, reason=reason, actor=actor, channel=channel, case=case,
                    sheet=sheet, sheet_row=sheet_row)


def change_enrollment(person, scheme, kind, *, on, reason="", employer=None, actor, channel, case=None):
    """减少, 暂停, 中断, 终止, 恢复 or 在职转退休 of the person's open enrolment in `scheme`. With
    `employer`, the enrolment must be through that employer (a unit acts on its own employees)."""
    with transaction.atomic():
        current = open_enrollment(person, scheme)
        if current is None:
            raise NotEnrolled(f"{person}未参加{Scheme(scheme).label}或参保关系已终止")
        # of=self: the employer join is an outer join (flexible workers), which PostgreSQL cannot lock.
        enrollment = (Enrollment.objects.select_for_update(of=("self",)).select_related("employer", "person")
                      .get(pk=current.pk))
        if employer is not None and enrollment.employer_id != employer.pk:
            raise NotEnrolled(f"{person}不是{employer.name}的在册职工")
        change = _apply(enrollment, kind, on=on, reason=reason, actor=actor, channel=channel, case=case)
        record(actor=acting_user(actor), channel=channel, action=f"参保{ChangeKind(kind).label}", obj=enrollment,
               summary=f"{_case_ref(case)}{person} {enrollment.get_scheme_display()} {ChangeKind(kind).label}"
                       f"{'：' + reason if reason else ''}",
               changes={"status": [change.from_status, change.to_status], "on": on.isoformat()})
    return enrollment


def record_death_or_emigration(person, status, *, on, actor, channel, case=None):
    """死亡 or 出国（境）定居: the person's status, and every open enrolment of theirs 终止."""
    reason = PersonStatus(status).label
    with transaction.atomic():
        person = _lock_one(person)
        person.status = PERSONS.move(person.status, status,
                                     message=f"{person}已登记为“{person.get_status_display()}”")
        person.status_on = on
        person.save(update_fields=["status", "status_on", "updated_at"])
        ended = []
        pks = Enrollment.objects.filter(person=person, status__in=OPEN_STATUSES).values_list("pk", flat=True)
        for enrollment in _locked(Enrollment, pks):
            _apply(enrollment, K.TERMINATE, on=max(on, enrollment.start_on), reason=reason, actor=actor,
                   channel=channel, case=case)
            ended.append(enrollment.get_scheme_display())
        record(actor=acting_user(actor), channel=channel, action=f"人员{reason}", obj=person,
               summary=f"{_case_ref(case)}{person} {reason}，终止参保：{'、'.join(ended) or '无'}",
               changes={"status": ["living", status], "on": on.isoformat()})
    return person, ended


def record_shared_death(id_number, died_on, *, source, actor, channel):
    """A death received through data sharing; the termination for death then needs no document."""
    with transaction.atomic():
        shared, created = SharedDeath.objects.update_or_create(
            id_number=id_number, defaults={"died_on": died_on, "source": source[:100]})
        record(actor=acting_user(actor), channel=channel, action="接收共享死亡信息", obj=shared,
               summary=f"{mask_id_number(id_number)} {died_on}（{source}）")
    return shared


def today():
    return timezone.localdate()
