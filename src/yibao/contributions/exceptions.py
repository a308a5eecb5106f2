"""What can go wrong with contributions, queries and credentials. Each is a RegisterError (a
DomainCheckFailed of the case engine), so a refusal reaches the applicant and the API as a
structured error with its own code and a Chinese message."""
from yibao.enrollment.exceptions import RegisterError


class BaseOutOfBounds(RegisterError):
    """A declared or chosen base under the floor or over the ceiling of the parameters."""

    code = "base_out_of_bounds"


class CollectedByHRSS(RegisterError):
    """The unit's contributions are collected by 人社 (R24): its base follows 人社's rules."""

    code = "collected_by_hrss"


class BaseAlreadyDeclared(RegisterError):
    code = "base_already_declared"


class InvalidDeclaration(RegisterError):
    """Rows of a base declaration (case data or sheet) that cannot be applied; `errors` lists
    them by row (and column, for a sheet)."""

    code = "invalid_declaration"


class InvalidPeriod(RegisterError):
    code = "invalid_period"


class MonthsAlreadyAssessed(RegisterError):
    """A month already owed or paid would be demanded twice."""

    code = "months_already_assessed"


class NotFlexibleWorker(RegisterError):
    code = "not_flexible_worker"


class LumpSumNotNeeded(RegisterError):
    """The person already has the region's required contribution years."""

    code = "lump_sum_not_needed"


class LumpSumOutstanding(RegisterError):
    """An earlier 趸缴 notice is still unpaid."""

    code = "lump_sum_outstanding"


class RetirementApprovalRequired(RegisterError):
    """R22: 退休审批资料 (or, where the guide allows it, a 承诺书) is missing or not allowed."""

    code = "retirement_approval_required"


class NoticeNotPayable(RegisterError):
    code = "notice_not_payable"


class CredentialAlreadyActive(RegisterError):
    code = "credential_active"


class CertificateNotFound(RegisterError):
    code = "certificate_not_found"
