"""What each status of the registers allows (core.machine): enrolments by scheme, employers and
persons. The actions ask these before they change a status; the handlers and the sheet import
ask them before anything is written."""
from yibao.core.machine import Machine
from yibao.enrollment.exceptions import EmployerNotActive, InvalidStatusChange
from yibao.enrollment.models import (
    OPEN_STATUSES,
    ChangeKind,
    EmployerStatus,
    EnrollmentStatus,
    PersonStatus,
    Scheme,
)

ES = EnrollmentStatus
K = ChangeKind

# (kind) -> (statuses it applies to, status it leads to, schemes it exists in)
TRANSITIONS = {
    K.REDUCE: (set(OPEN_STATUSES), ES.ENDED, {Scheme.EMPLOYEE}),
    K.SUSPEND: ({ES.ACTIVE}, ES.SUSPENDED, {Scheme.EMPLOYEE, Scheme.RESIDENT}),
    K.INTERRUPT: ({ES.ACTIVE}, ES.INTERRUPTED, {Scheme.EMPLOYEE}),
    K.TERMINATE: (set(OPEN_STATUSES), ES.ENDED, {Scheme.EMPLOYEE, Scheme.RESIDENT}),
    K.RESUME: ({ES.SUSPENDED, ES.INTERRUPTED}, ES.ACTIVE, {Scheme.EMPLOYEE, Scheme.RESIDENT}),
    K.RETIRE: ({ES.ACTIVE, ES.INTERRUPTED}, ES.RETIRED, {Scheme.EMPLOYEE}),
}


def _enrollments(scheme):
    return Machine(
        {(status, kind): target for kind, (allowed, target, schemes) in TRANSITIONS.items() if scheme in schemes
         for status in allowed},
        error=InvalidStatusChange, names=("status", "kind"),
        refusal=lambda status, kind: f"{Scheme(scheme).label}参保关系当前为“{ES(status).label}”，不能办理“{K(kind).label}”",
    )


ENROLLMENTS = {scheme: _enrollments(scheme) for scheme in Scheme}


# An employer's status and what it allows: action -> (its name in messages, {status: the status it
# leads to}). A status leading to itself allows the action without changing.
EMS = EmployerStatus
EMPLOYER_ACTIONS = {
    "register": ("参保登记", {EMS.SUSPENDED: EMS.ACTIVE}),  # again, by a suspended unit: restores it
    "suspend": ("暂停参保", {EMS.ACTIVE: EMS.SUSPENDED}),
    "cancel": ("注销登记", {EMS.ACTIVE: EMS.CANCELLED, EMS.SUSPENDED: EMS.CANCELLED}),
    "change": ("变更信息", {EMS.ACTIVE: EMS.ACTIVE, EMS.SUSPENDED: EMS.SUSPENDED}),
    "add_employees": ("增加职工", {EMS.ACTIVE: EMS.ACTIVE}),
    "resume_employees": ("恢复职工参保", {EMS.ACTIVE: EMS.ACTIVE}),
    "split": ("拆分", {EMS.ACTIVE: EMS.ACTIVE}),
    "divide": ("分立", {EMS.ACTIVE: EMS.CANCELLED}),
    "merge": ("合并", {EMS.ACTIVE: {EMS.ACTIVE, EMS.CANCELLED}}),  # the target stays, the sources end
}

# A person's status and what it allows, likewise.
PS = PersonStatus
PERSON_ACTIONS = {
    "enrol": ("参保", {PS.LIVING: PS.LIVING}),
    "claim_credential": ("申领医保电子凭证", {PS.LIVING: PS.LIVING}),
    "abandon": ("主动放弃", {PS.LIVING: PS.LIVING}),
    PS.DECEASED: ("死亡登记", {PS.LIVING: PS.DECEASED}),  # record_death_or_emigration names the status
    PS.EMIGRATED: ("出国（境）定居登记", {PS.LIVING: PS.EMIGRATED}),
}


def _statuses(actions, statuses, error, subject):
    """A machine of a register's statuses; its errors carry no details, as the checks never did."""
    return Machine({(status, action): to for action, (_, moves) in actions.items() for status, to in moves.items()},
                   error=error, names=None,
                   refusal=lambda status, action: f"{subject}当前为“{statuses(status).label}”，不能{actions[action][0]}")


EMPLOYERS = _statuses(EMPLOYER_ACTIONS, EmployerStatus, EmployerNotActive, "参保单位")
PERSONS = _statuses(PERSON_ACTIONS, PersonStatus, InvalidStatusChange, "该人员")
