"""What can refuse a filing, its change or its cancellation. Each is a DomainCheckFailed of the
case engine, so a refusal reaches the applicant, the workbench and the API with its reason (R38)."""
from yibao.cases.interface import DomainCheckFailed


class FilingError(DomainCheckFailed):
    code = "filing_error"


class NoBasis(FilingError):
    """Neither proof nor a personal commitment (R36)."""

    code = "filing_no_basis"


class ValidityBelowFloor(FilingError):
    """A temporary filing asked for a shorter validity than the floor."""

    code = "filing_validity_below_floor"


class FilingOverlap(FilingError):
    """A filing of the same class already covers part of the period."""

    code = "filing_overlap"


class TraumaCrossProvince(FilingError):
    """R34: trauma is not settled directly across provinces."""

    code = "filing_trauma_cross_province"


class BackdateNotAllowed(FilingError):
    """补办 only back to an admission, and only until its discharge settlement."""

    code = "filing_backdate_not_allowed"


class FilingLocked(FilingError):
    """A commitment filing inside its lock period."""

    code = "filing_locked"


class FilingNotFound(FilingError):
    code = "filing_not_found"


class InvalidFilingMove(FilingError):
    """The filing's status does not allow the change (the machine's refusal)."""

    code = "filing_invalid_move"


class NotReferringProvider(FilingError):
    """R39: only the referral is filed by a designated provider for the patient."""

    code = "filing_not_by_provider"


class ParametersMissing(FilingError):
    code = "filing_parameters_missing"
