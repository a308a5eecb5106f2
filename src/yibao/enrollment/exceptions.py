"""What can go wrong when a register changes. Each is a DomainCheckFailed of the case engine, so
a handler's refusal reaches the applicant (and the API) as a structured error with its own code."""
from yibao.cases.interface import DomainCheckFailed


class RegisterError(DomainCheckFailed):
    code = "register_error"


class AlreadyEnrolled(RegisterError):
    """The person already has an open enrolment in the scheme."""

    code = "already_enrolled"


class NotEnrolled(RegisterError):
    code = "not_enrolled"


class EmployerNotFound(RegisterError):
    code = "employer_not_found"


class EmployerAlreadyRegistered(RegisterError):
    code = "employer_registered"


class EmployerNotActive(RegisterError):
    code = "employer_not_active"


class EmployerHasActiveEmployees(RegisterError):
    """An employer cannot be cancelled (or divided away) while employees are enrolled through it."""

    code = "employer_has_employees"


class PersonNotFound(RegisterError):
    code = "person_not_found"


class IdentityMismatch(RegisterError):
    """The number is registered under other particulars, or the particulars contradict the number."""

    code = "identity_mismatch"


class InvalidStatusChange(RegisterError):
    """The sub-type does not apply to the enrolment's (or employer's) current status."""

    code = "invalid_status_change"


class SubTypeNotOffered(RegisterError):
    """The region's guide does not list this sub-type (攀枝花 lists no 拆分, 合并, 分立)."""

    code = "sub_type_not_offered"


class EvidenceRequired(RegisterError):
    """A key field (R06/R07) changes without supporting evidence."""

    code = "evidence_required"


class NothingToChange(RegisterError):
    code = "nothing_to_change"


class NotTheApplicantsRecord(RegisterError):
    """An applicant may act on their own record, or an employer on its own employees'."""

    code = "not_own_record"


class ParametersMissing(DomainCheckFailed):
    """No version of the region's parameters covers the date, or it lacks the figure needed."""

    code = "parameters_missing"
