"""What can go wrong with a maternity case: each a DomainCheckFailed of the case engine, so a
refusal reaches the applicant, the workbench and the API as a structured error."""
from yibao.cases.interface import DomainCheckFailed


class MaternityError(DomainCheckFailed):
    code = "maternity_error"


class NotEligible(MaternityError):
    """Not an insured employee (or employer) this benefit is for."""

    code = "maternity_not_eligible"


class MaterialCondition(MaternityError):
    """A condition the guide states on the materials (termination contract, 承诺书, seals)."""

    code = "material_condition"


class AlreadyClaimed(MaternityError):
    """The benefit (or an invoice) is held by another case."""

    code = "maternity_already_claimed"


class NotInBundle(MaternityError):
    """The guide in force does not pay these items together."""

    code = "not_paid_together"


class CannotPay(MaternityError):
    code = "maternity_cannot_calculate"
