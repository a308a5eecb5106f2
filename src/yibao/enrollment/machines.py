"""What each status of the registers allows (core.machine): enrolments by scheme, employers and
persons. The actions ask these before they change a status; the handlers and the sheet import
ask them before anything is written."""
from django.db import models

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


class EmployerAction(models.TextChoices):
    REGISTER = "register", "参保登记"  # again, by a suspended unit: restores it
    SUSPEND = "suspend", "暂停参保"
    CANCEL = "cancel", "注销登记"
    CHANGE = "change", "变更信息"
    ADD_EMPLOYEES = "add_employees", "增加职工"
    RESUME_EMPLOYEES = "resume_employees", "恢复职工参保"
    SPLIT = "split", "拆分"
    DIVIDE = "divide", "分立"
    MERGE = "merge", "合并"


EA, EMS = EmployerAction, EmployerStatus
EMPLOYERS = Machine(
    {
        (EMS.SUSPENDED, EA.REGISTER): EMS.ACTIVE,
        (EMS.ACTIVE, EA.SUSPEND): EMS.SUSPENDED,
        (EMS.ACTIVE, EA.CANCEL): EMS.CANCELLED,
        (EMS.SUSPENDED, EA.CANCEL): EMS.CANCELLED,
        (EMS.ACTIVE, EA.CHANGE): EMS.ACTIVE,
        (EMS.SUSPENDED, EA.CHANGE): EMS.SUSPENDED,
        (EMS.ACTIVE, EA.ADD_EMPLOYEES): EMS.ACTIVE,
        (EMS.ACTIVE, EA.RESUME_EMPLOYEES): EMS.ACTIVE,
        (EMS.ACTIVE, EA.SPLIT): EMS.ACTIVE,
        (EMS.ACTIVE, EA.DIVIDE): EMS.CANCELLED,
        (EMS.ACTIVE, EA.MERGE): {EMS.ACTIVE, EMS.CANCELLED},  # the target stays, the sources end
    },
    error=EmployerNotActive, names=None,
    refusal=lambda status, action: f"参保单位当前为“{EMS(status).label}”，不能办理{EA(action).label}",
)


class PersonAction(models.TextChoices):
    ENROL = "enrol", "参保"
    DIE = "die", "死亡登记"
    EMIGRATE = "emigrate", "出国（境）定居登记"
    CLAIM_CREDENTIAL = "claim_credential", "申领医保电子凭证"
    ABANDON = "abandon", "主动放弃"


PA, PS = PersonAction, PersonStatus
PERSONS = Machine(
    {
        (PS.LIVING, PA.ENROL): PS.LIVING,
        (PS.LIVING, PA.DIE): PS.DECEASED,
        (PS.LIVING, PA.EMIGRATE): PS.EMIGRATED,
        (PS.LIVING, PA.CLAIM_CREDENTIAL): PS.LIVING,
        (PS.LIVING, PA.ABANDON): PS.LIVING,
    },
    error=InvalidStatusChange, names=None,
    refusal=lambda status, action: f"该人员登记为“{PS(status).label}”，不能{PA(action).label}",
)
# record_death_or_emigration is asked for the status it records.
PERSON_ACTION_FOR = {PS.DECEASED: PA.DIE, PS.EMIGRATED: PA.EMIGRATE}
